# image prune -a of an image a container was created from by id, on the containerd store: 28.5 keeps
# the image's last name; 26.1 deletes every name and keeps the image, dangling, for the container.
# By a short id as typed, and by the legacy builder's failed step container (its image: the full id).
# Found by bench/soak (26.1-containerd, seed 702).
docker import -c 'LABEL holder=yes' base.tar holder:1
docker create --name holder --network none holder:1 true
docker import base.tar base:1
docker tag base:1 img1:latest
docker create --name c1 --network none {id:base:1} true
docker image prune -a -f
docker images -a
docker rm c1
docker image prune -a -f
docker images -a
docker import base.tar img1:latest
docker tag img1:latest base:1
DOCKER_BUILDKIT=0 docker build -t img3:latest --network none contexts/fromimg1fail
docker image prune -a -f
docker images -a
docker image prune -f
docker images -a
