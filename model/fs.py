"""The union file system: layers of changes, their unified view, and `docker diff`.

Theory of operation
-------------------
A layer is a set of *changes* keyed by absolute path: a file, a directory, a
symbolic link, or a whiteout (a deletion of whatever the lower layers had at
that path).  A directory entry may be *opaque*: it hides everything the lower
layers had beneath it.  This is how overlayfs, the engine's default storage
driver, stores a layer, and how `docker save` carries it (`.wh.NAME` files and
`.wh..wh..opq` markers).

The unified view of a stack (bottom first) applies each layer in turn: first
its deletions (whiteouts remove the path and all beneath it, opaque
directories clear what is beneath them), then its entries (upper wins).

A container writes into its read-write layer the way overlayfs does: writing
below a directory that exists only in a lower layer *copies the directory up*
into the read-write layer, which is why `docker diff` reports the parents of a
new file as `C` (changed).  Deleting something a lower layer has leaves a
whiteout (`D`); deleting something only the read-write layer had leaves no
trace but the copied-up parents.

A few paths are *mount points* (`Rootfs.mounts`): the engine bind-mounts the
container's own `/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf` over the
init layer's empty files (`BIND_MOUNTS`).  Writing to a mounted file changes
the file on the host, never the read-write layer, so nothing is copied up and
`docker diff`, `commit` and `export` never see it; unlinking a mount point
fails with EBUSY (the kernel's `vfs_unlink` and `vfs_rmdir` refuse mount
points).  The model does not track what is on the host side (the engine writes
the container's id, localhost entries and the daemon's DNS there): a mounted
file reads as the init layer's entry, whatever was written to it.
"""
from __future__ import annotations

import enum
import hashlib
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Mapping

from frozendict import frozendict


class Kind(enum.Enum):
    FILE = "file"
    DIR = "dir"
    SYMLINK = "symlink"
    WHITEOUT = "whiteout"


@dataclass(frozen=True, slots=True)
class Entry:
    """One path's content in a layer: `data` is a file's bytes or a link's target."""

    kind: Kind
    data: bytes = b""
    mode: int = 0o644
    opaque: bool = False

    @property
    def size(self) -> int:
        """Bytes the engine counts for this entry (`lstat` size; directories count 0)."""
        return len(self.data) if self.kind in (Kind.FILE, Kind.SYMLINK) else 0


DIR = Entry(Kind.DIR, mode=0o755)
OPAQUE_DIR = Entry(Kind.DIR, mode=0o755, opaque=True)
WHITEOUT = Entry(Kind.WHITEOUT, mode=0)


def file(data: bytes | str = b"", mode: int = 0o644) -> Entry:
    if isinstance(data, str):
        data = data.encode()
    return Entry(Kind.FILE, data, mode)


def symlink(target: str) -> Entry:
    return Entry(Kind.SYMLINK, target.encode(), 0o777)


Changes = frozendict  # frozendict[str, Entry]: one layer's changes, keyed by absolute path
EMPTY: Changes = frozendict()


class PathError(ValueError):
    """A path that is not absolute or not normal (the model keeps paths canonical)."""


def normpath(path: str, cwd: str = "/") -> str:
    """Absolute, normalised form of `path` taken relative to `cwd`.

    >>> normpath("b/../c", "/a")
    '/a/c'
    """
    if not path:
        raise PathError("empty path")
    full = posixpath.normpath(posixpath.join(cwd, path))
    return "/" + full.lstrip("/") if full != "/" else "/"


def parent(path: str) -> str:
    return posixpath.dirname(path)


def ancestors(path: str) -> Iterator[str]:
    """Proper ancestors of `path`, nearest first, without "/"."""
    p = parent(path)
    while p != "/":
        yield p
        p = parent(p)


def is_below(path: str, top: str) -> bool:
    """True when `path` lies strictly beneath directory `top`."""
    return top == "/" and path != "/" or path.startswith(top + "/")


def _drop_below(view: dict[str, Entry], top: str, keep_top: bool) -> None:
    for p in [p for p in view if is_below(p, top) or (p == top and not keep_top)]:
        del view[p]


def apply(view: Mapping[str, Entry], layer: Mapping[str, Entry]) -> frozendict:
    """The view seen through `layer` placed on top of `view`."""
    out = dict(view)
    for path, entry in layer.items():
        if entry.kind is Kind.WHITEOUT:
            _drop_below(out, path, keep_top=False)
        elif entry.kind is Kind.DIR and entry.opaque:
            _drop_below(out, path, keep_top=True)
        elif entry.kind is not Kind.DIR and path in out and out[path].kind is Kind.DIR:
            _drop_below(out, path, keep_top=True)  # a file replacing a directory
    for path, entry in layer.items():
        if entry.kind is not Kind.WHITEOUT:
            out[path] = Entry(entry.kind, entry.data, entry.mode) if entry.opaque else entry
    return frozendict(out)


@lru_cache(maxsize=4096)
def union(layers: tuple[Changes, ...]) -> frozendict:
    """The unified view of a stack of layers, bottom first (upper layers win)."""
    if not layers:
        return EMPTY
    return apply(union(layers[:-1]), layers[-1])


def size(changes: Mapping[str, Entry]) -> int:
    """What the engine reports as a layer's size: the bytes of its files and links."""
    return sum(e.size for e in changes.values())


def digest(changes: Mapping[str, Entry]) -> str:
    """A content digest of a layer: same changes, same digest (like a layer's DiffID)."""
    h = hashlib.sha256()
    for path in sorted(changes):
        e = changes[path]
        h.update(f"{path}\0{e.kind.value}\0{e.mode:o}\0{int(e.opaque)}\0{len(e.data)}\0".encode())
        h.update(e.data)
    return h.hexdigest()


# -- writing into a read-write layer -------------------------------------------------


class FsError(Exception):
    """A file-system operation failed inside a container; `errno_name` as the kernel says."""

    def __init__(self, errno_name: str, path: str):
        super().__init__(f"{path}: {errno_name}")
        self.errno_name = errno_name
        self.path = path


# -- mutation seams ---------------------------------------------------------------------
# `bench/mutants` seeds one bug at a time into the model by replacing a named
# function; the two rules of writing into a read-write layer that no transition
# exposes on its own are these module-level functions, which `Rootfs` calls by
# name.  Keep their names and signatures (or update bench/mutant_table.py):
# tests/test_mutants_bench.py fails when a seam goes missing or stops mattering.
MUTATION_SEAMS = ("copy_up", "leaves_whiteout")


def copy_up(lower: Mapping[str, Entry], upper: dict, path: str) -> None:
    """Copy into `upper` each ancestor directory of `path` it lacks (overlayfs copy-up); a mutation seam."""
    for a in ancestors(path):
        if a not in upper:
            upper[a] = lower.get(a, DIR)


def leaves_whiteout(lower: Mapping[str, Entry], path: str) -> bool:
    """Removing `path` leaves a whiteout exactly when a lower layer has it; a mutation seam."""
    return path in lower


@dataclass(frozen=True, slots=True)
class Rootfs:
    """A container's root file system: read-only `lower` view plus its read-write `upper` layer.

    `mounts` are files bind-mounted over `lower` (paths of files the lower view
    has, such as `BIND_MOUNTS` over the init layer): writes to them succeed and
    leave `upper` alone; removing them, or a directory above them, is EBUSY.
    """

    lower: frozendict
    upper: Changes = EMPTY
    mounts: frozenset[str] = frozenset()

    @property
    def view(self) -> frozendict:
        return _view(self.lower, self.upper)

    def lookup(self, path: str) -> Entry | None:
        if path == "/":
            return DIR
        return self.view.get(path)

    def is_dir(self, path: str) -> bool:
        e = self.lookup(path)
        return e is not None and e.kind is Kind.DIR

    def exists(self, path: str) -> bool:
        return self.lookup(path) is not None

    def listdir(self, path: str) -> list[str]:
        return sorted(p for p in self.view if parent(p) == path and p != "/")

    def _copy_up(self, upper: dict, path: str) -> None:
        copy_up(self.lower, upper, path)

    def write(self, path: str, entry: Entry) -> "Rootfs":
        """Create or replace a file or link at `path`; its directory must exist."""
        if not self.is_dir(parent(path)):
            raise FsError("ENOENT" if not self.exists(parent(path)) else "ENOTDIR", path)
        if self.is_dir(path):
            raise FsError("EISDIR", path)
        if path in self.mounts:
            return self  # the write goes to the host's file, outside the layers
        upper = dict(self.upper)
        self._copy_up(upper, path)
        upper[path] = entry
        return Rootfs(self.lower, frozendict(upper), self.mounts)

    def mkdir(self, path: str, parents: bool = False) -> "Rootfs":
        """`mkdir` (`-p` with `parents`): a directory that was deleted comes back opaque."""
        if path == "/" or self.is_dir(path):
            if parents:
                return self
            raise FsError("EEXIST", path)
        if self.exists(path):
            raise FsError("EEXIST" if not parents else "ENOTDIR", path)
        fs = self
        if not self.is_dir(parent(path)):
            if not parents or self.exists(parent(path)):
                raise FsError("ENOENT" if not self.exists(parent(path)) else "ENOTDIR", path)
            fs = self.mkdir(parent(path), parents=True)
        upper = dict(fs.upper)
        fs._copy_up(upper, path)
        was_deleted = upper.get(path, DIR).kind is Kind.WHITEOUT
        upper[path] = OPAQUE_DIR if was_deleted else DIR
        return Rootfs(fs.lower, frozendict(upper), fs.mounts)

    def busy(self, path: str) -> str | None:
        """The first mount point (by path) at or beneath `path`: what makes removing it EBUSY."""
        return min((m for m in self.mounts if m == path or is_below(m, path)), default=None)

    def remove(self, path: str) -> "Rootfs":
        """Remove `path` and everything beneath it (`rm -rf`), all or nothing.

        A mount point at or beneath `path` refuses with `FsError("EBUSY", mount)`
        and nothing is removed; `rm -rf` removing what it can around the mount
        points is the caller's walk (busybox's, in `model.workload`).
        """
        if path == "/":
            raise FsError("EBUSY", path)
        if not self.exists(path):
            raise FsError("ENOENT", path)
        if self.mounts and (mount := self.busy(path)) is not None:
            raise FsError("EBUSY", mount)
        upper = dict(self.upper)
        self._copy_up(upper, path)
        _drop_below(upper, path, keep_top=False)
        if leaves_whiteout(self.lower, path):
            upper[path] = WHITEOUT
        return Rootfs(self.lower, frozendict(upper), self.mounts)


@lru_cache(maxsize=4096)
def _view(lower: frozendict, upper: Changes) -> frozendict:
    return apply(lower, upper) if upper else lower


def diff(lower: Mapping[str, Entry], upper: Mapping[str, Entry], dirs_by_mtime: bool = False) -> tuple[str, ...]:
    """`docker diff` lines for a read-write layer `upper` over the view `lower`, sorted by path.

    The engine's rules (archive/changes.go over an overlay upper directory):
    a whiteout is `D`; a path the lower view lacks is `A`; a file or link that
    was copied up is `C`; a directory that was copied up is `C` only when its
    mode changed, or when something beneath it is listed (the engine adds the
    parents of every change).  A directory merely passed through, or whose
    content was created and deleted again, is not listed.  With `dirs_by_mtime`
    (Podman, which compares directories by their mtime) a directory of `upper`
    that `lower` has is `C` when a name in it was added or removed, or its mode
    changed, and the parents of a change are added except for a file changed in
    place, which lists itself alone (replays/79-diff-in-place.sh), and a
    directory made where `lower` has a file is `D`.
    """
    listed: dict[str, str] = {}
    for path, entry in upper.items():
        below = lower.get(path)
        if entry.kind is Kind.WHITEOUT:
            if below is not None:
                listed[path] = "D"
        elif below is None:
            listed[path] = "A"
        elif dirs_by_mtime and entry.kind is Kind.DIR and below.kind is not Kind.DIR:
            # a directory made where the lower view has a file: Podman lists the overlay's opaque directory over
            # the file's whiteout as deleted (replays/82-diff-file-to-dir.sh; bench/soak podman-5.4 seed 3409)
            listed[path] = "D"
        elif entry.kind is not Kind.DIR or below.kind is not Kind.DIR or entry.mode != below.mode:
            listed[path] = "C"
        elif dirs_by_mtime and _names_changed(lower, upper, path):
            listed[path] = "C"
    for path, entry in upper.items():
        if entry.kind is Kind.DIR and entry.opaque and path in lower:
            # A directory deleted and made again hides what was below it: the
            # engine lists each child the lower view had as deleted.
            for child in lower:
                if parent(child) == path and child not in upper:
                    listed[child] = "D"
    for path in list(listed):
        if dirs_by_mtime and listed[path] == "C" and upper[path].kind is not Kind.DIR:
            continue  # a file changed in place: its folder's mtime stays, and Podman adds no parents for it
        for a in ancestors(path):
            if a not in listed and a in lower:
                listed[a] = "C"
    return tuple(f"{listed[p]} {p}" for p in sorted(listed))


def _names_changed(lower: Mapping[str, Entry], upper: Mapping[str, Entry], path: str) -> bool:
    """Whether the directory `path` of `upper` gained or lost a name against `lower` (its mtime moved): a
    name made or deleted in it, or nothing of it left in `upper` (a name made and deleted again)."""
    if upper[path].opaque:
        return True
    children = [(child, entry) for child, entry in upper.items() if child != path and parent(child) == path]
    return not children or any((entry.kind is Kind.WHITEOUT) == (child in lower) for child, entry in children)


# The files the engine puts in every container's init layer, between the image
# and the read-write layer.  Processes see them, `diff` compares against them,
# `export` shows them; `commit` does not keep them.  Three of them are mount
# points at run time (`BIND_MOUNTS`).
INIT_LAYER: Changes = frozendict({
    "/.dockerenv": Entry(Kind.FILE, b"", 0o755),
    "/dev": DIR,
    "/dev/console": Entry(Kind.FILE, b"", 0o755),
    "/dev/pts": DIR,
    "/dev/shm": DIR,
    "/etc": DIR,
    "/etc/hostname": Entry(Kind.FILE, b"", 0o755),
    "/etc/hosts": Entry(Kind.FILE, b"", 0o755),
    "/etc/mtab": symlink("/proc/mounts"),
    "/etc/resolv.conf": Entry(Kind.FILE, b"", 0o755),
    "/proc": DIR,
    "/sys": DIR,
})


# The files the engine bind-mounts from the container's directory on the host
# (daemon/container_operations_unix.go: hostname, hosts, resolv.conf), over
# the init layer's empty files.
BIND_MOUNTS: frozenset[str] = frozenset({"/etc/hostname", "/etc/hosts", "/etc/resolv.conf"})


@dataclass(frozen=True)
class EngineFiles:
    """What an engine shows a container's processes besides its image's layers and its own: `layer`, beneath
    the read-write layer, and the `mounts` over it (files bind-mounted from the host)."""

    layer: Changes
    mounts: frozenset[str]


# Docker: the init layer, with hostname, hosts and resolv.conf mounted over its empty files.
DOCKER_FILES = EngineFiles(INIT_LAYER, BIND_MOUNTS)
# Podman has no init layer: the kernel's file systems mounted where the image may lack their directories,
# and the mount points its start writes in the container's own layer (model.containers.PODMAN_MOUNT_POINTS),
# hostname, hosts and /run/.containerenv mounted there.  No /.dockerenv, and with `--network none` no
# /etc/resolv.conf (replays/81-process-view.sh).
PODMAN_FILES = EngineFiles(frozendict({"/dev": DIR, "/dev/pts": DIR, "/dev/shm": DIR, "/proc": DIR, "/sys": DIR}),
                           frozenset({"/etc/hostname", "/etc/hosts", "/run/.containerenv"}))

