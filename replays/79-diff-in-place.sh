# diff of a file changed in place, in a folder the image has: Docker lists the file and its folder
# (the engine adds the parents of every change); Podman compares folders by their mtime, which a
# write into an existing file does not move, and adds no parents: the file alone. A name made or
# removed in a folder moves its mtime: listed on every engine. Found by bench/soak (podman-4.3, seed 2801).
docker import base.tar base:1
docker run --name k0 --network none base:1 sh -c 'mkdir -p /a/b && echo one > /a/b/f && echo x > /tmp/x'
docker commit k0 img1:latest
docker run --name k1 --network none img1:latest sh -c 'echo hi > /tmp/x'
docker diff k1
docker run --name k2 --network none img1:latest sh -c 'echo two >> /a/b/f'
docker diff k2
docker run --name k3 --network none img1:latest rm /a/b/f
docker diff k3
docker run --name k4 --network none img1:latest touch /a/b/g
docker diff k4
docker rm k0 k1 k2 k3 k4
