"""Names shared by the pieces of the workload language: applets, builtins, signals, errors."""
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

APPLETS = frozenset({
    "sleep", "true", "false", "touch", "mkdir", "rm", "echo", "cat", "sh", "ls", "printf", "head", "tail", "wc",
    "grep", "sed", "env", "hostname", "id", "mv", "cp", "ln", "chmod", "test", "[", "pwd",
})
BUILTINS = frozenset({
    "true", "false", "exit", "wait", "trap", "echo", "cd", "pwd", ":", "return", "set", "export", "readonly",
    "unset", "shift", "printf", "[", "test", "local", "read", "eval",
})
# The rest of busybox ash's builtins: they exist whatever PATH holds, so they are
# refused as outside the language, never reported "not found".  (`break` and
# `continue` written in a loop compile to jumps; only a computed one lands here.)
ASH_BUILTINS = frozenset({
    ".", "[[", "alias", "bg", "break", "chdir", "command", "continue", "exec",
    "fg", "getopts", "hash", "help", "history", "jobs", "kill", "let",
    "source", "times", "type", "ulimit", "umask", "unalias",
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

