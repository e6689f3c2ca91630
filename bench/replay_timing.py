"""A pytest plugin that splits tests/test_replay.py's wall time per engine line.

    PYTHONPATH=$PWD/bench .venv/bin/python -m pytest -p replay_timing tests/test_replay.py -k podman-4.3

At the end it prints, and writes to $DOCKSPEC_REPLAY_TIMING (a JSON file, when set): the
total wall time, the time in the engine's CLI (`CliEngine.run`, one process per line), in
`settle` and in `Observer.raw()` (the observation after each line), and in the model
(`run_lines`), per script and overall, with the slowest lines' CLI times.  Nothing is
changed but the clock readings around those four calls.
"""
from __future__ import annotations

import json
import os
import time
from collections import defaultdict

import pytest

_parts = ("cli", "settle", "raw", "model")
_by_script: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(_parts + ("wall", "lines"), 0.0))
_slow: list[tuple[float, str, str]] = []
_current = {"script": "?"}
_started = time.monotonic()


def _timed(part, fn, keep_line=False):
    def wrapper(*a, **k):
        t = time.monotonic()
        try:
            return fn(*a, **k)
        finally:
            dt = time.monotonic() - t
            row = _by_script[_current["script"]]
            row[part] += dt
            if keep_line:
                row["lines"] += 1
                words = a[1] if len(a) > 1 else k.get("words", [])
                _slow.append((dt, _current["script"], " ".join(words)[:90]))
    return wrapper


def pytest_configure(config):
    from dockspec import replay
    replay.CliEngine.run = _timed("cli", replay.CliEngine.run, keep_line=True)
    replay.settle = _timed("settle", replay.settle)
    replay.Observer.raw = _timed("raw", replay.Observer.raw)
    run_lines = replay.run_lines
    replay.run_lines = _timed("model", lambda *a, **k: list(run_lines(*a, **k)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    script = item.callspec.params.get("script") if hasattr(item, "callspec") else None
    _current["script"] = script.name if script is not None else item.name
    t = time.monotonic()
    yield
    _by_script[_current["script"]]["wall"] += time.monotonic() - t


def pytest_terminal_summary(terminalreporter):
    total = dict.fromkeys(_parts + ("wall", "lines"), 0.0)
    for row in _by_script.values():
        for k in total:
            total[k] += row[k]
    w = terminalreporter
    w.section("replay timing")
    w.line(f"session wall {time.monotonic() - _started:.1f} s; in the tests {total['wall']:.1f} s over "
           f"{int(total['lines'])} engine lines")
    for k in _parts:
        w.line(f"  {k:7s} {total[k]:8.1f} s  ({100 * total[k] / max(total['wall'], 1e-9):4.1f} %)"
               f"  {1000 * total[k] / max(total['lines'], 1):6.0f} ms a line")
    w.line("per script (wall / cli / settle / raw / model, s):")
    for name, row in sorted(_by_script.items(), key=lambda kv: -kv[1]["wall"]):
        w.line(f"  {name:34s} {row['wall']:6.1f} {row['cli']:6.1f} {row['settle']:6.1f} {row['raw']:6.1f} "
               f"{row['model']:5.1f}  ({int(row['lines'])} lines)")
    w.line("slowest CLI lines:")
    for dt, script, words in sorted(_slow, reverse=True)[:12]:
        w.line(f"  {dt:5.1f} s  {script}  {words}")
    out = os.environ.get("DOCKSPEC_REPLAY_TIMING")
    if out:
        with open(out, "w") as f:
            json.dump({"total": total, "scripts": _by_script, "slowest": sorted(_slow, reverse=True)[:40]}, f, indent=1)
