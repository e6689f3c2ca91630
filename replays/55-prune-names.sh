# image prune -a with containers: the containerd image store prunes names, not images
# (model/prune.py; daemon/containerd/image_prune.go). On 20.10 and the overlay2 stores of 26.1/28.5
# an image a container uses keeps its last tag (the others are untagged in sorted order); on the
# containerd store the name each container was created from stays, every other name goes, and the
# last name of an image goes even while a container uses it: the image is deleted under it.
# a container of another image on the same layer holds that layer, so no prune reclaims it: the
# reclaimed space is 0B however many other images of the engine share busybox's layer
docker import -c 'LABEL holder=yes' base.tar holder:1
docker create --name holder --network none holder:1 true
docker import base.tar base:1
docker tag base:1 img1:latest
docker tag base:1 img2:latest
docker run -d --name ctr1 --network none img1:latest sleep 1000
docker image prune -a -f
docker images --format '{{.Repository}}:{{.Tag}}'
docker rm -f ctr1
docker image prune -a -f
docker images --format '{{.Repository}}:{{.Tag}}'
docker import base.tar base:1
docker tag base:1 img3:latest
docker run -d --name ctr2 --network none img3:latest sleep 1000
docker tag img3:latest img4:latest
docker rmi img3:latest
docker image prune -a -f
docker images -a
docker rm -f ctr2
docker image prune -a -f
docker import base.tar base:1
docker tag base:1 img5:latest
docker run -d --name ctr3 --network none img5:latest sleep 1000
docker rmi -f img5:latest
docker rmi -f base:1
docker images -a
docker image prune -a -f
docker images -a
docker rm -f ctr3
docker image prune -a -f
docker images -a
