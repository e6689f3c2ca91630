# rename: any state, the id and the layer stay; refusals: same name, in use, invalid, missing
docker import base.tar base:1
docker create --network none --name a1 base:1 sleep 1000
docker rename a1 b1
docker rename b1 b1
docker rename nosuch x1
docker create --network none --name c2 base:1 true
docker rename b1 c2
docker rename b1 _bad
docker rename b1 /b2
docker start b2
docker exec b2 touch /tmp/mark
docker rename b2 b3
docker diff b3
docker pause b3
docker rename b3 b4
docker unpause b4
docker rename b4 ''
docker inspect --format '{{.Name}} {{.State.Status}}' b4
docker ps -a --format '{{.Names}} {{.Image}} {{.Command}}'
docker container rename c2 c3
docker rename c3 b4
docker rm -f b4 c3
