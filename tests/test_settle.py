"""settle: waiting for what only time separates, and saying what the engine had not done by the deadline."""
from __future__ import annotations

import requests

from dockspec.observe import LABEL, Owner
from dockspec.settle import settle
from model import commands as cmd
from model.engine import step
from model.values import World


class SlowEngine:
    """An engine whose container `p-c1` still runs a one-shot workload when the model has it exited."""

    def __init__(self, state: str, finishes: bool):
        self.state, self.finishes, self.waited = state, finishes, []

    def containers(self, all=False):
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
