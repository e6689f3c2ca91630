"""Applets beyond the first few, each as busybox 1.35 (Debian's busybox-static) prints it.

ls (-a -1 -d -R; -l needs times the model does not keep and is refused),
printf, head, tail, wc, grep (-c -i -n -q -v), sed (s///[g], Np, Nd; -n -e -i),
env, hostname, id, mv, cp (-r), ln -s, chmod (octal), and `[`/test.
Messages and statuses were seen on the engine (replays/31-shell.sh, 32-applets.sh).
"""
from __future__ import annotations

import posixpath
import re

from ..fs import Entry, FsError, Kind, Rootfs, file, normpath, symlink
from .applets import Context, _missing_errno, _resolve, read_file
from .base import _strerror, _unsupported


def _opts(applet: str, args, allowed: str, with_value: str = ""):
    """getopt as busybox uses it: flags may be grouped; `-n N` / `-nN` take a value; `--` ends options."""
    flags: dict[str, str] = {}
    operands = []
    it = iter(range(len(args)))
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            operands.extend(args[k + 1:])
            break
        if len(a) > 1 and a[0] == "-" and not operands:
            j = 1
            while j < len(a):
                c = a[j]
                if c in with_value:
                    val = a[j + 1:] or (args[k + 1] if k + 1 < len(args) else None)
                    if val is None:
                        raise _unsupported(f"{applet} -{c} without a value")
                    if not a[j + 1:]:
                        k += 1
                    # `sed -e A -e B`: the scripts run one after the other, as lines of one script
                    flags[c] = flags[c] + "\n" + val if c == "e" and c in flags else val
                    break
                if c not in allowed:
                    if c.isdigit() and applet in ("head", "tail") and j == 1:
                        flags["n"] = a[1:]
                        break
                    raise _unsupported(f"unsupported {applet} option {a!r}")
                flags[c] = ""
                j += 1
        else:
            operands.append(a)
        k += 1
    del it
    return flags, tuple(operands)


def _inputs(applet, operands, fs, cwd, ctx, io):
    """(name, text) of each input: the operands, or stdin; an unreadable one is reported."""
    status = 0
    out = []
    if not operands:
        return [("", ctx.stdin)], 0
    for name in operands:
        if name == "-":
            out.append(("-", ctx.stdin))
            continue
        text, why = read_file(fs, normpath(name, cwd))
        if why is not None:
            io.append((2, f"{applet}: {name}: {why}\n"))
            status = 1
            continue
        out.append((name, text))
    return out, status


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def head_tail(applet):
    def run(args, fs, cwd, io, ctx):
        flags, operands = _opts(applet, args, "", "n")
        n = int(flags.get("n", "10").lstrip("+-") or 0)
        inputs, status = _inputs(applet, operands, fs, cwd, ctx, io)
        for k, (name, text) in enumerate(inputs):
            if len(inputs) > 1:
                io.append((1, ("\n" if k else "") + f"==> {name} <==\n"))
            lines = _lines(text)
            io.append((1, "".join(lines[:n] if applet == "head" else lines[-n:] if n else [])))
        return fs, status
    return run


def wc(args, fs, cwd, io, ctx):
    flags, operands = _opts("wc", args, "lwc")
    inputs, status = _inputs("wc", operands, fs, cwd, ctx, io)
    cols = [c for c in "lwc" if c in flags] or ["l", "w", "c"]
    total = {"l": 0, "w": 0, "c": 0}
    for name, text in inputs:
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        for c in total:
            total[c] += counts[c]
        _wc_line(io, cols, counts, name)
    if len(inputs) > 1:
        _wc_line(io, cols, total, "total")
    return fs, status


def _wc_line(io, cols, counts, name):
    if len(cols) == 1:
        nums = [str(counts[cols[0]])]
    else:
        nums = [f"{counts[c]:9d}" for c in cols]
    io.append((1, " ".join(nums + ([name] if name else [])) + "\n"))


def _bre(pattern: str, icase: bool, extended: bool):
    if not extended:
        # Basic regular expressions: + ? | ( ) { } are literal unless escaped.
        out, k = [], 0
        while k < len(pattern):
            c = pattern[k]
            if c == "\\" and k + 1 < len(pattern):
                n = pattern[k + 1]
                out.append(n if n in "+?|(){}" else "\\" + n)
                k += 2
                continue
            out.append("\\" + c if c in "+?|(){}" else c)
            k += 1
        pattern = "".join(out)
    try:
        return re.compile(pattern, re.I if icase else 0)
    except re.error:
        raise _unsupported(f"unsupported regular expression {pattern!r}") from None


def grep(args, fs, cwd, io, ctx):
    flags, operands = _opts("grep", args, "cinqvEsF", "e")
    if "e" in flags:
        pattern = flags["e"]
    elif operands:
        pattern, operands = operands[0], operands[1:]
    else:
        raise _unsupported("grep without a pattern")
    rx = re.compile(re.escape(pattern), re.I if "i" in flags else 0) if "F" in flags else \
        _bre(pattern, "i" in flags, "E" in flags)
    inputs, status = _inputs("grep", operands, fs, cwd, ctx, io)
    if "s" in flags:
        io[:] = [c for c in io if not (c[0] == 2 and c[1].startswith("grep: "))]
    found = False
    for name, text in inputs:
        count = 0
        for k, line in enumerate(text.splitlines(), 1):
            if bool(rx.search(line)) != ("v" in flags):
                count += 1
                found = True
                if "q" in flags:
                    return fs, 0
                if "c" not in flags:
                    prefix = (f"{name}:" if len(inputs) > 1 else "") + (f"{k}:" if "n" in flags else "")
                    io.append((1, prefix + line + "\n"))
        if "c" in flags:
            io.append((1, (f"{name}:" if len(inputs) > 1 else "") + f"{count}\n"))
    if status:
        return fs, 2
    return fs, 0 if found else 1


_SED_S = re.compile(r"s(.)(.*?)(?<!\\)\1(.*?)(?<!\\)\1([gp]*)$")
_SED_ADDR = re.compile(r"(\d+|\$)?([pd])$")


def sed(args, fs, cwd, io, ctx):
    flags, operands = _opts("sed", args, "ni", "e")
    if "e" in flags:
        script = flags["e"]
    elif operands:
        script, operands = operands[0], operands[1:]
    else:
        raise _unsupported("sed without a script")
    cmds = []
    for part in re.split(r"[;\n]", script):
        part = part.strip()
        m = _SED_S.fullmatch(part)
        if m:
            rx = _bre(m.group(2), False, False)
            repl = re.sub(r"\\(\d)", r"\\\1", m.group(3)).replace("&", r"\g<0>")
            cmds.append(("s", rx, repl, m.group(4)))
            continue
        m = _SED_ADDR.fullmatch(part)
        if m:
            cmds.append((m.group(2), m.group(1)))
            continue
        raise _unsupported(f"unsupported sed script {script!r}")
    inputs, status = _inputs("sed", operands, fs, cwd, ctx, io)
    for name, text in inputs:
        lines = text.splitlines()
        out = []
        for k, line in enumerate(lines, 1):
            deleted = False
            extra = []
            for c in cmds:
                if c[0] == "s":
                    new, n = c[1].subn(c[2], line, count=0 if "g" in c[3] else 1)
                    line = new
                    if n and "p" in c[3]:
                        extra.append(line)
                else:
                    addr = c[1]
                    hit = addr is None or (addr == "$" and k == len(lines)) or (addr.isdigit() and int(addr) == k)
                    if hit and c[0] == "d":
                        deleted = True
                        break
                    if hit and c[0] == "p":
                        extra.append(line)
            if deleted:
                continue
            out.extend(extra)
            if "n" not in flags:
                out.append(line)
        result = "".join(x + "\n" for x in out)
        if "i" in flags and name not in ("", "-"):
            path = _resolve(fs, normpath(name, cwd))
            fs = fs.write(path, Entry(Kind.FILE, result.encode(), fs.lookup(path).mode))
        else:
            io.append((1, result))
    return fs, status


_ESC = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v", "e": "\x1b",
        '"': '"', "'": "'"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|0?[0-7]{1,3}|.)", re.S)


def _escapes(text: str, stop: bool = False) -> tuple[str, bool]:
    """printf's backslash escapes (its format, or a %b argument: `stop` honours \\c); (text, stopped)."""
    out, at = [], 0
    for m in _ESCAPE.finditer(text):
        out.append(text[at:m.start()])
        at = m.end()
        e = m.group(1)
        if e == "c" and stop:
            return "".join(out), True
        if e[0] == "x":
            out.append(chr(int(e[1:], 16)))
        elif e[0] in "01234567":
            out.append(chr(int(e, 8) & 255))
        else:
            out.append(_ESC.get(e, "\\" + e))
    out.append(text[at:])
    return "".join(out), False


_SPEC = re.compile(r"%([-+ #0]*)(\d*)(?:\.(\d*))?(.?)", re.S)
_NUMBER = re.compile(r"([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def _printf_number(arg: str, who: str, io) -> tuple[int, bool]:
    """A numeric argument as busybox reads it (strtoll base 0, 'c for a character code); (value, ok)."""
    if arg[:1] in ("'", '"'):
        return (ord(arg[1]) if len(arg) > 1 else 0), True
    m = _NUMBER.fullmatch(arg.lstrip())
    if m:
        digits = m.group(2)
        v = int(digits, 16) if digits[:2] in ("0x", "0X") else int(digits, 8) if digits[0] == "0" else int(digits)
        v = -v if m.group(1) == "-" else v
        if -2 ** 63 <= v < 2 ** 64:
            return v, True
    elif arg == "":
        return 0, True
    io.append((2, f"{who}: invalid number '{arg}'\n"))
    return 0, False


def printf(args, fs, cwd, io, ctx):
    """busybox printf: %[flags][width][.precision] of d i o u x X c s b %; the format reused while arguments last."""
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        raise _unsupported("printf without a format")
    who = "sh" if ctx.builtin else "printf"
    fmt, rest = args[0], list(args[1:])
    status = 0
    out: list[str] = []
    while True:
        used = 0
        pos = 0
        for m in _SPEC.finditer(fmt):
            text, stopped = _escapes(fmt[pos:m.start()])
            out.append(text)
            pos = m.end()
            flags, width, prec, conv = m.groups()
            if conv == "%" and not (flags or width or prec is not None):
                out.append("%")
                continue
            if conv == "" or conv not in "diouxXcsb" or conv == "o" and "#" in flags:
                # busybox: "%q: invalid format" (floats, `*` widths and the rest are outside the language too)
                raise _unsupported(f"unsupported printf format {m.group(0)!r}")
            arg = rest[used] if used < len(rest) else None
            used += 1
            spec = "%" + flags + width + ("." + prec if prec is not None else "")
            if conv in "diouxX":
                v, ok = _printf_number(arg or "", who, io)
                status = status if ok else 1
                if conv in "ouxX" and v < 0:
                    v += 2 ** 64
                out.append((spec + {"i": "d", "u": "d"}.get(conv, conv)) % v)
            elif conv == "c":
                out.append((spec + "s") % (arg or "")[:1])
            elif conv == "b":
                text, stopped = _escapes(arg or "", stop=True)
                out.append((spec + "s") % text)
                if stopped:
                    io.append((1, "".join(out)))
                    return fs, status
            else:
                out.append((spec + "s") % (arg or ""))
        out.append(_escapes(fmt[pos:])[0])
        rest = rest[used:]
        if not rest or used == 0:
            break
    io.append((1, "".join(out)))
    return fs, status


def env(args, fs, cwd, io, ctx):
    if args:
        raise _unsupported(f"unsupported env arguments {args!r}")
    io.append((1, "".join(e + "\n" for e in ctx.env)))
    return fs, 0


def hostname(args, fs, cwd, io, ctx):
    if args:
        raise _unsupported(f"unsupported hostname arguments {args!r}")
    io.append((1, ctx.hostname + "\n"))
    return fs, 0


def _name(fs: Rootfs, path: str, ident: int) -> str:
    text, why = read_file(fs, path)
    for line in text.splitlines() if why is None else ():
        f = line.split(":")
        if len(f) > 2 and f[2] == str(ident):
            return f"{ident}({f[0]})"
    return str(ident)


def id_(args, fs, cwd, io, ctx):
    if args:
        raise _unsupported(f"unsupported id arguments {args!r}")
    g = _name(fs, "/etc/group", 0)
    io.append((1, f"uid={_name(fs, '/etc/passwd', 0)} gid={g} groups={g}\n"))
    return fs, 0


def _ls_entries(fs, path, all_):
    names = [posixpath.basename(c) for c in fs.listdir(path)]
    if all_:
        names += [".", ".."]
    return sorted(n for n in names if all_ or not n.startswith("."))


def ls(args, fs, cwd, io, ctx):
    flags, operands = _opts("ls", args, "a1dRAl")
    if "l" in flags:
        raise _unsupported("ls -l (the model keeps no modification times)")
    operands = operands or (".",)
    status = 0
    files, dirs = [], []
    for name in operands:
        path = normpath(name, cwd)
        e = fs.lookup(path)
        if e is None:
            io.append((2, f"ls: {name}: {_strerror(_missing_errno(fs, path))}\n"))
            status = 1
            continue
        if "d" in flags or not fs.is_dir(_resolve(fs, path)):
            files.append(name)
        else:
            dirs.append((name, _resolve(fs, path)))
    out = [f + "\n" for f in sorted(files)]
    header = len(operands) > 1 or "R" in flags
    todo = sorted(dirs)
    first = not files
    while todo:
        name, path = todo.pop(0)
        if header:
            out.append(("" if first else "\n") + f"{name}:\n")
        first = False
        entries = _ls_entries(fs, path, "a" in flags)
        out.extend(n + "\n" for n in entries)
        if "R" in flags:
            subs = [(name.rstrip("/") + "/" + n, path.rstrip("/") + "/" + n) for n in entries if n not in (".", "..")
                    and fs.lookup(path.rstrip("/") + "/" + n).kind is Kind.DIR]
            todo = subs + todo
    io.append((1, "".join(out)))
    return fs, status


def mv(args, fs, cwd, io, ctx):
    flags, operands = _opts("mv", args, "f")
    if len(operands) != 2:
        raise _unsupported(f"unsupported mv operands {operands!r}")
    src, dst = (normpath(o, cwd) for o in operands)
    e = fs.lookup(src)
    if e is None:
        io.append((2, f"mv: can't rename '{operands[0]}': {_strerror(_missing_errno(fs, src))}\n"))
        return fs, 1
    if fs.is_dir(dst):
        dst = dst.rstrip("/") + "/" + posixpath.basename(src)
    fs, status = _copy_tree(fs, src, dst, operands, io, "mv")
    if status == 0:
        fs = fs.remove(src)
    return fs, status


def _copy_tree(fs, src, dst, operands, io, applet):
    try:
        e = fs.lookup(src)
        if e.kind is Kind.DIR:
            fs = fs.mkdir(dst) if not fs.is_dir(dst) else fs
            for child in fs.listdir(src):
                fs, st = _copy_tree(fs, child, dst + "/" + posixpath.basename(child), operands, io, applet)
            return fs, 0
        return fs.write(dst, e), 0
    except FsError as x:
        io.append((2, f"{applet}: can't create '{operands[-1]}': {_strerror(x.errno_name)}\n"))
        return fs, 1


def cp(args, fs, cwd, io, ctx):
    flags, operands = _opts("cp", args, "rRpaf")
    if len(operands) != 2:
        raise _unsupported(f"unsupported cp operands {operands!r}")
    src, dst = (normpath(o, cwd) for o in operands)
    e = fs.lookup(_resolve(fs, src))
    if e is None:
        io.append((2, f"cp: can't stat '{operands[0]}': {_strerror(_missing_errno(fs, src))}\n"))
        return fs, 1
    if e.kind is Kind.DIR and not set(flags) & set("rRa"):
        io.append((2, f"cp: omitting directory '{operands[0]}'\n"))
        return fs, 1
    if fs.is_dir(dst):
        dst = dst.rstrip("/") + "/" + posixpath.basename(src)
    return _copy_tree(fs, _resolve(fs, src), dst, operands, io, "cp")


def ln(args, fs, cwd, io, ctx):
    flags, operands = _opts("ln", args, "sf")
    if "s" not in flags or len(operands) != 2:
        raise _unsupported(f"unsupported ln arguments {args!r} (only ln -s TARGET LINK)")
    path = normpath(operands[1], cwd)
    if fs.is_dir(path):
        path = path.rstrip("/") + "/" + posixpath.basename(operands[0])
    if fs.lookup(path) is not None:
        if "f" not in flags:
            io.append((2, f"ln: {operands[1]}: File exists\n"))
            return fs, 1
        fs = fs.remove(path)
    try:
        return fs.write(path, symlink(operands[0])), 0
    except FsError as x:
        io.append((2, f"ln: {operands[1]}: {_strerror(x.errno_name)}\n"))
        return fs, 1


def chmod(args, fs, cwd, io, ctx):
    if len(args) < 2 or not re.fullmatch(r"[0-7]{1,4}", args[0]):
        raise _unsupported(f"unsupported chmod arguments {args!r} (an octal mode)")
    status = 0
    for name in args[1:]:
        path = _resolve(fs, normpath(name, cwd))
        e = fs.lookup(path)
        if e is None:
            io.append((2, f"chmod: {name}: {_strerror(_missing_errno(fs, path))}\n"))
            status = 1
            continue
        mode = int(args[0], 8)
        if e.kind is Kind.DIR:
            from .applets import _copy_up_dir
            fs = _copy_up_dir(fs, path)
            upper = dict(fs.upper)
            upper[path] = Entry(Kind.DIR, e.data, mode)
            from dataclasses import replace
            from frozendict import frozendict
            fs = replace(fs, upper=frozendict(upper))
        else:
            fs = fs.write(path, Entry(e.kind, e.data, mode))
    return fs, status


_UNARY = {"-e", "-f", "-d", "-s", "-n", "-z", "-L", "-h", "-r", "-w", "-x"}
_BINARY = {"=", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge"}


def test(args, fs, cwd, io, ctx, bracket=False):
    if bracket:
        if not args or args[-1] != "]":
            io.append((2, "sh: missing ]\n"))
            return fs, 2
        args = args[:-1]
    try:
        ok = _test(list(args), fs, cwd)
    except _TestError as e:
        io.append((2, f"sh: {e}\n"))
        return fs, 2
    return fs, 0 if ok else 1


class _TestError(Exception):
    pass


def _test(a: list, fs, cwd) -> bool:
    if not a:
        return False
    if a[0] == "!" and len(a) > 1:
        return not _test(a[1:], fs, cwd)
    if len(a) == 1:
        return a[0] != ""
    if len(a) == 2:
        if a[0] in _UNARY:
            return _unary(a[0], a[1], fs, cwd)
        if a[1] in _BINARY:
            raise _TestError(f"{a[1]}: argument expected")
        raise _TestError(f"{a[0]}: unknown operand")
    if len(a) == 3 and a[1] in _BINARY:
        return _binary(a[0], a[1], a[2])
    for k, w in enumerate(a):
        if w in ("-a", "-o") and 0 < k < len(a) - 1:
            left, right = _test(a[:k], fs, cwd), _test(a[k + 1:], fs, cwd)
            return (left and right) if w == "-a" else (left or right)
    raise _unsupported(f"unsupported test expression {a!r}")


def _int(s: str) -> int:
    try:
        return int(s.strip())
    except ValueError:
        raise _TestError(f"invalid number '{s}'") from None


def _binary(x, op, y) -> bool:
    if op == "=":
        return x == y
    if op == "!=":
        return x != y
    a, b = _int(x), _int(y)
    return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[op]


def _unary(op, x, fs, cwd) -> bool:
    if op == "-n":
        return x != ""
    if op == "-z":
        return x == ""
    path = normpath(x, cwd)
    if op in ("-L", "-h"):
        e = fs.lookup(path)
        return e is not None and e.kind is Kind.SYMLINK
    e = fs.lookup(_resolve(fs, path))
    if e is None:
        return False
    if op == "-f":
        return e.kind is Kind.FILE
    if op == "-d":
        return e.kind is Kind.DIR
    if op == "-s":
        return e.kind is not Kind.FILE or len(e.data) > 0
    if op == "-x":
        return bool(e.mode & 0o111) or e.kind is Kind.DIR
    return True  # root reads and writes everything


TEXT_APPLETS = {
    "ls": ls, "printf": printf, "head": head_tail("head"), "tail": head_tail("tail"), "wc": wc, "grep": grep,
    "sed": sed, "env": env, "hostname": hostname, "id": id_, "mv": mv, "cp": cp, "ln": ln, "chmod": chmod,
    "test": test, "[": lambda *a: test(*a, bracket=True),
}
__all__ = ["TEXT_APPLETS", "Context", "file"]
