# rmi refusals: in use by containers, children, multiple tags
docker import base.tar base:1
docker run --network none --name u1 base:1 true
docker rmi base:1
docker images
docker run -d --network none --name u2 base:1 sleep 1000
docker rmi base:1
docker rmi -f base:1
docker images -a
docker ps -a --format '{{.Names}} {{.Image}} {{.Status}}'
docker inspect --format '{{.Image}}' u1
docker rm -f u1 u2
docker images -a
