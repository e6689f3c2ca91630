# restart naming twice a container whose workload ends at once: the second target restarts it again, or
# (podman 4.3, a race) still finds it running and its SIGKILL finds it stopped: "sending SIGKILL to
# container ID: container state improper: stopped", the container left exited. Found by bench/soak
# (podman-4.3, seed 2306); both outcomes are allowed there, a restart alone on every other engine.
docker import base.tar base:1
docker run --name r1 --network none base:1 sh -c 'exit 3'
docker restart -t 0 r1 r1
docker restart -t 0 r1 r1
docker restart -t 0 r1 r1
docker restart -t 0 r1 r1
docker ps -a --format '{{.Names}} {{.Status}}'
docker rm -f r1
