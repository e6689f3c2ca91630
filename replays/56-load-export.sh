# load of a tar that holds no image: a container's export (a file system, no manifest.json)
docker import base.tar base:1
docker create --name ctr1 --network none base:1 true
docker export -o export1.tar ctr1
docker load -i export1.tar
docker load -i garbage.tar
docker images --format '{{.Repository}}:{{.Tag}}'
