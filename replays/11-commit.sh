# commit: exited, running (pauses?), paused; history/inspect of the result
docker import base.tar base:1
docker run --network none --name k1 base:1 sh -c 'echo abc > /f'
docker commit k1 com:1
docker history com:1
docker inspect --format '{{.Parent}}|{{len .RootFS.Layers}}|{{.Config.Cmd}}|{{.ContainerConfig.Cmd}}|{{.Container}}' com:1
docker run --network none --name k2 base:1 true
docker commit k2 com:2
docker history com:2
docker inspect --format '{{len .RootFS.Layers}}' com:2
docker commit k2
docker images -a
docker run -d --network none --name k3 base:1 sleep 1000
docker commit k3 com:3
docker inspect --format '{{.State.Status}}' k3
docker pause k3
docker commit k3 com:4
docker commit --pause=false k3 com:5
docker inspect --format '{{.State.Status}}' k3
docker commit nosuch com:6
docker commit k1 Bad:1
docker history --no-trunc com:1
docker images
