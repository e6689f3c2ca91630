# stop / kill / wait and exit codes
docker import base.tar base:1
docker run -d --network none --name s1 base:1 sleep 1000
docker run -d --network none --name s2 base:1 sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
docker run -d --network none --name s3 base:1 sleep 1000
docker stop -t 1 s1
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' s1
docker stop -t 1 s2
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' s2
docker kill s3
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' s3
docker run -d --network none --name s4 base:1 sh -c 'sleep 1; exit 5'
docker wait s4
docker wait s4 s1
docker stop -t 1 s1
docker kill s1
docker create --network none --name s5 base:1 true
docker stop -t 1 s5
docker kill s5
docker stop -t 1 nosuch
docker kill nosuch
docker wait nosuch
docker ps -a --format '{{.Names}} {{.Status}}'
