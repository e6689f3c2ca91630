# rmi of the last tag of a parent with a child (a commit) that nothing else uses, on the containerd store:
# without -f it says "Deleted: <id>" and keeps the image, dangling; with -f (--no-prune or not) it deletes
# it, the child keeping its layers and showing <missing> below itself. 20.10 and the overlay2 stores untag
# only. Found by bench/soak (26.1-containerd, seed 604: rmi -f --no-prune of a classic build's base).
docker import -c 'LABEL holder=yes' base.tar holder:1
docker create --name holder --network none holder:1 true
docker import base.tar base:1
docker run --name ctr1 --network none base:1 sh -c 'echo 1 > /tmp/a'
docker commit ctr1 img1:latest
docker rm ctr1
docker rmi -f base:1
docker images -a
docker history img1:latest
docker import base.tar base:1
docker run --name ctr1 --network none base:1 sh -c 'echo 2 > /tmp/a'
docker commit ctr1 img2:latest
docker rm ctr1
docker run --name ctr2 --network none img2:latest true
docker rmi -f --no-prune base:1
docker images -a
docker import base.tar base:1
docker run --name ctr1 --network none base:1 sh -c 'echo 3 > /tmp/a'
docker commit ctr1 img3:latest
docker rm ctr1
docker rmi --no-prune base:1
docker images -a
docker rmi {id:img3:latest}
docker images -a
