"""The spec's state machine on the model, with the active Hypothesis profile (quick by default)."""
from __future__ import annotations

import pytest
from hypothesis.stateful import run_state_machine_as_test

from model import commands as cmd
from spec.coverage import COVERAGE
from spec.machine import DockerMachine, RuleBroken
from spec.settings import suite_settings


def test_machine_finds_no_counterexample():
    COVERAGE.clear()
    run_state_machine_as_test(DockerMachine, settings=suite_settings())
    assert COVERAGE.missing() == [], {v: COVERAGE.status(v) for v in COVERAGE.missing()}


def test_execute_records_docker_lines_and_checks_rules():
    m = DockerMachine()
    m.import_base()
    m.execute(cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1", network="none"), detach=True))
    m.execute(cmd.Rm(("c1",)))  # refused: running
    assert m.lines[-1] == (["docker", "rm", "c1"], "")
    assert m.script().splitlines()[2:] == [
        "docker import base.tar base:1",
        "docker run -d --name c1 --network none base:1 sleep 1000",
        "docker rm c1",
    ]


def test_execute_raises_when_the_model_breaks_a_rule(monkeypatch):
    from model import containers, engine

    monkeypatch.setitem(engine.TRANSITIONS, cmd.Rm, lambda w, c, p: containers.rm(w, cmd.Rm(c.containers, True), p))
    m = DockerMachine()
    m.import_base()
    m.execute(cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1", network="none"), detach=True))
    with pytest.raises(RuleBroken, match="refused_exactly_as_the_engine_refuses"):
        m.execute(cmd.Rm(("c1",)))


def test_subclass_can_observe_every_command():
    seen = []

    class Lockstep(DockerMachine):
        def execute(self, command, comment=""):
            seen.append(command)
            return super().execute(command, comment)

    run_state_machine_as_test(Lockstep, settings=suite_settings(examples=5, steps=10))
    assert seen and all(type(c).__module__ == "model.commands" for c in seen)
