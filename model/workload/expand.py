"""Word expansion as ash does it: parameters, `$(...)`, `$((...))`, field splitting, pathnames.

Order (POSIX 2.6): parameter, command and arithmetic expansion left to right;
then unquoted results are split on IFS white space; then each field with an
unquoted `*`, `?` or `[` is matched against the file system (sorted; kept as
typed when nothing matches); quotes are gone by then.
"""
from __future__ import annotations

import ast
import fnmatch
import posixpath
import re

from ..fs import Rootfs, normpath
from .base import _unsupported
from .grammar import ARITH, BQ, GLOB, LENGTH, LIT, PATTERN_OPS, QBQ, QSUB, QVAR, SUB, VAR

_GLOB_CHARS = re.compile(r"[*?\[]")
MUTATION_SEAMS = ("remove_pattern",)  # looked up at each call, so bench/mutants can replace it


def _param(p, name: str) -> str | None:
    from .shell import _params
    if name == "?":
        return str(p.status)
    if name.isdigit():
        args = _params(p)
        k = int(name)
        return args[k] if k < len(args) else None
    if name == "#":
        return str(len(_params(p)) - 1)
    if name in ("@", "*"):
        return " ".join(_params(p)[1:])
    if name == "$":
        return "1" if p.pid1 else "7"
    if name in ("!", "-"):
        raise _unsupported(f"unsupported parameter ${name}")
    return p.vars.get(name)


def _value(p, fs, part, io):
    """(text, fs, status of a command substitution or None, p) of one expansion part.

    `p` comes back changed only by `${VAR:=word}`, which assigns VAR.
    """
    kind = part[0]
    if kind in (VAR, QVAR):
        _, name, op, arg = part
        value = _param(p, name)
        if op == LENGTH:
            return str(len(value or "")), fs, None, p
        if op in PATTERN_OPS:
            pattern, fs, st, p = expand_one(p, fs, arg, io, pattern=True)
            return remove_pattern(value or "", op, pattern), fs, st, p
        if op in (":-", "-", ":=", "=", ":+", "+"):
            unset = value is None or (op.startswith(":") and value == "")
            if op in (":+", "+"):
                if unset:
                    return "", fs, None, p
                return expand_one(p, fs, arg, io)
            if unset:
                text, fs, st, p = expand_one(p, fs, arg, io)
                if op in (":=", "="):
                    p = _assign(p, name, text)
                return text, fs, st, p
        return value or "", fs, None, p
    if kind in (SUB, QSUB, BQ, QBQ):
        from .shell import _child, run_to_end
        if kind in (BQ, QBQ):
            child = _child(p, part[1], 0)
        else:
            child = _child(p, p.frames[-1].source, part[1])
        child, fs, out = run_to_end(child, fs, "a command substitution")
        io.extend(c for c in out if c[0] == 2)
        text = "".join(t for fd, t in out if fd == 1).rstrip("\n")
        return text, fs, child.exit, p
    if kind == ARITH:
        text, fs, st = _arith_text(p, fs, part[1], io)
        return str(arith(text, p)), fs, st, p
    raise AssertionError(part)


def _assign(p, name: str, value: str):
    from dataclasses import replace
    return replace(p, vars=p.vars.set(name, value))


def remove_pattern(value: str, op: str, pattern: str) -> str:
    """`${x#p}` `${x##p}` `${x%p}` `${x%%p}`: drop the shortest/longest prefix/suffix matching p.

    >>> v = "/usr/lib/a.tar.gz"
    >>> remove_pattern(v, "#", "*/"), remove_pattern(v, "##", "*/"), remove_pattern(v, "%", ".*"), remove_pattern(v, "%%", ".*")
    ('usr/lib/a.tar.gz', 'a.tar.gz', '/usr/lib/a.tar', '/usr/lib/a')
    """
    n = len(value)
    sizes = range(n + 1) if op in ("#", "%") else range(n, -1, -1)
    for k in sizes:
        if op.startswith("#"):
            if match(pattern, value[:k]):
                return value[k:]
        elif match(pattern, value[n - k:]):
            return value[:n - k]
    return value


def _arith_text(p, fs, text: str, io):
    """`$x` and `${x}` inside `$((...))` are expanded before evaluation; bare names later."""
    def sub(m):
        return _param(p, m.group(1) or m.group(2)) or "0"
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*|[0-9#?])\}?|\$(\w)", sub, text), fs, None


_ARITH_OK = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp, ast.Constant, ast.Name, ast.Load,
             ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.Pow, ast.USub, ast.UAdd, ast.Not, ast.Invert,
             ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq, ast.And, ast.Or, ast.BitAnd, ast.BitOr,
             ast.BitXor, ast.LShift, ast.RShift, ast.IfExp)


def arith(text: str, p=None) -> int:
    """ash arithmetic on 64-bit integers: + - * / % ** comparisons && || ! and variables by name.

    >>> arith("7 / 2"), arith("2 ** 3"), arith("-7 / 2"), arith("3 > 2 && 1")
    (3, 8, -3, 1)
    """
    src = text.replace("&&", " and ").replace("||", " or ").replace("!=", "\0").replace("!", " not ")
    src = src.replace("\0", "!=")
    try:
        tree = ast.parse(src.strip() or "0", mode="eval")
    except SyntaxError:
        raise _unsupported(f"unsupported arithmetic {text!r}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ARITH_OK) or isinstance(node, ast.Constant) and type(node.value) is not int:
            raise _unsupported(f"unsupported arithmetic {text!r}")

    def ev(n) -> int:
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant):
            return n.value
        if isinstance(n, ast.Name):
            v = p.vars.get(n.id, "0") if p is not None else "0"
            try:
                return int(v or "0")
            except ValueError:
                raise _unsupported(f"arithmetic on {v!r}") from None
        if isinstance(n, ast.UnaryOp):
            v = ev(n.operand)
            return {ast.USub: -v, ast.UAdd: v, ast.Not: int(not v), ast.Invert: ~v}[type(n.op)]
        if isinstance(n, ast.BoolOp):
            vals = [ev(v) for v in n.values]
            return int(all(vals) if isinstance(n.op, ast.And) else any(vals))
        if isinstance(n, ast.Compare):
            left = ev(n.left)
            for op, right in zip(n.ops, n.comparators):
                r = ev(right)
                ok = {ast.Lt: left < r, ast.LtE: left <= r, ast.Gt: left > r, ast.GtE: left >= r,
                      ast.Eq: left == r, ast.NotEq: left != r}[type(op)]
                if not ok:
                    return 0
                left = r
            return 1
        if isinstance(n, ast.IfExp):
            return ev(n.body) if ev(n.test) else ev(n.orelse)
        a, b = ev(n.left), ev(n.right)
        op = type(n.op)
        if op in (ast.Div, ast.Mod):
            if b == 0:
                raise _unsupported("division by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return q if op is ast.Div else a - q * b
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.Pow: a ** b, ast.BitAnd: a & b,
                ast.BitOr: a | b, ast.BitXor: a ^ b, ast.LShift: a << b, ast.RShift: a >> b}[op]

    return ev(tree)


def expand(p, fs: Rootfs, words, io):
    """Expand words into fields: (fields, fs, the last command substitution's status or None, p).

    `p` is the shell after the expansion (`${VAR:=word}` assigns)."""
    fields: list[str] = []
    last = None
    for w in words:
        cur: list[str] = []
        pat: list[str] = []
        have = False
        globbing = False
        if any(q[:3] == (QVAR, "@", "") for q in w):
            from .shell import _params
            params = _params(p)[1:]
            if not params and all(q[0] == LIT and not q[1] or q[:3] == (QVAR, "@", "") for q in w):
                continue  # "$@" without parameters is no field at all
        for part in w:
            kind = part[0]
            if part[:3] == (QVAR, "@", "") and len(params) > 1:
                # "$@": one field per parameter, the first and last joined to what surrounds them.
                for k, arg in enumerate(params):
                    if k:
                        fields.extend(_glob(fs, p.cwd, "".join(cur), "".join(pat), globbing))
                        cur, pat, globbing = [], [], False
                    cur.append(arg)
                    pat.append(_escape(arg))
                have = True
                continue
            if kind == LIT:
                cur.append(part[1])
                pat.append(_escape(part[1]))
                have = True
                continue
            if kind == GLOB:
                cur.append(part[1])
                pat.append(part[1])
                globbing = globbing or bool(_GLOB_CHARS.search(part[1]))
                have = True
                continue
            value, fs, st, p = _value(p, fs, part, io)
            last = st if st is not None else last
            if kind in (QVAR, QSUB, QBQ):
                cur.append(value)
                pat.append(_escape(value))
                have = True
                continue
            for ch in value:
                if ch in " \t\n":
                    if have:
                        fields.extend(_glob(fs, p.cwd, "".join(cur), "".join(pat), globbing))
                        cur, pat, have, globbing = [], [], False, False
                else:
                    cur.append(ch)
                    pat.append(_escape(ch))
                    have = True
        if have:
            fields.extend(_glob(fs, p.cwd, "".join(cur), "".join(pat), globbing))
    return tuple(fields), fs, last, p


def expand_one(p, fs: Rootfs, word, io, pattern: bool = False):
    """Expand a word without field splitting or pathname expansion (assignments, case, redirections).

    For a case pattern (`pattern`), quoted characters lose their special meaning.
    """
    out: list[str] = []
    last = None
    for part in word:
        if part[0] == LIT:
            out.append(_escape(part[1]) if pattern else part[1])
        elif part[0] == GLOB:
            out.append(part[1])
        else:
            value, fs, st, p = _value(p, fs, part, io)
            last = st if st is not None else last
            out.append(_escape(value) if pattern and part[0] in (QVAR, QSUB, QBQ) else value)
    return "".join(out), fs, last, p


def _escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def match(pattern: str, text: str) -> bool:
    """A shell pattern (case, pathname): `*`, `?`, `[...]`; `[!...]` negates."""
    return fnmatch.fnmatchcase(text, pattern)


def _glob(fs: Rootfs, cwd: str, text: str, pattern: str, globbing: bool) -> list[str]:
    if not globbing:
        return [text]
    absolute = pattern.startswith("/")
    parts = [c for c in pattern.split("/") if c]
    found = [("/" if absolute else "", normpath(".", cwd) if not absolute else "/")]
    for k, comp in enumerate(parts):
        nxt = []
        for shown, real in found:
            if not _GLOB_CHARS.search(comp.replace("[*]", "").replace("[?]", "").replace("[[]", "")):
                name = re.sub(r"\[([*?\[])\]", r"\1", comp)
                path = posixpath.join(real, name)
                if fs.lookup(path) is not None:
                    nxt.append((shown + name if shown in ("", "/") else shown + "/" + name, path))
                continue
            if not fs.is_dir(real):
                continue
            for child in fs.listdir(real):
                name = posixpath.basename(child)
                if name.startswith(".") and not comp.startswith("."):
                    continue
                if fnmatch.fnmatchcase(name, comp):
                    nxt.append((shown + name if shown in ("", "/") else shown + "/" + name, child))
        found = nxt
    if not found:
        return [text]
    return sorted(s for s, _ in found)
