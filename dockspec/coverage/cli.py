"""What `dockspec conform` asks of coverage: its options, the edge set of a run, the cover, the reports.

`conform` keeps its own flow; it parses `--bound` before it reaches for an
engine (`parse_option`), makes a `Session` once the dialect is known, runs
either the cover (`Session.cover`) or its random sessions with
`Session.coverage` recording, and asks the session for the coverage lines of
its text, JSON and JUnit reports.
"""
from __future__ import annotations

import time

import click

from model.profile import Profile

from . import report as cov_report
from .edges import DEFAULT_BOUND, CoverBound, EdgeCoverage, edge_set, parse_bound

__all__ = ["options", "parse_option", "Session"]


def options(f):
    """`--cover edges`, `--bound`, `--report`: the options `conform` gains."""
    f = click.option("--report", "report", type=click.Path(dir_okay=False), default=None,
                     help="Write every edge of the bound and how often the engine confirmed it (JSON).")(f)
    f = click.option("--bound", "bound", default=None, metavar="NAME=N,...",
                     help="The bound edges are counted in (and covered): "
                          "images=1,containers=1,files=1,depth=0,races=yes.")(f)
    return click.option("--cover", "cover", type=click.Choice(["edges"]), default=None,
                        help="First run a planned cover of every edge of the bound (--bound), then the random "
                             "sessions (--examples), each from a state the cover reached.")(f)


def parse_option(text: str | None) -> CoverBound:
    """`--bound`'s value, or the default bound; a bad one is a usage error naming what is wrong."""
    try:
        return parse_bound(text) if text else DEFAULT_BOUND
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--bound") from None


class Session:
    """The edges of one conformance run: the bounded set, what the engine confirmed, the cover's numbers."""

    def __init__(self, bound: CoverBound, profile: Profile):
        self.bound = bound
        self.profile = profile
        self.coverage = EdgeCoverage(edge_set(bound, profile))
        self.cover_info: dict | None = None

    def cover(self, url: str, examples: int, steps: int | None, seed: int | None, quiet: bool):
        """Run the cover, then `examples` random sessions; (failure, steps, seconds)."""
        from .run import progress_for, run_cover

        total = len(self.coverage.edges.edges)
        if not quiet:
            click.echo(f"dockspec conform: a cover of {total} edges ({self.bound.describe()}), then {examples} "
                       f"sessions against {url}, dialect {self.profile.name} ...", err=True)
        t0 = time.perf_counter()
        result = run_cover(url, self.bound, self.profile, examples, steps, seed, progress_for(total, quiet),
                           es=self.coverage.edges)
        self.coverage = result.coverage
        self.cover_info = result.as_dict()
        return result.failure, self.coverage.steps, time.perf_counter() - t0

    def summary(self) -> dict:
        return self.coverage.summary()

    def json(self) -> dict:
        """The keys `conform --json` adds: "edges", and "cover" after a cover."""
        out = {"edges": cov_report.as_json(self.summary())}
        if self.cover_info is not None:
            out["cover"] = self.cover_info
        return out

    def text(self) -> str:
        return cov_report.text(self.summary())

    def junit_properties(self) -> dict[str, str]:
        return cov_report.junit_properties(self.summary())

    def warnings(self, coverage_json: dict) -> list[str]:
        return cov_report.refusable_warnings(coverage_json)

    def write(self, path: str | None, verdict: str, seconds: float) -> None:
        if path:
            cov_report.write_report(path, cov_report.full_report(
                self.coverage, verdict, {"dialect": self.profile.name, "cover": self.cover_info or {},
                                         "seconds": round(seconds, 2)}))
