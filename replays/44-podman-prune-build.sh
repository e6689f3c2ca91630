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
# commit's FROM row after one more tag: 4.3 names the first tag, 5.4 the newest (also for a container created by id)
docker tag base:1 zz:1
docker run --network none --name k3 {id:base:1} true
docker commit k3 t:3
docker history t:3
