"""The ash evaluator: runs a compiled script (`grammar.Code`) one instruction at a time.

The shell stops only where time must pass: a foreground child that sleeps, or
the `wait` builtin with jobs that sleep.  Everything else (expansions,
builtins, in-process applets, pipelines and command substitutions, which must
finish without sleeping) runs at once.  `set -e` ends the shell after a
checked command fails; traps run between commands (`process.signal`).
"""
from __future__ import annotations

from dataclasses import replace

from frozendict import frozendict

from ..fs import FsError, Rootfs, normpath
from .applets import DEV_NULL, Context, _instant, _open, _route, _set_sink, read_file
from .base import ASH_BUILTINS, BUILTINS, _strerror, _unsupported
from .expand import expand, expand_one, match
from .grammar import Case, Check, Cmd, Def, End, ForInit, ForNext, Group, Jump, Not, Pipe, Sub, compile_script
from .process import (
    EXIT, FUNC, GROUP, MAIN, TRAP, Frame, Process, _advance, _exit, _exit_changes, _process, _push_trap, _which, leave,
    shell_script,
)
from .syntax import _parse

MAX_INSTRUCTIONS = 20_000  # instructions one shell runs before it must block or exit


def _finish(p: Process, code: int) -> Process:
    """The shell exits with `code`: its EXIT trap runs first, once."""
    action = p.traps.get(EXIT)
    if action:
        traps = frozendict({k: v for k, v in p.traps.items() if k != EXIT})
        return replace(p, traps=traps, status=code,
                       frames=(Frame(action, kind=TRAP, saved=code, exiting=True),))
    return replace(p, **_exit_changes(p, code))


def _sinks(p: Process) -> tuple:
    """Where the shell's descriptors 1 and 2 lead inside its groups, relative to its own streams."""
    out, err = None, None
    for f in p.frames:
        if f.kind == GROUP and f.sinks != (None, None):
            out, err = _compose((out, err), f.sinks)
    return out, err


def _compose(outer: tuple, inner: tuple) -> tuple:
    """Descriptors set by `inner` inside a context that `outer` set up."""
    def one(s):
        if s is None:
            return None
        if s in ("&1", "&2"):
            return outer[int(s[1]) - 1] if outer[int(s[1]) - 1] is not None else s
        return s
    return (one(inner[0]) if inner[0] is not None else outer[0],
            one(inner[1]) if inner[1] is not None else outer[1])


def _stdin(p: Process) -> str:
    for f in reversed(p.frames):
        if f.stdin is not None:
            return f.stdin
    return p.stdin


def _params(p: Process) -> tuple[str, ...]:
    for f in reversed(p.frames):
        if f.args is not None:
            return f.args
    return ("sh",)


def _shell(p: Process, fs: Rootfs, io: list[tuple[int, str]]) -> tuple[Process, Rootfs]:
    """Run instructions until the shell exits or blocks."""
    fuel = MAX_INSTRUCTIONS
    while p.exit is None:
        fuel -= 1
        if fuel < 0:
            # `while :; do :; done`: the engine spins for ever, the model would too.
            raise _unsupported(f"a loop that runs {MAX_INSTRUCTIONS} instructions without letting time pass",
                               p.frames[0].source if p.frames else None)
        if p.fg is not None:
            child, fs = _advance(p.fg, fs, io)
            if child.exit is None:
                p = replace(p, fg=child)
                break
            p = replace(p, fg=None, status=child.exit)
            if p.errexit and p.frames and _checked_fg(p):
                p = _finish(p, p.status)
                continue
            for num in p.pending:
                p = replace(p, pending=())
                action = p.traps.get(num)
                if action:
                    p = _push_trap(p, action)
                elif action is None and not p.pid1:
                    p = _exit(p, 128 + num)
                    break
            continue
        if p.waiting:
            if p.jobs:
                break  # _advance ran the jobs: they are all blocked
            p = replace(p, waiting=False, status=0)
            continue
        if not p.frames:
            p = _exit(p, p.status)
            break
        frame = p.frames[-1]
        code = compile_script(frame.source).instrs
        instr = code[frame.pc]
        frames = p.frames[:-1] + (replace(frame, pc=frame.pc + 1),)
        p, fs = _exec(replace(p, frames=frames), fs, instr, frame, io)
    return p, fs


def _checked_fg(p: Process) -> bool:
    f = p.frames[-1]
    prev = compile_script(f.source).instrs[f.pc - 1]
    return getattr(prev, "checked", False)


def _exec(p: Process, fs: Rootfs, instr, frame: Frame, io) -> tuple[Process, Rootfs]:
    t = type(instr)
    if t is Cmd:
        changes, fs = _command(p, fs, instr, io)
        p = replace(p, **changes)
        if p.exit is None and p.fg is None and p.errexit and instr.checked and p.status != 0 and instr.words:
            p = _finish(p, p.status)
        return p, fs
    if t is Jump:
        if instr.when == 1 and p.status != 0 or instr.when == 2 and p.status == 0:
            return p, fs
        f = p.frames[-1]
        iters = f.iters[:len(f.iters) - instr.pops] if instr.pops else f.iters
        p = replace(p, status=0) if instr.zero else p
        return replace(p, frames=p.frames[:-1] + (replace(f, pc=instr.to, iters=iters),)), fs
    if t is End:
        return _end(p, frame), fs
    if t is Not:
        return replace(p, status=0 if p.status else 1), fs
    if t is Check:
        return (_finish(p, p.status) if p.errexit and p.status else p), fs
    if t is ForInit:
        if instr.words is None:
            items = _params(p)[1:]
        else:
            items, fs, _, p = expand(p, fs, instr.words, io)
        f = p.frames[-1]
        return replace(p, frames=p.frames[:-1] + (replace(f, iters=f.iters + ((tuple(items), 0),)),)), fs
    if t is ForNext:
        f = p.frames[-1]
        items, k = f.iters[-1]
        if k >= len(items):
            return replace(p, frames=p.frames[:-1] + (replace(f, pc=instr.to, iters=f.iters[:-1]),)), fs
        f = replace(f, iters=f.iters[:-1] + ((items, k + 1),))
        return replace(p, frames=p.frames[:-1] + (f,), vars=p.vars.set(instr.var, items[k])), fs
    if t is Case:
        word, fs, _, p = expand_one(p, fs, instr.word, io)
        for pats, addr in instr.arms:
            for pat in pats:
                text, fs, _, p = expand_one(p, fs, pat, io, pattern=True)
                if match(text, word):
                    f = p.frames[-1]
                    return replace(p, frames=p.frames[:-1] + (replace(f, pc=addr),)), fs
        f = p.frames[-1]
        return replace(p, frames=p.frames[:-1] + (replace(f, pc=instr.end),)), fs
    if t is Def:
        return replace(p, funcs=p.funcs.set(instr.name, (frame.source, instr.addr)), status=0), fs
    if t is Group:
        sinks, stdin, fs, failed = _redirects(p, fs, instr.redirects, io)
        if failed is not None:
            return replace(p, status=failed), fs
        g = Frame(frame.source, instr.addr, GROUP, sinks=sinks, stdin=stdin)
        return replace(p, frames=p.frames + (g,)), fs
    if t is Sub:
        return _subshell(p, fs, instr, frame, io)
    if t is Pipe:
        return _pipe(p, fs, instr, frame, io)
    raise AssertionError(instr)


def _end(p: Process, frame: Frame) -> Process:
    """The end of a region: the frame it ran in ends as its kind says."""
    rest = p.frames[:-1]
    if frame.kind == MAIN:
        return _finish(replace(p, frames=rest), p.status)
    if frame.kind == TRAP:
        if frame.exiting:
            return replace(p, **_exit_changes(p, frame.saved))
        return replace(p, frames=rest, status=frame.saved)
    if frame.locals:
        return leave(p, len(rest))
    return replace(p, frames=rest)


def _child(p: Process, source: str, addr: int, stdin: str | None = None, sinks=(None, None)) -> Process:
    """A subshell: a copy of the shell (variables, functions, cwd) running one region."""
    traps = frozendict({k: v for k, v in p.traps.items() if v == "" and k != EXIT})
    return replace(p, pid1=False, frames=(Frame(source, addr, MAIN, args=_params(p)),), fg=None, waiting=False,
                   jobs=(), pending=(), traps=traps, out=sinks[0], err=sinks[1],
                   stdin=_stdin(p) if stdin is None else stdin, argv=("sh",))


def _subshell(p: Process, fs: Rootfs, instr: Sub, frame: Frame, io) -> tuple[Process, Rootfs]:
    sinks, stdin, fs, failed = _redirects(p, fs, instr.redirects, io)
    if failed is not None:
        return replace(p, status=failed), fs
    sinks = _compose(_sinks(p), sinks)
    child = _child(p, frame.source, instr.addr, stdin, sinks)
    if instr.background:
        child = replace(child, argv=("sh", "-c", instr.text), stdin="")
        child, fs = _advance(child, fs, io)
        alive = (child,) if child.exit is None or child.jobs else ()
        return replace(p, status=0, jobs=p.jobs + alive), fs
    child, fs = _advance(child, fs, io)
    if child.exit is None:
        return replace(p, fg=child), fs
    p = replace(p, status=child.exit)
    if p.errexit and instr.checked and p.status:
        p = _finish(p, p.status)
    return p, fs


def run_to_end(child: Process, fs: Rootfs, what: str) -> tuple[Process, Rootfs, list]:
    """Run a child that must finish at once (a pipeline stage, a command substitution)."""
    out: list = []
    child, fs = _advance(child, fs, out)
    if child.exit is None:
        raise _unsupported(f"{what} that waits for time to pass")
    return child, fs, out


def _pipe(p: Process, fs: Rootfs, instr: Pipe, frame: Frame, io) -> tuple[Process, Rootfs]:
    """ash forks every stage; the model runs them in order, each on the one before's output."""
    data = _stdin(p)
    status = 0
    sinks = _sinks(p)
    for k, addr in enumerate(instr.stages):
        last = k == len(instr.stages) - 1
        child = _child(p, frame.source, addr, data, sinks if last else (None, sinks[1]))
        child, fs, out = run_to_end(child, fs, "a pipeline stage")
        data = "".join(t for fd, t in out if fd == 1)
        io.extend(c for c in out if c[0] == 2 or last)
        status = child.exit
    p = replace(p, status=status)
    if p.errexit and instr.checked and status:
        p = _finish(p, status)
    return p, fs


def _redirects(p: Process, fs: Rootfs, redirects, io) -> tuple[tuple, str | None, Rootfs, int | None]:
    """Open a command's redirections left to right; (sinks, stdin, fs, None) or a failure's status."""
    sinks: tuple = (None, None)
    stdin = None
    opened: list[str] = []
    for r in redirects:
        if r.op == ">&":
            word = r.target[0][1]
            copied = sinks[int(word) - 1]
            sinks = _set_sink(sinks, r.fd, copied if copied is not None else "&" + word)
            continue
        if r.op == "<<":
            stdin, fs, _, q = expand_one(p, fs, r.target, io)
            if q.vars != p.vars:
                raise _unsupported("an assignment in a heredoc")
            continue
        names, fs, _, q = expand(p, fs, (r.target,), io)
        if q.vars != p.vars:
            raise _unsupported(f"an assignment in a redirection's target {r.target!r}")
        if len(names) != 1:
            raise _unsupported(f"ambiguous redirect {r.target!r}")
        path = normpath(names[0], p.cwd)
        if r.op == "<":
            text, why = read_file(fs, path)
            if why is not None:
                fs = _route(fs, _compose(_sinks(p), sinks), [(2, f"sh: can't open '{names[0]}': {why}\n")], io)
                return sinks, stdin, fs, 1
            stdin = text
            continue
        try:
            fs, target = _open(fs, r.op, path)
        except FsError as e:
            # ash: "can't create" with its own word for a missing directory; the command does not run.
            why = "nonexistent directory" if e.errno_name in ("ENOENT", "ENOTDIR") else _strerror(e.errno_name)
            fs = _route(fs, _compose(_sinks(p), sinks), [(2, f"sh: can't create {names[0]}: {why}\n")], io)
            return sinks, stdin, fs, 1
        if target != DEV_NULL and target in opened:
            # Two opens of one file have two offsets that overwrite each other;
            # the model appends, so it would disagree (`>f 2>f`).
            raise _unsupported(f"file {names[0]!r} opened twice")
        opened.append(target)
        sinks = _set_sink(sinks, r.fd, target)
    return sinks, stdin, fs, None


def _command(p: Process, fs: Rootfs, cmd: Cmd, io) -> tuple[dict, Rootfs]:
    """One simple command: expand, open its redirections, then run a builtin, a function or an applet.

    Everything the command writes, the shell's own messages about it included
    ("not found", "can't create"), goes through its redirections, as in ash,
    which redirects before it looks the command up.
    """
    shell_sinks = _sinks(p)
    before = p.vars
    argv, fs, sub_status, p = expand(p, fs, cmd.words, io)
    assigns = []
    for name, word in cmd.assigns:
        value, fs, st, p = expand_one(p, fs, word, io)
        assigns.append((name, value))
        if not cmd.words:  # `a=1 b=$a`: each assignment is seen by the next one
            p = replace(p, vars=p.vars.set(name, value))
        sub_status = st if st is not None else sub_status
    sinks, stdin, fs, failed = _redirects(p, fs, cmd.redirects, io)
    if failed is not None:
        return _with_vars(dict(status=failed), p, before), fs
    sinks = _compose(shell_sinks, sinks)
    if not argv:
        variables = p.vars
        for name, value in assigns:
            variables = variables.set(name, value)
        # An assignment alone has the status of its last command substitution, else 0.
        return dict(vars=variables, status=sub_status or 0), fs
    out: list = io if sinks == (None, None) else []
    own_stdin = stdin is None
    if own_stdin:
        stdin = _stdin(p)
    changes, fs = _simple(p, fs, argv, tuple(assigns), sinks, stdin, out, io)
    if out is not io:
        fs = _route(fs, sinks, out, io)
    if "consumed" in changes:
        changes = dict(changes)
        used = changes.pop("consumed")
        if own_stdin and used:
            changes.update(_consume(replace(p, frames=changes.get("frames", p.frames)), used))
    return _with_vars(changes, p, before), fs


def _consume(p: Process, used: int) -> dict:
    """The shell's input after `read` took `used` characters of it: the innermost redirected group's, else its own."""
    for k in range(len(p.frames) - 1, -1, -1):
        f = p.frames[k]
        if f.stdin is not None:
            return dict(frames=p.frames[:k] + (replace(f, stdin=f.stdin[used:]),) + p.frames[k + 1:])
    return dict(stdin=p.stdin[used:])


def _with_vars(changes: dict, p: Process, before) -> dict:
    """Changes as `_exec` applies them to the shell from before the expansions: keep what `${x:=w}` assigned."""
    if p.vars is not before and "vars" not in changes:
        changes = dict(changes, vars=p.vars)
    return changes


def _simple(p: Process, fs: Rootfs, argv: tuple[str, ...], assigns, sinks, stdin: str,
            io: list, shell_io: list) -> tuple[dict, Rootfs]:
    """Run the command itself: `io` takes what it writes, `sinks` say where that leads."""
    name = argv[0]
    if "/" not in name:
        if name in p.funcs:
            source, addr = p.funcs[name]
            if assigns:
                raise _unsupported(f"assignments before the function {name!r}")
            frame = Frame(source, addr, FUNC, args=(_params(p)[0],) + argv[1:])
            if sinks != _sinks(p) or stdin != _stdin(p):
                g = Frame(source, len(compile_script(source).instrs) - 1, GROUP, sinks=sinks, stdin=stdin)
                return dict(frames=p.frames + (g, frame)), fs
            return dict(frames=p.frames + (frame,)), fs
        if name == "eval":
            # ash joins the arguments with spaces and runs them in this shell, as a group.
            source = " ".join(argv[1:])
            compile_script(source)  # refused here when outside the language
            own = sinks == _sinks(p) and stdin == _stdin(p)
            frame = Frame(source, 0, GROUP, sinks=(None, None) if own else sinks, stdin=None if own else stdin)
            return dict(frames=p.frames + (frame,), status=0), fs
        if name in BUILTINS:
            from .builtins import builtin
            return builtin(p, fs, argv, assigns, stdin, io)
        if name in ASH_BUILTINS:
            raise _unsupported(f"unsupported shell builtin {name!r}", argv)
    env = dict(p.vars)
    env.update(assigns)
    exported = p.exported | {k for k, _ in assigns}
    path_var = env.get("PATH")
    path = _which(name, fs, (f"PATH={path_var}",) if path_var is not None else (), p.cwd)
    if path is None:
        io.append((2, f"sh: {name}: not found\n"))
        return dict(status=127), fs
    if fs.is_dir(path):
        io.append((2, f"sh: {name}: Permission denied\n"))
        return dict(status=126), fs
    prog = _parse(argv)
    if prog.applet is None:
        prog = shell_script(argv, fs, path)
        if prog is None:
            raise _unsupported(f"unsupported command {name!r}", argv)
        for other in prog.unknown:
            found = _which(other, fs, (f"PATH={path_var}",) if path_var is not None else (), p.cwd)
            if found is not None and not fs.is_dir(found) and shell_script((other,), fs, found) is None:
                raise _unsupported(f"unsupported command {other!r}", prog.script)
    child_env = tuple(f"{k}={v}" for k, v in env.items() if k in exported)
    if prog.applet == "env":
        # ash exports SHLVL and PWD too and lists its variables in its hash table's order.
        raise _unsupported("env run from a shell (ash adds SHLVL and PWD, in its own order)", argv)
    if prog.applet in ("sleep", "sh"):
        # A child that may block keeps its redirections: its later output follows them.
        child = _process(prog, child_env, p.cwd, False, sinks, stdin, p.hostname)
        child, fs = _advance(child, fs, shell_io)
        if child.exit is None:
            return dict(fg=child), fs
        return dict(status=child.exit), fs
    fs, status = _instant(prog.applet, prog.args, fs, p.cwd, io, Context(child_env, stdin, p.hostname))
    return dict(status=status), fs


