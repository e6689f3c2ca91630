"""The faults an engine admits in its own log (dockspec.engines.faults), and how a replay names them."""
from __future__ import annotations

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
