# exec in a paused container, attached and detached; exec -d in a stopped one
docker import base.tar base:1
docker run -d --network none --name p1 base:1 sleep 1000
docker pause p1
docker exec p1 true
docker exec -d p1 mkdir -p /etc
docker unpause p1
docker kill p1
docker exec -d p1 true
docker exec p1 true
docker run -d --rm --network none --name q1 base:1 sleep 1000
docker pause q1
docker stop -t 0 q1
docker ps -a --format '{{.Names}} {{.Status}}'
docker unpause q1
docker stop -t 0 q1
