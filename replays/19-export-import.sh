# export of a container (init layer entries) and import of the result
docker import base.tar base:1
docker run --network none --name x1 base:1 sh -c 'echo abc > /root/f; rm /bin/ls'
docker export -o exported.tar x1
docker create --network none --name x2 base:1 true
docker export -o created.tar x2
docker import exported.tar imp:1
docker history imp:1
docker inspect --format '{{.Parent}}|{{len .RootFS.Layers}}|{{.Config.Cmd}}' imp:1
docker run --network none --name x4 imp:1 cat /root/f
docker export -o nope.tar nosuch
docker images
