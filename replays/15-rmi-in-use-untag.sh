# rmi of a tag used by a container when the image has another tag; rmi -f by id while in use
docker import base.tar base:1
docker tag base:1 base:2
docker run --network none --name u1 base:1 true
docker rmi base:1
docker rmi base:2
docker images -a
docker ps -a --format '{{.Names}} {{.Image}}'
docker run -d --network none --name u2 base:2 sleep 1000
docker rmi -f {id:base:2}
docker rm -f u2
docker rmi -f {id:base:2}
docker ps -a --format '{{.Names}} {{.Image}} {{.Status}}'
docker images -a
