"""`--verify`: replay each differing cell's script on the real engines and mark the cell.

For every dialect of the matrix that has a private engine of the same name
that answers (`dockspec engine up NAME`), the cell's script is replayed there
by `dockspec.replay.replay_text`, with the model speaking that dialect: every
line is compared (exit status, error kind, stdout, snapshot).  The engine
*confirms* the cell when every line agrees on what the matrix states: the exit
status, the error kind and the state after it; so the engine reached the same
state and did what its dialect predicts for the command, and the difference
between the dialects is a difference between the engines.  Sizes in the
snapshot are left out (the model does not predict the containerd image store's
sizes: docs/dialects/docker-modern.md), and so is stdout (wording, not an
outcome); where they differ the verdict notes it (`also`).  It *refutes* the
cell when a line differs in what is compared; the first such line is kept,
model beside engine.  A cell is
`confirmed` when every engine that replayed it confirmed it, `refuted` when
one refuted it; dialects without an engine are listed as not verified.
"""
from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

from model import dialects as registry

from .compute import Cell, Matrix

__all__ = ["available_engines", "verify", "verify_cell"]


# A refutation must reproduce: a replay that differs is run again, and the engine refutes the cell
# only when every attempt differs.  (Seen under heavy load on docker-28.5: a `run -d ... true`
# container observed still running after replay's settling, once in four replays.)
ATTEMPTS = 2


def available_engines(dialects: Iterable[str], only: Iterable[str] | None = None,
                      start: bool = False) -> tuple[dict[str, object], dict[str, str]]:
    """(dialect -> engine, for the engines that answer, or with `start` that can be started;
    dialect -> why not, for the others)."""
    from .. import engines

    wanted = set(only) if only is not None else None
    found, missing = {}, {}
    for name in dialects:
        if wanted is not None and name not in wanted:
            missing[name] = "not asked for"
            continue
        try:
            e = engines.get(name)
        except engines.EngineUnavailable:
            missing[name] = "no engine of that name"
            continue
        if start or e.answers():
            found[name] = e
        else:
            missing[name] = f"engine down (dockspec engine up {name}, or --up)"
    return found, missing


def verify_on(cell: Cell, dialect: str, eng, profile) -> dict:
    """Replay `cell.script` on one engine, the model speaking `profile`: that engine's verdict."""
    from ..replay import replay_text

    text = "\n".join(cell.script) + "\n"
    with tempfile.TemporaryDirectory(prefix="dockspec-matrix-") as folder:
        for attempt in range(1, ATTEMPTS + 1):
            reports = replay_text(text, Path(folder), eng.url, engine=eng, profile=profile)
            bad = [(r, _refuting(r, cell, last=i == len(reports) - 1)) for i, r in enumerate(reports)]
            bad = [(r, aspects) for r, aspects in bad if aspects]
            if not bad:
                break
    also = sorted({a for r in reports for a in r.differs} - {a for _, aspects in bad for a in aspects})
    if not bad:
        out = {"verdict": "confirmed", "engine": dict(_seen(reports[-1].engine)), "also": also}
    else:
        r, aspects = bad[0]
        out = {"verdict": "refuted", "line": r.text, "differs": aspects,
               "model": _seen(r.model), "engine": _seen(r.engine), "also": also}
    out["attempts"] = attempt
    return out


def _status(per: dict[str, dict], missing: dict[str, str]) -> dict:
    verdicts = {v["verdict"] for v in per.values()}
    status = "refuted" if "refuted" in verdicts else ("confirmed" if verdicts else "not verified")
    return {"status": status, "engines": dict(per), "not_verified": dict(missing)}


def verify_cell(cell: Cell, found: dict[str, object], missing: dict[str, str], profiles: dict | None = None) -> dict:
    """Replay `cell.script` on every engine of `found`; the verdict, per engine and overall.

    The model side speaks `profiles[dialect]` (default: the registry's dialect of that name)."""
    per = {d: verify_on(cell, d, eng, (profiles or {}).get(d) or registry.get(d)) for d, eng in found.items()}
    return _status(per, missing)


# The size columns of the snapshot: `images_all` rows [repo, tag, id, size], `history` rows [id, by, size, comment].
def _sizeless(state: dict) -> dict:
    out = dict(state)
    out["images_all"] = [row[:3] for row in state.get("images_all", [])]
    out["history"] = {ref: [row[:2] + row[3:] for row in rows] for ref, rows in state.get("history", {}).items()}
    return out


def _refuting(report, cell: Cell | None = None, last: bool = False) -> list[str]:
    """The aspects of one replayed line that contradict the dialect: exit, error kind, state (sizes
    aside); on the cell's own command, when the matrix counts wording, its stderr too (ids masked:
    replay compares stderr by error kind only)."""
    aspects = [a for a in ("exit", "error_kind") if a in report.differs]
    if "state" in report.differs and _sizeless(report.model["state"]) != _sizeless(report.engine["state"]):
        aspects.append("state")
    if last and cell is not None and cell.compare_wording and \
            _masked(report.model["stderr"]) != _masked(report.engine["stderr"]):
        aspects.append("stderr")
    return aspects


_IDS = re.compile(r"(?<![0-9a-f])(?:[0-9a-f]{64}|[0-9a-f]{12})(?![0-9a-f])|<id(?:64)?>")


def _masked(text: str) -> str:
    """stderr with every id (12 or 64 hex digits, or replay's placeholders) written `<id>`."""
    return _IDS.sub("<id>", text.strip())


def _seen(side: dict) -> dict:
    return {"exit": side["exit"], "error_kind": side["error_kind"], "stderr": side["stderr"].strip()}


def verify(matrix: Matrix, only: Iterable[str] | None = None, cells: Iterable[Cell] | None = None,
           progress: Callable[[str, int, int, Cell], None] | None = None, start: bool = False,
           jobs: int = 1) -> dict[str, int]:
    """Verify the differing cells (or `cells`) on the engines that answer; returns the counts of verdicts.

    Column by column: every cell on one engine, then the next engine.  With `start`, an engine
    that is down is brought up for its column and taken down after it (so at most `jobs`
    engines run at once); `jobs` columns are verified side by side."""
    from concurrent.futures import ThreadPoolExecutor

    found, missing = available_engines(matrix.dialects, only, start)
    todo = list(cells) if cells is not None else matrix.differing
    profiles = {p.name: p for p in matrix.profiles}
    per: dict[int, dict[str, dict]] = {i: {} for i in range(len(todo))}
    seconds: dict[str, float] = {}

    def column(dialect: str) -> None:
        eng = found[dialect]
        t0 = time.perf_counter()
        started = start and not eng.answers()
        if started:
            eng.up()
        try:
            for i, cell in enumerate(todo):
                if progress is not None:
                    progress(dialect, i, len(todo), cell)
                per[i][dialect] = verify_on(cell, dialect, eng, profiles.get(dialect) or registry.get(dialect))
        finally:
            if started:
                eng.down()
        seconds[dialect] = round(time.perf_counter() - t0, 1)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        # the slowest columns first (Podman's CLI), so the others fill the free slot
        for f in [pool.submit(column, d) for d in sorted(found, key=lambda d: not d.startswith("podman"))]:
            f.result()
    counts = {"confirmed": 0, "refuted": 0, "not verified": 0}
    for i, cell in enumerate(todo):
        cell.verified = _status({d: per[i][d] for d in found if d in per[i]}, missing)
        counts[cell.verified["status"]] += 1
    matrix.extra["verified"] = {**counts, "engines": sorted(found), "not_verified": missing, "seconds": seconds}
    return counts
