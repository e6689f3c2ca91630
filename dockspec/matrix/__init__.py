"""The compatibility matrix: where the dialects of the model disagree, and a script for each place.

One interface for the rest of the project:

    build(dialects, bounds) -> Matrix     every command x state class, the outcome in each dialect
    verify(matrix, engines) -> counts     replay each differing cell on the real engines
    to_json / to_markdown / print_table   the three ways to show it

`compute` explains how the cells are found (the explored graph, a recording
profile, the agreement graph), `classes` what a state class is, `verify` what
"confirmed" means.  `dockspec matrix` (`cli`) is the command line.

    >>> m = build(["docker-20.10", "docker-26.1-containerd"], Bounds(depth=3))
    >>> [c.command for c in m.differing if c.state == "base:1 has children"]
    ['docker rmi -f base:1', 'docker rmi base:1']
"""
from __future__ import annotations

from ..explore import Bounds
from .compute import DEFAULT_BOUNDS, Cell, Matrix, Outcome, UnknownDialect, build, moves_for
from .render import print_table, to_json, to_markdown
from .verify import verify

__all__ = ["Bounds", "DEFAULT_BOUNDS", "Cell", "Matrix", "Outcome", "UnknownDialect", "build", "moves_for",
           "print_table", "to_json", "to_markdown", "verify"]
