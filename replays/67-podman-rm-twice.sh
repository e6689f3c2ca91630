# rm -f naming one container twice: Docker removes it, then says "No such container" for the second name
# (exit 0); Podman removes it once and says nothing more. Found by bench/soak (podman-5.4 seed 922,
# podman-4.3 seed 943).
docker import base.tar base:1
docker create --name c1 --network none base:1 true
docker rm -f c1 c1
docker run -d --name c2 --network none base:1 sleep 1000
docker rm -f c2 c2 c2
docker ps -a
