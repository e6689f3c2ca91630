# Flatten an image by exporting a container and importing it again.
docker import base.tar base:1
docker run --network none --name layered base:1 sh -c 'mkdir /work && echo one > /work/1 && echo two > /work/2 && rm /work/1'
docker commit layered layered:1
docker export -o layered.tar layered
docker import layered.tar flat:1
docker history flat:1
docker run --rm --network none flat:1 ls /work
docker run --rm --network none flat:1 cat /work/2
docker images --format '{{.Repository}}:{{.Tag}}'
