"""Narratives for time that passes in containers (`model.clock`) and for workloads the model refuses.

Each expectation was seen on Docker 20.10 first (replays/27-time.sh).
"""
from __future__ import annotations

from model.errors import ErrorKind
from model.values import Status

from .helpers import based, docker


def state(world, name):
    c = world.container_by_name(name)
    return c.status, c.exit_code


def test_stop_within_its_timeout_keeps_the_process_exit_code():
    w = based("docker run -d --network none --name t1 base:1 sh -c 'sleep 1; exit 4'")
    assert state(docker(w, "docker stop -t 3 t1").world, "t1") == (Status.EXITED, 4)
    assert state(docker(w, "docker stop -t 0 t1").world, "t1") == (Status.EXITED, 137)


def test_a_term_trap_exits_as_it_says_when_it_ends_in_time():
    w = based("""docker run -d --network none --name t1 base:1 sh -c 'trap "sleep 1; exit 7" TERM; sleep 100 & wait'""")
    assert state(docker(w, "docker stop -t 3 t1").world, "t1") == (Status.EXITED, 7)
    assert state(docker(w, "docker stop -t 1 t1").world, "t1") == (Status.EXITED, 7)  # 1 s is within 1 s
    assert state(docker(w, "docker stop -t 0 t1").world, "t1") == (Status.EXITED, 137)


def test_the_default_timeout_is_the_containers_stop_timeout_else_ten_seconds():
    trap = """sh -c 'trap "sleep 5; exit 9" TERM; sleep 100 & wait'"""
    w = based(f"docker run -d --network none --name a1 --stop-timeout 3 base:1 {trap}",
              f"docker run -d --network none --name b1 base:1 {trap}")
    assert state(docker(w, "docker stop a1").world, "a1") == (Status.EXITED, 137)
    assert state(docker(w, "docker stop b1").world, "b1") == (Status.EXITED, 9)
    assert state(docker(w, "docker stop -t 6 a1").world, "a1") == (Status.EXITED, 9)


def test_time_a_foreground_run_lets_pass_passes_in_every_container():
    w = based("docker run -d --network none --name bg base:1 sh -c 'sleep 2; echo late > /tmp/late; exit 2'",
              "docker run -d --network none --name long base:1 sleep 10")
    r = docker(w, "docker run --rm --network none base:1 sh -c 'sleep 4; echo done'")
    assert r.stdout == "done\n"
    assert state(r.world, "bg") == (Status.EXITED, 2)
    assert state(r.world, "long") == (Status.RUNNING, None)
    assert "A /tmp/late" in docker(r.world, "docker diff bg").stdout
    assert docker(docker(r.world, "docker wait long").world, "docker ps -q").stdout == ""


def test_a_paused_containers_clock_runs_and_its_sleep_ends_when_thawed():
    w = based("docker run -d --network none --name p1 base:1 sh -c 'sleep 2; exit 12'", "docker pause p1")
    later = docker(w, "docker run --rm --network none base:1 sleep 3").world
    assert state(later, "p1") == (Status.PAUSED, None)
    assert state(docker(later, "docker unpause p1").world, "p1") == (Status.EXITED, 12)
    assert state(docker(w, "docker unpause p1").world, "p1") == (Status.RUNNING, None)  # no time passed


def test_processes_see_the_engines_environment_and_host_name():
    w = based("docker run -d --network none --name h1 -e HOSTNAME=x -e A=1 base:1 sleep 100")
    c = w.container_by_name("h1")
    r = docker(w, "docker exec h1 env")
    assert r.stdout == "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHOSTNAME=x\nA=1\nHOME=/root\n"
    assert docker(w, "docker exec h1 busybox hostname").stdout == c.id[:12] + "\n"


def test_a_workload_the_model_cannot_interpret_is_refused_and_changes_nothing():
    w = based("docker run -d --network none --name r1 base:1 sleep 100")
    for line in ("docker run -d --network none --name u1 base:1 sh -c 'rmdir /tmp; sleep 100'",
                 "docker run --network none base:1 sh -c 'sleep 1; rmdir /tmp'",
                 "docker run -d --network none base:1 sh -c 'while :; do :; done'",
                 "docker exec r1 sh -c 'sleep 1; rmdir /tmp'"):
        r = docker(w, line)
        assert r.error is not None and r.error.kind is ErrorKind.UNSUPPORTED_WORKLOAD, line
        assert r.world == w, line
    assert "'rmdir'" in docker(w, "docker exec r1 rmdir /tmp").stderr
