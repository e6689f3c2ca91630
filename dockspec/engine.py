"""Private engines by name: `dockspec engine up|down|status|install [NAME...]`.

Each engine (`dockspec.engines`) lives in a folder of its own,
`$DOCKSPEC_ENGINE_DIR/NAME` (default base /tmp/dockspec-engine): its own
data-root, exec-root, pidfile and socket, no bridge and no iptables rules, so
containers must use `--network none`.  Nothing here reads `$DOCKER_HOST`.
"""
from __future__ import annotations

import os
import sys

import click

from . import engines
from .engines import EngineUnavailable, answers

__all__ = ["EngineUnavailable", "answers", "down", "resolve", "up"]


def up(name: str | None = None) -> str:
    """Start the private engine `name` (if it is not already up); return its URL."""
    return engines.get(name).up()


def down(name: str | None = None) -> bool:
    """Stop the private engine `name`; True if one was running."""
    return engines.get(name).down()


def resolve(url: str | None, private: bool | str, name: str | None = None) -> str:
    """The engine to talk to: --engine URL, else the private engine `name` (started when needed).

    `private` may be an engine name (`--private NAME`) or True for the default engine.
    """
    if url:
        if not answers(url):
            raise EngineUnavailable(f"no engine answers at {url}")
        return url
    if isinstance(private, str):
        name = private
    if private or name or not os.environ.get("DOCKSPEC_DOCKER_HOST"):
        return up(name)
    url = os.environ["DOCKSPEC_DOCKER_HOST"]
    if not answers(url):
        raise EngineUnavailable(f"no engine answers at DOCKSPEC_DOCKER_HOST={url}")
    return url


def _names(names: tuple[str, ...]) -> list[str]:
    for n in names:
        engines.get(n)  # a clear error naming the choices
    return list(names) or [engines.DEFAULT]


@click.group()
def engine() -> None:
    """Run private engines for dockspec, by name (default docker-20.10)."""


@engine.command("up")
@click.argument("names", nargs=-1)
def up_cmd(names) -> None:
    """Install when missing and start the engines NAMES; print NAME URL for each."""
    try:
        for n in _names(names):
            url = up(n)
            click.echo(url if not names else f"{n} {url}")
    except EngineUnavailable as e:
        click.echo(f"dockspec engine: {e}", err=True)
        sys.exit(2)


@engine.command("install")
@click.argument("names", nargs=-1)
def install_cmd(names) -> None:
    """Install the engines NAMES when missing (downloads go to the cache); start nothing."""
    try:
        for n in _names(names):
            try:
                engines.get(n).install()
            except EngineUnavailable:
                raise
            except Exception as e:  # a download or unpack that failed: say which engine
                raise EngineUnavailable(f"cannot install {n}: {e}") from e
            click.echo(f"{n} installed")
    except EngineUnavailable as e:
        click.echo(f"dockspec engine: {e}", err=True)
        sys.exit(2)


@engine.command("down")
@click.argument("names", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Every known engine.")
def down_cmd(names, every) -> None:
    """Stop the engines NAMES (and release what they mounted)."""
    try:
        chosen = engines.names() if every else _names(names)
    except EngineUnavailable as e:
        click.echo(f"dockspec engine: {e}", err=True)
        sys.exit(2)
    for n in chosen:
        stopped = down(n)
        if names or not every or stopped:
            click.echo(f"{n} {'stopped' if stopped else 'not running'}")


@engine.command("status")
@click.argument("names", nargs=-1)
def status_cmd(names) -> None:
    """Say which engines answer: NAME up URL, or NAME down (exit 3 when a named one is down)."""
    try:
        chosen = list(names) or engines.names()
        for n in chosen:
            engines.get(n)
    except EngineUnavailable as e:
        click.echo(f"dockspec engine: {e}", err=True)
        sys.exit(2)
    down_named = False
    for n in chosen:
        e = engines.get(n)
        if e.answers():
            click.echo(f"{n} up {e.url}")
        else:
            click.echo(f"{n} down")
            down_named = down_named or bool(names)
    sys.exit(3 if down_named else 0)


@engine.command("list")
def list_cmd() -> None:
    """The engines dockspec knows, one line each: name, dialect, folder."""
    for n in engines.names():
        e = engines.get(n)
        click.echo(f"{n}  dialect={e.dialect}  {e.root()}")
