# rmi -f of the last tag of an image a stopped or running container uses: 20.10 deletes it under a
# stopped container and only untags it under a running one; the containerd store keeps it, dangling,
# under either (daemon/containerd/image_delete.go)
# a container of another image on the same layer holds that layer, so no prune reclaims it: the
# reclaimed space is 0B however many other images of the engine share busybox's layer
docker import -c 'LABEL holder=yes' base.tar holder:1
docker create --name holder --network none holder:1 true
docker import base.tar base:1
docker create --name ctr1 --network none base:1 true
docker rmi -f base:1
docker images -a
docker rm ctr1
docker image prune -f
docker images -a
docker import base.tar base:1
docker run -d --name ctr2 --network none base:1 sleep 1000
docker rmi -f base:1
docker images -a
docker rm -f ctr2
docker image prune -f
docker images -a
