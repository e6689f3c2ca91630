# The order of an image's names: a name moved onto an image from another becomes its newest (both Podmans);
# a name given again to the image that has it becomes the newest on Podman 5.4 only.  Docker's lists sort
# names.  Seen through a container created by the image's id (4.3: its first name) and commit's FROM row
# (5.4: the image's newest name).  Found by bench/soak (podman-5.4 seed 928, podman-4.3 seed 941 of round 5).
docker import base.tar base:1
docker run --name c0 --network none base:1 touch /tmp/x
docker commit c0 other:1
docker tag base:1 other:2
docker tag base:1 base:3
docker tag other:1 base:1
docker create --name c1 --network none {id:other:1} sleep 1000
docker ps -a --format '{{.Names}} {{.Image}}'
docker commit c1 img1
docker history --format '{{.CreatedBy}} {{.Comment}}' img1
docker tag other:1 base:1
docker create --name c2 --network none {id:other:1} sleep 1000
docker ps -a --format '{{.Names}} {{.Image}}'
docker commit c2 img2
docker history --format '{{.CreatedBy}} {{.Comment}}' img2
docker tag base:3 other:2
docker create --name c3 --network none {id:base:3} sleep 1000
docker commit c3 img3
docker history --format '{{.CreatedBy}} {{.Comment}}' img3
docker ps -a --format '{{.Names}} {{.Image}}'
docker rm c0 c1 c2 c3
