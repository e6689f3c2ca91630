"""The coverage in every report: text lines, the JSON object, JUnit properties, and the saved report.

    >>> from dockspec.coverage.edges import CoverBound, EdgeCoverage, edge_set
    >>> cov = EdgeCoverage(edge_set(CoverBound(images=0, files=0, races=False)))
    >>> text(cov.summary()).splitlines()[0]
    'edges: 0/68 exercised (0.0%) at images=0,containers=1,files=0,depth=unbounded,races=no; 68 unreachable, 0 nondeterministic'
"""
from __future__ import annotations

import json
from pathlib import Path

from .edges import EdgeCoverage

__all__ = ["text", "as_json", "junit_properties", "refusable_warnings", "full_report", "write_report", "read_report"]


def text(summary: dict) -> str:
    """The lines a user reads under the verdict."""
    if summary.get("bound") is None:
        return "edges: no bounded edge set"
    s = summary
    line = (f"edges: {s['exercised']}/{s['total']} exercised ({s['percent']}%) at {s['bound']}; "
            f"{s['unreachable']} unreachable, {s['nondeterministic']} nondeterministic")
    if s["nondeterministic"]:
        line += f" ({s['nondeterministic_exercised']} of them seen)"
    det = s["total"] - s["nondeterministic"]
    return line + f"\n       {det - s['unreachable']}/{det} deterministic edges ({s['deterministic_percent']}%)"


def as_json(summary: dict) -> dict:
    """The `"edges"` object of `conform --json`."""
    return dict(summary)


def junit_properties(summary: dict) -> dict[str, str]:
    """JUnit `<property>` pairs: edges.total, edges.exercised, ..."""
    return {f"edges.{k}": str(v) for k, v in summary.items() if v is not None}


def refusable_warnings(coverage_json: dict) -> list[str]:
    """A warning for every command that can be refused but was not both accepted and refused.

    `coverage_json` is `spec.coverage.COVERAGE.to_json()`: verb -> {"outcomes", "status"}."""
    out = []
    for verb, d in coverage_json.items():
        status = d["status"]
        if status in ("never succeeded", "never refused", "never run"):
            out.append(f"warning: {verb} {status}: {verb} was not both accepted and refused on the engine")
    return out


def full_report(cov: EdgeCoverage, verdict: str, extra: dict | None = None) -> dict:
    """Every edge of the bound with its count on the engine: what the notebook colours."""
    es = cov.edges
    rows = []
    for e in sorted(es.edges):
        rows.append({"state": e.state, "command": e.command, "outcome": e.outcome, "count": cov.seen.get(e, 0),
                     "nondeterministic": e in es.nondeterministic})
    return {"verdict": verdict, "edges": cov.summary(), "bound": es.bound.as_dict(), "all_edges": rows,
            "outside_bound": sum(n for e, n in cov.seen.items() if e not in es.edges), **(extra or {})}


def write_report(path: str | Path, report: dict) -> None:
    Path(path).write_text(json.dumps(report, indent=1, sort_keys=False) + "\n")


def read_report(path: str | Path) -> dict:
    return json.loads(Path(path).read_text())
