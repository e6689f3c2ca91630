"""The ash evaluator: commands, expansions, redirections and builtins."""
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
from .base import ASH_BUILTINS, BUILTINS, SIGTERM, _strerror, _unsupported
from .syntax import IF_FAILED, IF_OK, LIT, QVAR, Background, Command, Word, _check_builtin, _compile, _exit_status, _parse
from .applets import DEV_NULL, _instant, _missing_errno, _open, _resolve, _route, _set_sink
from .process import Frame, Process, _advance, _exit, _exit_changes, _getenv, _process, _push_trap, _which

def _code(frame: Frame) -> tuple[Command | Background, ...]:
    code = _compile(frame.source).code
    return code if frame.job < 0 else code[frame.job].body


def _shell(p: Process, fs: Rootfs, io: list[tuple[int, str]]) -> tuple[Process, Rootfs]:
    """The ash evaluator: run commands until the shell exits or blocks."""
    while p.exit is None:
        if p.fg is not None:
            child, fs = _advance(p.fg, fs, io)
            if child.exit is None:
                p = replace(p, fg=child)
                break
            # The child's own orphans (from a nested `sh -c '... &'`) are not tracked.
            p = replace(p, fg=None, status=child.exit)
            if p.pending:
                p = replace(p, pending=False)
                if p.trap:
                    p = _push_trap(p, p.trap)
                elif p.trap is None and not p.pid1:
                    p = _exit(p, 128 + SIGTERM)
            continue
        if p.waiting:
            if p.jobs:
                break  # _advance ran the jobs: they are all blocked
            p = replace(p, waiting=False, status=0)
            continue
        frame = p.frames[-1]
        code = _code(frame)
        if frame.pc >= len(code):
            if frame.saved is None:
                p = _exit(p, p.status)
            else:
                p = replace(p, frames=p.frames[:-1], status=frame.saved)
            continue
        instr = code[frame.pc]
        frames = p.frames[:-1] + (Frame(frame.source, frame.pc + 1, frame.job, frame.saved),)
        if isinstance(instr, Background):
            job = Process(("sh", "-c", instr.text), "sh", pid1=False, env=p.env, cwd=p.cwd,
                          frames=(Frame(frame.source, job=frame.pc),), status=p.status)
            job, fs = _advance(job, fs, io)
            alive = (job,) if job.exit is None or job.jobs else ()
            p = replace(p, frames=frames, status=0, jobs=p.jobs + alive)
            continue
        if instr.when == IF_OK and p.status != 0 or instr.when == IF_FAILED and p.status == 0:
            p = replace(p, frames=frames)
            continue
        # One replace per command: the state is rebuilt often, so it is rebuilt once.
        changes, fs = _command(p, fs, instr, io)
        p = replace(p, **{"frames": frames, **changes})
    return p, fs


def _expand(words: tuple[Word, ...], env: tuple[str, ...], status: int) -> tuple[str, ...]:
    """Parameter expansion, then field splitting of what unquoted expansions produced."""
    fields: list[str] = []
    for w in words:
        if type(w) is str:
            fields.append(w)
            continue
        cur: list[str] = []
        have = False
        for kind, text in w:
            if kind == LIT:
                cur.append(text)
                have = True
                continue
            value = str(status) if text == "?" else (_getenv(env, text) or "")
            if kind == QVAR:
                cur.append(value)
                have = True
                continue
            for ch in value:
                if ch in " \t\n":
                    if have:
                        fields.append("".join(cur))
                        cur, have = [], False
                else:
                    cur.append(ch)
                    have = True
        if have:
            fields.append("".join(cur))
    return tuple(fields)


def _command(p: Process, fs: Rootfs, cmd: Command, io: list[tuple[int, str]]) -> tuple[dict, Rootfs]:
    """One simple command: open its redirections, then run a builtin or an applet.

    Returns the changes to the shell's state (`$?`, a foreground child, an exit...).
    Everything the command writes, the shell's own messages about it included
    ("not found", "can't create"), goes through its redirections, as in ash,
    which redirects before it looks the command up.
    """
    sinks: tuple[str | None, str | None] = (None, None)
    opened: list[str] = []
    for fd, op, word in cmd.redirects:
        if op == ">&":
            copied = sinks[int(word) - 1]
            sinks = _set_sink(sinks, fd, copied if copied is not None else "&" + word)
            continue
        names = _expand((word,), p.env, p.status)
        if len(names) != 1:
            raise _unsupported(f"ambiguous redirect {word!r}")
        try:
            fs, target = _open(fs, op, normpath(names[0], p.cwd))
        except FsError as e:
            # ash: "can't create" with its own word for a missing directory; the command does not run.
            why = "nonexistent directory" if e.errno_name in ("ENOENT", "ENOTDIR") else _strerror(e.errno_name)
            fs = _route(fs, sinks, [(2, f"sh: can't create {names[0]}: {why}\n")], io)
            return dict(status=1), fs
        if target != DEV_NULL and target in opened:
            # Two opens of one file have two offsets that overwrite each other;
            # the model appends, so it would disagree (`>f 2>f`).
            raise _unsupported(f"file {names[0]!r} opened twice", cmd)
        opened.append(target)
        sinks = _set_sink(sinks, fd, target)
    out: list[tuple[int, str]] = io if sinks == (None, None) else []
    changes, fs = _simple(p, fs, cmd, sinks, out, io)
    if out is not io:
        fs = _route(fs, sinks, out, io)
    return changes, fs


def _simple(p: Process, fs: Rootfs, cmd: Command, sinks: tuple[str | None, str | None],
            io: list[tuple[int, str]], shell_io: list[tuple[int, str]]) -> tuple[dict, Rootfs]:
    """Run the command itself: `io` takes what it writes, `sinks` say where that leads.

    A child process (sleep, sh) takes its sinks with it and writes to `shell_io`,
    the shell's own streams: it may block, and what it writes later must still
    follow its redirections.
    """
    argv = _expand(cmd.words, p.env, p.status)
    if not argv:
        return dict(status=0), fs
    name = argv[0]
    if "/" not in name and name in ASH_BUILTINS:
        raise _unsupported(f"unsupported shell builtin {name!r}", argv)
    if "/" not in name and name in BUILTINS:
        return _builtin(p, fs, argv, io)
    path = _which(name, fs, p.env, p.cwd)
    if path is None:
        io.append((2, f"sh: {name}: not found\n"))
        return dict(status=127), fs
    if fs.is_dir(path):
        io.append((2, f"sh: {name}: Permission denied\n"))
        return dict(status=126), fs
    prog = _parse(argv)
    if prog.applet is None:
        raise _unsupported(f"unsupported command {name!r}", argv)
    if prog.applet in ("sleep", "sh"):
        # A child that may block keeps its redirections: its later output follows them.
        child, fs = _advance(_process(prog, p.env, p.cwd, False, sinks), fs, shell_io)
        if child.exit is None:
            return dict(fg=child), fs
        return dict(status=child.exit), fs
    fs, status = _instant(prog.applet, prog.args, fs, p.cwd, io)
    return dict(status=status), fs


def _builtin(p: Process, fs: Rootfs, argv: tuple[str, ...], io: list[tuple[int, str]]) -> tuple[dict, Rootfs]:
    name, args = argv[0], argv[1:]
    action = _check_builtin(name, args)
    if name in (":", "true"):
        return dict(status=0), fs
    if name == "false":
        return dict(status=1), fs
    if name == "echo":
        fs, _ = _instant("echo", args, fs, p.cwd, io)
        return dict(status=0), fs
    if name == "pwd":
        # ash prints its logical directory: the workdir, then what `cd` made of it.  The
        # model's `cd` follows a final symbolic link, ash's would print the link's path.
        io.append((1, p.cwd + "\n"))
        return dict(status=0), fs
    if name == "exit":
        # Without N, exit inside a trap handler uses the status from before the trap (POSIX).
        saved = p.frames[-1].saved
        return _exit_changes(p, _exit_status(args, p.status if saved is None else saved)), fs
    if name == "wait":
        return (dict(waiting=True) if p.jobs else dict(status=0)), fs
    if name == "trap":
        return dict(trap=action if action is not None else (None if args[0] == "-" else "")), fs
    # cd
    arg = args[0] if args else (_getenv(p.env, "HOME") or "/")
    path = _resolve(fs, normpath(arg, p.cwd))
    if not fs.is_dir(path):
        why = _strerror("ENOTDIR" if fs.exists(path) else _missing_errno(fs, path))
        io.append((2, f"sh: cd: can't cd to {arg}: {why}\n"))
        return dict(status=2), fs
    return dict(cwd=path, status=0), fs


