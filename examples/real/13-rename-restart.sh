# Rename a container, restart it and read its logs.
docker import base.tar base:1
docker run -d --network none --name temp-name base:1 sh -c 'echo "boot"; trap "echo bye; exit 0" TERM; while :; do sleep 1; done'
docker rename temp-name api
docker ps --format '{{.Names}}'
docker restart -t 3 api
docker logs api
docker pause api
docker ps --format '{{.Names}} {{.Status}}'
docker unpause api
docker stop -t 3 api
docker inspect --format '{{.State.ExitCode}}' api
docker logs api
docker rm api
