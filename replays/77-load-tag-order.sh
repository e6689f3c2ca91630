# load of an archive naming an image that is there already: the name becomes the image's first on
# podman 4.3, whose FROM and commit rows name the first (its RepoTags, oldest first, put it ahead);
# podman 5.4 gives it again, the newest, which its rows name anyway; Docker keeps the names as they were.
# Found by bench/soak (podman-4.3, seed 2302).
docker import base.tar base:1
docker tag base:1 base:v2
docker save -o v2.tar base:v2
docker load -i v2.tar
docker run --network none --name k1 base:1 touch /tmp/k1
docker commit k1 img1:latest
docker history --format '{{.Comment}}' img1:latest
docker build --network none -t o1:1 contexts/from-base-1
docker history --format '{{.Comment}}' o1:1
docker save -o one.tar base:1
docker load -i one.tar
docker commit k1 img2:latest
docker history --format '{{.Comment}}' img2:latest
docker rm k1
