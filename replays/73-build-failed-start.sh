# A build whose RUN cannot start (the FROM image has no /bin/sh) leaves nothing that holds the image on
# Podman and BuildKit (Docker 20.10's legacy builder: its failed step's container): rmi deletes it.
# `podman build` removes its working container whatever happened (--force-rm defaults to true);
# Podman's Docker-compatible handler, sent the docker CLI's forcerm=0, kept it, in state "storage",
# seen only with `podman ps --external`, and it held the FROM image (bench/soak podman-5.4 seed 2003;
# tests/test_conform.py::test_a_failed_build_leaves_nothing_holding_its_image).
docker import base.tar base:1
docker save -o nosh.tar base:1
docker import nosh.tar nosh:1
docker tag nosh:1 nosh:2
docker build -t img1 --network none contexts/nosh
docker rmi nosh:2
docker images -a
docker rmi nosh:1
docker images -a
