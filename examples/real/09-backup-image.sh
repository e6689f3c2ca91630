# Back up an image to a tar file and restore it.
docker import base.tar base:1
docker run --network none --name seed base:1 sh -c 'echo important > /root/data.txt'
docker commit seed backup:2024
docker rm seed
docker save -o backup.tar backup:2024
docker rmi backup:2024
docker images backup
docker load -i backup.tar
docker images backup
docker run --rm --network none backup:2024 cat /root/data.txt
docker history backup:2024
