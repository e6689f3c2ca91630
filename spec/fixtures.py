"""A tiny busybox-like base image, built in memory, for machines, laws and tests.

`base_tar()` is the root file system as `docker import` reads it; `base_world()`
is an engine that has imported it as `base:1`, the state every machine starts
from (the printed scripts start with `docker import base.tar base:1`).
"""
from __future__ import annotations

from functools import lru_cache

from frozendict import frozendict

from model import commands as cmd
from model import fs, tarfmt
from model.engine import step
from model.values import World

BASE_REF = "base:1"
BASE_TAR_NAME = "base.tar"

# The busybox applets the workload language knows, each a link to /bin/busybox.
APPLETS = ("sh", "sleep", "touch", "true", "false", "mkdir", "rm", "echo", "cat")


def base_rootfs() -> fs.Changes:
    """The base image's files: /bin/busybox and its applet links, /tmp, /etc/passwd."""
    entries = {
        "/bin": fs.DIR,
        "/bin/busybox": fs.file(b"\x7fELF busybox", 0o755),
        "/tmp": fs.Entry(fs.Kind.DIR, mode=0o1777),
        "/etc": fs.DIR,
        "/etc/passwd": fs.file(b"root:x:0:0:root:/root:/bin/sh\n"),
    }
    for applet in APPLETS:
        entries[f"/bin/{applet}"] = fs.symlink("busybox")
    return frozendict(sorted(entries.items()))


@lru_cache(maxsize=1)
def base_tar() -> bytes:
    """The base root file system as a deterministic tar archive."""
    return tarfmt.write_layer(base_rootfs())


def import_base() -> cmd.Import:
    """The command that brings the base image in: `docker import base.tar base:1`."""
    return cmd.Import(base_tar(), BASE_REF, source="-")


@lru_cache(maxsize=1)
def base_world() -> World:
    """An engine holding only the imported base image, tagged `base:1`."""
    result = step(World(), import_base())
    assert result.ok, result.stderr
    return result.world
