# save, rmi, load: ids, tags, parents, history
docker import base.tar base:1
docker build --network none -t lay:1 contexts/layers
docker save -o saved.tar lay:1
docker save -o base.saved.tar base:1
docker rmi lay:1
docker images -a
docker load -i saved.tar
docker images -a
docker inspect --format '{{.Parent}}|{{len .RootFS.Layers}}' lay:1
docker history lay:1
docker rmi lay:1 base:1
docker load -i saved.tar
docker history lay:1
docker load -i base.saved.tar
docker history lay:1
docker inspect --format '{{.Parent}}' lay:1
docker save -o untagged.tar {id:lay:1}
docker rmi lay:1
docker load -i untagged.tar
docker images -a
docker load -i nosuch.tar
