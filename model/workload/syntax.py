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
from .base import APPLETS, ASH_BUILTINS, BUILTINS, _unsupported
from .grammar import Code, Def, compile_script

# -- syntax -------------------------------------------------------------------------

_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Script:
    """A compiled `sh -c` script: its code, and the command names that are neither
    builtins, applets nor its own functions (whether they are missing, status 127,
    or unsupported programs depends on the file system, so `spawn` decides)."""

    source: str
    code: Code
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Program:
    """What `parse` makes of an argv: the applet it runs (None: not an applet) and its arguments."""

    argv: tuple[str, ...]
    applet: str | None
    args: tuple[str, ...] = ()
    script: str | None = None  # `sh -c`: the script's source
    unknown: tuple[str, ...] = ()


@lru_cache(maxsize=2048)
def _compile(source: str) -> Script:
    """Parse and check a script once; processes refer to it by its source text."""
    code = compile_script(source)
    functions = {i.name for i in code.instrs if isinstance(i, Def)}
    unknown = []
    for name in code.names:
        if "/" not in name and name in ASH_BUILTINS:
            raise _unsupported(f"unsupported shell builtin {name!r}", source)
        if "/" in name or name not in BUILTINS and name not in functions:
            base = posixpath.basename(name)
            if base not in APPLETS:
                unknown.append(name)
    return Script(source, code, tuple(unknown))


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
    >>> parse(("sh", "-c", "[[ -f /x ]]"))
    Traceback (most recent call last):
    ...
    model.errors.UnsupportedWorkload: unsupported shell syntax '[[' in '[[ -f /x ]]'
    """
    return _parse(tuple(argv))


