# A long-running service that cleans up on SIGTERM, stopped the usual way.
docker import base.tar base:1
docker run -d --network none --name web base:1 sh -c '
  cleanup() {
    echo "caught SIGTERM, shutting down"
    rm -f /tmp/web.pid
    exit 0
  }
  trap cleanup TERM
  echo $$ > /tmp/web.pid
  echo "service started"
  while true; do
    sleep 1
  done
'
docker ps --format '{{.Names}} {{.Status}}'
docker exec web cat /tmp/web.pid
docker exec web ls /tmp
docker stop web
docker logs web
docker inspect --format '{{.State.ExitCode}}' web
docker diff web
docker rm web
