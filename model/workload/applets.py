"""The applets that take no time, and the file system operations they need."""
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
from .base import _strerror, _unsupported
from .syntax import _echo_options, _options

# -- applets and the file system ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What an applet sees of its process besides the file system: environment, input, host name."""

    env: tuple[str, ...] = ()
    stdin: str = ""
    hostname: str = ""
    builtin: bool = False  # run by the shell itself (echo, printf, test): its messages start "sh: "


_NO_CONTEXT = Context()


def _instant(applet: str, args: tuple[str, ...], fs: Rootfs, cwd: str,
             io: list[tuple[int, str]], ctx: Context = _NO_CONTEXT) -> tuple[Rootfs, int]:
    """Run an applet that takes no time; append its output to `io`; the file system after it, its status."""
    if applet == "true":
        return fs, 0
    if applet == "false":
        return fs, 1
    if applet == "pwd":
        if args:
            raise _unsupported(f"unsupported pwd arguments {args!r}")
        io.append((1, _resolve(fs, cwd) + "\n"))  # the physical directory, as getcwd(3) gives it
        return fs, 0
    if applet == "echo":
        newline, words = _echo_options(args)
        io.append((1, " ".join(words) + ("\n" if newline else "")))
        return fs, 0
    from .textapplets import TEXT_APPLETS
    if applet in TEXT_APPLETS:
        return TEXT_APPLETS[applet](args, fs, cwd, io, ctx)
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
    if applet == "cat" and not operands:
        io.append((1, ctx.stdin))
    return fs, status


def read_file(fs: Rootfs, path: str) -> tuple[str, str | None]:
    """A file's text, or why it cannot be read (strerror)."""
    if path == DEV_NULL:
        return "", None
    path = _resolve(fs, path)
    e = fs.lookup(path)
    if e is None:
        return "", _strerror(_missing_errno(fs, path))
    if e.kind is Kind.DIR:
        return "", _strerror("EISDIR")
    return e.data.decode("utf-8", "replace"), None


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

