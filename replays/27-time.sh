# time that passes: stop -t, restart -t, --stop-timeout, wait, a foreground run, paused clocks.
# The model gives a docker line no time of its own; on the engine one takes up to a few seconds
# under load, so every sleep a later line must still find running lasts 4 s or more.
docker import base.tar base:1
# a process that ends by itself within the timeout keeps its own exit code
docker run -d --network none --name t1 base:1 sh -c 'sleep 4; exit 4'
docker stop -t 8 t1
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t1
# a TERM trap that finishes within the timeout exits as it says
docker run -d --network none --name t2 base:1 sh -c 'trap "sleep 1; exit 7" TERM; sleep 100 & wait'
docker stop -t 3 t2
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t2
# one that takes longer than the timeout is killed
docker run -d --network none --name t3 base:1 sh -c 'trap "sleep 5; exit 7" TERM; sleep 100 & wait'
docker stop -t 2 t3
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t3
# restart -t: the trap's exit, then the workload runs again
docker run -d --network none --name t4 base:1 sh -c 'echo start; trap "echo term; exit 3" TERM; sleep 100 & wait'
docker restart -t 2 t4
docker logs t4
docker stop -t 0 t4
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t4
# --stop-timeout is the container's own default
docker run -d --network none --name t5 --stop-timeout 3 base:1 sh -c 'trap "sleep 1; exit 9" TERM; sleep 100 & wait'
docker stop t5
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t5
# wait lets time pass: loops with sleeps run to the end
docker run -d --network none --name t6 base:1 sh -c 'for i in 1 2 3; do sleep 2; echo tick $i; done; exit 6'
docker wait t6
docker logs t6
# a foreground run lets time pass in the other containers too
docker run -d --network none --name t7 base:1 sh -c 'sleep 5; echo late > /tmp/late; exit 2'
docker run --rm --network none base:1 sh -c 'sleep 7; echo done'
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t7
docker diff t7
# wait on two: the second's time has partly passed already
docker run -d --network none --name t8 base:1 sh -c 'sleep 6; exit 8'
docker run -d --network none --name t9 base:1 sh -c 'sleep 8; exit 9'
docker wait t8 t9
# exec lets time pass
docker run -d --network none --name t10 base:1 sh -c 'sleep 4; touch /tmp/a; sleep 100'
docker exec t10 sleep 5
docker exec t10 ls /tmp
docker stop -t 0 t10
# sleep ignores TERM as PID 1: killed after the timeout
docker run -d --network none --name t11 base:1 sleep 100
docker stop -t 1 t11
docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' t11
# a paused container's clock runs: its sleep ends when it is thawed
docker run -d --network none --name t12 base:1 sh -c 'sleep 6; exit 12'
docker pause t12
docker run --rm --network none base:1 sleep 7
docker inspect --format '{{.State.Status}}' t12
docker unpause t12
docker wait t12
docker ps -a --format '{{.Names}} {{.Status}}'
