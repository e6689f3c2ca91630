"""`model.live`: the lag of Docker's pause flag, offered as the race's other outcomes (replays/67-pause-flag-lag.sh)."""
from __future__ import annotations

import pytest

from model import commands as cmd
from model import engine, live
from model.dialects import get
from model.errors import ErrorKind
from model.result import outcomes
from model.values import Status, World
from spec.fixtures import import_base

DOCKER = get("docker-20.10")


def _running(profile=DOCKER) -> World:
    w = engine.step(World(), import_base(), profile).world
    return live.step(w, cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1"), detach=True), profile).world


def _kinds(result) -> list:
    return [(r.error.kind if r.error else None, r.world.containers[next(iter(r.world.containers))].status)
            for r in outcomes(result)]


def test_a_commit_of_a_running_container_may_leave_it_called_paused():
    w = live.step(_running(), cmd.Commit("c1", "img1")).world
    assert len(w.unsettled) == 1
    r = live.step(w, cmd.Pause(("c1",)))
    assert _kinds(r) == [(None, Status.PAUSED), (ErrorKind.ALREADY_PAUSED, Status.RUNNING)]
    assert "is already paused" in outcomes(r)[1].stderr


@pytest.mark.parametrize("command, kind", [
    (cmd.Exec("c1", ("true",)), ErrorKind.PAUSED),
    (cmd.Rm(("c1",)), ErrorKind.REMOVE_PAUSED),
    (cmd.Start(("c1",)), ErrorKind.PAUSED),
])
def test_the_commands_a_paused_container_refuses_may_refuse_it(command, kind):
    w = live.step(_running(), cmd.Commit("c1", "img1")).world
    assert kind in [k for k, _ in _kinds(live.step(w, command))[1:]]


def test_a_command_that_acts_on_it_keeps_one_outcome():
    w = live.step(_running(), cmd.Commit("c1", "img1")).world
    assert len(outcomes(live.step(w, cmd.Stop(("c1",), timeout=0)))) == 1
    assert len(outcomes(live.step(w, cmd.Unpause(("c1",))))) == 1


def test_the_window_stays_open_across_reads_and_closes_on_a_change():
    w = live.step(_running(), cmd.Commit("c1", "img1")).world
    read = live.step(w, cmd.Ps(all=True)).world
    assert read.unsettled == w.unsettled
    changed = live.step(read, cmd.Tag("img1", "img2")).world
    assert not changed.unsettled
    assert len(outcomes(live.step(changed, cmd.Pause(("c1",))))) == 1


def test_unpause_opens_the_window_too():
    w = live.step(_running(), cmd.Pause(("c1",))).world
    assert not w.unsettled
    w = live.step(w, cmd.Unpause(("c1",))).world
    assert len(outcomes(live.step(w, cmd.Pause(("c1",))))) == 2


def test_a_window_is_not_part_of_the_state():
    w = live.step(_running(), cmd.Commit("c1", "img1")).world
    assert w.unsettled and w == w.__class__(**{f: getattr(w, f) for f in ("layers", "images", "tags", "containers", "clock")})


@pytest.mark.parametrize("name", ["podman-4.3", "podman-5.4"])
def test_podman_has_no_lag(name):
    p = get(name)
    w = live.step(_running(p), cmd.Commit("c1", "img1"), p).world
    assert not w.unsettled
    assert len(outcomes(live.step(w, cmd.Pause(("c1",)), p))) == 1


def test_the_engine_at_rest_has_one_outcome():
    """The state graph (`dockspec.explore`) steps the engine at rest: no lag, whatever the world carries."""
    w = live.step(_running(), cmd.Commit("c1", "img1")).world
    assert len(outcomes(engine.step(w, cmd.Pause(("c1",))))) == 1
