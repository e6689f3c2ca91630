# a name moved to a new image leaves the old one dangling
docker import base.tar base:1
docker build --network none -t app:1 contexts/v1
docker build --network none -t app:1 contexts/v2
docker images
docker images -a
docker images --filter dangling=true
docker images -q --filter dangling=true
docker images --format '{{.Repository}}:{{.Tag}}'
docker import base.tar base:1
docker images -a
docker rmi app:1
docker images -a
