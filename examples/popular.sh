# The popular explanation of Docker, as a script.  Run it on the model:
#     dockspec simulate examples/popular.sh
# and on a real engine:
#     dockspec replay examples/popular.sh --private
#
# An image is a stack of read-only layers; here, one imported layer.
docker import base.tar base:1
docker history base:1

# A container is an image plus one read-write layer.
docker create --network none --name happy base:1 touch /tmp/happiness.txt
docker ps -a --format '{{.Names}} {{.Status}}'
docker start happy
docker wait happy
# The file lives in the stopped container's read-write layer ...
docker diff happy
# ... and commit turns that layer into a new read-only layer.
docker commit happy base:2
docker history base:2

# A running container adds a process space; rm refuses it without -f.
docker run -d --network none --name sleeper base:1 sleep 1000
docker rm sleeper
docker pause sleeper
docker rm sleeper
docker unpause sleeper
docker exec sleeper touch /tmp/from-exec
docker diff sleeper
# stop is SIGTERM, then SIGKILL: sleep as PID 1 ignores SIGTERM, so 137.
docker stop -t 1 sleeper
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' sleeper
docker rm sleeper

# rmi refuses an image with children, and an image a container uses.
docker rmi base:1
docker rm happy
docker rmi base:1
docker images -a

# export flattens; save keeps layers and history.
docker run --network none --name flat base:2 true
docker export -o flat.tar flat
docker import flat.tar flat:1
docker history flat:1
docker save -o both.tar base:2
docker rm flat
docker rmi base:2
docker load -i both.tar
docker history base:2
