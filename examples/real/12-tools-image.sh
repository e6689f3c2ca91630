# Build a tools image with a small script, then use what it installed.
docker import base.tar base:1
docker build --network none -t tools:1 tools
docker run --rm --network none tools:1 tool hammer
docker run --rm --network none tools:1 sh -c 'while read t; do echo "- $t"; done < /etc/tools/list'
docker run --rm --network none tools:1 sh -c 'count=0; for t in $(cat /etc/tools/list); do count=$((count+1)); done; echo "$count tools"'
docker run --rm --network none tools:1 sh -c 'v=`cat /etc/tools/list | head -n 1`; echo "first: $v"'
docker run --rm --network none tools:1 date +%Y
docker run --rm --network none tools:1 sh -c 'awk "{print NR\": \"\$0}" /etc/tools/list'
