# a build whose RUN cannot be run: its image has no /bin/sh (buildah: a failed step, exit 1)
docker import base.tar base:1
docker run --network none --name k1 base:1 rm /bin/sh
docker commit k1 nosh:1
docker build --network none -t n:1 contexts/nosh
docker images -a --format '{{.Repository}}:{{.Tag}}'
docker ps -a --format '{{.Names}} {{.Status}}'
docker tag base:1 base:v1
docker build --network none -t t:1 contexts/fromtag
docker history t:1
docker run --network none --name k2 base:v1 true
docker commit k2 t:2
docker history t:2
