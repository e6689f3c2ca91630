"""The faults an engine admits in its own log (dockspec.engines.faults), and how a replay names them."""
from __future__ import annotations

import pytest

from dockspec.engines.faults import LogWatch
from dockspec.replay import LineReport, render

LOST = ('time="2026-12-03T06:13:09.602778616Z" level=error msg="stream copy error: reading from a closed fifo"\n')


def test_a_watch_names_only_the_known_faults_logged_since_its_mark(tmp_path):
    log = tmp_path / "daemon.log"
    log.write_text(LOST)  # before the mark: another line's
    w = LogWatch(log, "docker")
    w.mark()
    assert w.faults() == []
    with open(log, "a") as f:
        f.write('time="..." level=warning msg="cleaning up after shim disconnected"\n' + LOST)
    (fault,) = w.faults()
    assert fault.startswith("the engine lost a container's output") and "reading from a closed fifo" in fault
    assert LogWatch(log, "podman", 0).faults() == []  # a family's own faults only
    w.mark()
    assert w.faults() == []


def test_a_missing_log_admits_nothing(tmp_path):
    w = LogWatch(tmp_path / "none.log", "docker")
    w.mark()
    assert w.faults() == []


def test_a_line_that_differs_by_an_engine_fault_is_not_a_divergence():
    side = lambda out: {"exit": 0, "stdout": out, "stderr": "", "state": {}}
    lost = LineReport(5, "docker run --rm base:1 echo hi", side("hi\n"), side(""), ["stdout"], fault="lost (its log: x)")
    wrong = LineReport(6, "docker run --rm base:1 echo hi", side("hi\n"), side("ho\n"), ["stdout"])
    assert not lost.diverges and wrong.diverges
    assert "engine fault, not a divergence: lost (its log: x)" in render([lost, wrong])
    assert lost.to_json()["engine_fault"] == "lost (its log: x)" and "engine_fault" not in wrong.to_json()


class _Losing:
    """The docker-20.10 engine through a client that loses `run`'s output, as dockerd does under load, and
    writes the engine's words for it into a log of its own when `admits`."""

    kind = "docker"

    def __init__(self, url: str, folder, admits: bool):
        from dockspec import engines

        real = engines.get("docker-20.10")
        self.url, self.log = url, folder / "daemon.log"
        self.log.write_text("")
        self.client = folder / "docker"
        say = f"echo '{LOST.strip()}' >> {self.log}" if admits else "true"
        self.client.write_text(f'#!/bin/sh\nif [ "$4" = run ]; then "$@" > /dev/null; s=$?; {say}; exit $s; fi\nexec "$@"\n')
        self.client.chmod(0o755)
        self._cli = [str(self.client), *real.cli()[:1], "-H", url]
        self.cli_env = real.cli_env

    def cli(self):
        return self._cli

    def log_path(self):
        return self.log


@pytest.mark.engine
@pytest.mark.parametrize("admits", [True, False])
def test_a_replay_names_a_lost_output_the_engine_admits_an_engine_fault(engine, tmp_path, admits):
    from dockspec.replay import replay_text

    script = "docker import base.tar base:1\ndocker run --rm --network none base:1 echo hi\n"
    (tmp_path / "engine").mkdir()
    reports = replay_text(script, tmp_path, engine, engine=_Losing(engine, tmp_path / "engine", admits))
    imported, ran = reports
    assert not imported.differs and ran.differs == ["stdout"] and ran.engine["stdout"] == ""
    if admits:
        assert not ran.diverges and "lost a container's output" in ran.fault
    else:
        assert ran.diverges and ran.fault == ""
