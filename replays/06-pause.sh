# pause / unpause and what a paused container refuses
docker import base.tar base:1
docker create --network none --name p0 base:1 true
docker run --network none --name p1 base:1 true
docker run -d --network none --name p2 base:1 sleep 1000
docker pause p0
docker pause p1
docker unpause p2
docker pause p2
docker inspect --format '{{.State.Status}} {{.State.Running}} {{.State.Paused}}' p2
docker ps --format '{{.Names}} {{.Status}} {{.State}}'
docker pause p2
docker unpause p1
docker exec p2 true
docker start p2
docker rm p2
docker rm -f p2
docker run -d --network none --name p3 base:1 sleep 1000
docker pause p3
docker kill p3
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}' p3
docker run -d --network none --name p4 base:1 sleep 1000
docker pause p4
docker stop -t 1 p4
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}' p4
docker ps -a --format '{{.Names}} {{.Status}}'
