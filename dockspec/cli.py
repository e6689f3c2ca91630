"""The `dockspec` command line."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import importlib

import click

from model.profile import Profile

from .dialects import dialect_option

# Subcommands that live in their own modules, imported only when used, so that
# `dockspec simulate` never pays for the docker SDK or networkx.
LAZY = {
    "check": "dockspec.check:check",
    "conform": "dockspec.conform:conform",
    "replay": "dockspec.replay:replay",
    "engine": "dockspec.engine:engine",
    "explore": "dockspec.explore:explore",
    "dialects": "dockspec.dialects:dialects",
    "matrix": "dockspec.matrix.cli:matrix",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY and name not in self.commands:
            module, attr = LAZY[name].split(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except ModuleNotFoundError as e:
                if e.name != module:
                    raise
                return None
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dockspec")
def main() -> None:
    """An executable model of Docker Engine: simulate, check, conform, explore."""


@main.command()
@click.argument("script", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line: line, argv, exit, stdout, stderr, error_kind, state.")
@click.option("--out-dir", type=click.Path(file_okay=False), default=None,
              help="Write the files the script saves or exports (save -o, export -o) into this folder.")
@dialect_option
def simulate(script: str, as_json: bool, out_dir: str | None, dialect: Profile) -> None:
    """Run a script of docker command lines on the model, from an empty engine.

    SCRIPT is a file of `docker ...` lines (or - for standard input).  Files the
    script reads are taken relative to the script's folder.  The exit status is
    that of the last command, as in a shell.  --dialect picks the engine whose
    wording and choices the model follows (`dockspec dialects`).
    """
    from dockspec.script import run_script

    if script == "-":
        text, base = sys.stdin.read(), Path.cwd()
    else:
        path = Path(script)
        try:
            text = path.read_text()
        except OSError as e:
            raise click.BadParameter(f"cannot read {script}: {e.strerror}", param_hint="SCRIPT") from None
        base = path.resolve().parent
    results, files = run_script(text, base, dialect, with_state=as_json)
    for r in results:
        if as_json:
            click.echo(json.dumps(r.to_json(), sort_keys=False))
            continue
        click.echo(f"$ {' '.join(_quote(w) for w in r.argv) or '(line %d)' % r.line}")
        if r.stdout:
            click.echo(r.stdout, nl=False)
        if r.stderr:
            sys.stdout.flush()
            click.echo(r.stderr, nl=False, err=True)
            sys.stderr.flush()
        if r.exit:
            click.echo(f"[exit {r.exit}]")
    if out_dir is not None:
        target = Path(out_dir)
        target.mkdir(parents=True, exist_ok=True)
        for name, data in files.written.items():
            (target / Path(name).name).write_bytes(data)
    sys.exit(results[-1].exit if results else 0)


@main.command()
@click.argument("output", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--placeholder", is_flag=True, help="Use a placeholder file for /bin/busybox (enough for the model).")
def rootfs(output: str, placeholder: bool) -> None:
    """Write a busybox root file system tar to OUTPUT, for `docker import`."""
    from dockspec.rootfs import busybox_rootfs, find_busybox

    if not placeholder and find_busybox() is None:
        raise click.UsageError("no busybox binary found (install busybox-static or pass --placeholder)")
    data = busybox_rootfs(real=not placeholder)
    click.open_file(output, "wb").write(data)


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


if __name__ == "__main__":
    main()
