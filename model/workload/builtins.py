"""ash's builtins in the language: `:` true false exit return wait trap cd pwd set export unset shift,
and echo, printf, `[`/test, which ash runs in the shell itself (same output as the applets)."""
from __future__ import annotations

from dataclasses import replace

from frozendict import frozendict

from ..fs import Rootfs, normpath
from .applets import Context, _instant, _missing_errno, _resolve
from .base import _SIGNALS, _strerror, _unsupported
from .process import EXIT, FUNC, GROUP, TRAP, Process, _exit_changes, leave


def _exit_status(args: tuple[str, ...], status: int) -> int:
    if not args:
        return status
    if len(args) > 1 or not args[0].isdigit():
        raise _unsupported(f"unsupported exit arguments {args!r}")
    return int(args[0]) & 255


def signal_number(name: str) -> int:
    """A trap's signal: EXIT (0), a name with or without SIG, or a number."""
    up = name.upper().removeprefix("SIG")
    if up in ("EXIT", "0"):
        return EXIT
    if up.isdigit() and int(up) in _SIGNALS.values():
        return int(up)
    if up in _SIGNALS and up != "KILL":
        return _SIGNALS[up]
    raise _unsupported(f"unsupported trap signal {name!r}")


def builtin(p: Process, fs: Rootfs, argv: tuple[str, ...], assigns, stdin: str, io: list) -> tuple[dict, Rootfs]:
    name, args = argv[0], argv[1:]
    if name in (":", "true"):
        return dict(status=0), fs
    if name == "false":
        return dict(status=1), fs
    if name in ("echo", "printf", "[", "test"):
        env = tuple(f"{k}={v}" for k, v in p.vars.items() if k in p.exported)
        fs, status = _instant(name, args, fs, p.cwd, io, Context(env, stdin, p.hostname, builtin=True))
        return dict(status=status), fs
    if name == "pwd":
        # ash prints its logical directory: the workdir, then what `cd` made of it.
        io.append((1, p.cwd + "\n"))
        return dict(status=0), fs
    if name == "exit":
        # Without N, exit inside a trap handler uses the status from before the trap (POSIX).
        saved = next((f.saved for f in reversed(p.frames) if f.kind == TRAP), None)
        code = _exit_status(args, p.status if saved is None else saved)
        from .shell import _finish
        exiting = any(f.kind == TRAP and f.exiting for f in p.frames)
        if exiting:
            return _exit_changes(p, code), fs
        q = _finish(replace(p, frames=()), code)
        return dict(exit=q.exit, frames=q.frames, traps=q.traps, status=q.status, fg=q.fg, jobs=q.jobs,
                    waiting=q.waiting, pending=q.pending, sleep=q.sleep), fs
    if name == "return":
        code = _exit_status(args, p.status)
        for k in range(len(p.frames) - 1, -1, -1):
            if p.frames[k].kind == FUNC:
                q = leave(p, k)
                return dict(frames=q.frames, vars=q.vars, exported=q.exported, status=code), fs
        raise _unsupported("return outside a function")
    if name == "local":
        return local(p, args), fs
    if name == "read":
        return read(p, args, assigns, stdin), fs
    if name == "wait":
        if args:
            raise _unsupported(f"unsupported wait arguments {args!r}")
        return (dict(waiting=True) if p.jobs else dict(status=0)), fs
    if name == "trap":
        if len(args) < 2:
            raise _unsupported(f"unsupported trap arguments {args!r}")
        action = args[0]
        if action not in ("", "-"):
            from .grammar import compile_script
            compile_script(action)  # a handler outside the language is refused when it is set
        traps = dict(p.traps)
        for sig in args[1:]:
            num = signal_number(sig)
            if action == "-":
                traps.pop(num, None)
            else:
                traps[num] = action
        return dict(traps=frozendict(traps), status=0), fs
    if name == "set":
        flags = set()
        for a in args:
            if a in ("-e", "+e"):
                flags.add(a)
            else:
                raise _unsupported(f"unsupported set arguments {args!r}")
        errexit = p.errexit
        for a in args:
            errexit = a == "-e"
        return dict(errexit=errexit, status=0), fs
    if name in ("export", "readonly"):
        variables, exported = p.vars, set(p.exported)
        for a in args:
            k, eq, v = a.partition("=")
            if eq:
                variables = variables.set(k, v)
            exported.add(k)
        return dict(vars=variables, exported=frozenset(exported), status=0), fs
    if name == "unset":
        variables = p.vars
        for a in args:
            if a in variables:
                variables = variables.delete(a)
        return dict(vars=variables, exported=p.exported - set(args), status=0), fs
    if name == "shift":
        n = int(args[0]) if args else 1
        for k in range(len(p.frames) - 1, -1, -1):
            f = p.frames[k]
            if f.args is not None:
                if n > len(f.args) - 1:
                    io.append((2, "sh: shift: can't shift that many\n"))
                    return dict(status=2), fs
                frames = p.frames[:k] + (replace(f, args=f.args[:1] + f.args[1 + n:]),) + p.frames[k + 1:]
                return dict(frames=frames, status=0), fs
    # cd
    if len(args) > 1:
        raise _unsupported(f"unsupported cd arguments {args!r}")
    arg = args[0] if args else (p.vars.get("HOME") or "/")
    path = _resolve(fs, normpath(arg, p.cwd))
    if not fs.is_dir(path):
        why = _strerror("ENOTDIR" if fs.exists(path) else _missing_errno(fs, path))
        io.append((2, f"sh: cd: can't cd to {arg}: {why}\n"))
        return dict(status=2), fs
    return dict(cwd=path, status=0), fs


def local(p: Process, args: tuple[str, ...]) -> dict:
    """`local NAME[=VALUE]...`: the innermost function's return restores each NAME; `local NAME` unsets it (busybox)."""
    k = next((k for k in range(len(p.frames) - 1, -1, -1) if p.frames[k].kind == FUNC), None)
    if k is None:
        # ash: "local: line N: not in a function", fatal; the line number is the script's own.
        raise _unsupported("local outside a function")
    f = p.frames[k]
    saved, variables = list(f.locals), p.vars
    for a in args:
        name, eq, value = a.partition("=")
        if not name.isidentifier() or a.startswith("-"):
            raise _unsupported(f"unsupported local argument {a!r}")
        if all(n != name for n, _, _ in saved):
            saved.append((name, variables.get(name), name in p.exported))
        if eq:
            variables = variables.set(name, value)
        elif name in variables:
            variables = variables.delete(name)
    frames = p.frames[:k] + (replace(f, locals=tuple(saved)),) + p.frames[k + 1:]
    return dict(frames=frames, vars=variables, status=0)


_IFS = " \t\n"


def read(p: Process, args: tuple[str, ...], assigns, stdin: str) -> dict:
    """`read [-r] [NAME...]`: one line of input split on IFS into the names, the last taking the rest.

    Returns the changes, with `consumed`: how much of the input the line took
    (the shell's own input moves on by that much; a redirection's is reopened).
    Status 1 at the end of the input, the names set from what there was.
    """
    raw = False
    while args and args[0].startswith("-") and len(args[0]) > 1:
        if args[0] != "-r":
            raise _unsupported(f"unsupported read option {args[0]!r}")
        raw, args = True, args[1:]
    names = args or ("REPLY",)
    for n in names:
        if not n.isidentifier():
            raise _unsupported(f"unsupported read argument {n!r}")
    line, used, status = [], 0, 1
    while used < len(stdin):
        c = stdin[used]
        used += 1
        if c == "\n":
            status = 0
            break
        if c == "\\" and not raw and used < len(stdin):
            nxt = stdin[used]
            used += 1
            if nxt != "\n":
                line.append("\0" + nxt)  # quoted: no field splitting on it
            continue
        line.append(c)
    ifs = dict(assigns).get("IFS", p.vars.get("IFS", _IFS))
    values = _split_read("".join(line), ifs, len(names))
    variables = p.vars
    for name, value in zip(names, values + [""] * (len(names) - len(values))):
        variables = variables.set(name, value)
    return dict(vars=variables, status=status, consumed=used)


def _split_read(line: str, ifs: str, n: int) -> list[str]:
    """POSIX 2.6.5 field splitting for `read`: at most n fields, the last one the rest of the line.

    A character escaped with a backslash comes as NUL and the character, and never splits.

    >>> _split_read("  a  b c  ", " \\t\\n", 2), _split_read("k=v=w", "=", 2), _split_read("a:b", "", 1)
    (['a', 'b c'], ['k', 'v=w'], ['a:b'])
    """
    chars = []
    i = 0
    while i < len(line):
        if line[i] == "\0":
            chars.append((line[i + 1], True))
            i += 2
        else:
            chars.append((line[i], False))
            i += 1
    white = set(c for c in ifs if c in " \t\n")
    other = set(ifs) - white
    k = 0
    while k < len(chars) and not chars[k][1] and chars[k][0] in white:
        k += 1
    fields: list[str] = []
    while k < len(chars) and len(fields) < n - 1:
        start = k
        while k < len(chars) and (chars[k][1] or chars[k][0] not in ifs):
            k += 1
        fields.append("".join(c for c, _ in chars[start:k]))
        while k < len(chars) and not chars[k][1] and chars[k][0] in white:
            k += 1
        if k < len(chars) and not chars[k][1] and chars[k][0] in other:
            k += 1
            while k < len(chars) and not chars[k][1] and chars[k][0] in white:
                k += 1
    if k < len(chars):
        end = len(chars)
        while end > k and not chars[end - 1][1] and chars[end - 1][0] in white:
            end -= 1
        fields.append("".join(c for c, _ in chars[k:end]))
    return fields


__all__ = ["builtin", "signal_number", "GROUP", "local", "read"]
