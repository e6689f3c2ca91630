# Found by `dockspec matrix --verify` on Podman: a container made from an untagged reference
# keeps it with its tag (podman: img1:latest; Docker: img1 as typed)
docker import base.tar base:1
docker tag base:1 img1
docker create --network none --name ctr1 img1 true
docker create --network none --name ctr2 base:1 true
docker ps -a --format '{{.Names}} {{.Image}}'
docker run -d --network none --name ctr3 img1 true
docker rm ctr1
docker rm ctr2
docker rm ctr3
