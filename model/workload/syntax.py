"""The syntax of the workload language: scripts, commands and argv checks."""
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
from .base import APPLETS, ASH_BUILTINS, BUILTINS, _KEYWORDS, _unsupported

# -- syntax -------------------------------------------------------------------------
#
# A word is a str when it is all literal (the common case, and cheap to expand),
# else a tuple of parts (kind, text): literal text, or a variable expanded
# unquoted (subject to field splitting) or quoted.  The name "?" is `$?`.

LIT, VAR, QVAR = 0, 1, 2
Word = Union[str, tuple]

ALWAYS, IF_OK, IF_FAILED = 0, 1, 2  # when a command of an and-or list runs: always, after &&, after ||

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Command:
    """A simple command: words, redirections, and when it runs in its and-or list.

    A redirection is `(fd, op, word)` for fd 1 or 2, applied in order: `>` and
    `>>` open the file `word` names, `>&` makes `fd` a copy of the descriptor
    `word` names ("1" or "2").
    """

    words: tuple[Word, ...]
    redirects: tuple[tuple[int, str, Word], ...] = ()
    when: int = ALWAYS


@dataclass(frozen=True, slots=True)
class Background:
    """An and-or list run as a background job (`CMD &`); `text` is its source, for `describe`."""

    body: tuple[Command, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Script:
    """A compiled `sh -c` script.

    `unknown` lists the literal command names that are neither builtins nor
    applets: whether they are missing (status 127) or unsupported programs
    depends on the file system, so `spawn` decides.
    """

    source: str
    code: tuple[Command | Background, ...]
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Program:
    """What `parse` makes of an argv: the applet it runs (None: not an applet) and its arguments."""

    argv: tuple[str, ...]
    applet: str | None
    args: tuple[str, ...] = ()
    script: str | None = None  # `sh -c`: the script's source
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", or an operator: ";", "&", "&&", "||", ">", ">>", ">&", "\n"
    pos: int
    word: Word = ""  # a word's text; for ">&", the descriptor copied ("1" or "2")
    raw: str = ""
    fd: int = 1  # a redirection's descriptor (`2>`)


def _tokenize(src: str) -> list[_Token]:
    """Split a script into words and operators, the way ash's lexer does for this subset."""
    toks: list[_Token] = []
    parts: list[tuple[int, str]] = []
    buf: list[str] = []
    start = -1  # where the current word began, -1 between words
    n = len(src)

    def bad(what: str) -> UnsupportedWorkload:
        return _unsupported(f"unsupported shell syntax {what!r}", src)

    def flush() -> None:
        if buf:
            parts.append((LIT, "".join(buf)))
            buf.clear()

    def end(i: int) -> None:
        nonlocal start
        if start < 0:
            return
        flush()
        if all(k == LIT for k, _ in parts):
            word: Word = "".join(t for _, t in parts)
        else:
            word = tuple(parts)
        toks.append(_Token("word", start, word, src[start:i]))
        parts.clear()
        start = -1

    def var(j: int, quoted: bool) -> int:
        """Parse the expansion at src[j] == "$"; return the index after it."""
        k = j + 1
        kind = QVAR if quoted else VAR
        if src.startswith("{", k):
            close = src.find("}", k)
            name = src[k + 1:close] if close > 0 else src[j:]
            if close < 0 or not (name == "?" or _NAME.fullmatch(name)):
                raise bad(src[j:close + 1] if close > 0 else src[j:])
            flush()
            parts.append((kind, name))
            return close + 1
        if src.startswith("?", k):
            flush()
            parts.append((kind, "?"))
            return k + 1
        m = _NAME.match(src, k)
        if m:
            flush()
            parts.append((kind, m.group()))
            return m.end()
        if k < n and (src[k].isdigit() or src[k] in "@*#$!-("):
            raise bad(src[j:k + 1])  # positional and special parameters, $(...)
        buf.append("$")  # a lone "$" is literal
        return k

    def double(j: int) -> int:
        """Parse a "..." string starting at src[j]; return the index after it."""
        j += 1
        while True:
            if j >= n:
                raise bad('unterminated "')
            c = src[j]
            if c == '"':
                return j + 1
            if c == "\\":
                nxt = src[j + 1:j + 2]
                if nxt in ("$", "`", '"', "\\"):
                    buf.append(nxt)
                    j += 2
                elif nxt == "\n":
                    j += 2
                else:
                    buf.append("\\")
                    j += 1
            elif c == "$":
                j = var(j, True)
            elif c == "`":
                raise bad("`")
            else:
                buf.append(c)
                j += 1

    i = 0
    while i < n:
        c = src[i]
        if c == "\\" and src.startswith("\n", i + 1):
            i += 2  # line continuation
        elif c in " \t":
            end(i)
            i += 1
        elif c == "\n":
            end(i)
            toks.append(_Token("\n", i))
            i += 1
        elif c == "#" and start < 0:
            while i < n and src[i] != "\n":
                i += 1
        elif c in ";&|":
            end(i)
            two = src[i:i + 2]
            if two == "&>":
                raise bad("&>")  # ash's bash-compatible `&>FILE`, not a background job
            if two in ("&&", "||"):
                toks.append(_Token(two, i))
                i += 2
            elif c == "|" or two == ";;":
                raise bad("|" if c == "|" else ";;")
            else:
                toks.append(_Token(c, i))
                i += 1
        elif c == ">":
            fd = 1
            if start >= 0 and src[start:i].isdigit():
                # An all-digit word right before ">" is the descriptor redirected (`2>`).
                if src[start:i] not in ("1", "2"):
                    raise bad(src[start:i + 1])  # other descriptors are outside the language
                fd = int(src[start:i])
                buf.clear()
                start = -1
            else:
                end(i)
            if src.startswith(">>", i):
                toks.append(_Token(">>", i, fd=fd))
                i += 2
            elif src.startswith(">&", i):
                # Only `>&1` and `>&2`: closing (`>&-`) and other descriptors are outside.
                j = i + 2
                while j < n and src[j].isdigit():
                    j += 1
                if src[i + 2:j] not in ("1", "2") or (j < n and src[j] not in " \t\n;&|"):
                    raise bad(src[i:j + 1])
                toks.append(_Token(">&", i, src[i + 2:j], src[i:j], fd))
                i = j
            elif src.startswith(">|", i):
                raise bad(">|")
            else:
                toks.append(_Token(">", i, fd=fd))
                i += 1
        elif c in "<()`":
            raise bad(c)
        else:
            if start < 0:
                start = i
                if c == "~":
                    raise bad("~")
            if c == "'":
                close = src.find("'", i + 1)
                if close < 0:
                    raise bad("unterminated '")
                buf.append(src[i + 1:close])
                i = close + 1
            elif c == '"':
                i = double(i)
            elif c == "\\":
                if i + 1 >= n:
                    raise bad("\\")
                buf.append(src[i + 1])
                i += 2
            elif c == "$":
                i = var(i, False)
            elif c in "*?[":
                raise bad(c)  # pathname expansion
            else:
                buf.append(c)
                i += 1
    end(n)
    return toks


def _parse_script(src: str) -> tuple[Command | Background, ...]:
    """Lists of and-or lists: `;`, newline and `&` end one, `&&` and `||` join commands."""
    toks = _tokenize(src)
    code: list[Command | Background] = []
    k, n = 0, len(toks)

    def bad(what: str) -> UnsupportedWorkload:
        return _unsupported(f"unsupported shell syntax {what!r}", src)

    def simple(k: int, when: int) -> tuple[Command, int]:
        words: list[_Token] = []
        redirects: list[tuple[int, str, Word]] = []
        while k < n:
            t = toks[k]
            if t.kind == "word":
                words.append(t)
                k += 1
            elif t.kind == ">&":
                redirects.append((t.fd, t.kind, t.word))
                k += 1
            elif t.kind in (">", ">>"):
                if k + 1 >= n or toks[k + 1].kind != "word":
                    raise bad(t.kind + " without a file")
                redirects.append((t.fd, t.kind, toks[k + 1].word))
                k += 2
            else:
                break
        if not words and not redirects:
            raise bad(toks[k].kind if k < n else "end of script")
        if words:
            raw = words[0].raw
            m = _NAME.match(raw)
            if raw in _KEYWORDS or (m and raw[m.end():m.end() + 1] == "="):
                raise bad(raw)
        return Command(tuple(w.word for w in words), tuple(redirects), when), k

    while True:
        while k < n and toks[k].kind == "\n":
            k += 1
        if k == n:
            break
        first = toks[k].pos
        andor: list[Command] = []
        when = ALWAYS
        while True:
            cmd, k = simple(k, when)
            andor.append(cmd)
            if k < n and toks[k].kind in ("&&", "||"):
                when = IF_OK if toks[k].kind == "&&" else IF_FAILED
                k += 1
                while k < n and toks[k].kind == "\n":
                    k += 1
                continue
            break
        if k < n:
            t = toks[k]
            if t.kind == "&":
                code.append(Background(tuple(andor), src[first:t.pos].strip()))
                k += 1
                continue
            if t.kind not in (";", "\n"):
                raise bad(t.kind)
            k += 1
        code.extend(andor)
    return tuple(code)


def _commands(code: tuple[Command | Background, ...]):
    for instr in code:
        if isinstance(instr, Background):
            yield from instr.body
        else:
            yield instr


@lru_cache(maxsize=2048)
def _compile(source: str) -> Script:
    """Parse and check a script once; processes refer to it by its source text."""
    code = _parse_script(source)
    unknown: list[str] = []
    for cmd in _commands(code):
        if cmd.words and all(type(w) is str for w in cmd.words):
            unknown.extend(_check_literal(cmd.words))
    return Script(source, code, tuple(dict.fromkeys(unknown)))


def _check_literal(argv: tuple[str, ...]) -> tuple[str, ...]:
    """Check a command whose words are all literal; return the names `spawn` must resolve."""
    name = argv[0]
    if "/" not in name and name in ASH_BUILTINS:
        raise _unsupported(f"unsupported shell builtin {name!r}", argv)
    if "/" not in name and name in BUILTINS:
        action = _check_builtin(name, argv[1:])
        return _compile(action).unknown if action else ()
    prog = _parse(argv)
    return (name,) if prog.applet is None else prog.unknown


def _check_builtin(name: str, args: tuple[str, ...]) -> str | None:
    """Raise for builtin arguments outside the language; return a trap's handler text."""
    if name == "exit":
        _exit_status(args, 0)
    elif name == "wait" and args:
        raise _unsupported(f"unsupported wait arguments {args!r}")
    elif name == "trap":
        action = _trap_action(args)
        return action or None
    elif name == "cd" and len(args) > 1:
        raise _unsupported(f"unsupported cd arguments {args!r}")
    elif name == "pwd" and args:
        raise _unsupported(f"unsupported pwd arguments {args!r}")
    elif name == "echo":
        _echo_options(args)
    return None


def _exit_status(args: tuple[str, ...], status: int) -> int:
    if not args:
        return status
    if len(args) > 1 or not args[0].isdigit():
        raise _unsupported(f"unsupported exit arguments {args!r}")
    return int(args[0]) & 255


def _trap_action(args: tuple[str, ...]) -> str | None:
    """`trap ACTION TERM...`: the handler text, "" to ignore, None to reset (`trap - TERM`)."""
    if len(args) < 2:
        raise _unsupported(f"unsupported trap arguments {args!r}")
    for sig in args[1:]:
        if sig.upper().removeprefix("SIG") != "TERM" and sig != "15":
            raise _unsupported(f"unsupported trap signal {sig!r}")
    action = args[0]
    if action == "-":
        return None
    if action:
        _compile(action)  # a handler outside the language is refused when it is set
    return action


def _echo_options(args: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
    """Busybox echo: leading -n/-E words are options (-e escapes are outside the language)."""
    newline = True
    i = 0
    while i < len(args) and len(args[i]) > 1 and args[i][0] == "-" and set(args[i][1:]) <= set("neE"):
        if "e" in args[i]:
            raise _unsupported(f"unsupported echo option {args[i]!r}")
        newline = newline and "n" not in args[i]
        i += 1
    return newline, args[i:]


def _options(applet: str, args: tuple[str, ...], allowed: str) -> tuple[str, tuple[str, ...]]:
    """Split `-xy` options (any position, as getopt permutes) from operands."""
    flags, operands = "", []
    for a in args:
        if len(a) > 1 and a[0] == "-":
            if a == "--" or not set(a[1:]) <= set(allowed):
                raise _unsupported(f"unsupported {applet} option {a!r}")
            flags += a[1:]
        else:
            operands.append(a)
    return flags, tuple(operands)


def _duration(args: tuple[str, ...]) -> Fraction:
    """Busybox sleep: the sum of its arguments, each a decimal number with an optional s/m/h/d."""
    if not args:
        raise _unsupported("sleep without a duration")
    total = Fraction(0)
    for a in args:
        m = _DURATION.fullmatch(a)
        if m is None:
            raise _unsupported(f"unsupported sleep duration {a!r}")
        total += Fraction(m.group(1)) * _UNITS[m.group(2)]
    return total


def _check_applet(applet: str, args: tuple[str, ...]) -> None:
    if applet == "sh":
        if len(args) < 2 or args[0] != "-c":
            raise _unsupported(f"unsupported sh arguments {args!r} (only sh -c SCRIPT)")
    elif applet == "sleep":
        _duration(args)
    elif applet == "echo":
        _echo_options(args)
    elif applet in ("touch", "mkdir", "rm", "cat"):
        flags, operands = _options(applet, args, {"mkdir": "p", "rm": "rRf"}.get(applet, ""))
        if not operands and applet != "cat" and not (applet == "rm" and "f" in flags):
            raise _unsupported(f"{applet} without an operand")


def _applet_of(argv: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """Busybox dispatches on the basename of argv[0]; `busybox APPLET ...` names it in argv[1]."""
    base = posixpath.basename(argv[0])
    if base == "busybox":
        if len(argv) < 2:
            raise _unsupported("busybox without an applet", argv)
        base, argv = argv[1], argv[1:]
    return (base if base in APPLETS else None), argv[1:]


@lru_cache(maxsize=4096)
def _parse(argv: tuple[str, ...]) -> Program:
    if not argv:
        raise _unsupported("empty command")
    applet, args = _applet_of(argv)
    if applet is None:
        return Program(argv, None)
    _check_applet(applet, args)
    if applet == "sh":
        script = _compile(args[1])
        return Program(argv, "sh", args, args[1], script.unknown)
    return Program(argv, applet, args)


def parse(argv: tuple[str, ...]) -> Program:
    """Check an argv's syntax without a file system; raise `UnsupportedWorkload` outside the language.

    A name that is no applet (`ls`) is not refused here: whether it is missing
    (the engine's "not found") or present but unsupported needs the file system.

    >>> parse(("sh", "-c", "touch /tmp/x && echo done")).applet
    'sh'
    >>> parse(("sh", "-c", "ls | wc -l"))
    Traceback (most recent call last):
    ...
    model.errors.UnsupportedWorkload: unsupported shell syntax '|' in 'ls | wc -l'
    """
    return _parse(tuple(argv))


