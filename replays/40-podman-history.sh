# history ids and commit layers: which image a history row names, what commit writes when nothing changed
docker import base.tar base:1
docker create --network none --name n1 base:1 true
docker create --network none --name n2 base:1 true
docker commit n1 c:1
docker commit n2 c:2
docker history c:2
docker run --network none --name r1 base:1 true
docker commit r1 c:3
docker commit r1 c:4
docker history c:4
docker history c:3
docker create --network none --name n3 c:1 true
docker commit n3 c:5
docker history c:5
docker rmi c:1
docker history c:2
docker history c:5
docker images -a
