# cp out of FILE/: Docker refuses a trailing "/" on a file ("lstat ...: not a directory"); Podman ignores it
# and copies the file, through its CLI and its socket (bench/soak podman-5.4 seeds 923 and 929 of round 5).
docker import base.tar base:1
docker create --name c1 --network none base:1 sleep 1000
docker cp c1:/etc/passwd/ p1.out
docker cp p1.out c1:/tmp/p1
docker start c1
docker cp c1:/etc/passwd/ p2.out
docker cp p2.out c1:/tmp/p2
docker exec c1 cat /tmp/p1 /tmp/p2
docker rm -f c1
