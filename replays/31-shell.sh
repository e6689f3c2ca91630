# busybox ash as the workload language: control flow, functions, expansions, traps, set -e
docker import base.tar base:1
docker run --rm --network none base:1 sh -c 'for i in 1 2 3; do echo "item $i"; done; for w in a "b c"; do echo "[$w]"; done'
docker run --rm --network none base:1 sh -c 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; done; until [ $i -eq 0 ]; do i=$((i-1)); done; echo end $i'
docker run --rm --network none base:1 sh -c 'if [ -d /tmp ]; then echo dir; elif [ -f /tmp ]; then echo file; else echo none; fi; if false; then echo no; else echo yes; fi'
docker run --rm --network none base:1 sh -c 'for x in apple b.txt 42 zz; do case $x in a*) echo "$x starts with a";; *.txt) echo "$x is text";; [0-9]*) echo "$x is a number";; *) echo "$x is other";; esac; done'
docker run --rm --network none base:1 sh -c 'true && echo and; false || echo or; ! false && echo not; false && echo never; echo status $?'
docker run --rm --network none base:1 sh -c 'greet() { echo "hello $1 ($#)"; return 3; }; greet world two; echo ret $?'
docker run --rm --network none base:1 sh -c 'x=outer; (x=inner; echo in $x; exit 5); echo out $x $?; { echo grouped; echo again; } > /tmp/g; cat /tmp/g'
docker run --rm --network none base:1 sh -c 'n=$(echo 7); m=$(echo 8); echo "$n$m" $((n * m + 1)) $((17 % 5)) $((2 << 3)) $(( (1+2) * 3 ))'
docker run --rm --network none base:1 sh -c 'echo ${UNSET:-default} ${#HOME}; s="a b  c"; echo $s; echo "$s"'
docker run --rm --network none base:1 sh -c 'trap "echo bye" EXIT; echo work; exit 3'
docker run --rm --network none base:1 sh -c 'set -e; echo one; false; echo two'
docker run --rm --network none base:1 sh -c 'set -e; false || echo rescued; if false; then :; fi; echo three'
docker run --rm --network none base:1 sh -c 'echo one two three | wc -w; echo hi >&2; echo out 2>&1'
docker run --rm --network none base:1 sh -c 'sleep 1 & echo started; wait; echo waited $?'
docker run --rm --network none base:1 sh -c 'nosuch; echo $?; /tmp; echo $?'
docker run --rm --network none base:1 sh -c 'exit 300'
docker run --rm --network none base:1 sh -c 'f() { echo $# "$@"; shift; echo $# "$1"; }; f a b c; echo $0' name
docker run -d --network none --name loop base:1 sh -c 'trap "echo got term; exit 2" TERM; while true; do sleep 1; done'
docker stop -t 5 loop
docker logs loop
docker inspect --format '{{.State.ExitCode}}' loop
