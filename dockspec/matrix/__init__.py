"""The compatibility matrix: where the dialects of the model disagree, and a script for each place.

One interface for the rest of the project:

    build(dialects, bounds) -> Matrix     every command x state class, the outcome in each dialect
    verify(matrix, engines) -> counts     replay each differing cell on the real engines
    to_json / to_markdown / print_table   the three ways to show it

`compute` explains how the cells are found (the explored graph, a recording
profile, the agreement graph), `classes` what a state class is, `verify` what
"confirmed" means.  `dockspec matrix` (`cli`) is the command line.

    >>> from model.profile import DOCKER_20_10, differs
    >>> strict = differs(DOCKER_20_10, "strict", summary="no commit of a paused container", commit_paused_allowed=False)
    >>> m = build([DOCKER_20_10, strict], Bounds(images=1, containers=1, files=0, depth=3))
    >>> sorted({(c.command, c.state) for c in m.differing})
    [('docker commit C img1', 'C paused (sleep); img1 absent')]
"""
from __future__ import annotations

from ..explore import Bounds
from .compute import DEFAULT_BOUNDS, Cell, Matrix, Outcome, UnknownDialect, build, moves_for
from .render import print_table, to_json, to_markdown
from .verify import verify

__all__ = ["Bounds", "DEFAULT_BOUNDS", "Cell", "Matrix", "Outcome", "UnknownDialect", "build", "moves_for",
           "print_table", "to_json", "to_markdown", "verify"]
