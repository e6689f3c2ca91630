# build --rm=false / --force-rm: the classic builder keeps or removes each step's container; BuildKit leaves none
docker import base.tar base:1
DOCKER_BUILDKIT=0 docker build --network none --rm=false -t keep:1 contexts/steps
docker ps -a --format '{{.Status}}'
DOCKER_BUILDKIT=0 docker build --network none --rm=false -t keep:2 contexts/steps
docker ps -a --format '{{.Status}}'
DOCKER_BUILDKIT=0 docker build --network none --force-rm -t gone:1 contexts/stepsfail
docker ps -a --format '{{.Status}}'
DOCKER_BUILDKIT=0 docker build --network none --force-rm --rm=false --no-cache -t gone:2 contexts/steps
docker ps -a --format '{{.Status}}'
DOCKER_BUILDKIT=0 docker build --network none --rm=false -t kept:1 contexts/stepsfail
docker ps -a --format '{{.Status}}'
docker images -a
# the client's default builder: classic on 20.10, BuildKit on 26.1 and 28.5 (which ignores both flags)
docker build --network none --rm=false --no-cache -t dflt:1 contexts/steps
docker ps -a --format '{{.Status}}'
docker build --network none --force-rm -t dflt:2 contexts/stepsfail
docker ps -a --format '{{.Status}}'
docker build --network none --rm=false -t dflt:3 contexts/stepsfail
docker ps -a --format '{{.Status}}'
docker images -a
