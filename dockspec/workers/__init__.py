"""Conformance with many workers: one private engine each (or engines by URL), one shared example database.

The one interface:

    specs = plan(workers=2, examples=40, seed=7, engine="docker-20.10", database="redis://127.0.0.1:6400/0")
    merged = run_pool(specs)          # a `report.Merged`: verdict, exit, steps, rate, coverage, divergences
    print(merged.text()); merged.junit("conform.xml")

`dockspec conform --workers N` and repeated `--engine URL` call `run_campaign`.
Worker K's private engine lives in `$DOCKSPEC_ENGINE_DIR/worker-K/NAME`; each
worker is a process of its own (`worker.py`), so one whose engine dies is an
engine fault for that worker alone, and the others finish (`pool.py`).  The
reports merge into one (`report.py`).
"""
from __future__ import annotations

from .pool import Pool, WorkerSpec, engine_dir, plan, run_pool, stop_engine, worker_dir
from .report import Merged, merge

__all__ = ["Merged", "Pool", "WorkerSpec", "engine_dir", "merge", "plan", "run_campaign", "run_pool", "stop_engine",
           "worker_dir"]


def run_campaign(*, workers: int, urls: tuple[str, ...], private: str | None, examples: int, steps: int | None,
                 seed: int | None, dialect: str | None, database: str | None, allow_known: bool, as_json: bool,
                 junit: str | None, keep_engines: bool = False) -> int:
    """`dockspec conform` with several workers: run, print the merged report; its exit status."""
    import json

    import click

    from ..services.database import DIRECTORY, BadDatabase, example_database

    database = database or DIRECTORY  # workers on one machine share the local directory database by default
    try:
        example_database(database)  # a clear error before any engine starts
        specs = plan(workers, examples, seed, urls=urls, engine=private, steps=steps, dialect=dialect,
                     database=database, allow_known=allow_known)
    except (BadDatabase, ValueError) as e:
        click.echo(f"dockspec conform: {e}", err=True)
        return 2
    if not as_json:
        where = ", ".join(s.url or f"{s.engine} in {s.engine_dir}" for s in specs)
        click.echo(f"dockspec conform: {len(specs)} workers, {examples} sessions, seeds {specs[0].seed}.., "
                   f"database {database}: {where} ...", err=True)
    merged = run_pool(specs, keep_engines=keep_engines)
    if junit:
        merged.junit(junit)
    click.echo(json.dumps(merged.to_json(), default=str) if as_json else merged.text())
    return merged.exit
