# a failing RUN: exit status, what is left behind
docker import base.tar base:1
docker build --network none -t bad:1 contexts/fail
docker images -a
docker ps -a --format '{{.Names}} {{.Status}} {{.Command}}'
docker build --network none -t bad:1 contexts/fail
docker images -a
docker ps -a --format '{{.Names}} {{.Status}}'
docker build --network none -t bad:1 contexts/nosuchdir
docker build --network none -t Bad:1 contexts/basic
