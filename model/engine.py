"""The index of the model: one transition per docker verb, and `step` to apply one.

    >>> from model import commands as cmd
    >>> r = step(World(), cmd.Ps())
    >>> r.stdout.split()[:2], r.exit
    (['CONTAINER', 'ID'], 0)
"""
from __future__ import annotations

from typing import Callable

from . import commands as cmd
from . import containers, images, listing, transfer
from .profile import DOCKER_20_10, Profile
from .errors import UnsupportedWorkload
from .result import Result, refused
from .values import World


def _build(world: World, c: cmd.Build, p: Profile) -> Result:
    from . import builders

    return builders.build(world, c, p)


# `step` looks the transition up here at every call, so this table is also the
# main mutation seam: `bench/mutants` wraps one entry at a time to seed a bug.
TRANSITIONS: dict[type, Callable[[World, object, Profile], Result]] = {
    cmd.Create: containers.create,
    cmd.Run: containers.run,
    cmd.Start: containers.start,
    cmd.Stop: containers.stop,
    cmd.Restart: containers.restart,
    cmd.Kill: containers.kill,
    cmd.Pause: containers.pause,
    cmd.Unpause: containers.unpause,
    cmd.Rm: containers.rm,
    cmd.Exec: containers.exec_,
    cmd.Wait: containers.wait,
    cmd.Diff: containers.diff,
    cmd.Logs: listing.logs,
    cmd.Commit: images.commit,
    cmd.Tag: images.tag,
    cmd.Rmi: images.rmi,
    cmd.Export: transfer.export,
    cmd.Import: transfer.import_,
    cmd.Save: transfer.save,
    cmd.Load: transfer.load,
    cmd.Ps: listing.ps,
    cmd.Images: listing.images,
    cmd.History: listing.history,
    cmd.Inspect: listing.inspect,
    cmd.Build: _build,
}

# The docker verb each command value stands for (coverage tables, scripts).
VERBS: dict[type, str] = {
    cmd.Create: "create", cmd.Run: "run", cmd.Start: "start", cmd.Stop: "stop", cmd.Restart: "restart",
    cmd.Kill: "kill", cmd.Pause: "pause", cmd.Unpause: "unpause", cmd.Rm: "rm", cmd.Exec: "exec",
    cmd.Wait: "wait", cmd.Diff: "diff", cmd.Logs: "logs", cmd.Commit: "commit", cmd.Tag: "tag", cmd.Rmi: "rmi",
    cmd.Export: "export", cmd.Import: "import", cmd.Save: "save", cmd.Load: "load", cmd.Ps: "ps",
    cmd.Images: "images", cmd.History: "history", cmd.Inspect: "inspect", cmd.Build: "build",
}


def step(world: World, command: object, profile: Profile = DOCKER_20_10) -> Result:
    """Apply one command to the world; the old world stays valid whatever happens."""
    try:
        transition = TRANSITIONS[type(command)]
    except KeyError:
        raise TypeError(f"not a docker command: {command!r}") from None
    try:
        return transition(world, command, profile)
    except UnsupportedWorkload as e:
        # A workload the model cannot interpret (`ls -l`, an endless loop) is found while it
        # runs, perhaps after its container was made: the whole step is refused, and the world
        # it started from, unchanged, is the answer (never a half-made container).
        return refused(world, profile.error("unsupported_workload", detail=e), exit=profile.exit_unsupported)
