# .dockerignore: excluded files and directories are not sent (patterns with *, **, !, directories)
docker import base.tar base:1
docker build --network none -t ign:1 contexts/ignore
docker history --no-trunc --format '{{.CreatedBy}}|{{.Size}}' ign:1
docker run --rm --network none ign:1 ls -a /ctx /ctx/keep /ctx/src /ctx/src/sub
docker run --rm --network none ign:1 cat /ctx/keep.log /ctx/.dockerignore
docker run --rm --network none ign:1 cat /ctx/b.log
docker run --rm --network none ign:1 ls /ctx/logs
docker build --network none -t ign:2 contexts/ignore
docker images
