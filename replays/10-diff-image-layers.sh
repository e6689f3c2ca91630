# diff of containers created from a built image with files in lower layers
docker import base.tar base:1
docker build --network none -t lay:1 contexts/layers
docker run --network none --name l1 lay:1 rm -rf /data
docker diff l1
docker run --network none --name l2 lay:1 sh -c 'rm /data/sub/f2; echo changed > /data/f1'
docker diff l2
docker run --network none --name l3 lay:1 sh -c 'rm -rf /data; mkdir /data'
docker diff l3
