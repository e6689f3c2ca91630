"""settle: waiting for what only time separates, and saying what the engine had not done by the deadline."""
from __future__ import annotations

from dataclasses import replace

import requests

from dockspec.observe import LABEL, Owner
from dockspec.settle import settle
from model import commands as cmd
from model.engine import step
from model.values import World


class SlowEngine:
    """An engine whose container `p-c1` still runs a one-shot workload when the model has it exited."""

    def __init__(self, state: str, finishes: bool, list_lags: int = 0):
        self.state, self.finishes, self.waited, self.list_lags = state, finishes, [], list_lags

    def containers(self, all=False, filters=None):
        if self.waited and self.finishes:  # the exit happened; the list may show it late
            self.list_lags -= 1
            if self.list_lags < 0:
                self.state = "exited"
        return [{"Id": "c" * 64, "Names": ["/p-c1"], "State": self.state, "Labels": {LABEL: "r"}}]

    def wait(self, cid, timeout=None, condition=None):
        self.waited.append(condition)
        if not self.finishes:
            raise requests.exceptions.ReadTimeout("read timed out")
        return {"StatusCode": 0}


def exited_world() -> World:
    from spec import fixtures

    w = step(World(), fixtures.import_base()).world
    return step(w, cmd.Run(cmd.Create("base:1", ("true",), name="c1"))).world


def test_waits_for_the_exit_of_a_running_or_paused_container_the_model_has_exited():
    for state in ("running", "paused"):
        api = SlowEngine(state, finishes=True)
        assert settle(api, Owner("r", frozenset()), exited_world(), lambda c: "p-" + c.name) == []
        assert api.waited == ["not-running"]


def test_says_what_the_engine_had_not_done_at_the_deadline():
    api = SlowEngine("running", finishes=False)
    late = settle(api, Owner("r", frozenset()), exited_world(), lambda c: "p-" + c.name, timeout=1)
    assert late == ["p-c1: waited 1 s for its exit, the engine still showed it running"]


def test_waits_for_the_container_list_to_show_the_exit_wait_reported():
    # Docker 26.1: `wait` returned, `ps` still said running, and exited 0.5 s later
    api = SlowEngine("running", finishes=True, list_lags=3)
    assert settle(api, Owner("r", frozenset()), exited_world(), lambda c: "p-" + c.name) == []
    assert api.state == "exited"


class DiffEngine:
    """An engine whose running container `p-c1` shows `paths` in its diff, as Podman's, which never lists its mount points."""

    def __init__(self, paths):
        self.paths, self.diffs = paths, 0

    def containers(self, all=False, filters=None):
        return [{"Id": "c" * 64, "Names": ["/p-c1"], "State": "running", "Labels": {LABEL: "r"}}]

    def diff(self, cid):
        self.diffs += 1
        return [{"Path": p, "Kind": 1} for p in self.paths]


def test_waits_for_no_file_the_dialects_diff_never_lists():
    """podman-4.3: a running container's layer holds /etc/hostname, /etc/hosts, /run/.containerenv (made at
    start) that its diff never lists: settle waited 5 s for them at every line (62 % of a replay pass)."""
    import time

    from model.dialects import get
    from spec import fixtures

    p = get("podman-4.3")
    w = step(World(), fixtures.import_base(), p).world
    for argv, shown, late in ((("sleep", "100"), ["/etc"], False),
                              (("sh", "-c", "touch /tmp/a; sleep 100"), ["/etc", "/tmp", "/tmp/a"], False),
                              (("sh", "-c", "touch /tmp/a; sleep 100"), ["/etc"], True)):
        world = step(w, cmd.Run(cmd.Create("base:1", argv, name="c1", network="none"), detach=True), p).world
        assert "/etc/hostname" in world.container_by_name("c1").rw
        api = DiffEngine(shown)
        t = time.monotonic()
        out = settle(api, Owner("r", frozenset()), world, lambda c: "p-" + c.name, profile=p)
        assert bool(out) is late, out
        assert (time.monotonic() - t > 4) is late
        if late:
            assert out == ["p-c1: waited 5 s for its workload's writes, the engine's diff still lacked /tmp/a"]


def test_waits_for_a_symlink_the_workload_makes():
    """replays/59-applets2.sh:3 on docker-26.1 under load: the diff was read before the workload's last
    `ln -s` had run; settle waits for symlinks as for files."""
    from spec import fixtures

    w = step(World(), fixtures.import_base()).world
    from model import fs as fs_mod

    world = step(w, cmd.Run(cmd.Create("base:1", ("sh", "-c", "touch /tmp/a; sleep 100"), name="c1",
                                       network="none"), detach=True)).world
    c = world.container_by_name("c1")  # what `ln -s a /tmp/l` leaves (the fixture's base has no ln)
    world = world.put_container(replace(c, rw=type(c.rw)({**c.rw, "/tmp/l": fs_mod.symlink("a")})))
    out = settle(DiffEngine(["/tmp", "/tmp/a"]), Owner("r", frozenset()), world, lambda c: "p-" + c.name)
    assert out == ["p-c1: waited 5 s for its workload's writes, the engine's diff still lacked /tmp/l"]
    assert settle(DiffEngine(["/tmp", "/tmp/a", "/tmp/l"]), Owner("r", frozenset()), world, lambda c: "p-" + c.name) == []


class UnpausingEngine:
    """An engine whose list shows `p-c1` paused for `lag` reads after a commit unpaused it."""

    def __init__(self, lag: int):
        self.lag = lag

    def containers(self, all=False, filters=None):
        self.lag -= 1
        state = "paused" if self.lag >= 0 else "running"
        return [{"Id": "c" * 64, "Names": ["/p-c1"], "State": state, "Labels": {LABEL: "r"}}]

    def diff(self, cid):
        return []


def running_world() -> World:
    from spec import fixtures

    w = step(World(), fixtures.import_base()).world
    return step(w, cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1"), detach=True)).world


def test_waits_for_the_list_to_show_the_unpause_a_commit_made():
    # docker-20.10 under load (CI, the cover): `commit` of a running container, then the list said `paused`
    api = UnpausingEngine(lag=3)
    assert settle(api, Owner("r", frozenset()), running_world(), lambda c: "p-" + c.name) == []
    assert api.lag < 0
    kept = UnpausingEngine(lag=10 ** 9)  # an engine that keeps it paused is compared as it is, and said
    late = settle(kept, Owner("r", frozenset()), running_world(), lambda c: "p-" + c.name, timeout=1)
    assert late == ["p-c1: waited 1 s for its unpause, the engine still showed it paused"]


class Flicker:
    """docker-20.10 under load (the cover, 1 run in 6): after `commit` of a running container, `settle` read
    `running`, and the reading right after caught the flag a late "paused" event set for 8 ms."""

    def __init__(self, states):
        self.states, self.reads = list(states), 0

    def raw(self):
        from dockspec.observe import Raw

        self.reads += 1
        state = self.states.pop(0) if self.states else "running"
        return Raw([{"Id": "c" * 64, "Names": ["/p-c1"], "State": state}], [], {}, {})


def test_a_reading_that_caught_the_lagging_pause_flag_is_taken_again():
    from dockspec.settle import read_settled

    for states, reads, shown in ((["paused"], 2, "running"), (["running"], 1, "running"),
                                 (["paused", "paused", "paused"], 3, "paused")):
        reading = Flicker(states)
        raw, late = read_settled(UnpausingEngine(lag=0), Owner("r", frozenset()), reading, running_world(),
                            lambda c: "p-" + c.name)
        assert (reading.reads, raw.containers[0]["State"], late) == (reads, shown, [])
    # one the engine kept paused while settle waited is compared as it is, at once
    reading = Flicker(["paused"])
    raw, late = read_settled(UnpausingEngine(lag=10 ** 9), Owner("r", frozenset()), reading, running_world(),
                        lambda c: "p-" + c.name)
    assert reading.reads == 1 and late and raw.containers[0]["State"] == "paused"
