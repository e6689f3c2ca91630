# rm -f naming one container twice: Docker removes it, then says "No such container" for the second name
# (exit 0); Podman removes it once and says nothing more. Found by bench/soak (podman-5.4 seed 922,
# podman-4.3 seed 943). A running container named thrice was once seen printed twice on 4.3, whose
# removals run in parallel: a race not modelled (docs/dialects/podman.md, Round 5).
docker import base.tar base:1
docker create --name c1 --network none base:1 true
docker rm -f c1 c1
docker create --name c2 --network none base:1 true
docker rm -f c2 c2 c2
docker ps -a
