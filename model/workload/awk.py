"""busybox awk, its common subset: `{print $N}`, `-F`, `NR`/`NF`, `BEGIN`/`END`, `/re/` and
comparison patterns, assignments and arithmetic.  Anything else (functions, `if`, loops,
arrays, `printf`, output redirection, getline) is refused, never guessed.

Seen on Docker 20.10 (busybox 1.35, replays/59-applets2.sh): fields split on runs of blanks
(or on `-F`'s character), a missing field is empty, `print a, b` joins with a space, a number
prints as an integer when it is one and with `%.6g` otherwise, an unset variable is 0 and "".
"""
from __future__ import annotations

import re

from .base import _unsupported

_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+|\\\n)
  | (?P<nl>[\n;]+)
  | (?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<re>/(?:[^/\\\n]|\\.)+/)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\+=|-=|\*=|/=|==|!=|<=|>=|&&|\|\||[-+*/%<>!=(),{}$])
  | (?P<bad>.)
""", re.X | re.S)
_REGEX = re.compile(r"/(?:[^/\\\n]|\\.)+/")
_KEYWORDS = {"BEGIN", "END", "print"}
_REFUSED = {"if", "else", "while", "for", "do", "function", "printf", "getline", "next", "exit", "in", "delete",
            "return", "length", "substr", "split", "sub", "gsub", "index", "sprintf", "tolower", "toupper", "match"}


def _tokens(src: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    at = 0
    while at < len(src):
        prev = out[-1] if out else None
        operand = prev is not None and (prev[0] in ("num", "str", "name") or prev[1] == ")")
        m = None if operand else _REGEX.match(src, at)
        if m is not None:
            kind, text = "re", m.group()
            if "[:" in text or "\\<" in text or "\\>" in text:
                raise _unsupported(f"awk regular expression {text}")
        else:
            m = _TOKEN.match(src, at)
            kind, text = m.lastgroup, m.group()
            if kind == "re":
                kind, text = "op", "/"
                m = re.compile("/").match(src, at)
        at = m.end()
        if kind == "bad" or kind == "name" and text in _REFUSED:
            raise _unsupported(f"awk program {src!r} (outside the language: {text!r})")
        if kind == "ws":
            continue
        out.append((kind, text))
    return out


class _Parser:
    """Recursive descent over the subset; expressions become nested tuples."""

    def __init__(self, src: str):
        self.src = src
        self.toks = _tokens(src)
        self.k = 0

    def peek(self, off: int = 0):
        k = self.k + off
        return self.toks[k] if k < len(self.toks) else ("eof", "")

    def take(self, text: str | None = None, kind: str | None = None):
        t = self.peek()
        if (text is not None and t[1] != text) or (kind is not None and t[0] != kind):
            raise _unsupported(f"awk program {self.src!r} (expected {text or kind} at {t[1]!r})")
        self.k += 1
        return t

    def skip_nl(self):
        while self.peek()[0] == "nl":
            self.k += 1

    def program(self):
        rules = []
        self.skip_nl()
        while self.peek()[0] != "eof":
            t = self.peek()
            if t[1] in ("BEGIN", "END"):
                self.k += 1
                pattern = t[1]
            elif t[1] == "{":
                pattern = None
            else:
                pattern = self.expr()
            action = self.block() if self.peek()[1] == "{" else None
            rules.append((pattern, action))
            self.skip_nl()
        return rules

    def block(self):
        self.take("{")
        stmts = []
        self.skip_nl()
        while self.peek()[1] != "}":
            stmts.append(self.statement())
            if self.peek()[1] != "}":
                self.take(kind="nl")
            self.skip_nl()
        self.take("}")
        return tuple(stmts)

    def statement(self):
        if self.peek()[1] == "print":
            self.k += 1
            args = []
            if self.peek()[0] not in ("nl", "eof") and self.peek()[1] != "}":
                args.append(self.expr(no_gt=True))
                while self.peek()[1] == ",":
                    self.k += 1
                    args.append(self.expr(no_gt=True))
            if self.peek()[1] in (">", "|"):
                raise _unsupported(f"awk program {self.src!r} (print to a file or a pipe)")
            return ("print", tuple(args))
        return ("expr", self.expr())

    # expression grammar, lowest first: assignment, ||, &&, comparison, concatenation, + -, * / %, unary, $
    def expr(self, no_gt: bool = False):
        t, nxt = self.peek(), self.peek(1)
        if t[0] == "name" and t[1] not in _KEYWORDS and nxt[1] in ("=", "+=", "-=", "*=", "/="):
            self.k += 2
            return ("assign", t[1], nxt[1], self.expr(no_gt))
        return self.logical(no_gt)

    def logical(self, no_gt):
        left = self.compare(no_gt)
        while self.peek()[1] in ("&&", "||"):
            op = self.take()[1]
            left = ("bin", op, left, self.compare(no_gt))
        return left

    def compare(self, no_gt):
        left = self.concat(no_gt)
        ops = ("<", "<=", "==", "!=", ">=") + (() if no_gt else (">",))
        if self.peek()[1] in ops:
            op = self.take()[1]
            left = ("cmp", op, left, self.concat(no_gt))
        return left

    def concat(self, no_gt):
        parts = [self.additive()]
        while self.peek()[0] in ("num", "str", "name") or self.peek()[1] in ("$", "(", "!") or \
                self.peek()[1] == "-" and False:
            if self.peek()[1] in _KEYWORDS:
                break
            parts.append(self.additive())
        return parts[0] if len(parts) == 1 else ("concat", tuple(parts))

    def additive(self):
        left = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            left = ("bin", op, left, self.term())
        return left

    def term(self):
        left = self.unary()
        while self.peek()[1] in ("*", "/", "%"):
            op = self.take()[1]
            left = ("bin", op, left, self.unary())
        return left

    def unary(self):
        t = self.peek()
        if t[1] in ("-", "+", "!"):
            self.k += 1
            return ("neg" if t[1] == "-" else "not" if t[1] == "!" else "num", self.unary())
        return self.primary()

    def primary(self):
        t = self.take()
        if t[1] == "$":
            return ("field", self.primary())
        if t[1] == "(":
            e = self.expr()
            self.take(")")
            return e
        if t[0] == "num":
            return ("const", float(t[1]))
        if t[0] == "str":
            return ("const", _unescape(t[1][1:-1]))
        if t[0] == "re":
            return ("re", t[1][1:-1])
        if t[0] == "name" and t[1] not in _KEYWORDS:
            if self.peek()[1] in ("(", "["):
                raise _unsupported(f"awk program {self.src!r} (calls and arrays are outside the language)")
            return ("var", t[1])
        raise _unsupported(f"awk program {self.src!r} (unexpected {t[1]!r})")


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/"}.get(m.group(1), "\\" + m.group(1)), s)


def _num(v) -> float:
    if isinstance(v, float):
        return v
    m = re.match(r"\s*[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)", v)
    return float(m.group()) if m else 0.0


def _str(v) -> str:
    if isinstance(v, str):
        return v
    if v == int(v) and abs(v) < 2 ** 63:
        return str(int(v))
    return "%.6g" % v


def _looks_numeric(v: str) -> bool:
    return bool(re.fullmatch(r"\s*[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)\s*", v))


class _Run:
    def __init__(self, fs_char: str | None):
        self.vars: dict[str, object] = {}
        self.fields: list[str] = [""]
        self.nr = 0
        self.sep = fs_char
        self.out: list[str] = []

    def set_record(self, line: str) -> None:
        if self.sep is None:
            parts = line.split()
        else:
            parts = line.split(self.sep) if line else []
        self.fields = [line] + parts

    def ev(self, e):
        kind = e[0]
        if kind == "const":
            return e[1]
        if kind == "var":
            if e[1] == "NR":
                return float(self.nr)
            if e[1] == "NF":
                return float(len(self.fields) - 1)
            return self.vars.get(e[1], "")
        if kind == "field":
            k = _num(self.ev(e[1]))
            if k < 0 or k != int(k):
                raise _unsupported(f"awk field ${_str(k)}")
            k = int(k)
            v = self.fields[k] if k < len(self.fields) else ""
            return v
        if kind == "re":
            try:
                return 1.0 if re.search(e[1], self.fields[0]) else 0.0
            except re.error:
                raise _unsupported(f"awk regular expression /{e[1]}/") from None
        if kind == "neg":
            return -_num(self.ev(e[1]))
        if kind == "not":
            return 0.0 if _true(self.ev(e[1])) else 1.0
        if kind == "concat":
            return "".join(_str(self.ev(p)) for p in e[1])
        if kind == "assign":
            _, name, op, rhs = e
            if name in ("NR", "NF", "FS", "OFS", "ORS", "OFMT", "RS", "SUBSEP", "CONVFMT"):
                raise _unsupported(f"awk assignment to {name}")
            v = self.ev(rhs)
            if op != "=":
                v = _arith(op[0], _num(self.vars.get(name, "")), _num(v))
            self.vars[name] = v
            return v
        if kind == "cmp":
            a, b = self.ev(e[2]), self.ev(e[3])
            if _numeric(a) and _numeric(b):
                x, y = _num(a), _num(b)
            else:
                x, y = _str(a), _str(b)
            return 1.0 if {"<": x < y, "<=": x <= y, "==": x == y, "!=": x != y, ">=": x >= y, ">": x > y}[e[1]] else 0.0
        if kind == "bin":
            op = e[1]
            if op == "&&":
                return 1.0 if _true(self.ev(e[2])) and _true(self.ev(e[3])) else 0.0
            if op == "||":
                return 1.0 if _true(self.ev(e[2])) or _true(self.ev(e[3])) else 0.0
            return _arith(op, _num(self.ev(e[2])), _num(self.ev(e[3])))
        if kind == "num":
            return _num(self.ev(e[1]))
        raise AssertionError(e)

    def do(self, stmts):
        for s in stmts:
            if s[0] == "print":
                args = s[1] or (("field", ("const", 0.0)),)
                self.out.append(" ".join(_str(self.ev(a)) for a in args) + "\n")
            else:
                self.ev(s[1])


def _numeric(v) -> bool:
    return isinstance(v, float) or _looks_numeric(v) and v.strip() != ""


def _true(v) -> bool:
    if isinstance(v, float):
        return v != 0
    return v != ""


def _arith(op: str, a: float, b: float) -> float:
    if op in "/%" and b == 0:
        raise _unsupported("awk division by zero")
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    import math
    return math.fmod(a, b)


def awk(args, fs, cwd, io, ctx):
    from .applets import read_file
    from ..fs import normpath
    from .base import _strerror
    sep = None
    args = list(args)
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if a.startswith("-F"):
            v = a[2:] or (args.pop(0) if args else None)
            if v is None or len(v) != 1 or v in " \\":
                raise _unsupported(f"awk -F {v!r} (one character other than blank)")
            sep = v
        else:
            raise _unsupported(f"unsupported awk option {a!r}")
    if not args:
        raise _unsupported("awk without a program")
    rules = _Parser(args[0]).program()
    files = args[1:]
    if any("=" in f for f in files):
        raise _unsupported(f"awk variable assignments among the files {files!r}")
    r = _Run(sep)
    for pattern, action in rules:
        if pattern == "BEGIN":
            r.do(action or ())
    main = [(p, a) for p, a in rules if p not in ("BEGIN", "END")]
    status = 0
    needs_input = main or any(p == "END" for p, _ in rules)
    if needs_input:
        texts = []
        if not files:
            texts.append(ctx.stdin)
        for f in files:
            text, why = read_file(fs, normpath(f, cwd)) if f != "-" else (ctx.stdin, None)
            if why is not None:
                io.append((1, "".join(r.out)))
                io.append((2, f"awk: {f}: {_strerror(why)}\n"))
                return fs, 1
            texts.append(text)
        for text in texts:
            lines = text.split("\n")
            if lines and lines[-1] == "":
                lines.pop()
            for line in lines:
                r.nr += 1
                r.set_record(line)
                for pattern, action in main:
                    if pattern is None or _true(r.ev(pattern)):
                        r.do(action if action is not None else (("print", ()),))
        for pattern, action in rules:
            if pattern == "END":
                r.do(action or ())
    io.append((1, "".join(r.out)))
    return fs, status
