# docker diff: A/C/D rules (parent dirs, deletes, dirs compared by mode/owner only)
docker import base.tar base:1
docker create --network none --name d0 base:1 true
docker diff d0
docker run --network none --name d1 base:1 mkdir -p /a/b/c
docker diff d1
docker run --network none --name d2 base:1 sh -c 'echo x > /etc/new; echo y > /tmp/t; rm /tmp/t'
docker diff d2
docker run --network none --name d3 base:1 rm -rf /tmp
docker diff d3
docker run --network none --name d4 base:1 sh -c 'rm -rf /tmp; mkdir /tmp'
docker diff d4
docker run --network none --name d5 base:1 sh -c 'touch /etc; touch /root'
docker diff d5
docker run --network none --name d6 base:1 sh -c 'rm /bin/ls; touch /bin/new'
docker diff d6
docker run --network none --name d7 base:1 sh -c 'mkdir -p /root/x/y && touch /root/x/y/f && rm -rf /root/x'
docker diff d7
docker run --network none --name d8 base:1 rm -rf /bin
docker diff d8
docker run --network none --name d9 base:1 sh -c 'touch /bin/busybox /.dockerenv; echo > /etc/hosts; rm /etc/hostname'
docker diff d9
docker diff nosuch
