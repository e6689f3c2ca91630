"""`dockspec matrix`: the command line of `dockspec.matrix`."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..explore import Bounds
from .compute import DEFAULT_BOUNDS, UnknownDialect, build
from .render import print_table, to_json, to_markdown


def _dialects(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    if not names:
        raise click.BadParameter("no dialect named", ctx=ctx, param=param)
    from model import dialects as registry

    for n in names:
        try:
            registry.get(n)
        except UnknownDialect as e:
            raise click.BadParameter(str(e), ctx=ctx, param=param) from None
    if len(set(names)) != len(names):
        raise click.BadParameter(f"a dialect is named twice: {value}", ctx=ctx, param=param)
    return names


@click.command("matrix")
@click.option("--dialects", "dialects", default=None, metavar="A,B,...", callback=_dialects,
              help="The dialects to compare (`dockspec dialects`; default: all). The first is the reference the graph is explored in.")
@click.option("--json", "as_json", is_flag=True, help='Print one JSON object: {"dialects": [...], "cells": [...]}.')
@click.option("--markdown", "markdown", type=click.Path(dir_okay=False, allow_dash=True), default=None, metavar="FILE",
              help="Write the differing cells as a Markdown table, each with its script (- for stdout).")
@click.option("--verify", is_flag=True,
              help="Replay each differing cell's script on the private engines of the dialects that are up "
                   "(`dockspec engine up NAME`) and mark it confirmed or refuted.")
@click.option("--engines", "only", default=None, metavar="A,B,...",
              help="With --verify: only these engines (default: every dialect's engine that answers).")
@click.option("--up", "start", is_flag=True,
              help="With --verify: bring each dialect's engine that is down up for its column of cells, and down after it.")
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 8),
              help="With --verify: engines verified side by side (with --up, at most this many run at once).")
@click.option("--depth", default=DEFAULT_BOUNDS.depth, show_default=True, help="Commands from the start state.")
@click.option("--containers", default=DEFAULT_BOUNDS.containers, show_default=True, help="Container names ctr1..ctrN.")
@click.option("--images", default=DEFAULT_BOUNDS.images, show_default=True, help="Image tags img1..imgN.")
@click.option("--files", default=DEFAULT_BOUNDS.files, show_default=True, help="Files /tmp/f1../tmp/fN.")
@click.option("--wording", is_flag=True, help="Count a difference in stderr/stdout wording alone as a difference too.")
@click.option("--all", "all_cells", is_flag=True, help="On a terminal, list every cell, not only the differing ones.")
def matrix(dialects, as_json, markdown, verify, only, start, jobs, depth, containers, images, files, wording, all_cells) -> None:
    """Where the dialects disagree: every command in every state class, under every dialect.

    Each command of `dockspec explore`'s alphabet (plus `rmi [-f] base:1`) in
    every state class of the explored graph; the outcome in each dialect (ok or
    the error kind, exit status, what changed), the differing cells marked,
    each with the shortest docker script that shows it.  Exit 0, or 1 when
    --verify saw an engine refute a cell.
    """
    if depth < 1:
        raise click.BadParameter("the matrix needs a bound: depth >= 1", param_hint="'--depth'")
    bounds = Bounds(images=images, containers=containers, files=files, depth=depth)
    m = build(dialects, bounds, wording=wording)
    status = 0
    if verify:
        from .. import engines as engines_mod
        from ..failures import DockspecBug, EngineFault
        from .verify import verify as run_verify

        wanted = None
        if only:
            wanted = [n.strip() for n in only.split(",") if n.strip()]
            unknown = [n for n in wanted if n not in engines_mod.names()]
            if unknown:
                raise click.BadParameter(f"no engine called {', '.join(unknown)}; known: {', '.join(engines_mod.names())}",
                                         param_hint="'--engines'")
        t0 = time.perf_counter()

        def progress(dialect: str, i: int, n: int, cell) -> None:
            if True:  # stderr: the JSON on stdout stays whole
                click.echo(f"verifying on {dialect} {i + 1}/{n}: {cell.command} when {cell.state}", err=True)

        try:
            counts = run_verify(m, wanted, progress=progress, start=start, jobs=jobs)
        except EngineFault as e:
            click.echo(f"dockspec matrix: engine failed: {e}", err=True)
            sys.exit(e.exit_status)
        except DockspecBug as e:
            click.echo(f"dockspec matrix: DOCKSPEC BUG\n{e.report()}", err=True)
            sys.exit(e.exit_status)
        m.extra["verify_seconds"] = round(time.perf_counter() - t0, 1)
        if not m.extra["verified"]["engines"]:
            click.echo("dockspec matrix: --verify found no engine up; start them with `dockspec engine up NAME`", err=True)
        status = 1 if counts["refuted"] else 0
    if markdown:
        words = ["dockspec matrix"]
        if dialects:
            words.append("--dialects " + ",".join(dialects))
        for opt, value, default in (("--depth", depth, DEFAULT_BOUNDS.depth), ("--containers", containers, DEFAULT_BOUNDS.containers),
                                    ("--images", images, DEFAULT_BOUNDS.images), ("--files", files, DEFAULT_BOUNDS.files)):
            if value != default:
                words.append(f"{opt} {value}")
        words += ["--wording"] * wording + ["--verify"] * verify + ["--up"] * (verify and start)
        words += [f"--jobs {jobs}"] * (verify and jobs > 1) + [f"--engines {only}"] * bool(verify and only)
        text = to_markdown(m, " ".join(words + ["--markdown", markdown]))
        if markdown == "-":
            click.echo(text, nl=False)
        else:
            Path(markdown).write_text(text)
    if as_json:
        click.echo(to_json(m))
    elif markdown != "-":
        print_table(m, all_cells)
    sys.exit(status)
