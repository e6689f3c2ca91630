"""The legacy builder (`DOCKER_BUILDKIT=0`): its model is model/build.py, kept where it was
(its functions are mutation seams and tests import it); this module names it as a builder."""
from __future__ import annotations

from .. import commands as cmd
from ..profile import Profile
from ..result import Result
from ..values import World


def build(world: World, c: cmd.Build, p: Profile) -> Result:
    from .. import build as legacy

    return legacy.build(world, c, p)
