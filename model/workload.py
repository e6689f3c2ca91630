"""The workload language: what the processes in a container do, step by step.

Theory of operation
-------------------
A container runs busybox applets.  The model interprets a small, closed
language of them (`sleep`, `true`, `false`, `touch`, `mkdir`, `rm`, `echo`,
`cat`, and `sh -c SCRIPT` for busybox ash) exactly, and refuses anything else
with `UnsupportedWorkload`, naming the word it does not know: a model that
guessed what `ls` prints would disagree with the engine in ways nobody could
trace.  Its shell builtins are `:`, `true`, `false`, `echo`, `cd`, `pwd`,
`exit`, `wait` and `trap`.

Output is one ordered stream of (descriptor, text) chunks, split into stdout
and stderr only at the edge, so that `2>&1` interleaves what was written in
the order it was written.  A command's redirections (`>`, `>>`, `>&1`, `>&2`
on descriptors 1 and 2, left to right as ash applies them) decide where its
chunks go: on to the shell's streams, into a file (appended to, as a file
opened once is written), or nowhere (`/dev/null`, a device on the engine's
/dev tmpfs, not a file of the model; the rest of /dev is refused).  The
container's mounted files (`Rootfs.mounts`) take writes without a copy-up and
refuse `rm` with EBUSY, as the kernel does.

A process is a value (`Process`): the applet it runs, its working directory
and environment, and for a shell the *frames* of code it is executing (the
script, and above it a running trap handler), `$?`, the TERM trap, the
foreground child it waits for, its background jobs, and a pending signal.
Code is referred to by its source text and compiled through a cache, so that a
process hashes in the time it takes to hash a few strings.

Time is logical.  `run` does everything that takes no time and stops where a
process *blocks*: a `sleep`, or a shell waiting for a sleeping child.
`elapse` lets time pass: it wakes the sleeper with the least time left (ties
in a fixed order: a shell's jobs before its foreground child), runs again, and
repeats until the process exits; every program of the language terminates.
A background job runs at once, until it blocks, when the shell starts it; the
real scheduler may interleave differently, but only races would tell.

Signals follow the kernel and ash.  SIGKILL ends a process with 137.  PID 1
of a PID namespace gets no default disposition, so a TERM it has no handler
for is dropped (`sleep` as PID 1 ignores `docker stop` and dies of the SIGKILL
that follows).  A shell's trap runs when the shell is between commands or
blocked in the `wait` builtin (which then returns 128+15); while the shell
waits for a foreground child, the signal stays pending until the child ends.
Other processes die of a TERM (143), but the model only signals PID 1.

When PID 1 exits the container's other processes die with it; an exec'd
process that exits leaves its background jobs running as orphans, which
`elapse` runs to completion (the docker CLI's attached streams stay open until
they exit).  Busybox ash execs the last command of `sh -c` in place of the
shell; the model keeps the shell, which no exit code or file can tell apart.
"""
from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import Union

from frozendict import frozendict

from .errors import ModelError, UnsupportedWorkload
from .fs import DIR, Entry, FsError, Kind, Rootfs, ancestors, normpath

APPLETS = frozenset({"sleep", "true", "false", "touch", "mkdir", "rm", "echo", "cat", "sh"})
BUILTINS = frozenset({"true", "false", "exit", "wait", "trap", "echo", "cd", "pwd", ":"})
# The rest of busybox ash's builtins: they exist whatever PATH holds, so they are
# refused as outside the language, never reported "not found".
ASH_BUILTINS = frozenset({
    ".", "[", "[[", "alias", "bg", "break", "chdir", "command", "continue", "eval", "exec", "export",
    "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let", "local", "printf", "read",
    "readonly", "return", "set", "shift", "source", "test", "times", "type", "ulimit", "umask", "unalias",
    "unset",
})
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# Words that open shell syntax outside the language (compound commands, functions).
_KEYWORDS = frozenset({
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
    "in", "function", "select", "{", "}", "!", "[[", "]]",
})

# strerror(3) as glibc words it (busybox:latest links glibc).
_STRERROR = {
    "ENOENT": "No such file or directory",
    "EEXIST": "File exists",
    "ENOTDIR": "Not a directory",
    "EISDIR": "Is a directory",
    "EBUSY": "Device or resource busy",
}

# Signal numbers (x86-64 Linux) for the names `docker kill --signal` may pass.
_SIGNALS = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15}
SIGTERM, SIGKILL = 15, 9


class ExecNotFound(Exception):
    """argv[0] is nowhere on PATH (or at its path): the runtime cannot exec it."""

    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


class ExecDenied(ExecNotFound):
    """argv[0] exists but cannot be executed (a directory): the runtime says permission denied."""


def _strerror(errno_name: str) -> str:
    return _STRERROR.get(errno_name, errno_name)


def _unsupported(what: str, where: object = None) -> UnsupportedWorkload:
    return UnsupportedWorkload(what if where is None else f"{what} in {where!r}")


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


# -- processes ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Frame:
    """Code a shell is running: a script by its source (`job` >= 0: that background job's body),
    the index of the next command, and for a trap handler the `$?` to restore after it."""

    source: str
    pc: int = 0
    job: int = -1
    saved: int | None = None


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
    frames: tuple[Frame, ...] = ()  # sh: the script, then any trap handler running above it
    status: int = 0  # sh: $?
    trap: str | None = None  # sh: the TERM handler; "" ignores TERM, None is the default
    fg: Process | None = None  # sh: the foreground child it waits for
    waiting: bool = False  # sh: blocked in the `wait` builtin
    jobs: tuple[Process, ...] = ()  # background children still alive (after exit: orphans)
    pending: bool = False  # sh: TERM arrived while it waited for `fg`
    sleep: Fraction | None = None  # sleep: time left
    exit: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """What a call did: the process and file system after it, the exit (None: alive), the output."""

    process: Process
    fs: Rootfs
    exit_code: int | None
    stdout: str = ""
    stderr: str = ""


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
             sinks: tuple[str | None, str | None] = (None, None)) -> Process:
    frames = (Frame(prog.script),) if prog.script is not None else ()
    return Process(prog.argv, prog.applet, prog.args, pid1, env, cwd, sinks[0], sinks[1], frames)


def spawn(argv: tuple[str, ...], fs: Rootfs, env: tuple[str, ...] = (), workdir: str = "/", pid1: bool = True) -> Process:
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
        raise _unsupported(f"unsupported program {argv[0]!r}", argv)
    for name in prog.unknown:
        if _which(name, fs, env, workdir) is not None:
            raise _unsupported(f"unsupported command {name!r}", prog.script)
    return _process(prog, env, workdir, pid1)


def _step(p: Process, fs: Rootfs, io: list[tuple[int, str]]) -> Step:
    out = "".join(text for fd, text in io if fd == 1)
    err = "".join(text for fd, text in io if fd == 2)
    return Step(p, fs, p.exit, out, err)


def run(p: Process, fs: Rootfs) -> Step:
    """Run everything that takes no time: until the process exits or blocks."""
    io: list[tuple[int, str]] = []
    p, fs = _advance(p, fs, io)
    return _step(p, fs, io)


def elapse(p: Process, fs: Rootfs) -> Step:
    """Let time pass until the process (and, for an exec'd one, its orphans) has exited."""
    io: list[tuple[int, str]] = []
    while True:
        p, fs = _advance(p, fs, io)
        if p.exit is not None and not p.jobs:
            return _step(p, fs, io)
        dt = _next_wake(p)
        if dt is None:
            raise ModelError(f"{describe(p)} can never exit")
        p = _tick(p, dt)


def signal(p: Process, fs: Rootfs, sig: str) -> Step:
    """Deliver `sig` ("TERM", "KILL", ...) to the process, then run what takes no time."""
    name = sig.upper().removeprefix("SIG")
    num = int(name) if name.isdigit() else _SIGNALS.get(name)
    if num is None:
        raise _unsupported(f"unsupported signal {sig!r}")
    if p.exit is not None:
        return Step(p, fs, p.exit)
    if num == SIGKILL:
        p = _exit(p, 128 + SIGKILL)
        return Step(p, fs, p.exit)
    action = p.trap if num == SIGTERM and p.applet == "sh" else None
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
        return run(replace(p, pending=True), fs)
    if p.waiting:
        p = replace(p, waiting=False, status=128 + num)
    return run(_push_trap(p, action), fs)


def stop(p: Process, fs: Rootfs) -> Step:
    """`docker stop`: SIGTERM, then SIGKILL if the process is still alive.

    No time passes in between: the timeout's length never matters to the model,
    so a TERM handler that sleeps is killed like a process that ignores TERM.
    """
    term = signal(p, fs, "TERM")
    if term.exit_code is not None:
        return term
    kill = signal(term.process, term.fs, "KILL")
    return Step(kill.process, kill.fs, kill.exit_code, term.stdout + kill.stdout, term.stderr + kill.stderr)


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


# -- the interpreter ----------------------------------------------------------------


def _exit(p: Process, code: int) -> Process:
    """The process ends: PID 1 takes every other process with it; others leave orphans."""
    return replace(p, **_exit_changes(p, code))


def _exit_changes(p: Process, code: int) -> dict:
    orphans = () if p.pid1 else p.jobs + ((p.fg,) if p.fg is not None else ())
    return dict(exit=code, frames=(), fg=None, waiting=False, pending=False, sleep=None, jobs=orphans)


def _push_trap(p: Process, action: str) -> Process:
    return replace(p, frames=p.frames + (Frame(action, saved=p.status),))


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
        return p, fs
    if p.applet == "sleep":
        left = _duration(p.args)
        if left:
            return replace(p, sleep=left), fs
        return _exit(p, 0), fs
    fs, status = _instant(p.applet, p.args, fs, p.cwd, io)
    return _exit(p, status), fs


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


# -- applets and the file system ----------------------------------------------------


def _instant(applet: str, args: tuple[str, ...], fs: Rootfs, cwd: str,
             io: list[tuple[int, str]]) -> tuple[Rootfs, int]:
    """Run an applet that takes no time; append its output to `io`; the file system after it, its status."""
    if applet == "true":
        return fs, 0
    if applet == "false":
        return fs, 1
    if applet == "echo":
        newline, words = _echo_options(args)
        io.append((1, " ".join(words) + ("\n" if newline else "")))
        return fs, 0
    flags, operands = _options(applet, args, {"mkdir": "p", "rm": "rRf"}.get(applet, ""))
    status = 0
    for arg in operands:
        path = normpath(arg, cwd)
        if path == "/dev" or path.startswith("/dev/"):
            if applet == "cat" and path == DEV_NULL:
                continue  # reads as empty
            # The engine mounts a tmpfs on /dev; the model has only the init layer's entries.
            raise _unsupported(f"{applet} under /dev", args)
        fs, out, err = _APPLETS[applet](fs, arg, path, flags)
        if err:
            status = 1
            io.extend((2, f"{applet}: {line}\n") for line in err.split("\n"))
        if out:
            io.append((1, out))
    return fs, status


def _touch(fs: Rootfs, arg: str, path: str, flags: str) -> tuple[Rootfs, str, str]:
    path = _resolve(fs, path)
    e = fs.lookup(path)
    try:
        if e is None:
            return fs.write(path, Entry(Kind.FILE, b"", 0o644)), "", ""
        if e.kind is Kind.DIR:
            return _copy_up_dir(fs, path), "", ""
        # No mtimes in the model, but the metadata change still copies the file up.
        return fs.write(path, e), "", ""
    except FsError as x:
        return fs, "", f"{arg}: {_strerror(x.errno_name)}"


def _mkdir(fs: Rootfs, arg: str, path: str, flags: str) -> tuple[Rootfs, str, str]:
    try:
        return fs.mkdir(path, parents="p" in flags), "", ""
    except FsError as x:
        errno_name = x.errno_name
        if x.path == path and fs.exists(path):
            # mkdir(2) says EEXIST; `Rootfs.mkdir` says ENOTDIR for -p over a file, busybox keeps EEXIST.
            errno_name = "EEXIST"
        return fs, "", f"can't create directory '{arg}': {_strerror(errno_name)}"


def _rm(fs: Rootfs, arg: str, path: str, flags: str) -> tuple[Rootfs, str, str]:
    if posixpath.basename(arg.rstrip("/")) in (".", ".."):
        return fs, "", "can't remove '.' or '..'"
    if path == "/":
        raise _unsupported("rm of /")
    e = fs.lookup(path)
    if e is None:
        errno_name = _missing_errno(fs, path)
        if errno_name == "ENOENT":
            return fs, "", ("" if "f" in flags else f"can't remove '{arg}': {_strerror(errno_name)}")
        return fs, "", f"can't stat '{arg}': {_strerror(errno_name)}"
    if e.kind is Kind.DIR and not set(flags) & {"r", "R"}:
        return fs, "", f"'{arg}' is a directory"
    fs, errs = _remove_tree(fs, arg, path)
    return fs, "", "\n".join(errs)


def _remove_tree(fs: Rootfs, shown: str, path: str) -> tuple[Rootfs, list[str]]:
    """Busybox's `remove_file`: remove what can be removed; a mount point in the way is EBUSY.

    unlink(2) of a mount point fails with EBUSY, which `-f` does not silence
    (it only silences ENOENT).  Busybox empties a directory entry by entry and
    does not try to rmdir it when one failed, so `rm -rf /etc` removes all but
    the mounted files and /etc itself, saying why for each mounted file
    (docs/divergences.md D3b: exit 1, diff `C /etc, D /etc/mtab, D /etc/passwd`).
    The engine reads a directory in the storage driver's order (hash order on
    ext4, so it varies by host); the model goes by name.
    """
    try:
        return fs.remove(path), []
    except FsError as x:
        if x.errno_name != "EBUSY" or x.path == path or not fs.is_dir(path):
            return fs, [f"can't remove '{shown}': {_strerror(x.errno_name)}"]
    errs: list[str] = []
    for child in fs.listdir(path):
        # concat_path_file: no second slash after an operand that ends in one.
        fs, more = _remove_tree(fs, shown.rstrip("/") + "/" + posixpath.basename(child), child)
        errs.extend(more)
    return fs, errs


def _cat(fs: Rootfs, arg: str, path: str, flags: str) -> tuple[Rootfs, str, str]:
    if arg == "-":
        return fs, "", ""  # stdin: /dev/null unless the container was started with -i
    path = _resolve(fs, path)
    e = fs.lookup(path)
    if e is None:
        return fs, "", f"can't open '{arg}': {_strerror(_missing_errno(fs, path))}"
    if e.kind is Kind.DIR:
        return fs, "", "read error: Is a directory"
    return fs, e.data.decode("utf-8", "replace"), ""


_APPLETS = {"touch": _touch, "mkdir": _mkdir, "rm": _rm, "cat": _cat}


def _resolve(fs: Rootfs, path: str) -> str:
    """Follow symbolic links at the last component (open(2) and utimensat(2) do)."""
    for _ in range(8):
        e = fs.lookup(path)
        if e is None or e.kind is not Kind.SYMLINK:
            break
        path = normpath(e.data.decode(), posixpath.dirname(path))
    return path


def _missing_errno(fs: Rootfs, path: str) -> str:
    """Why `path` cannot be found: a component that is a file gives ENOTDIR, else ENOENT."""
    for a in reversed(tuple(ancestors(path))):
        e = fs.lookup(a)
        if e is None:
            return "ENOENT"
        if e.kind is not Kind.DIR:
            return "ENOTDIR"
    return "ENOENT"


def _copy_up_dir(fs: Rootfs, path: str) -> Rootfs:
    """A directory's metadata changes (touch): overlayfs copies it up, parents first.

    `Rootfs` has no method for this (`write` refuses directories), so it is
    done here with the same rule as `Rootfs._copy_up`.
    """
    if path == "/" or path in fs.upper:
        return fs
    upper = dict(fs.upper)
    for a in ancestors(path):
        upper.setdefault(a, fs.lower.get(a, DIR))
    upper[path] = fs.lookup(path)
    return replace(fs, upper=frozendict(upper))


def _open(fs: Rootfs, op: str, path: str) -> tuple[Rootfs, str]:
    """Open a redirection target: `>` truncates, `>>` creates; either copies the file up.

    Returns the file system and the sink: the file's path, or `DEV_NULL`.
    """
    path = _resolve(fs, path)
    if path == DEV_NULL:
        return fs, DEV_NULL  # a device on the engine's /dev tmpfs, not a file of the model
    if path == "/dev" or path.startswith("/dev/"):
        raise _unsupported(f"redirection to {path!r} (the engine's /dev is a tmpfs)")
    e = fs.lookup(path)
    if e is not None and e.kind is Kind.DIR:
        raise FsError("EISDIR", path)
    if op == ">":
        return fs.write(path, Entry(Kind.FILE, b"", e.mode if e is not None else 0o644)), path
    return fs.write(path, e if e is not None else Entry(Kind.FILE, b"", 0o644)), path


def _append(fs: Rootfs, path: str, text: str) -> Rootfs:
    """Write output to an open redirection; lost (as to an unlinked file) if the file went away."""
    e = fs.lookup(path)
    if e is None or e.kind is not Kind.FILE:
        return fs
    return fs.write(path, Entry(Kind.FILE, e.data + text.encode(), e.mode))


# Where a descriptor leads, seen from the process that set it up: None for the
# same descriptor of the shell (or parent), "&1" or "&2" for the other one, or
# a file: its path, `DEV_NULL` to discard.  Opened files are appended to, which
# is what a file opened once (and shared with `2>&1`) receives.
_Sink = Union[str, None]
DEV_NULL = "/dev/null"


def _set_sink(sinks: tuple[_Sink, _Sink], fd: int, sink: str) -> tuple[_Sink, _Sink]:
    own = None if sink == f"&{fd}" else sink
    return (own, sinks[1]) if fd == 1 else (sinks[0], own)


def _route(fs: Rootfs, sinks: tuple[_Sink, _Sink], chunks: list[tuple[int, str]],
           io: list[tuple[int, str]]) -> Rootfs:
    """Send each (fd, text) where its descriptor leads: on to `io`, into a file, or nowhere."""
    for fd, text in chunks:
        sink = sinks[fd - 1]
        if sink is None:
            io.append((fd, text))
        elif sink == "&1" or sink == "&2":
            io.append((int(sink[1]), text))
        elif sink != DEV_NULL and text:
            fs = _append(fs, sink, text)
    return fs
