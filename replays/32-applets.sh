# the applets workloads use: output and exit statuses as busybox gives them
docker import base.tar base:1
docker run -d --network none --name ap base:1 sleep 1000
docker exec ap sh -c 'mkdir -p /w/d/e; touch /w/b /w/.hidden; echo text > /w/a; ls /w; ls -a /w; ls -1 /w; ls -d /w; ls -R /w'
docker exec ap ls /nosuch
docker exec ap sh -c 'printf "%s=%d\n" a 1 b 2; printf "%5s|%-3s|\n" x y; printf "no newline"; echo'
docker exec ap sh -c 'printf "1\n2\n3\n4\n5\n" > /w/n; head -n 2 /w/n; tail -n 2 /w/n; head -2 /w/n; wc -l /w/n; wc /w/n; cat /w/n | wc -c'
docker exec ap sh -c 'printf "apple\nbanana\ncherry\n" > /w/f; grep an /w/f; grep -c a /w/f; grep -v a /w/f; grep -n rr /w/f; grep -q zz /w/f; echo $?; grep zz /w/f; echo $?; grep -i APPLE /w/f'
docker exec ap sh -c 'printf "apple\nbanana\n" > /w/s; sed s/a/A/ /w/s; sed s/a/A/g /w/s; sed -n 2p /w/s; sed 1d /w/s; sed -e s/p/P/g -e s/n/N/ /w/s; sed -i s/apple/pear/ /w/s; cat /w/s'
docker exec ap sh -c 'cd /w; pwd; mv a a2; cp a2 a3; ln -s a3 link; cat link; chmod 600 a3; ls; cat a3'
docker exec ap sh -c 'test -f /w/a3 && echo file; [ -d /w ] && echo dir; [ -e /nosuch ] || echo missing; [ abc = abc ] && echo same; [ 3 -gt 2 ] && echo bigger; [ -z "" ] && echo empty; [ -n x ] && echo nonempty'
docker exec ap sh -c 'rm /w/nosuch; echo $?; rm -f /w/nosuch; echo $?; rm -r /w/d; ls /w'
docker exec ap sh -c 'mkdir /w; echo $?; touch /nosuch/x; echo $?; cat /nosuch; echo $?'
docker exec ap sh -c 'id; true; echo $?; false; echo $?'
docker exec ap env
docker exec -e FOO=bar -w /tmp ap sh -c 'echo $FOO $HOME; pwd; hostname | wc -c'
docker exec ap sh -c 'echo -n a; echo b; echo "x  y"; echo a\\tb'
docker diff ap
