# A build's FROM row on Podman names the image by the repository the FROM line typed: 4.3 its first name
# there, 5.4 its newest (commit's row does not look at the repository: 4.3 the first name, 5.4 the newest).
# Docker names the reference typed.  Found by bench/soak (podman-4.3 seed 1022).
docker import base.tar base:1
docker tag base:1 base:v1
docker tag base:1 img1:2
docker tag base:1 base:latest
docker tag base:1 img1:latest
docker tag base:1 zz:9
docker build --network none -t o1:1 contexts/from-base-v1
docker build --network none -t o2:1 contexts/from-img1-2
docker build --network none -t o3:1 contexts/from-base-latest
docker build --network none -t o4:1 contexts/from-img1-latest
docker build --network none -t o5:1 contexts/from-zz-9
docker history --format '{{.Comment}}' o1:1
docker history --format '{{.Comment}}' o2:1
docker history --format '{{.Comment}}' o3:1
docker history --format '{{.Comment}}' o4:1
docker history --format '{{.Comment}}' o5:1
docker run --network none --name k1 img1:latest true
docker commit k1 c1:1
docker history --format '{{.Comment}}' c1:1
docker rm k1
