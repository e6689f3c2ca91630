# create / start / run basics, foreground exit codes
docker import base.tar base:1
docker create --network none --name c1 base:1 true
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.Config.Cmd}} {{.RestartCount}}' c1
docker ps
docker ps -a --format '{{.Names}} {{.Status}} {{.State}}'
docker start c1
docker wait c1
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' c1
docker run --network none --name c2 base:1 sh -c 'exit 3'
docker run --network none --name c3 base:1 echo hello
docker run -d --network none --name c4 base:1 sleep 1000
docker ps --format '{{.Names}} {{.Status}} {{.State}}'
docker ps -a --format '{{.Names}} {{.Status}} {{.State}}'
docker run --rm --network none --name c5 base:1 sh -c 'echo bye; exit 4'
docker ps -a -q
docker start c4
docker start c2
docker start -a c2
docker inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}}' c2
