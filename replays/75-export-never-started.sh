# export of a container never started, imported and run: Podman has no init layer, so the archive holds
# the image's files only, and a start of the imported image writes its mount points into /etc (diff:
# C /etc); Docker's export holds its init layer's files (/etc/hosts, /etc/hostname, /etc/resolv.conf,
# /.dockerenv, /dev, /proc, /sys), so nothing is written. Found by bench/soak (podman-4.3, seed 2307).
docker import base.tar base:1
docker create --name ctr1 --network none base:1 sleep 1000
docker export -o export1.tar ctr1
docker import export1.tar img1:latest
docker run -d --init --name ctr3 --network none img1:latest sleep 1000
docker diff ctr3
docker run --name ctr4 --network none img1:latest true
docker diff ctr4
docker rm -f ctr1 ctr3 ctr4
