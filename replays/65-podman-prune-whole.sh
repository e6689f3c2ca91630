# Podman's image prune removes whole images that no container uses: every tag, and a parent whose child
# stays (the child keeps its layers); an image a container uses keeps every tag; without -a only dangling
# images (no tag, no child). It prints each image id it removed, nothing when none. rmi names the image it
# deletes, never its layers, and says only "Untagged:" for an image whose children stay. Seen by hand on
# podman-4.3 and podman-5.4 (pmodel, round 5).
docker import base.tar base:1
docker run --name ctr3 --network none base:1 sh -c 'echo 3 > /tmp/c'
docker commit ctr3 img3:latest
docker rm ctr3
docker rmi img3:latest
docker run --name ctr1 --network none base:1 sh -c 'echo 1 > /tmp/a'
docker commit ctr1 img1:latest
docker commit ctr1 img1:latest
docker images -a
docker rm ctr1
docker run --name ctr2 --network none img1:latest sh -c 'echo 2 > /tmp/b'
docker commit ctr2 img2:latest
docker tag base:1 base:v2
docker image prune -f
docker images -a
docker image prune -a -f
docker images -a
docker rm ctr2
docker image prune -f
