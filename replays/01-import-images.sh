# import, images listing, tag, untag, invalid references
docker import base.tar base:1
docker images
docker images -a
docker images -q
docker images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
docker inspect --format '{{.Parent}}|{{len .RootFS.Layers}}|{{.Config.Cmd}}|{{.ContainerConfig.Cmd}}|{{.Comment}}' base:1
docker history base:1
docker history --no-trunc base:1
docker tag base:1 base:2
docker tag base:1 other
docker images
docker images --filter dangling=true
docker rmi base:2
docker rmi other
docker tag base:1 base:UPPER
docker tag base:1 Base:1
docker tag nosuch:1 x:1
docker rmi nosuch:1
docker inspect nosuch:1
docker images
