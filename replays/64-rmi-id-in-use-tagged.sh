# rmi by id of an image with two tags that a stopped container uses: 20.10 and the overlay2 stores say
# "referenced in multiple repositories" first; the containerd store names the container first.
# Found by bench/soak (26.1-containerd, seed 704).
docker import base.tar base:1
docker run -d --name ctr1 --network none base:1 sleep 1000
docker kill ctr1
docker tag base:1 base:v2
docker rmi {id:base:1}
docker images
docker rm ctr1
docker run -d --name ctr2 --network none base:1 sleep 1000
docker rmi {id:base:1}
docker rm -f ctr2
docker rmi {id:base:1}
docker images
