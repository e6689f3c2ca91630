# run/create failures: missing image (--pull never: no registry here), unknown command, name in use
docker import base.tar base:1
docker run --pull never --network none --name r1 nosuch:1 true
docker create --pull never --network none --name r2 nosuch:1 true
docker run --network none --name r3 base:1 nosuchcmd
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' r3
docker run --network none --name r4 base:1 /tmp
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' r4
docker run -d --network none --name r5 base:1 nosuchcmd
docker ps -a --format '{{.Names}} {{.Status}}'
docker create --network none --name r6 base:1 nosuchcmd
docker start r6
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' r6
docker run --network none --name r5 base:1 true
docker create --network none --name r6 base:1 true
docker run --network none --name r7 Base:1 true
docker run --network none --name r8 base:1 sh -c 'exit 126'
docker ps -a --format '{{.Names}} {{.Status}}'
