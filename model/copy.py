"""`docker cp`: files between the host and a container's read-write layer, both ways.

Theory of operation
-------------------
The CLI does most of the work (cli/command/container/cp.go, pkg/archive/copy.go),
the daemon only stats a path and extracts or produces a tar:

* **Into a container** (`cp SRC CTR:DEST`).  The CLI stats DEST in the container
  (the daemon resolves every symbolic link of DEST's folder inside the container's
  root, and looks at DEST itself without following it); when DEST is a link, the
  CLI follows it once and stats the target.  Then it reads SRC on the host and
  decides where the archive goes (`PrepareArchiveCopy`): into DEST when DEST is a
  directory, else into DEST's folder under DEST's name; a directory onto an
  existing file is "cannot copy directory", a file onto a DEST that ends in "/"
  and is missing "no such directory".  The daemon extracts into that folder, which
  must exist (else the daemon's 404) and be a directory ("extraction point is not
  a directory"), replacing what is there: an existing file is unlinked first, and
  unlinking a mount point (a started container's /etc/hostname, hosts,
  resolv.conf) is EBUSY; an existing directory keeps its content and takes the
  source's mode, unless it is the "." of `SRC/.`.  What lands goes into the
  read-write layer with overlayfs's copy-up, so `diff`, `commit` and `export`
  see it.  A created container has no mounts yet: there the copy lands in the
  layer like any other file.
* **Out of a container** (`cp CTR:SRC DEST`).  The CLI checks that DEST's folder
  exists on the host, the daemon tars SRC (a link as a link), and the CLI
  extracts it by the same placement rules as above, on the host.

Both work whatever the container's state: created, running, paused or exited.
The host is the script's own little file world (`model.commands.Cp.host`);
what a copy out writes comes back in `Result.files` as `fs.Entry` values.
What the model does not follow (a conflict half-way through a directory, which
the engine leaves half-copied) is refused as not modelled, changing nothing.
"""
from __future__ import annotations

import posixpath
from dataclasses import replace

from frozendict import frozendict

from . import commands as cmd
from . import fs
from .containers import find as find_container
from .profile import Profile
from .result import Result, refused
from .values import Status, World

# Mutation seam: `bench/mutants` replaces `lands_in_layer` by name (`_copy_in` calls it here).
MUTATION_SEAMS = ("lands_in_layer",)

MAX_LINKS = 40  # the kernel's (and the daemon's FollowSymlinkInScope's) limit


def resolve(view, path: str, follow_last: bool) -> str | None:
    """`path` with every symbolic link of its folder followed inside the container's root.

    The last component is followed too with `follow_last`.  None when the links
    loop.  The result may name nothing (the caller looks).
    """
    parts = [p for p in path.split("/") if p and p != "."]
    done = "/"
    hops = 0
    while parts:
        part = parts.pop(0)
        if part == "..":
            done = posixpath.dirname(done) or "/"
            continue
        here = posixpath.join(done, part)
        e = view.get(here)
        if e is not None and e.kind is fs.Kind.SYMLINK and (parts or follow_last):
            hops += 1
            if hops > MAX_LINKS:
                return None
            target = e.data.decode()
            parts = [p for p in target.split("/") if p and p != "."] + parts
            if target.startswith("/"):
                done = "/"
            continue
        done = here
    return done


def _lookup(view, path: str) -> fs.Entry | None:
    return fs.DIR if path == "/" else view.get(path)


def _stat(view, path: str) -> tuple[str, fs.Entry | None]:
    """The daemon's stat of a container path: folder links followed, the last one not
    (a path ending in "/" is a directory or nothing, its links followed)."""
    if path.endswith("/") or path.endswith("/."):
        real = resolve(view, path, follow_last=True)
        e = _lookup(view, real) if real is not None else None
        return (real or path), (e if e is not None and e.kind is fs.Kind.DIR else None)
    real = resolve(view, path, follow_last=False)
    return (real or path), (_lookup(view, real) if real is not None else None)


def _asserts_dir(path: str) -> bool:
    """pkg/archive's assertsDirectory: a path ending in a separator, or naming "."."""
    return path.endswith("/") or posixpath.basename(path.rstrip("/") if path.endswith("/.") else path) in (".", "")


def _base(path: str) -> str:
    """The name an archive's top entry carries: "." for `DIR/.`, else the last component."""
    if path.endswith("/.") or path == ".":
        return "."
    return posixpath.basename(path.rstrip("/")) or "."


def lands_in_layer(rootfs: fs.Rootfs, path: str, entry: fs.Entry) -> fs.Rootfs:
    """Put `entry` at `path` in the read-write layer, copying its folders up; a mutation seam."""
    upper = dict(rootfs.upper)
    fs.copy_up(rootfs.lower, upper, path)
    if entry.kind is fs.Kind.DIR and upper.get(path, fs.DIR).kind is fs.Kind.WHITEOUT:
        entry = replace(entry, opaque=True)  # a directory deleted and made again hides what was below
    upper[path] = entry
    return fs.Rootfs(rootfs.lower, frozendict(upper), rootfs.mounts)


def _archive(top: str, host) -> list[tuple[str, fs.Entry]]:
    """A source as the tar the CLI or the daemon makes of it: (name, entry), parents first.

    `host` maps a path relative to the source ("" the source itself) to its entry; `top`
    is the name the source's own entry carries ("." for `DIR/.`, or DEST's name).
    """
    return [(posixpath.normpath(posixpath.join(top, rel)) if rel else top, host[rel])
            for rel in sorted(host, key=lambda r: (r != "", r))]


class _NotModelled(Exception):
    pass


def _extract(rootfs: fs.Rootfs, into: str, archive: list[tuple[str, fs.Entry]], p: Profile):
    """The daemon's untar of `archive` into the folder `into`: a new Rootfs, or an EngineError."""
    for k, (name, entry) in enumerate(archive):
        path = fs.normpath(name, into)
        have = _lookup(rootfs.view, path)
        error = None
        if have is not None and have.kind is fs.Kind.DIR and entry.kind is not fs.Kind.DIR:
            error = p.error("cp_overwrite_directory", path=path, dest=into)
        elif have is not None and have.kind is not fs.Kind.DIR and entry.kind is fs.Kind.DIR:
            error = p.error("cp_overwrite_non_directory", path=path, dest=into)
        elif have is not None and have.kind is not fs.Kind.DIR and path in rootfs.mounts:
            error = p.error("cp_busy", path=path, base=posixpath.basename(path))
        if error is not None:
            if k:
                raise _NotModelled(f"{path}: a conflict after part of the archive was extracted (the engine leaves it half-copied)")
            return error
        if have is not None and have.kind is fs.Kind.DIR:
            if name == "." or path == "/":
                continue  # the extraction folder itself keeps its mode
            rootfs = lands_in_layer(rootfs, path, replace(have, mode=entry.mode, opaque=False))
            continue
        rootfs = lands_in_layer(rootfs, path, entry)
    return rootfs


def cp(world: World, c: cmd.Cp, p: Profile) -> Result:
    """`docker cp`, either way; the CLI's checks first, in its order, then the daemon's."""
    try:
        return _copy_in(world, c, p) if c.into else _copy_out(world, c, p)
    except _NotModelled as e:
        return refused(world, p.error("cp_not_modelled", detail=e), exit=p.exit_unsupported)


def _rootfs(world: World, target, p: Profile) -> fs.Rootfs:
    """What `cp` sees of a container: its file system, on Podman without Docker's init layer (Podman has none:
    a path only that layer has, /etc of an image without it, is missing; bench/soak podman-5.4 seed 2910)."""
    if p.start_touches_etc:
        return world.own_rootfs(target, fs.BIND_MOUNTS)
    return world.rootfs(target)


def _copy_in(world: World, c: cmd.Cp, p: Profile) -> Result:
    target = find_container(world, c.container)
    rootfs = _rootfs(world, target, p) if target is not None else None
    if rootfs is not None and p.cp_in_mounts_only_while_running:
        # Podman's mounts, /run/.containerenv too, are there while the container runs; into a paused one
        # the copy goes to its storage
        rootfs = (fs.Rootfs(rootfs.lower, rootfs.upper, rootfs.mounts | {PODMAN_CONTAINERENV})
                  if target.status is Status.RUNNING else fs.Rootfs(rootfs.lower, rootfs.upper))
    elif rootfs is not None and not target.started:
        rootfs = fs.Rootfs(rootfs.lower, rootfs.upper)  # the engine mounts /etc/hostname & co. at start
    dest = c.path if c.path.startswith("/") else "/" + c.path if c.path else ""
    exists, is_dir = False, False
    if rootfs is not None and dest:
        real, e = _stat(rootfs.view, dest)
        if e is not None and e.kind is fs.Kind.SYMLINK:  # the CLI follows DEST once, then stats again
            link = e.data.decode()
            dest = link if link.startswith("/") else posixpath.join(posixpath.dirname(real), link)
            real, e = _stat(rootfs.view, dest)
        exists, is_dir = e is not None, e is not None and e.kind is fs.Kind.DIR
    # the source, read on the host
    src = c.host.get("")
    if src is None:
        return refused(world, p.error("cp_no_such_host_path", path=c.host_path))
    if c.host_path.endswith(("/", "/.")) and src.kind is not fs.Kind.DIR:
        return refused(world, p.error("cp_not_a_directory"))
    if src.kind is fs.Kind.SYMLINK:
        raise _NotModelled("a symbolic link as the source (without -L the link itself is copied)")
    src_dir = src.kind is fs.Kind.DIR
    if (src_dir and p.start_touches_etc and target is not None and not target.started
            and fs.normpath(dest) in fs.BIND_MOUNTS):
        # no init layer: a never-started Podman container has no /etc/hosts, so the folder is copied there,
        # and the start then fails to mount the engine's file onto it (both Podmans: "not a directory: OCI
        # runtime error", 500; bench/soak podman-5.4 seed 927 of round 5)
        raise _NotModelled(f"a folder copied onto {fs.normpath(dest)} of a container never started")
    base = _base(c.host_path)
    if exists and is_dir:
        into, top = dest, base
    elif exists and src_dir:
        return refused(world, p.error("cp_cannot_copy_directory"))
    elif not exists and not src_dir and _asserts_dir(dest):
        return refused(world, p.error("cp_no_such_directory"))
    else:
        into, top = posixpath.dirname(dest.rstrip("/")) or "/", posixpath.basename(dest.rstrip("/"))
    if target is None:
        return refused(world, p.error("cp_no_such_container", name=c.container, path=into))
    # the daemon: the extraction folder, every link followed inside the container's root
    real = resolve(rootfs.view, into, follow_last=True)
    e = _lookup(rootfs.view, real) if real is not None else None
    if e is None:
        return refused(world, p.error("cp_no_such_path", name=c.container, path=into))
    if e.kind is not fs.Kind.DIR:
        return refused(world, p.error("cp_extraction_not_directory"))
    out = _extract(rootfs, real, _archive(top, c.host), p)
    if not isinstance(out, fs.Rootfs):
        return refused(world, out)
    return Result(world.put_container(replace(target, rw=out.upper)))


# Podman's bind mounts of a started container, which its copier reads instead of the layer's mount points
# (`cp_out_reads_podman_mounts`); the init's source is catatonit, a file, on both Podmans.
PODMAN_ENGINE_FILES = ("/etc/hosts", "/etc/hostname")
PODMAN_CONTAINERENV = "/run/.containerenv"
PODMAN_INIT_SOURCE = "/usr/libexec/podman/catatonit"


def _podman_mounts(target, real: str | None, e, view, p: Profile):
    """(a refusal or None, the container's files as `cp` reads them) where Podman's copier reads its mounts.

    Podman's cp works on the container's mounted storage, where its bind mounts are not; a path that is
    itself one of them is read from the mount's source while the container runs: /run/.containerenv an
    empty 0644 file, /etc/hosts, /etc/hostname and the init the engine's own (not modelled).  A folder of a
    running container holding one reads it so too (by hand on both Podmans; bench/soak podman-5.4 seed 1006:
    `cp ctr2:/run` gave the init's binary); a paused or stopped one's folder holds the layer's files (bench/soak
    podman-4.3 seed 941: `cp ctr1:/run` of a paused container: .containerenv 0755).  A container not
    running has no init mounted: the copier fails on its path."""
    if real is None:
        return None, view
    live = target.status in (Status.RUNNING, Status.PAUSED)
    init = p.init_path if target.init else None
    if real == init and not live:  # replays/66-podman-cp-mounts.sh:8, :15
        return p.error("cp_init_not_mounted", source=PODMAN_INIT_SOURCE, path=real, name=target.name), view
    if e is not None and e.kind is fs.Kind.DIR and target.status is Status.RUNNING:
        below = [q for q in (init, *PODMAN_ENGINE_FILES) if q is not None and q in view and fs.is_below(q, real)]
        if below:
            raise _NotModelled(f"{below[0]}: the engine's own file, mounted, in the folder copied")
        if PODMAN_CONTAINERENV in view and fs.is_below(PODMAN_CONTAINERENV, real):
            view = {**view, PODMAN_CONTAINERENV: fs.file(b"", 0o644)}
        return None, view
    if not live or e is None or e.kind is fs.Kind.DIR:
        return None, view  # the layer's files (bench/soak podman-5.4 seed 921, podman-4.3 seed 941)
    if real in (init, *PODMAN_ENGINE_FILES):
        raise _NotModelled(f"{real}: the engine's own file, mounted")
    # only a running container's: a paused one's is the layer's (bench/soak podman-4.3 seed 942 of round 5: 0755)
    if real == PODMAN_CONTAINERENV and target.status is Status.RUNNING:  # replays/66-podman-cp-mounts.sh:10; soak 4.3 seed 911
        view = {**view, PODMAN_CONTAINERENV: fs.file(b"", 0o644)}
    return None, view


def _copy_out(world: World, c: cmd.Cp, p: Profile) -> Result:
    if not c.host_parent:
        folder = posixpath.dirname(posixpath.normpath(c.host_path))
        return refused(world, p.error("cp_output_dir_missing", path=folder))
    target = find_container(world, c.container)
    if target is None:
        return refused(world, p.error("cp_no_such_container", name=c.container, path=c.path))
    if not c.path:
        return refused(world, p.error("cp_empty_path"))
    view = _rootfs(world, target, p).view
    path = c.path if c.path.startswith("/") else "/" + c.path
    real, e = _stat(view, path)
    if p.cp_out_reads_podman_mounts:
        refusal, view = _podman_mounts(target, real, e, view, p)
        if refusal is not None:
            return refused(world, refusal)
        real, e = _stat(view, path)
    if e is None and path.endswith("/") and _stat(view, path.rstrip("/"))[1] is not None:
        if not p.cp_out_file_slash_ignored:
            return refused(world, p.error("cp_source_not_directory", root="<data-root>/merged", path=path))
        path = path.rstrip("/")
        real, e = _stat(view, path)
    elif e is None and p.cp_out_file_slash_ignored and path.endswith("/.") and _stat(view, path[:-2])[1] is not None:
        raise _NotModelled(f"{path}: a file named with a trailing \"/.\"")
    if e is None:
        return refused(world, p.error("cp_no_such_path", name=c.container, path=c.path))
    below = {"": e}
    if e.kind is fs.Kind.DIR:
        below.update((q[len(real):].lstrip("/") if real != "/" else q[1:], view[q]) for q in view if fs.is_below(q, real))
    # the CLI's placement on the host (pkg/archive CopyTo)
    have = c.host.get("")
    dest = posixpath.normpath(c.host_path)
    if have is not None and have.kind is fs.Kind.DIR:
        top = _base(path)
    elif have is not None and e.kind is fs.Kind.DIR:
        return refused(world, p.error("cp_cannot_copy_directory"))
    elif have is None and e.kind is not fs.Kind.DIR and _asserts_dir(c.host_path):
        return refused(world, p.error("cp_no_such_directory"))
    else:
        top, dest = posixpath.basename(dest), posixpath.dirname(dest) or "."
    written: dict[str, fs.Entry] = {}
    for name, entry in _archive(top, below):
        if name == ".":
            continue  # the host folder itself stays as it is
        rel = posixpath.normpath(posixpath.join(dest, name))
        if have is not None and have.kind is fs.Kind.DIR:
            old = c.host.get(posixpath.relpath(rel, dest))
            if old is not None and (old.kind is fs.Kind.DIR) != (entry.kind is fs.Kind.DIR):
                raise _NotModelled(f"{rel}: a file and a directory meeting on the host")
        written[rel] = entry
    return Result(world, files=frozendict(written))
