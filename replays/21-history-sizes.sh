# layer sizes as printed by history / images (empty file, 3 bytes, symlink, dir, delete)
docker import base.tar base:1
docker build --network none -t sz:1 contexts/sizes
docker history sz:1
docker history --format '{{.Size}}|{{.CreatedBy}}' sz:1
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
docker run --network none --name z1 sz:1 sh -c 'echo 123456789 > /big'
docker commit z1 sz:2
docker history sz:2
docker ps -a -s --format '{{.Names}} {{.Size}}'
