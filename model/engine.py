"""The index of the model: one transition per docker verb, and `step` to apply one.

    >>> from model import commands as cmd
    >>> r = step(World(), cmd.Ps())
    >>> r.stdout.split()[:2], r.exit
    (['CONTAINER', 'ID'], 0)
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from . import commands as cmd
from . import containers, copy, images, listing, prune, transfer
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
    cmd.Rename: containers.rename,
    cmd.ContainerPrune: prune.container_prune,
    cmd.ImagePrune: prune.image_prune,
    cmd.SystemPrune: prune.system_prune,
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
    cmd.Cp: copy.cp,
}

# The docker verb each command value stands for (coverage tables, scripts).
VERBS: dict[type, str] = {
    cmd.Create: "create", cmd.Run: "run", cmd.Start: "start", cmd.Stop: "stop", cmd.Restart: "restart",
    cmd.Kill: "kill", cmd.Pause: "pause", cmd.Unpause: "unpause", cmd.Rm: "rm", cmd.Exec: "exec",
    cmd.Wait: "wait", cmd.Diff: "diff", cmd.Logs: "logs", cmd.Commit: "commit", cmd.Tag: "tag", cmd.Rmi: "rmi",
    cmd.Export: "export", cmd.Import: "import", cmd.Save: "save", cmd.Load: "load", cmd.Ps: "ps",
    cmd.Images: "images", cmd.History: "history", cmd.Inspect: "inspect", cmd.Build: "build",
    cmd.Rename: "rename",
    cmd.ContainerPrune: "container prune", cmd.ImagePrune: "image prune", cmd.SystemPrune: "system prune",
    cmd.Cp: "cp",
}


def step(world: World, command: object, profile: Profile = DOCKER_20_10) -> Result:
    """Apply one command to the world; the old world stays valid whatever happens."""
    try:
        transition = TRANSITIONS[type(command)]
    except KeyError:
        raise TypeError(f"not a docker command: {command!r}") from None
    try:
        verb = VERBS[type(command)]
        if getattr(command, "detach", False) and verb == "exec":
            verb = "exec -d"  # podman: a detached exec's refusal exits 125, not the exec session's 255
        return refusal_status(transition(world, command, profile), verb, profile)
    except UnsupportedWorkload as e:
        # A workload the model cannot interpret (`ls -l`, an endless loop) is found while it
        # runs, perhaps after its container was made: the whole step is refused, and the world
        # it started from, unchanged, is the answer (never a half-made container).
        return refused(world, profile.error("unsupported_workload", detail=e), exit=profile.exit_unsupported)


def refusal_status(result: Result, verb: str, profile: Profile) -> Result:
    """The exit status of a refusal as the dialect's CLI gives it.

    The transitions exit 1 for a refusal, as Docker's CLI does; another CLI may
    exit otherwise: `exit_refused_by["VERB KIND"]` (or `["VERB"]`) when the dialect
    lists it, else `exit_refused` (podman: 125, but `rmi` of a missing image 1); a detached
    exec's verb is "exec -d".
    Other statuses (a container's, 125/126/127 of run and exec, 0) stay.
    """
    if profile.exit_refused == 1 and not profile.exit_refused_by:
        return result

    def one(r: Result) -> Result:
        if r.error is None or r.exit != 1:
            return r
        by = profile.exit_refused_by
        code = by.get(f"{verb} {r.error.kind.value}", by.get(verb, profile.exit_refused))
        return replace(r, exit=code)

    return replace(one(result), alternatives=tuple(one(a) for a in result.alternatives))
