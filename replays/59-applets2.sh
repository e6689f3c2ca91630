# more applets: basename, dirname, find, du -s, date, awk, ls -l; printf's floats and widths
docker import base.tar base:1
docker run -d --network none --name a2 base:1 sh -c 'mkdir -p /w/d/e; echo hello > /w/a.env; touch /w/d/e/c.txt; ln -s a.env /w/l; sleep 1000'
docker exec a2 sh -c 'basename /a/b/; basename a; basename /; basename /a/b.txt .txt; basename b.txt b.txt; dirname /a/b/; dirname a; dirname /; dirname /a; dirname a/b'
docker exec a2 sh -c 'for f in /w/*.env; do echo "$(basename $f .env) in $(dirname $f)"; done'
docker exec a2 find /w -name '*.env'
docker exec a2 find /w/d
docker exec a2 find /w -type f -name 'c*'
docker exec a2 sh -c 'cd /w; find d -type d; find . -maxdepth 0; find /nosuch; echo $?'
docker exec a2 sh -c 'du -s /w; du -sk /w/d /w/a.env; du -sh /w; du -s /nosuch; echo $?'
docker exec a2 sh -c 'i=0; while [ $i -lt 50 ]; do echo 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789; i=$((i+1)); done > /w/big; du -s /w/big; rm /w/big'
docker exec a2 date
docker exec a2 sh -c 'date | wc -w; date +%Z; date -u +%Z; date +%s | wc -c; date +%Y-%m-%d | wc -c'
docker exec a2 sh -c 'printf "a b c\nd  e\tf\n\n x y \n" > /w/t; awk "{print \$2}" /w/t; awk "{print NR\": \"\$0}" /w/t'
docker exec a2 sh -c 'awk -F: "{print \$1, \$NF, NF}" /etc/passwd; awk "BEGIN{n=0} {n+=NF} END{print n, NR, n/NR, 1/3, 2*3.5, 10%3, -4/2}" /w/t'
docker exec a2 sh -c 'awk "{s=s \$1} END {print s}" /w/t; echo "1 2" | awk "{print \$1+\$2, \$1 \$2, \$1-\$2}"; awk "NR==2" /w/t; awk "/b/ {print \"hit\", \$0}" /w/t'
docker exec a2 sh -c 'echo a,b,c | awk -F, "{print \$2}"; awk "BEGIN{print 1e6, 123456789, 0.1+0.2, 100000*100000}"; awk "BEGIN { x; print x+0, \"[\" x \"]\" }"; awk "END{print NR}" /nosuch; echo $?'
docker exec a2 ls -l /w
docker exec a2 ls -la /w/d
docker exec a2 sh -c 'ls -l /w/a.env /w/l; ls -ld /w /w/d/e; chmod 4755 /w/a.env; ls -l /w/a.env; ls -l /nosuch; echo $?'
docker exec a2 sh -c 'printf "%f|%.2f|%5.1f|%.0f|%.0f|%.0f|%-8.3f|%08.2f|%+f|%e|%g|%g|%G\n" 1.5 2.345 3 0.5 1.5 2.5 -1.25 3.14159 2 12345.678 0.0001 1234567 1e-10'
docker exec a2 sh -c 'printf "%f\n" abc; echo $?; printf "%c%c|%5s|%-5s|%x|%o|%X|\n" hello "" ab cd 255 8 255'
docker diff a2
docker rm -f a2
