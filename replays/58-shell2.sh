# the shell, more: blanks before a closing quote, ${x/p/r} ${x//p/r} ${x:off:len}, and an exec that polls
# for what PID 1 writes meanwhile (time passes for both; at a tie PID 1, started first, goes first)
docker import base.tar base:1
docker run --rm --network none base:1 sh -c 'W=a; echo "$W "; echo "[$W  ]" "$W	"x; echo " $W " | wc -c'
docker run --rm --network none base:1 sh -c 'x=abcabc; echo ${x/b*c/Z} ${x//b?/Z} ${x/"b*"/Z} ${x/*a/Z} ${x//a/} ${x/a/$x} ${x/[ab]/-} "${x/a/ 1 }"'
docker run --rm --network none base:1 sh -c 'x=abcabc; n=2; echo ${x: -2} ${x:1:-1} ${x:n:2} ${x:$((1+1))} ${x:10}. ${x:2:100} ${x:0:0}. ${u/a/b}. ${u:1}.'
docker run --rm --network none base:1 sh -c 'x="a b"; echo ${x/ /_}; f() { echo ${1:1:2} ${1/l/L}; }; f hello; p=/usr/lib/a.tar.gz; echo ${p//./_} "${p/a/\\}"'
docker run -d --network none --name slow base:1 sh -c 'sleep 2; touch /tmp/ready; echo ready; sleep 600'
docker exec slow sh -c 'n=0; until [ -f /tmp/ready ]; do n=$((n+1)); sleep 1; done; echo "ready after $n polls"'
docker exec slow ls /tmp
docker run -d --network none --name pw base:1 sh -c 'sleep 1; echo x > /f; sleep 100'
docker exec pw sh -c 'cat /f; sleep 2; cat /f'
docker exec pw cat /f
docker logs slow
docker rm -f slow pw
