"""One worker: one conformance run against one engine, in a process of its own.

`python -m dockspec.workers.worker SPEC.json` reads a `WorkerSpec` (as JSON),
starts the worker's private engine in its own folder (or checks that the
engine at its URL answers), runs `dockspec.conform.run_conformance` with the
shared example database, and writes its report (`WorkerReport`, as JSON) to the
spec's `result` path.  Hypothesis may print to standard output, so the report
goes to a file, never to stdout.  A failure to get the engine is the worker's
engine fault; nothing a worker meets stops the others, which run in processes
of their own.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path


def load_dialect(name: str | None, engine=None):
    """A dialect by name (`dockspec dialects`), or `module:attribute` naming a `Profile` (mutants, tests)."""
    if name and ":" in name:
        module, attr = name.split(":", 1)
        return getattr(importlib.import_module(module), attr)
    from ..dialects import dialect_for

    return dialect_for(name, engine)


def run(spec: dict) -> dict:
    """Run the worker `spec` describes; its report as a JSON-able dict (see `WorkerReport`)."""
    if spec.get("engine_dir"):
        os.environ["DOCKSPEC_ENGINE_DIR"] = spec["engine_dir"]
    from spec.coverage import COVERAGE

    from .. import engines
    from ..conform import describe, run_conformance, verdict
    from ..failures import Divergence, DockspecBug
    from ..services.database import example_database

    report: dict = {"index": spec["index"], "engine_dir": spec.get("engine_dir"), "seed": spec.get("seed"),
                    "database": spec.get("database") or "none", "started_engine": False}
    t0 = time.perf_counter()
    url = spec.get("url")
    engine = None
    try:
        if url:
            if not engines.answers(url, timeout=10):
                raise engines.EngineUnavailable(f"no engine answers at {url}")
        else:
            engine = engines.get(spec.get("engine"))
            was_up = engine.answers()
            url = engine.up()
            report["started_engine"] = not was_up
            report["engine"] = engine.name
    except engines.EngineUnavailable as e:
        return {**report, "url": url, "verdict": "engine_fault", "exit": 2, "steps": 0, "examples": 0,
                "seconds": round(time.perf_counter() - t0, 2), "error": f"engine unavailable: {e}"}
    report["url"] = url
    report["engine_seconds_to_start"] = round(time.perf_counter() - t0, 2)
    try:
        profile = load_dialect(spec.get("dialect"), engine)
        database = example_database(spec.get("database"))
    except Exception as e:  # a bad --dialect or --database: reported with what was wrong
        return {**report, "verdict": "dockspec_bug", "exit": 3, "steps": 0, "examples": 0, "seconds": 0.0,
                "error": f"{type(e).__name__}: {e}"}
    report["dialect"] = profile.name
    scripts: list[str] = []
    divergent: list[str] = []  # every example that diverged, shrinking included (the first 200)

    def finished(machine) -> None:  # every example, in order: the first is what the database replayed
        diverged = getattr(machine, "divergence", None) is not None
        if not scripts:
            scripts.append(machine.script())
            report["first_diverged"] = diverged
        if diverged and len(divergent) < 200:
            divergent.append(machine.script())
        report["examples"] = report.get("examples", 0) + 1

    COVERAGE.clear()
    failure, Machine, elapsed = run_conformance(url, spec["examples"], spec.get("seed"), spec.get("steps"),
                                                spec.get("allow_known", False), profile, database=database,
                                                on_teardown=finished)
    word, status = verdict(failure)
    report.update(verdict=word, exit=status, steps=Machine.steps, seconds=round(elapsed, 2),
                  engine_seconds=round(Machine.seconds_engine, 2), coverage=COVERAGE.to_json(),
                  first_script=scripts[0] if scripts else None, examples=report.get("examples", 0),
                  divergent_scripts=divergent)
    if isinstance(failure, Divergence):
        report["divergence"] = {"aspect": failure.aspect, "script": failure.script, "model": failure.model,
                                "engine": failure.engine, "note": getattr(failure, "note", "")}
    elif failure is not None:
        report["error"] = failure.report() if isinstance(failure, DockspecBug) else str(failure)
    if failure is not None:
        report["message"] = describe(failure)
    return report


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m dockspec.workers.worker SPEC.json", file=sys.stderr)
        return 2
    spec = json.loads(Path(argv[0]).read_text())
    try:
        report = run(spec)
    except BaseException as e:  # dockspec's own failure: still a report, so the pool can say which worker
        import traceback

        report = {"index": spec.get("index"), "verdict": "dockspec_bug", "exit": 3, "steps": 0, "examples": 0,
                  "seconds": 0.0, "error": f"{type(e).__name__}: {e}\n{traceback.format_exc()}"}
    tmp = Path(spec["result"] + ".tmp")
    tmp.write_text(json.dumps(report, default=str))
    tmp.rename(spec["result"])  # whole or not at all: a killed worker leaves no half report
    return int(report.get("exit", 3))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
