# image prune of a dangling parent under its child: 20.10 and the overlay2 stores keep an untagged
# image with a child; the containerd store keeps no parent links and deletes it (the child keeps its
# layers; its history shows <missing> below itself). Found by bench/soak (26.1-containerd, seed 605).
docker import -c 'LABEL holder=yes' base.tar holder:1
docker create --name holder --network none holder:1 true
docker import base.tar base:1
docker run --name ctr1 --network none base:1 sh -c 'echo hi > /tmp/a'
docker commit ctr1 img1:latest
docker run --name ctr2 --network none img1:latest true
docker commit ctr2 img3:latest
docker rmi -f img1:latest
docker rm ctr1 ctr2
docker images -a
docker image prune -f
docker images -a
docker history img3:latest
