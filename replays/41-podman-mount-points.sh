# what a start writes into the container's layer, and what diff and commit make of it
docker import base.tar base:1
docker run --network none --name k1 base:1 true
docker diff k1
docker commit k1 c:1
docker run -d --network none --name k2 c:1 sleep 100
docker diff k2
docker exec k2 touch /etc/x
docker diff k2
docker kill k2
docker create --network none --name k3 c:1 true
docker start k3
docker diff k3
docker run --network none --name k4 base:1 sh -c 'rm -f /etc/hosts /etc/hostname'
docker diff k4
