# container, image and system prune: what is removed, what stays, the filters, -f and the prompt
docker import base.tar base:1
docker create --network none --name p1 base:1 true
docker run --network none --name p2 base:1 sh -c 'echo hello > /tmp/a; mkdir /x; echo 1234567890 > /x/b'
docker run -d --network none --name p3 base:1 sleep 1000
docker run --network none --name p4 --label keep=yes base:1 true
docker run -d --network none --name p5 base:1 sleep 1000
docker pause p5
docker container prune
docker ps -a --format '{{.Names}} {{.Status}}'
docker container prune -f --filter label=keep=yes
docker ps -a --format '{{.Names}} {{.Status}}'
docker container prune -f --filter until=1h
docker container prune -f --filter status=exited
docker container prune -f --filter label!=keep
docker ps -a --format '{{.Names}} {{.Status}}'
docker container prune -f
docker container prune --force
docker unpause p5
docker run --network none --name s1 base:1 sh -c 'echo hi > /a'
docker commit s1 img1
docker commit s1 img1
docker run --network none --name s2 img1 sh -c 'echo hi > /b'
docker commit s2 img2
docker tag img2 img3
docker images -a
docker image prune
docker image prune -f --filter until=bogus
docker image prune -f --filter until=2h
docker image prune -f
docker images -a
docker rm s2
docker image prune -a -f --filter label=nosuch
docker image prune -a -f
docker images -a
docker rm -f p3 p5
docker system prune
docker system prune -f --filter name=x
docker images -a
docker ps -a
