"""Command values back to docker command lines: the inverse of `dockspec.argv.parse`.

`to_argv(command)` spells a command of `model.commands` the way a user types
it, so that `parse(to_argv(c), files) == c` for every command (the round trip
is a property test).  Files a command reads (`import`, `load`, `build`) are
named by `name_of(data)`; `files_of(command)` gives the files that the line
needs, so a script and its files can be written together.

`render(lines)` makes a runnable shell script of a machine's history: the
shrunk counterexample that `dockspec check` prints.
"""
from __future__ import annotations

import hashlib
import shlex
from typing import Callable, Iterable

from model import commands as cmd
from model import fs

from .fixtures import BASE_TAR_NAME, base_tar

NameOf = Callable[[bytes], str]


def default_name(data: bytes) -> str:
    """A stable file name for bytes a command reads: `base.tar` for the base image."""
    if data == base_tar():
        return BASE_TAR_NAME
    return f"archive-{hashlib.sha256(data).hexdigest()[:12]}.tar"


def context_name(context) -> str:
    h = hashlib.sha256()
    for path in sorted(context):
        h.update(path.encode() + b"\0" + context[path] + b"\0")
    return f"context-{h.hexdigest()[:12]}"


def _positional(words: Iterable[str]) -> list[str]:
    """Positional words; `--` first when one of them would read as a flag."""
    words = list(words)
    return (["--"] + words) if any(w.startswith("-") for w in words) else words


def _create_flags(c: cmd.Create) -> list[str]:
    out: list[str] = []
    if c.auto_remove:
        out.append("--rm")
    if c.init:
        out.append("--init")
    if c.name is not None:
        out += ["--name", c.name]
    if c.network != "default":
        out += ["--network", c.network]
    for e in c.env:
        out += ["-e", e]
    for k, v in sorted(c.labels.items()):
        out += ["-l", f"{k}={v}"]
    if c.workdir is not None:
        out += ["-w", c.workdir]
    if c.entrypoint is not None:
        out += ["--entrypoint", " ".join(c.entrypoint)]
    return out


def _create_tail(c: cmd.Create) -> list[str]:
    # Words after the image are the container's command, never flags (run stops at the image).
    return [c.image] + list(c.cmd or ())


def _filters(filters) -> list[str]:
    out: list[str] = []
    for k, v in filters:
        out += ["-f", f"{k}={v}"]
    return out


def to_argv(c: object, name_of: NameOf = default_name) -> list[str]:
    """The docker command line that `dockspec.argv.parse` reads back as `c`."""
    t = type(c)
    if t is cmd.Create:
        return ["docker", "create", *_create_flags(c), *_create_tail(c)]
    if t is cmd.Run:
        return ["docker", "run", *(["-d"] if c.detach else []), *_create_flags(c.create), *_create_tail(c.create)]
    if t in (cmd.Start, cmd.Pause, cmd.Unpause, cmd.Wait):
        verb = {cmd.Start: "start", cmd.Pause: "pause", cmd.Unpause: "unpause", cmd.Wait: "wait"}[t]
        return ["docker", verb, *_positional(c.containers)]
    if t in (cmd.Stop, cmd.Restart):
        verb = "stop" if t is cmd.Stop else "restart"
        return ["docker", verb, *(["-t", str(c.timeout)] if c.timeout is not None else []), *_positional(c.containers)]
    if t is cmd.Kill:
        return ["docker", "kill", *(["-s", c.signal] if c.signal != "KILL" else []), *_positional(c.containers)]
    if t is cmd.Rm:
        return ["docker", "rm", *(["-f"] if c.force else []), *_positional(c.containers)]
    if t is cmd.Rmi:
        return ["docker", "rmi", *(["-f"] if c.force else []), *(["--no-prune"] if c.no_prune else []), *_positional(c.images)]
    if t is cmd.Exec:
        flags = (["-d"] if c.detach else []) + (["-w", c.workdir] if c.workdir is not None else [])
        for e in c.env:
            flags += ["-e", e]
        head = ["--", c.container] if c.container.startswith("-") else [c.container]
        return ["docker", "exec", *flags, *head, *c.argv]
    if t is cmd.Diff:
        return ["docker", "diff", *_positional([c.container])]
    if t is cmd.Logs:
        return ["docker", "logs", *_positional([c.container])]
    if t is cmd.Export:
        return ["docker", "export", *(["-o", c.output] if c.output is not None else []), *_positional([c.container])]
    if t is cmd.Commit:
        flags = (["-m", c.message] if c.message else []) + (["-a", c.author] if c.author else [])
        flags += [] if c.pause else ["--pause=false"]
        return ["docker", "commit", *flags, *_positional([c.container] + ([c.ref] if c.ref is not None else []))]
    if t is cmd.Ps:
        flags = (["-a"] if c.all else []) + (["-q"] if c.quiet else []) + (["--no-trunc"] if c.no_trunc else [])
        flags += _filters(c.filters) + (["--format", c.format] if c.format is not None else [])
        flags += ["-n", str(c.last)] if c.last is not None else []
        return ["docker", "ps", *flags]
    if t is cmd.Images:
        flags = (["-a"] if c.all else []) + (["-q"] if c.quiet else []) + (["--no-trunc"] if c.no_trunc else [])
        flags += _filters(c.filters) + (["--format", c.format] if c.format is not None else [])
        return ["docker", "images", *flags, *_positional([c.repository] if c.repository is not None else [])]
    if t is cmd.History:
        flags = (["--no-trunc"] if c.no_trunc else []) + (["-q"] if c.quiet else [])
        flags += ["--format", c.format] if c.format is not None else []
        return ["docker", "history", *flags, *_positional([c.image])]
    if t is cmd.Inspect:
        flags = (["-f", c.format] if c.format is not None else []) + (["--type", c.type] if c.type is not None else [])
        return ["docker", "inspect", *flags, *_positional(c.targets)]
    if t in (cmd.ContainerPrune, cmd.ImagePrune, cmd.SystemPrune):
        what = {cmd.ContainerPrune: "container", cmd.ImagePrune: "image", cmd.SystemPrune: "system"}[t]
        flags = (["-a"] if getattr(c, "all", False) else []) + (["-f"] if c.force else [])
        return ["docker", what, "prune", *flags, *[w for k, v in c.filters for w in ("--filter", f"{k}={v}")]]
    if t is cmd.Rename:
        return ["docker", "rename", *_positional([c.container, c.new_name])]
    if t is cmd.Tag:
        return ["docker", "tag", *_positional([c.source, c.target])]
    if t is cmd.Save:
        return ["docker", "save", *(["-o", c.output] if c.output is not None else []), *_positional(c.images)]
    if t is cmd.Load:
        return ["docker", "load", "-i", name_of(c.data), *(["-q"] if c.quiet else [])]
    if t is cmd.Import:
        if c.source != "-":
            raise ValueError(f"import from {c.source!r}: a command line can only import a file (source '-')")
        return ["docker", "import", *(["-m", c.message] if c.message else []),
                *[w for ch in c.changes for w in ("-c", ch)],
                *_positional([name_of(c.data)] + ([c.ref] if c.ref is not None else []))]
    if t is cmd.Build:
        flags: list[str] = []
        for tag in c.tags:
            flags += ["-t", tag]
        flags += ["-f", c.dockerfile_name] if c.dockerfile_name != "Dockerfile" else []
        flags += (["--no-cache"] if c.no_cache else []) + (["-q"] if c.quiet else [])
        flags += ["--network", c.network] if c.network != "default" else []
        return ["docker", "build", *flags, context_name(c.context)]
    if t is cmd.Cp:
        inside = f"{c.container}:{c.path}"
        return ["docker", "cp", *((c.host_path, inside) if c.into else (inside, c.host_path))]
    raise TypeError(f"not a docker command: {c!r}")


def files_of(c: object, name_of: NameOf = default_name) -> dict[str, object]:
    """The files the command line of `c` reads: name -> bytes, or name -> {relative path: bytes} for a build context."""
    if isinstance(c, (cmd.Import, cmd.Load)):
        return {name_of(c.data): c.data}
    if isinstance(c, cmd.Build):
        return {context_name(c.context): dict(c.context)}
    if isinstance(c, cmd.Cp):  # what the host has at the host path (and its folder, for a copy out)
        import posixpath

        bare = c.host_path.rstrip("/") or "/"
        if bare.endswith("/.") or bare == ".":
            bare = posixpath.dirname(bare) or "."
        folder = posixpath.dirname(posixpath.normpath(c.host_path)) or "."
        out = {folder: {"": fs.DIR}} if not c.into and c.host_parent and folder != "." else {}
        return {**out, bare: dict(c.host)}
    return {}


class MemoryFiles:
    """The `Files` a parsed script reads, held in memory (what `files_of` gave)."""

    def __init__(self, files: dict[str, object]):
        self.files = files

    def read(self, path: str) -> bytes:
        return self.files[path]

    def tree(self, path: str) -> dict[str, bytes]:
        return dict(self.files[path])

    def entries(self, path: str) -> dict:
        return dict(self.files.get(path, {}))


def line(argv: list[str]) -> str:
    return shlex.join(argv)


def render(lines: Iterable[tuple[list[str], str]], header: str = "") -> str:
    """A runnable shell script: one `docker ...` line per command, with its comment."""
    out = ["#!/bin/sh", "# Shrunk counterexample found by `dockspec check`; replay with `dockspec simulate FILE`."]
    if header:
        out += [f"# {h}" if h else "#" for h in header.splitlines()]
    for argv, comment in lines:
        text = line(argv)
        out.append(f"{text}  # {comment}" if comment else text)
    return "\n".join(out) + "\n"
