# restart of created / exited / running / paused; start keeps the RW layer
docker import base.tar base:1
docker create --network none --name t0 base:1 sh -c 'echo run >> /log; cat /log'
docker restart -t 1 t0
docker wait t0
docker logs t0
docker start -a t0
docker diff t0
docker run -d --network none --name t1 base:1 sleep 1000
docker restart -t 1 t1
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' t1
docker pause t1
docker restart -t 1 t1
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' t1
docker run --network none --name t2 base:1 sh -c 'exit 9'
docker restart -t 0 t2
docker wait t2
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' t2
docker restart -t 1 nosuch t2
docker ps -a --format '{{.Names}} {{.Status}}'
