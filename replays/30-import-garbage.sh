# import of a file that is not a tar: refused, and nothing is left (20.10, 26.1, 28.5 overlay2).
# The containerd image store (26.1, 28.5) refuses it too, "failed to unpack image", but keeps the
# reference, tagged to an image no container can run from: listed in replays/ledger/*-containerd.txt
# and in dockspec.conform.KNOWN, not modelled.
docker import base.tar base:1
docker import garbage.tar junk:1
docker images --format '{{.Repository}}:{{.Tag}}'
docker rmi junk:1
docker images --format '{{.Repository}}:{{.Tag}}'
