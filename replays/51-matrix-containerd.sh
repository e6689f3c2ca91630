# Found by `dockspec matrix --verify` on the containerd image store: rmi -f of the last tag of an
# image a stopped container uses only untags it (20.10 and the graph-driver store delete it)
docker import base.tar base:1
docker run --network none --name ctr1 base:1 true
docker rmi -f base:1
docker images -a --format '{{.Repository}}:{{.Tag}}'
docker ps -a --format '{{.Names}} {{.Status}}'
docker rm ctr1
docker images -a --format '{{.Repository}}:{{.Tag}}'
