# legacy build: every instruction, images -a, history, inspect, rebuild from cache
docker import base.tar base:1
docker build --network none -t b:1 contexts/basic
docker images
docker images -a
docker images -a --filter dangling=true
docker history b:1
docker history --no-trunc b:1
docker inspect --format '{{.Parent}}|{{len .RootFS.Layers}}|{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.Config.WorkingDir}}|{{.Config.Env}}|{{.Config.Labels}}' b:1
docker inspect --format '{{.ContainerConfig.Cmd}}' b:1
docker run --network none --name b1 b:1
docker run --network none --name b2 b:1 'pwd; echo $GREETING'
docker build --network none -t b:2 contexts/basic
docker images
docker ps -a --format '{{.Names}} {{.Status}}'
