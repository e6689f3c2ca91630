# stop and restart with a timeout of 0 of a container that traps TERM (Podman: SIGKILL alone, 137)
docker import base.tar base:1
docker run -d --network none --name t1 base:1 sh -c "trap 'exit 0' TERM; sleep 1000 & wait"
docker stop -t 0 t1
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t1
docker run -d --network none --name t2 base:1 sh -c "trap 'exit 0' TERM; sleep 1000 & wait"
docker restart -t 0 t2
docker kill t2
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t2
docker run -d --network none --name t3 base:1 sh -c "trap 'exit 0' TERM; sleep 1000 & wait"
docker stop -t 1 t3
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t3
