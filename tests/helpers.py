"""Small builders shared by the model's narrative tests."""
from __future__ import annotations

import shlex

from dockspec.argv import parse
from dockspec.rootfs import busybox_rootfs
from model import step
from model.result import Result
from model.values import World

BASE_TAR = busybox_rootfs(real=False)


class NoFiles:
    def read(self, path: str) -> bytes:
        if path == "base.tar":
            return BASE_TAR
        raise FileNotFoundError(path)

    def tree(self, path: str) -> dict[str, bytes]:
        raise FileNotFoundError(path)


def docker(world: World, line: str) -> Result:
    """Apply one docker command line to `world`."""
    _, command = parse(shlex.split(line), NoFiles())
    return step(world, command)


def session(*lines: str, world: World | None = None) -> World:
    """Apply lines that must all succeed; return the final world."""
    world = world or World()
    for line in lines:
        r = docker(world, line)
        assert r.exit == 0 and r.error is None, f"{line!r} failed: {r.stderr}"
        world = r.world
    return world


def based(*lines: str) -> World:
    return session("docker import base.tar base:1", *lines)
