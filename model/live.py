"""`step` as on a live engine, whose state may still be catching up with the last command.

`model.engine.step` is the engine at rest: every command sees the state the
one before left.  A live engine lags where it applies an event it receives
after the command has answered.  The one the model knows is Docker's pause
flag (`Profile.pause_flag_lags`): `commit` pauses a running container and
unpauses it before it answers, and `unpause` thaws a paused one, each setting
the daemon's flag as it goes; containerd's "paused" event for the same freeze
is handled on its own queue, and when it comes after the flag was cleared it
sets the flag again, until the "resumed" event that follows clears it (moby's
daemon/monitor.go).  Meanwhile the container runs, `ps` calls it paused, and
a command may be refused as for a paused container: seen as `pause` answering
"Container ... is already paused" right after a commit of a running container
on Docker 20.10, under load (replays/67-pause-flag-lag.sh).

`step` offers those refusals as the race's other outcomes, for the command
after the one that left the window open, and for the commands after it that
change nothing; the state graph (`dockspec.explore`) is the engine at rest and
uses `model.engine.step`.
"""
from __future__ import annotations

from dataclasses import replace

from . import commands as cmd
from .containers import find as find_container
from .engine import step as at_rest
from .profile import DOCKER_20_10, Profile
from .result import Result
from .values import Status, World


def step(world: World, command: object, profile: Profile = DOCKER_20_10) -> Result:
    """Apply one command as a live engine may: the documented outcome first, a lag's refusals as alternatives."""
    result = at_rest(world, command, profile)
    if not profile.pause_flag_lags:
        return result
    lagging = tuple(cid for cid in sorted(world.unsettled) if _running(world, cid))
    others = list(result.alternatives)
    for cid in lagging:
        other = as_if_paused(world, cid, command, profile)
        if other is not None and other != replace(result, alternatives=()) and other not in others:
            others.append(other)
    result = replace(result, alternatives=tuple(others))
    opened = _opened(world, command, result)

    def marked(r: Result) -> Result:
        # a command that changed nothing leaves a window open; any other closes it and may open its own
        still = frozenset(lagging) if r.world == world else frozenset()
        return replace(r, world=replace(r.world, unsettled=still | opened))

    return replace(marked(result), alternatives=tuple(marked(r) for r in result.alternatives))


def _running(world: World, cid: str) -> bool:
    c = world.containers.get(cid)
    return c is not None and c.status is Status.RUNNING


def as_if_paused(world: World, cid: str, command: object, profile: Profile) -> Result | None:
    """The outcome when the engine still calls container `cid` paused: kept where the command refused it
    (it is left as it was, running again once the late "resumed" event is handled); None where the command
    would act on it, which the model does not claim to know."""
    c = world.containers[cid]
    r = at_rest(world.put_container(replace(c, status=Status.PAUSED)), command, profile)
    after = r.world.containers.get(cid)
    if r.error is None or after is None or after.status is not Status.PAUSED:
        return None
    return replace(r, world=r.world.put_container(replace(after, status=Status.RUNNING)), alternatives=())


def _opened(world: World, command: object, result: Result) -> frozenset:
    """The containers this command paused and unpaused: a commit's running container, an unpause's targets."""
    if isinstance(command, cmd.Commit) and result.error is None:
        c = find_container(world, command.container)
        return frozenset((c.id,)) if c is not None and c.status is Status.RUNNING else frozenset()
    if isinstance(command, cmd.Unpause):
        return frozenset(cid for cid, c in world.containers.items() if c.status is Status.PAUSED
                         and _running(result.world, cid))
    return frozenset()
