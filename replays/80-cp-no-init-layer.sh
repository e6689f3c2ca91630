# cp into a container of an image without /etc (an import of a `save` archive): Docker's init layer
# gives every container /etc, so the copy lands; Podman has no init layer, and its CLI refuses the
# missing folder ("No such container:path"), until a start made /etc for its mount points.
# Found by bench/soak (podman-5.4, seed 2910).
docker import base.tar base:1
docker save -o save1.tar base:1
docker import save1.tar img1:latest
docker create --name c1 --network none img1:latest true
docker cp cp/hello.txt c1:/etc/passwd
docker cp c1:/etc/hostname out1
docker rm c1
