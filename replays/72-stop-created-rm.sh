# stop of a --rm container that never ran: Docker and podman 4.3 leave it created; podman 5.4 removes it,
# and a second stop of the name finds nothing. Found by bench/soak (podman-5.4, seed 1018).
docker import base.tar base:1
docker create --rm --name ctr1 --network none base:1 sleep 1000
docker stop -t 0 ctr1
docker ps -a
docker stop -t 0 ctr1
docker rm -f ctr1
