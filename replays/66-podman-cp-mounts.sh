# cp out of Podman's mount points. A started container's layer holds empty files where the engine mounts
# /etc/hosts, /etc/hostname and /run/.containerenv (0755 on 4.3, 0644 on 5.4); while it runs, cp reads the
# mounts (.containerenv: an empty 0644 file; hosts and hostname: the engine's text, not modelled). The init
# of an --init container is mounted only while it runs; otherwise the copier fails on its path ("chdir
# /usr/libexec/podman/catatonit: not a directory"). Found by bench/soak (podman-5.4 and podman-4.3, seed 911).
docker import base.tar base:1
docker create --init --name c1 --network none base:1 sleep 1000
docker cp c1:/run/podman-init out1
docker start c1
docker cp c1:/run/.containerenv out3
docker pause c1
docker cp c1:/run/.containerenv out5
docker unpause c1
docker stop -t 0 c1
docker cp c1:/run/podman-init out6
docker cp c1:/run/.containerenv out7
docker cp c1:/etc/hosts out8
# a folder of a running container reads the mounts in it too (.containerenv an empty 0644 file); paused, the layer's
# (bench/soak podman-5.4 seed 1006: `cp ctr2:/run` of a running --init container gave the init's binary: not modelled)
docker run -d --name c2 --network none base:1 sleep 1000
docker cp c2:/run out9
docker cp out9 c1:/tmp/run9
docker pause c2
docker cp c2:/run out10
docker cp out10 c1:/tmp/run10
docker unpause c2
docker start c1
docker exec c1 ls -l /tmp/run9/.containerenv /tmp/run10/.containerenv
docker rm -f c1 c2
