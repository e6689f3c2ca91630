"""`dockspec dialects`, and the `--dialect NAME` option the other commands share.

A dialect (`model.dialects`) is one engine's profile of the model: its wording,
exit statuses and named policies.  `--dialect` turns a name into that profile
for `simulate`, `check` and `explore`; an unknown name is a usage error (exit
2) that lists the known ones.
"""
from __future__ import annotations

import json

import click

from model import dialects as registry
from model.profile import Profile


def _to_profile(ctx: click.Context, param: click.Parameter, value: str | Profile) -> Profile:
    if isinstance(value, Profile):
        return value
    try:
        return registry.get(value)
    except registry.UnknownDialect as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from None


def dialect_option(f):
    """`--dialect NAME` (or $DOCKSPEC_DIALECT): the command gets the dialect's `Profile` as `dialect`."""
    return click.option(
        "--dialect", "dialect", default=registry.DEFAULT, show_default=True, envvar="DOCKSPEC_DIALECT",
        metavar="NAME", callback=_to_profile,
        help="The engine the model speaks for (see `dockspec dialects`).",
    )(f)


def dialect_for(name: str | None, engine=None) -> Profile:
    """The dialect to compare an engine with: `name` when given, else the engine's own, else the default.

    An unknown name is a usage error naming the known ones."""
    try:
        return registry.get(name or (engine.dialect if engine is not None else registry.DEFAULT))
    except registry.UnknownDialect as e:
        raise click.BadParameter(str(e), param_hint="'--dialect'") from None


@click.command("dialects")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per dialect: name, base, summary, lineage.")
def dialects(as_json: bool) -> None:
    """List the dialects of the model, one a line: name, the dialect it is described from, summary."""
    rows = [registry.get(name) for name in registry.names()]
    if as_json:
        for d in rows:
            click.echo(json.dumps({"name": d.name, "base": d.base or None, "summary": d.summary,
                                   "lineage": list(registry.lineage(d.name))}))
        return
    width = max(len(d.name) for d in rows)
    base_width = max(len(d.base or "-") for d in rows)
    for d in rows:
        click.echo(f"{d.name:<{width}}  {d.base or '-':<{base_width}}  {d.summary}")
