"""`dockspec check` through click: a JSON summary on the model, and a docker script when the model is broken."""
from __future__ import annotations

import json

from click.testing import CliRunner

from dockspec.cli import main
from model import commands as cmd
from model import containers, engine


def test_check_json_summary():
    result = CliRunner().invoke(main, ["check", "--examples", "5", "--json", "--seed", "1"])
    summary = json.loads(result.output)
    assert summary["failure"] is None
    assert summary["examples"] >= 5 and summary["steps"] > 0
    assert set(summary["coverage"]) >= {"run", "rm", "rmi", "ps", "images"}
    assert summary["coverage"]["ps"]["status"].startswith("exempt")
    # Five sequences are too few to see every verb both succeed and be refused.
    assert result.exit_code == (0 if summary["passed"] else 1)
    assert summary["passed"] == (summary["coverage_missing"] == [])


def test_check_default_run_passes_with_full_coverage():
    result = CliRunner().invoke(main, ["check", "--no-laws"])
    assert result.exit_code == 0, result.output
    assert "Coverage" in result.output and "never" not in result.output


def _rm_forgets_running(world, c, p):
    """A broken model: `rm` without -f removes a running container."""
    return containers.rm(world, cmd.Rm(c.containers, True), p)


def test_check_prints_a_docker_script_for_a_broken_model(monkeypatch):
    monkeypatch.setitem(engine.TRANSITIONS, cmd.Rm, _rm_forgets_running)
    result = CliRunner().invoke(main, ["check", "--examples", "200", "--seed", "0", "--no-laws"])
    assert result.exit_code == 1
    assert "refused_exactly_as_the_engine_refuses" in result.output
    lines = [l for l in result.output.splitlines() if l.startswith("docker ")]
    assert lines[0] == "docker import base.tar base:1"
    assert any(l.startswith("docker run -d ") and "--network none" in l for l in lines)
    assert lines[-1].startswith("docker rm ")


def test_check_json_reports_the_failure(monkeypatch):
    monkeypatch.setitem(engine.TRANSITIONS, cmd.Rm, _rm_forgets_running)
    result = CliRunner().invoke(main, ["check", "--examples", "200", "--seed", "0", "--no-laws", "--json"])
    assert result.exit_code == 1
    failure = json.loads(result.output)["failure"]
    assert failure["name"] == "machine" and "docker rm " in failure["script"]
