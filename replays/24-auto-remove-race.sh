# A --rm container's removal races a repeated target of the same command (the engine's own race).
# The model offers every allowed outcome (model.containers.each, `lingering`); any one agrees.
docker import base.tar base:1
docker run -d --rm --network none --name r1 base:1 sleep 1000
docker stop -t 0 r1 r1
docker ps -a --format '{{.Names}}'
docker run -d --rm --network none --name r2 base:1 sleep 1000
docker kill r2 r2 r2
docker ps -a --format '{{.Names}}'
docker create --rm --network none --name r3 base:1 true
docker restart -t 0 r3 r3
docker ps -a --format '{{.Names}}'
docker run -d --rm --network none --name r4 base:1 sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
docker stop -t 0 r4 r4
docker ps -a --format '{{.Names}}'
# restart of a running --rm container keeps it; under load the exit may be handled with
# auto-removal already back on: "marked for removal", and the container is gone
docker run -d --rm --network none --name r5 base:1 sleep 1000
docker restart -t 0 r5
docker ps -a --format '{{.Names}}'
# start of a one-shot --rm container named twice: the later target finds it gone, exited and "marked for
# removal", or still running (its name again); seen on Docker 26.1; podman 4.3 may fail it all, printing nothing
docker create --rm --network none --name r6 base:1 false
docker start r6 r6 r6
docker ps -a --format '{{.Names}}'
# start of a container named twice: the second finds it running, and prints its name again (Docker,
# Podman 5.4) or nothing (Podman 4.3)
docker create --network none --name r7 base:1 sleep 1000
docker start r7 r7
docker ps -a --format '{{.Names}} {{.State}}'
docker kill r7
docker rm r7
