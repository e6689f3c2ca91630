# image prune -a deletes an untagged image no container uses, here the first import
# once its tag moved to a second image of the same files. Through Podman 5.4's Docker-compatible socket
# `-a` (dangling=false) keeps it: the socket reads dangling=false as "only the images that are not
# dangling", where the podman CLI (these lines) deletes it; the lockstep adapter deletes the dangling
# ones in a second call (tests/test_conform.py::test_prune_all_deletes_the_untagged_images_too).
# Found by bench/soak (podman-5.4, seeds 1013, 1019).
docker import base.tar base:1
docker import -c 'LABEL second=yes' base.tar img1:latest
docker tag img1:latest base:1
docker images -a
docker image prune -a -f
docker images -a
