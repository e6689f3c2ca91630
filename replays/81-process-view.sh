# What a container's processes see of the engine besides its image: Docker's init layer (/.dockerenv, and
# /etc/hostname, hosts, resolv.conf mounted over its empty files, resolv.conf with --network none too);
# Podman has no init layer: /run/.containerenv instead, hostname and hosts mounted, no resolv.conf
docker import base.tar base:1
docker run --rm --network none base:1 sh -c 'ls /etc; test -e /.dockerenv && echo docker; test -e /run/.containerenv && echo podman; test -e /etc/resolv.conf && echo resolv'
docker run --network none --name v1 base:1 sh -c 'ls -a /run; rm /etc/hosts; echo $?; rm /run/.containerenv; echo $?'
docker start -a v1
docker diff v1
docker rm v1
