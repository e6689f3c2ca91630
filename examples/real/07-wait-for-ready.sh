# Start a slow service and poll until it says it is ready.
docker import base.tar base:1
docker run -d --network none --name slow base:1 sh -c 'sleep 2; touch /tmp/ready; echo ready; sleep 600'
docker exec slow sh -c 'n=0; until [ -f /tmp/ready ]; do n=$((n+1)); sleep 1; done; echo "ready after $n polls"'
docker exec slow ls /tmp
docker logs slow
docker kill slow
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' slow
docker rm slow
