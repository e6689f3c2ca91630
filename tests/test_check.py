"""`dockspec check` through click: a JSON summary on the model, and a docker script when the model is broken."""
from __future__ import annotations

import json

from click.testing import CliRunner

from dockspec.cli import main
from model import commands as cmd
from model import containers, engine
from model.errors import ErrorKind
from model.result import Result


def test_check_json_summary():
    result = CliRunner().invoke(main, ["check", "--examples", "5", "--json", "--seed", "1"])
    assert result.stdout.startswith("{"), result.output
    summary = json.loads(result.stdout)
    assert summary["failure"] is None
    assert summary["examples"] >= 5 and summary["steps"] > 0
    assert set(summary["coverage"]) >= {"run", "rm", "rmi", "ps", "images"}
    assert summary["coverage"]["ps"]["status"] in ("exempt: cannot be refused", "never run")
    assert "ps" not in summary["coverage_missing"] or summary["coverage"]["ps"]["status"] == "never run"
    # Five sequences are too few to see every verb both succeed and be refused.
    assert result.exit_code == (0 if summary["passed"] else 1)
    assert summary["passed"] == (summary["coverage_missing"] == [])


def test_check_default_run_passes_with_full_coverage():
    result = CliRunner().invoke(main, ["check", "--no-laws"])
    assert result.exit_code == 0, result.output
    assert "Coverage" in result.output and "never" not in result.output


def _kill_forgets_not_running(world, c, p):
    """A broken model: `kill` of a container that is not running succeeds (and does nothing)."""
    result = containers.kill(world, c, p)
    if result.error is not None and result.error.kind is ErrorKind.NOT_RUNNING:
        return Result(world, "".join(name + "\n" for name in c.containers))
    return result


# Six steps find the broken `kill` (import, create, kill) and shrink it in seconds; at 20 steps Hypothesis
# shrank for 140 s (300 s on a loaded CI machine).
BROKEN_RUN = ["check", "--examples", "300", "--steps", "6", "--seed", "0", "--no-laws"]


def test_check_prints_a_docker_script_for_a_broken_model(monkeypatch):
    monkeypatch.setitem(engine.TRANSITIONS, cmd.Kill, _kill_forgets_not_running)
    result = CliRunner().invoke(main, BROKEN_RUN)
    assert result.exit_code == 1
    assert "refused_exactly_as_the_engine_refuses" in result.stdout
    lines = [l for l in result.stdout.splitlines() if l.startswith("docker ")]
    assert lines[0] == "docker import base.tar base:1"
    assert any("--network none" in l for l in lines if l.startswith(("docker run ", "docker create ")))
    assert lines[-1].startswith("docker kill ")


def test_check_json_reports_the_failure(monkeypatch):
    monkeypatch.setitem(engine.TRANSITIONS, cmd.Kill, _kill_forgets_not_running)
    result = CliRunner().invoke(main, BROKEN_RUN + ["--json"])
    assert result.exit_code == 1
    failure = json.loads(result.stdout)["failure"]
    assert failure["name"] == "machine" and "\ndocker kill " in failure["script"]
