# Clean up a box after a day of experiments.
docker import base.tar base:1
docker run --network none --name job1 base:1 sh -c 'echo done'
docker run --network none --name job2 base:1 sh -c 'exit 3'
docker run -d --network none --name keeper base:1 sleep 1000
docker create --network none --name never-started base:1 true
docker ps -a --format '{{.Names}}\t{{.Status}}'
docker ps -a -q --filter status=exited
docker container prune -f
docker ps -a --format '{{.Names}}'
docker commit keeper snapshot:1
docker tag snapshot:1 snapshot:old
docker rmi snapshot:1
docker image prune -f
docker images --format '{{.Repository}}:{{.Tag}}'
docker rm -f keeper
docker image prune -a -f
docker images -q
docker system df
