# exec: output, exit codes, refusals, effects on diff
docker import base.tar base:1
docker create --network none --name e0 base:1 sleep 1000
docker exec e0 true
docker run -d --network none --name e1 base:1 sleep 1000
docker exec e1 echo hi
docker exec e1 sh -c 'echo out; echo err >&2; exit 3'
docker exec e1 nosuchcmd
docker exec e1 /tmp
docker exec e1 touch /tmp/fromexec
docker exec -d e1 sleep 5
docker diff e1
docker stop -t 1 e1
docker exec e1 true
docker exec nosuch true
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' e1
