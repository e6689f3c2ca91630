# rmi of an image that has child images (commit makes a child)
docker import base.tar base:1
docker run --network none --name k1 base:1 touch /f
docker commit k1 child:1
docker rm k1
docker rmi {id:base:1}
docker rmi -f {id:base:1}
docker rmi base:1
docker images -a
docker inspect --format '{{.Parent}}' child:1
docker history child:1
docker rmi child:1
docker images -a
