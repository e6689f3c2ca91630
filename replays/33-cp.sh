# docker cp: into and out of a container's read-write layer, in every state; diff, commit and export see it
docker import base.tar base:1
docker create --network none --name cp1 base:1 sleep 1000
# created: what is copied lands in the read-write layer, /etc/hostname too (no mounts before start)
docker cp cp/hello.txt cp1:/tmp/f
docker cp cp/hello.txt cp1:/etc/hostname
docker diff cp1
docker start cp1
# started: /etc/hosts, /etc/hostname, /etc/resolv.conf are mount points (EBUSY)
docker cp cp/hello.txt cp1:/etc/hosts
docker cp cp/hello.txt cp1:/root/
docker cp cp/dir cp1:/tmp/d
docker cp cp/dir cp1:/tmp/d
docker cp cp/dir/. cp1:/root
docker diff cp1
docker pause cp1
docker cp cp/hello.txt cp1:/tmp/paused
docker cp cp1:/tmp/paused paused.out
docker unpause cp1
docker exec cp1 cat /tmp/paused
# links in the container path are followed; a link as DEST is followed once, even dangling
docker exec cp1 sh -c 'ln -s /tmp /t; ln -s /tmp/tf /tl'
docker cp cp/hello.txt cp1:/t/
docker cp cp/hello.txt cp1:/t/via
docker cp cp/hello.txt cp1:/tl
docker diff cp1
# out and back in
docker cp cp1:/tmp/f f.out
docker cp cp1:/tmp/d d.out
docker cp f.out cp1:/root/back
docker cp d.out cp1:/root/dback
docker cp cp1:/tmp/d/dir cp
docker cp cp/dir cp1:/copied
docker exec cp1 ls -R /root /copied
docker stop -t 0 cp1
docker cp cp/hello.txt cp1:/tmp/exited
docker cp cp/hello.txt cp1:/etc/resolv.conf
docker diff cp1
docker commit cp1 cpimg:1
docker run --rm --network none cpimg:1 cat /tmp/exited /root/back /root/dback/sub/b
docker export -o cp1.tar cp1
docker import cp1.tar cpflat:1
docker run --rm --network none cpflat:1 cat /tmp/f /tmp/via
# refusals
docker cp cp/hello.txt nosuch:/tmp
docker cp nosuch:/tmp/f nosuch.out
docker cp cp1:/nope nope.out
docker cp cp/nope.txt cp1:/tmp/
docker cp cp/hello.txt cp1:/nodir/x
docker cp cp/hello.txt cp1:/nodir/
docker cp cp/hello.txt cp1:/tmp/f/
docker cp cp/dir cp1:/tmp/f
docker cp cp/hello.txt cp1:/tmp/f/x
docker cp cp/hello.txt/ cp1:/tmp/y
docker cp cp1:/tmp/f nodir/x
docker cp cp1:/tmp f.out
docker cp cp1:/tmp/f o7/
docker cp cp/hello.txt cp/other.txt
docker cp cp1:/tmp/f nosuch:/tmp/g
docker diff cp1
