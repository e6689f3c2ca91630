# A command the image lacks, by path and by name: runc stats a path ("stat /bin/sh: no such file or
# directory") and looks a name up in $PATH ("executable file not found in $PATH"), on every engine.
# A build FROM an image without /bin/sh: the legacy builder refuses the RUN as run does (exec_not_found;
# 26.1 and 28.5 wrap it in "failed to create task for container"); BuildKit's RUN fails with exit code 1
# (build_failed). Found by bench/soak (28.5-containerd, seed 607).
docker import base.tar base:1
docker save -o nosh.tar base:1
docker import nosh.tar nosh:1
docker run --network none --name r1 nosh:1 /bin/sh -c true
docker run --network none --name r2 nosh:1 sh -c true
docker create --network none --name r3 nosh:1 /bin/sh -c true
docker start r3
DOCKER_BUILDKIT=0 docker build -t img1 --network none contexts/nosh
docker build -t img2 --network none contexts/nosh
DOCKER_BUILDKIT=0 docker build -t img3 --network none contexts/nocmd
docker build -t img4 --network none contexts/nocmd
docker ps -a --format '{{.Names}} {{.Status}}'
