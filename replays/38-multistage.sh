# multi-stage: FROM ... AS, FROM <stage>, COPY --from (name and index), --target; what images -a shows
docker import base.tar base:1
docker build --network none --target tester -t ms:test contexts/stages
docker images -a
docker history --format '{{.CreatedBy}}|{{.Size}}' ms:test
docker build --network none -t ms:1 contexts/stages
docker images -a
docker images
docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' ms:1
docker run --rm --network none ms:1
docker run --rm --network none ms:1 cat /opt/copy
docker build --network none -q --target builder contexts/stages
docker images -a
docker build --network none --target nosuch -t ms:2 contexts/stages
docker images -a
