"""The builders `docker build` can use, behind one interface: `build(world, command, profile) -> Result`.

* `classic`: the legacy builder (model/build.py), Docker 20.10's default and what
  `DOCKER_BUILDKIT=0` selects on any client: one intermediate image per instruction.
* `buildkit`: BuildKit, the default of the 23+ clients (Docker 26.1, 28.5): the same
  steps, but only the final image is kept, with no parent and BuildKit's history rows.
* `buildah`: `podman build`: the legacy builder's steps, nothing left when a step fails.

Which one runs: the command's `builder` (`DOCKER_BUILDKIT=0|1` on the line) if it
names one and the dialect's client reads it (`builder_chosen_by_env`), else the dialect's
policy `builder`.
"""
from __future__ import annotations

from typing import Callable

from .. import commands as cmd
from ..profile import Profile
from ..result import Result
from ..values import World
from . import buildah, buildkit, classic

BUILDERS: dict[str, Callable[[World, cmd.Build, Profile], Result]] = {
    "classic": classic.build,
    "buildkit": buildkit.build,
    "buildah": buildah.build,
}


def build(world: World, c: cmd.Build, p: Profile) -> Result:
    """`docker build` with the builder the line or the dialect picks."""
    name = (c.builder if p.builder_chosen_by_env else None) or p.builder
    if name not in BUILDERS:
        raise ValueError(f"no builder named {name!r}; the builders are: {', '.join(BUILDERS)}")
    return BUILDERS[name](world, c, p)
