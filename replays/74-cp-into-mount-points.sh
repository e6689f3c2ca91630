# cp of a file onto /etc/hosts, /etc/hostname, /etc/resolv.conf: Docker mounts them into the container
# for the copy once it has started (busy, running or not); Podman mounts them only while the container
# runs, so into an exited or a paused container the file lands in its layer (diff leaves those paths
# out), and into a running one the copy is busy, onto its /run/.containerenv too. A container never
# started takes the copy on every engine. Found by bench/soak (podman-5.4, seeds 1015, 2201, 2206).
docker import base.tar base:1
docker create --name c1 --network none base:1 sleep 1000
docker cp cp/hello.txt c1:/etc/hosts
docker run -d --name c2 --network none base:1 sleep 1000
docker cp cp/hello.txt c2:/etc/hosts
docker cp cp/hello.txt c2:/run/.containerenv
docker pause c2
docker cp cp/hello.txt c2:/etc/hostname
docker unpause c2
docker run --name c3 --network none base:1 true
docker cp cp/hello.txt c3:/etc/hosts
docker cp cp/hello.txt c3:/etc/hostname
docker cp cp/hello.txt c3:/etc/resolv.conf
docker diff c3
docker stop -t 0 c2
docker cp cp/hello.txt c2:/etc/hosts
docker rm -f c1 c2 c3
