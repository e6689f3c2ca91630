# Poke around inside a running container.
docker import base.tar base:1
docker run -d --network none --name box base:1 sh -c 'mkdir -p /data && echo "a=1" > /data/a.env && echo "b=2" > /data/b.env && sleep 3600'
docker exec box ls /
docker exec box ls -a /data
docker exec box cat /data/a.env /data/b.env
docker exec box sh -c 'cat /data/*.env | grep -c ='
docker exec box grep -n b /data/b.env
docker exec box head -n 1 /etc/passwd
docker exec box wc -l /etc/passwd
docker exec box sh -c 'ls /data | wc -l'
docker exec box id
docker exec box pwd
docker exec box sh -c 'test -f /data/a.env && echo present || echo missing'
docker exec box find /data -name '*.env'
docker exec box du -sh /data
docker exec box ls -la /data
docker rm -f box
