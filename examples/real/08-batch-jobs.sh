# Run a batch of jobs and collect their exit codes.
docker import base.tar base:1
docker run --network none --name ok-job base:1 sh -c 'echo processing; exit 0'
docker run --network none --name bad-job base:1 sh -c 'echo "error: input missing" >&2; exit 2'
docker run -d --network none --name slow-job base:1 sh -c 'sleep 2; echo finished'
docker wait slow-job
docker logs slow-job
docker ps -a --filter exited=0 --format '{{.Names}}'
docker ps -a --filter exited=2 --format '{{.Names}}'
docker ps -a --format '{{.Names}} {{.Status}}'
docker inspect --format '{{.Name}} {{.State.ExitCode}}' ok-job bad-job slow-job
docker rm ok-job bad-job slow-job
docker ps -a -q
