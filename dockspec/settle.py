"""Waiting until the engine has reached the state the model already shows.

The model runs what takes no time to completion at once: a one-shot workload
has exited, a `--rm` container that exited is gone, a detached `exec` has
done its work, a paused container that was killed has exited (Docker 26.1
thaws it and delivers the signal after `kill` has returned: `inspect` right
after can still say `paused`).  The engine does the same asynchronously, so right after a
command it may still be on its way.  `settle` waits for exactly those
things, on the engine's own state (the `wait` endpoint with the
`not-running` or `removed` condition; an exec's `Running` flag), never with a
fixed sleep, and gives up at a deadline: what is still different then is
compared, and reported, as it is.
"""
from __future__ import annotations

import time

from model import fs
from model.containers import diff_hidden
from model.values import Status

from .observe import Owner


def _name(c: dict) -> str:
    return (c.get("Names") or ["/"])[0].lstrip("/")


def settle(api, owner: Owner, world, engine_name, *, execs: bool = False, timeout: float = 20.0,
           profile=None) -> list[str]:
    """Wait until the engine's objects of this run match `world` where only time separates them.

    `engine_name(container)` is the engine's name of a model container.  With
    `execs`, also wait for detached execs to end in the containers the model has running.
    `profile`: the dialect, whose `diff` may never list some files of the layer (Podman's mount points).
    Returns what the engine had still not done at the deadline (a line each), for the report.
    """
    late: list[str] = []
    deadline = time.monotonic() + timeout

    def left() -> int:
        return max(1, int(deadline - time.monotonic()))

    in_model = {engine_name(c): c for c in world.containers.values()}
    for c in api.containers(all=True):
        if not owner.owns_container(c):
            continue
        name, state = _name(c), c.get("State")
        waiting = ""
        model = in_model.get(name)
        try:
            if model is None:
                # gone in the model: an auto-removal under way on the engine (a container the
                # model never had, such as a failed build's, is left alone unless auto-removed)
                if state in ("removing", "dead") or api.inspect_container(c["Id"])["HostConfig"].get("AutoRemove"):
                    waiting = "its removal"
                    api.wait(c["Id"], timeout=left(), condition="removed")
            elif model.status is Status.EXITED and state in ("running", "paused"):
                waiting = "its exit"
                api.wait(c["Id"], timeout=left(), condition="not-running")
                # Docker 26.1 answers `wait` before its container list shows the exit (seen: `running`
                # in `ps` after `wait` returned, `exited` 0.5 s later): wait for the list too.
                if not _listed(api, c["Id"], lambda st: st not in ("running", "paused"), deadline):
                    raise TimeoutError(waiting)
            elif model.status is Status.RUNNING and state == "paused":
                # `commit` pauses a running container and unpauses it before it answers, but 20.10's
                # list reads the unpause from containerd's event, a moment later (seen under load: a
                # commit then `paused`); a container the engine keeps paused is compared as it is.
                waiting = "its unpause"
                until = min(deadline, time.monotonic() + 5)
                if not _listed(api, c["Id"], lambda st: st != "paused", until):
                    late.append(f"{name}: waited {min(5, left()):.0f} s for {waiting}, the engine still showed it paused")
            elif execs and model.status is Status.RUNNING and state == "running" and len(model.processes) <= 1:
                # the model has every exec'd process ended (none beside PID 1): so must the engine
                waiting = "its detached execs to end"
                if not _execs_done(api, c["Id"], deadline):
                    late.append(f"{name}: waited {timeout:.0f} s for {waiting}")
            written = _written(model, profile) if model is not None and model.status is Status.RUNNING else set()
            if written and state == "running":
                # the files the model's workload has written by now (a `run -d` that renders a config,
                # then sleeps): a loaded engine's container may not have got that far yet
                waiting = "its workload's writes"
                shown: set[str] = set()

                def all_shown(cid=c["Id"]) -> bool:
                    shown.clear()
                    shown.update(_diff_paths(api, cid))
                    return written <= shown

                if not _until(all_shown, min(deadline, time.monotonic() + 5)):
                    late.append(f"{name}: waited 5 s for {waiting}, the engine's diff still lacked "
                                + ", ".join(sorted(written - shown)))
        except Exception as e:
            status = getattr(getattr(e, "response", None), "status_code", None)
            if status is None and not _is_timeout(e):
                raise
            # 404: removed meanwhile; a timeout: compared as it is, and said
            if status is None:
                late.append(f"{name}: waited {timeout:.0f} s for {waiting}, the engine still showed it {state}")
    return late


def _written(model, profile=None) -> set[str]:
    """The regular files and symlinks in a model container's read-write layer that the engine's diff can list
    (a workload's `ln -s` after its files: seen late on 26.1 under load, replays/59-applets2.sh:3).

    Not the dialect's hidden paths: Podman makes /etc/hostname, /etc/hosts and /run/.containerenv
    in the layer at every start and its diff never lists them (waiting for them cost 5 s a running
    container, every line)."""
    hidden = diff_hidden(profile)
    return {path for path, entry in model.rw.items() if entry.kind in (fs.Kind.FILE, fs.Kind.SYMLINK) and path not in hidden}


def _diff_paths(api, cid: str) -> set[str]:
    return {d["Path"] for d in (api.diff(cid) or ())}


def _until(check, deadline: float) -> bool:
    """Poll `check()` (5 ms, doubling to 100 ms) until it holds; False at the deadline."""
    pause = 0.005
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
    return True


def _listed(api, cid: str, done, deadline: float) -> bool:
    """Wait until the container list shows the container in a state `done` accepts (or not at all)."""
    def shown() -> bool:
        rows = api.containers(all=True, filters={"id": cid})
        return not rows or done(rows[0].get("State"))

    return _until(shown, deadline)


def _execs_done(api, cid: str, deadline: float) -> bool:
    """Wait for the container's execs to end (a detached exec of a one-shot command); False at the deadline."""
    return all(_until(lambda eid=eid: not api.exec_inspect(eid).get("Running"), deadline)
               for eid in api.inspect_container(cid).get("ExecIDs") or ())


def _is_timeout(e: BaseException) -> bool:
    import requests

    return isinstance(e, (requests.exceptions.Timeout, requests.exceptions.ConnectionError, TimeoutError))


def read_settled(api, owner: Owner, observer, world, engine_name, *, execs: bool = False, profile=None,
            rounds: int = 3):
    """Settle, then read the engine's objects (`observer.raw()`); return (raw, late lines).

    Docker's pause flag lags (`model.live`): after a commit of a running container or an
    `unpause`, containerd's late "paused" event sets the flag again for the moment before its
    "resumed" event clears it (seen on 20.10 under load: `pause`, `unpause` from the command,
    then `pause`, `unpause` from the events, 8 ms apart).  `settle` may find the flag clear and
    the reading a moment later catch it set: a container the model has running that the reading
    shows paused is settled and read again, up to `rounds` readings; one `settle` already waited
    for in vain is compared as it is."""
    late = settle(api, owner, world, engine_name, execs=execs, profile=profile)
    raw = observer.raw()
    running = {engine_name(c) for c in world.containers.values() if c.status is Status.RUNNING}
    for _ in range(rounds - 1):
        waited = {line.split(":", 1)[0] for line in late}
        if not any(_name(c) in running - waited and c.get("State") == "paused" for c in raw.containers):
            break
        late = settle(api, owner, world, engine_name, execs=execs, profile=profile)
        raw = observer.raw()
    return raw, late
