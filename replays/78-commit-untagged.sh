# commit of a container whose image has no name left (its tag moved to another image): the FROM
# row of Podman names no image, 4.3 "FROM ", 5.4 no comment at all; Docker writes none anyway.
# Found by bench/soak (podman-5.4, seeds 2404, 2406).
docker import base.tar base:1
docker run -d --init --name ctr1 --network none base:1 sleep 1000
docker commit ctr1 img1:latest
docker tag img1:latest base:1
docker commit ctr1 img2:latest
docker history --format '{{.Comment}}' img2:latest
docker run --name ctr2 --network none {id:img1:latest} true
docker rmi img1:latest
docker commit ctr2 img3:latest
docker history --format '{{.Comment}}' img3:latest
docker rm -f ctr1 ctr2
