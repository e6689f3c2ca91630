# A file replaced by a directory: Docker's diff says C, Podman's D (the overlay's opaque directory over the
# file's whiteout); a directory replaced by a file: C on both
docker import base.tar base:1
docker run -d --name x1 --network none base:1 sleep 1000
docker exec x1 sh -c 'rm /etc/passwd; mkdir -p /etc/passwd; rm -rf /var; touch /var'
docker diff x1
docker stop -t 0 x1
docker diff x1
docker rm x1
