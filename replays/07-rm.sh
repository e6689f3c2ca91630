# rm refusals and multi-argument rm
docker import base.tar base:1
docker run --network none --name m1 base:1 true
docker run -d --network none --name m2 base:1 sleep 1000
docker create --network none --name m3 base:1 true
docker rm m2
docker rm m1 nosuch m3
docker ps -a --format '{{.Names}} {{.Status}}'
docker rm -f m2
docker rm -f nosuch
docker rm nosuch
docker rm
docker ps -a --format '{{.Names}} {{.Status}}'
