"""The host side of `docker cp` for the machines: a small folder of files, as `model.fs.Entry` values.

The model never touches a disk: a `cmd.Cp` carries what the host has at its host
path (`host`, relative path -> entry, "" for the path itself) and, for a copy
out, whether the folder the path would go in exists (`host_parent`).  A machine
keeps its host folder as a mapping of relative paths (no leading "/", no "."
or "..") to entries: `HOST_FILES` to begin with, then what every copy out
wrote (`written`).  A lockstep run keeps a real folder beside it, made from
`HOST_FILES` and written by the engine's copies, and compares the two after
every copy out (`dockspec.conform`).

Paths under a symbolic link of the host folder are never typed: the docker CLI
follows host links when it extracts (a link copied out of a container may point
anywhere on the machine), which the model does not follow.
"""
from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Mapping

from frozendict import frozendict

from model import fs

# The folder every session starts with (the files of replays/cp/, with modes of their own).
HOST_FILES: frozendict = frozendict({
    "hello.txt": fs.file(b"hello\n", 0o644),
    "dir": fs.Entry(fs.Kind.DIR, mode=0o755),
    "dir/a": fs.file(b"a\n", 0o600),
    "dir/sub": fs.Entry(fs.Kind.DIR, mode=0o750),
    "dir/sub/b": fs.file(b"b\n", 0o644),
})


def _bare(path: str) -> str:
    """A typed host path as a key of the host folder: "dir/." and "dir/" are "dir"; "." is ""."""
    key = posixpath.normpath(path)
    return "" if key == "." else key


def entries(host: Mapping[str, fs.Entry], path: str) -> frozendict:
    """What the host has at the typed `path`, as `cmd.Cp.host` wants it; empty when nothing is there
    (or when a trailing "/" names a file, as `lstat` then fails)."""
    key = _bare(path)
    top = fs.DIR if key == "" else host.get(key)
    if top is None or (path.endswith(("/", "/.")) and top.kind is not fs.Kind.DIR):
        return frozendict()
    out = {"": top}
    if top.kind is fs.Kind.DIR:
        out.update((k[len(key) + 1:] if key else k, e) for k, e in host.items() if key == "" or k.startswith(key + "/"))
    return frozendict(sorted(out.items()))


def parent_exists(host: Mapping[str, fs.Entry], path: str) -> bool:
    """Whether the folder a copy out to `path` would go in exists (the CLI's `ValidateOutputPath`)."""
    folder = _bare(posixpath.dirname(posixpath.normpath(path)))
    return folder == "" or (host.get(folder) is not None and host[folder].kind is fs.Kind.DIR)


def under_a_link(host: Mapping[str, fs.Entry], path: str) -> bool:
    """Whether `path`, or a folder above it, is a symbolic link in the host folder."""
    parts = _bare(path).split("/")
    return any((e := host.get("/".join(parts[:i]))) is not None and e.kind is fs.Kind.SYMLINK
               for i in range(1, len(parts) + 1))


def written(host: Mapping[str, fs.Entry], files: Mapping[str, fs.Entry]) -> frozendict:
    """The host folder after a copy out wrote `files` (relative path -> entry): a folder the copy
    meets keeps what it holds; an opaque mark is the container's layers' business, not the host's."""
    out = dict(host)
    for path, e in files.items():
        key = _bare(path)
        if key:
            out[key] = replace(e, opaque=False)
    return frozendict(sorted(out.items()))
