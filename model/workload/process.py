"""Processes as values: spawn, run, elapse, signal and stop."""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import Union

from frozendict import frozendict

from ..errors import ModelError, UnsupportedWorkload
from ..fs import DIR, Entry, FsError, Kind, Rootfs, ancestors, normpath
from .base import DEFAULT_PATH, SIGKILL, SIGTERM, _SIGNALS, ExecDenied, ExecNotFound, _unsupported
from .syntax import Program, _duration, _parse
from .applets import Context, _instant, _route

# -- processes ----------------------------------------------------------------------


MAIN, FUNC, TRAP, GROUP = range(4)
MAX_WAKES = 2_000  # wake-ups `elapse` lets happen before it calls a workload endless
EXIT = 0  # the pseudo-signal of `trap ... EXIT`


@dataclass(frozen=True, slots=True)
class Frame:
    """Code a shell is running: a compiled script by its source, and the next instruction.

    `kind` says how the frame ends: MAIN (the process exits), FUNC (`return`),
    TRAP (restore `saved` as `$?`, or exit with it after an EXIT trap), GROUP
    (`{ }` with redirections: `sinks` and `stdin` apply to what runs inside).
    `iters` holds the `for` loops in progress, `args` the positional
    parameters ($0 first) of a script or function, `locals` what a function's
    `local` hid and its return restores.
    """

    source: str
    pc: int = 0
    kind: int = MAIN
    saved: int | None = None
    sinks: tuple = (None, None)
    stdin: str | None = None
    iters: tuple = ()
    args: tuple[str, ...] | None = None
    exiting: bool = False  # TRAP: the EXIT trap; the process exits with `saved` after it
    locals: tuple = ()  # FUNC: (name, value before `local`, exported before) to restore on return


@dataclass(frozen=True, slots=True)
class Process:
    """One process: the applet it runs and, for a shell, where it is in its script."""

    argv: tuple[str, ...]
    applet: str
    args: tuple[str, ...] = ()
    pid1: bool = True
    env: tuple[str, ...] = ()
    cwd: str = "/"
    out: str | None = None  # where its stdout goes (a _Sink); None: its parent's stdout
    err: str | None = None  # where its stderr goes (a _Sink); None: its parent's stderr
    frames: tuple[Frame, ...] = ()  # sh: the script, then functions, groups and trap handlers above it
    status: int = 0  # sh: $?
    traps: frozendict = frozendict()  # sh: signal number (0: EXIT) -> handler; "" ignores
    fg: Process | None = None  # sh: the foreground child it waits for
    waiting: bool = False  # sh: blocked in the `wait` builtin
    jobs: tuple[Process, ...] = ()  # background children still alive (after exit: orphans)
    pending: tuple[int, ...] = ()  # sh: signals that arrived while it waited for `fg`
    sleep: Fraction | None = None  # sleep: time left
    exit: int | None = None
    vars: frozendict = frozendict()  # sh: shell variables (the environment's included)
    exported: frozenset = frozenset()  # sh: the variables its children get
    funcs: frozendict = frozendict()  # sh: name -> (source, address)
    errexit: bool = False  # sh: `set -e`
    stdin: str = ""  # what it reads (a pipe's contents, or /dev/null's nothing)
    hostname: str = ""  # the container's host name (its short id)


@dataclass(frozen=True, slots=True)
class Step:
    """What a call did: the process and file system after it, the exit (None: alive), the output."""

    process: Process
    fs: Rootfs
    exit_code: int | None
    stdout: str = ""
    stderr: str = ""
    elapsed: Fraction = Fraction(0)  # the time that passed (elapse, stop)


def _getenv(env: tuple[str, ...], name: str) -> str | None:
    prefix = name + "="
    for item in env:
        if item.startswith(prefix):
            return item[len(prefix):]
    return None


@lru_cache(maxsize=256)
def _search_dirs(path: str | None, cwd: str) -> tuple[str, ...]:
    """PATH's directories, normalised, without a trailing slash (so "/" is "")."""
    return tuple(normpath(d or ".", cwd).rstrip("/") for d in (DEFAULT_PATH if path is None else path).split(":"))


def _which(name: str, fs: Rootfs, env: tuple[str, ...], cwd: str) -> str | None:
    """Where `name` is: its path when it has a slash, else the first PATH entry that is no directory."""
    if "/" in name:
        path = normpath(name, cwd)
        return path if fs.lookup(path) is not None else None
    view = fs.view
    for d in _search_dirs(_getenv(env, "PATH"), cwd):
        e = view.get(d + "/" + name)
        if e is not None and e.kind is not Kind.DIR:  # a symlink counts: busybox applets are links
            return d + "/" + name
    return None


def _process(prog: Program, env: tuple[str, ...], cwd: str, pid1: bool,
             sinks: tuple[str | None, str | None] = (None, None), stdin: str = "", hostname: str = "") -> Process:
    if prog.script is None:
        return Process(prog.argv, prog.applet, prog.args, pid1, env, cwd, sinks[0], sinks[1], stdin=stdin,
                       hostname=hostname)
    pairs = [e.split("=", 1) for e in env if "=" in e]
    variables = frozendict({k: v for k, v in pairs})
    # `sh -c SCRIPT NAME ARGS...`: $0 is NAME (else "sh"), then the positional parameters.
    params = tuple(prog.args[2:]) or ("sh",)
    return Process(prog.argv, prog.applet, prog.args, pid1, env, cwd, sinks[0], sinks[1],
                   (Frame(prog.script, args=params),), vars=variables, exported=frozenset(variables),
                   stdin=stdin, hostname=hostname)


def spawn(argv: tuple[str, ...], fs: Rootfs, env: tuple[str, ...] = (), workdir: str = "/", pid1: bool = True,
          hostname: str = "") -> Process:
    """A process about to run `argv`: raises `ExecNotFound` or `UnsupportedWorkload` before anything runs."""
    argv = tuple(argv)
    if not argv:
        raise _unsupported("empty command")
    env = tuple(env)
    path = _which(argv[0], fs, env, workdir)
    if path is None:
        raise ExecNotFound(argv[0])
    if fs.is_dir(path):
        raise ExecDenied(argv[0])
    prog = _parse(argv)
    if prog.applet is None:
        prog = shell_script(argv, fs, path)
    if prog is None:
        raise _unsupported(f"unsupported program {argv[0]!r}", argv)
    for name in prog.unknown:
        found = _which(name, fs, env, workdir)
        # a directory: ash says "Permission denied" (126); a shell script runs when it is reached
        if found is not None and not fs.is_dir(found) and shell_script((name,), fs, found) is None:
            raise _unsupported(f"unsupported command {name!r}", prog.script)
    return _process(prog, env, workdir, pid1, hostname=hostname)


def shell_script(argv: tuple[str, ...], fs: Rootfs, path: str) -> Program | None:
    """An executable file that starts `#!/bin/sh`: the kernel runs `/bin/sh PATH ARGS...`, which is
    `sh -c BODY PATH ARGS...` ($0 the path it was found at); None for anything else."""
    e = fs.lookup(_resolve_link(fs, path))
    if e is None or e.kind is not Kind.FILE or not e.mode & 0o111:
        return None
    text = e.data.decode("utf-8", "replace")
    first = text.split("\n", 1)[0].rstrip()
    if first not in ("#!/bin/sh", "#! /bin/sh") or _which("sh", fs, (), "/") is None:
        return None
    return _parse(("sh", "-c", text, path) + tuple(argv[1:]))


def _resolve_link(fs: Rootfs, path: str) -> str:
    from .applets import _resolve
    return _resolve(fs, path)


def _step(p: Process, fs: Rootfs, io: list[tuple[int, str]], elapsed: Fraction = Fraction(0)) -> Step:
    out = "".join(text for fd, text in io if fd == 1)
    err = "".join(text for fd, text in io if fd == 2)
    return Step(p, fs, p.exit, out, err, elapsed)


def run(p: Process, fs: Rootfs) -> Step:
    """Run everything that takes no time: until the process exits or blocks."""
    io: list[tuple[int, str]] = []
    p, fs = _advance(p, fs, io)
    return _step(p, fs, io)


def elapse(p: Process, fs: Rootfs, limit: Fraction | int | None = None) -> Step:
    """Let time pass until the process (and, for an exec'd one, its orphans) has exited,
    or until `limit` seconds have passed; `Step.elapsed` says how long it took.

    Time moves from one wake-up to the next (the sleeper with the least time
    left); the same process always takes the same time, whatever the wall clock.
    """
    io: list[tuple[int, str]] = []
    spent = Fraction(0)
    limit = None if limit is None else Fraction(limit)
    for _ in range(MAX_WAKES):
        p, fs = _advance(p, fs, io)
        if p.exit is not None and not p.jobs:
            return _step(p, fs, io, spent)
        dt = _next_wake(p)
        if dt is None:
            if limit is not None:
                return _step(p, fs, io, limit)
            raise ModelError(f"{describe(p)} can never exit")
        if limit is not None and spent + dt > limit:
            return _step(_tick(p, limit - spent), fs, io, limit)
        spent += dt
        p = _tick(p, dt)
    # The engine would wait for ever (`while true; do sleep 1; done`): no answer to model.
    raise _unsupported(f"a workload that does not exit after {MAX_WAKES} wake-ups", shlex.join(p.argv))


def signal(p: Process, fs: Rootfs, sig: str) -> Step:
    """Deliver `sig` ("TERM", "KILL", "INT", ...) to the process, then run what takes no time."""
    name = sig.upper().removeprefix("SIG")
    num = int(name) if name.isdigit() else _SIGNALS.get(name)
    if num is None:
        raise _unsupported(f"unsupported signal {sig!r}")
    if p.exit is not None:
        return Step(p, fs, p.exit)
    if num == SIGKILL:
        p = _exit(p, 128 + SIGKILL)
        return Step(p, fs, p.exit)
    action = p.traps.get(num) if p.applet == "sh" else None
    if action is None:
        # The default action terminates; the kernel spares a namespace's init from it.
        if p.pid1:
            return run(p, fs)
        p = _exit(p, 128 + num)
        return Step(p, fs, p.exit)
    if action == "":
        return run(p, fs)
    if p.fg is not None:
        # ash takes traps between commands: the signal waits for the child to end.
        return run(replace(p, pending=p.pending + (num,)), fs)
    if p.waiting:
        p = replace(p, waiting=False, status=128 + num)
    return run(_push_trap(p, action), fs)


def stop(p: Process, fs: Rootfs, timeout: Fraction | int = 10) -> Step:
    """`docker stop -t T`: SIGTERM, then T seconds pass, then SIGKILL if the process is still alive.

    A process that ends within T keeps its own exit code (a TERM handler that
    sleeps less than T exits as it says); one still alive is killed (137).
    """
    term = signal(p, fs, "TERM")
    if term.exit_code is not None:
        return term
    waited = elapse(term.process, term.fs, timeout)
    if waited.exit_code is not None:
        return Step(waited.process, waited.fs, waited.exit_code, term.stdout + waited.stdout,
                    term.stderr + waited.stderr, waited.elapsed)
    kill = signal(waited.process, waited.fs, "KILL")
    return Step(kill.process, kill.fs, kill.exit_code, term.stdout + waited.stdout + kill.stdout,
                term.stderr + waited.stderr + kill.stderr, waited.elapsed)


def term_races_kill(p: Process, fs: Rootfs, timeout: Fraction | int) -> bool:
    """`stop -t 0` of a process whose TERM trap ends it at once: the daemon's SIGKILL follows SIGTERM
    with no wait, and the shell may or may not have run its trap first (exit as the trap says, or
    137; seen on Docker 28.5 under load).  A default TERM death (143) is decided when it is sent."""
    if timeout > 0 or p.exit is not None:
        return False
    term = signal(p, fs, "TERM")
    return term.exit_code is not None and term.exit_code != 128 + SIGTERM


def tick(p: Process, dt: Fraction | int) -> Process:
    """`dt` seconds pass for a frozen process (a paused container): its sleeps run down, nothing else runs.

    A sleep that runs out ends (status 0), but what follows it waits for `run`
    (the thaw): the cgroup freezer stops the tasks, not the clock (seen on
    Docker 20.10: `sleep 2` paused for 3 s exits as soon as it is unpaused).
    """
    if dt <= 0 or p.exit is not None:
        return p
    changes = {}
    if p.jobs:
        changes["jobs"] = tuple(tick(j, dt) for j in p.jobs)
    if p.fg is not None:
        changes["fg"] = tick(p.fg, dt)
    if p.sleep is not None:
        changes["sleep"] = max(p.sleep - Fraction(dt), Fraction(0))  # 0: ends when it next runs
    return replace(p, **changes) if changes else p


def ran_out(p: Process) -> bool:
    """True when a sleep in the process tree has run out while it was frozen (`tick`)."""
    return p.sleep == 0 or (p.fg is not None and ran_out(p.fg)) or any(ran_out(j) for j in p.jobs)


def blocked(p: Process) -> bool:
    """True when the process is alive and cannot go on until time passes."""
    if p.exit is not None:
        return False
    if p.applet != "sh":
        return p.sleep is not None
    if p.fg is not None:
        return blocked(p.fg)
    return p.waiting and bool(p.jobs) and all(blocked(j) for j in p.jobs)


def describe(p: Process) -> str:
    """Short human text: the command line, and how it ended."""
    text = shlex.join(p.argv)
    return text if p.exit is None else f"{text} (exited {p.exit})"


# -- the process tree ---------------------------------------------------------------


def _exit(p: Process, code: int) -> Process:
    """The process ends: PID 1 takes every other process with it; others leave orphans."""
    return replace(p, **_exit_changes(p, code))


def _exit_changes(p: Process, code: int) -> dict:
    orphans = () if p.pid1 else p.jobs + ((p.fg,) if p.fg is not None else ())
    return dict(exit=code, frames=(), fg=None, waiting=False, pending=(), sleep=None, jobs=orphans)


def _push_trap(p: Process, action: str) -> Process:
    return replace(p, frames=p.frames + (Frame(action, kind=TRAP, saved=p.status),))


def _advance(p: Process, fs: Rootfs, io: list[tuple[int, str]]) -> tuple[Process, Rootfs]:
    """Run `p` until it exits or blocks; append what it writes, as (fd, text), to `io`.

    Output is one ordered stream of chunks, so that `2>&1` interleaves the two
    streams as the process wrote them.  The process's own redirections apply
    here, on the way out.
    """
    own: list[tuple[int, str]] = io if p.out is None and p.err is None else []
    if p.jobs:
        jobs, fs = _advance_all(p.jobs, fs, own)
        p = replace(p, jobs=jobs)
    if p.exit is None:
        if p.applet == "sh":
            p, fs = _shell(p, fs, own)
        else:
            p, fs = _applet_process(p, fs, own)
    if own is not io:
        fs = _route(fs, (p.out, p.err), own, io)
    return p, fs


def _advance_all(jobs: tuple[Process, ...], fs: Rootfs, io: list[tuple[int, str]]) -> tuple[tuple[Process, ...], Rootfs]:
    alive = []
    for j in jobs:
        j, fs = _advance(j, fs, io)
        if j.exit is None or j.jobs:
            alive.append(j)
    return tuple(alive), fs


def _applet_process(p: Process, fs: Rootfs, io: list[tuple[int, str]]) -> tuple[Process, Rootfs]:
    if p.sleep is not None:
        return (p, fs) if p.sleep > 0 else (_exit(p, 0), fs)
    if p.applet == "sleep":
        left = _duration(p.args)
        if left:
            return replace(p, sleep=left), fs
        return _exit(p, 0), fs
    fs, status = _instant(p.applet, p.args, fs, p.cwd, io, _context(p))
    return _exit(p, status), fs


def _context(p: Process) -> Context:
    """What an applet sees of its process: environment, input, host name."""
    if p.applet == "sh":
        env = tuple(f"{k}={v}" for k, v in p.vars.items() if k in p.exported)
    else:
        env = p.env
    return Context(env, p.stdin, p.hostname)


def _next_wake(p: Process) -> Fraction | None:
    """The least time left to any sleeper in the process tree."""
    times = [t for t in (_next_wake(j) for j in p.jobs) if t is not None]
    if p.sleep is not None:
        times.append(p.sleep)
    if p.fg is not None and (t := _next_wake(p.fg)) is not None:
        times.append(t)
    return min(times) if times else None


def _tick(p: Process, dt: Fraction) -> Process:
    """`dt` seconds pass: sleeps shorten, and those that run out end with status 0."""
    changes = {}
    if p.jobs:
        changes["jobs"] = tuple(_tick(j, dt) for j in p.jobs)
    if p.fg is not None:
        changes["fg"] = _tick(p.fg, dt)
    if p.sleep is not None:
        left = p.sleep - dt
        if left > 0:
            changes["sleep"] = left
        else:
            changes.update(sleep=None, exit=0)
    return replace(p, **changes) if changes else p


def leave(p: Process, keep: int) -> Process:
    """Pop the frames above `keep`; a function's frame gives back the variables its `local` hid."""
    variables, exported = p.vars, p.exported
    for f in reversed(p.frames[keep:]):
        for name, old, was_exported in reversed(f.locals):
            variables = variables.delete(name) if old is None and name in variables else (
                variables if old is None else variables.set(name, old))
            exported = exported | {name} if was_exported else exported - {name}
    return replace(p, frames=p.frames[:keep], vars=variables, exported=exported)


from .shell import _shell  # noqa: E402  (the evaluator and the process machine call each other)

