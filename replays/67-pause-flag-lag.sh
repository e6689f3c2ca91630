# Docker's pause flag lags containerd (model.live). commit pauses a running container and unpauses it
# before it answers, and so does pause then unpause; containerd's "paused" event, handled after the
# unpause, may set the daemon's flag again until its "resumed" event clears it. A command meanwhile is
# refused as for a paused container: seen in CI on Docker 20.10 under load (`pause` after a commit:
# "Container ... is already paused"). The model offers that refusal as the race's other outcome on the
# Docker dialects; either agrees. Podman has no such flag: one outcome.
docker import base.tar base:1
docker run -d --network none --name c1 base:1 sleep 1000
docker commit c1 img1
docker pause c1
docker unpause c1
docker pause c1
docker unpause c1
docker exec c1 true
docker commit c1 img2
docker start c1
docker commit c1 img3
docker rm c1
docker commit c1 img4
docker exec c1 true
docker ps -a --format '{{.Names}} {{.State}}'
docker rm -f c1
