"""Time that passes for every container at once.

Theory of operation
-------------------
Time in the model is logical (`model.workload.elapse`): it passes only when a
command waits for it, `docker wait`, a foreground `run`, `start -a` or `exec`,
and `stop -t T`/`restart -t T` up to T seconds.  The clock is the engine's, so
those seconds pass in every other container too: a `sleep 3` started before a
foreground `sh -c 'sleep 5'` has exited when the run returns.  Nothing else
lets time pass, so the same script always gives the same output; the wall
clock of the engine's own work (milliseconds a command) is not modelled.

A paused container's processes are frozen, but not its clock: the cgroup
freezer stops the tasks while their timers run down, so a sleep that ran out
while frozen ends as soon as the container is thawed (seen on Docker 20.10:
`run -d sleep 2`, `pause`, 3 s, `unpause`: exited 0 at once).  `unpause` runs
what became runnable (`thaw`).
"""
from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from . import workload

# What `date` prints and `ls -l` shows as a modification time: the model has no wall clock, so
# its clock reads this fixed instant (2023-11-14 22:13:20 UTC); the replays compare `ls -l`'s
# time column and `date`'s default output masked (dockspec.observe.normalise).
EPOCH = 1_700_000_000
from .values import Container, Status, World


def pass_time(world: World, dt: Fraction | int, skip: frozenset[str] | set[str] = frozenset()) -> World:
    """`dt` seconds pass in every running or paused container except those in `skip` (ids)."""
    if dt <= 0:
        return world
    for cid in sorted(world.containers):
        c = world.containers.get(cid)
        if c is None or cid in skip or not c.processes:
            continue
        if c.status is Status.PAUSED:
            procs = tuple(workload.tick(p, dt) for p in c.processes)
            world = world.put_container(replace(c, processes=procs))
        elif c.status is Status.RUNNING:
            world = _advance(world, c, dt)
    return world


def _advance(world: World, c: Container, dt: Fraction | int) -> World:
    from .containers import _settle

    first = workload.elapse(c.processes[0], world.rootfs(c), dt)
    if first.exit_code is not None:
        return _settle(world, c, first)  # PID 1 ended: the rest of the container dies with it
    fs_ = first.fs
    rest = []
    for p in c.processes[1:]:  # `exec -d` processes: what they print goes nowhere
        step = workload.elapse(p, fs_, dt)
        fs_ = step.fs
        if step.exit_code is None:
            rest.append(step.process)
    c = replace(c, processes=(c.processes[0],) + tuple(rest))
    return _settle(world, replace(c, rw=fs_.upper), replace(first, fs=fs_))


def thaw(world: World, cid: str) -> World:
    """`unpause`: what time made runnable while the container was frozen runs now."""
    from .containers import _settle

    c = world.containers[cid]
    if not c.processes or not any(workload.ran_out(p) for p in c.processes):
        return world
    first = workload.run(c.processes[0], world.rootfs(c))
    return _settle(world, c, first)
