# run --init: docker-init is PID 1 and forwards signals, so TERM kills an untrapped command (143); its mount point shows
docker import base.tar base:1
docker create --init --network none --name j1 base:1 sh -c 'exit 5'
docker diff j1
docker start -a j1
docker diff j1
docker commit j1 jimg
docker history jimg
docker run --rm --network none jimg cat /sbin/docker-init
docker inspect --format '{{.HostConfig.Init}} {{json .Config.Cmd}} {{.Path}}' j1
docker run -d --init --network none --name j3 base:1 sleep 1000
docker stop -t 1 j3
docker inspect --format '{{.State.ExitCode}}' j3
docker run -d --init --network none --name j4 base:1 sh -c 'trap "exit 9" TERM; sleep 1000 & wait'
docker stop -t 5 j4
docker run -d --init --network none --name j5 base:1 sleep 1000
docker kill -s TERM j5
docker wait j5
docker run -d --network none --name j6 base:1 sleep 1000
docker inspect --format '{{.HostConfig.Init}}' j6
docker run --init --network none --name j7 base:1 nosuchcmd
docker ps -a --format '{{.Names}} {{.Status}}'
docker start j3
docker diff j3
docker kill j3
docker rm -f j1 j3 j4 j5 j6 j7
docker rmi jimg
