"""basename, dirname, find, du, date and `ls -l`, as busybox 1.35 prints them on Docker 20.10.

Seen on the engine (replays/59-applets2.sh).  What the model cannot know is refused:
- `find` prints in the directory's readdir order, which on ext4 is a hash order seeded per
  file system; the model answers only when no two printed paths have a directory whose
  order between them that would decide (at most one child subtree of each directory prints);
- `du` counts the blocks the engine's file system gives (ext4, 4 KiB blocks: a file takes
  its size rounded up to 4 KiB, a directory 4 KiB, a short symbolic link none); a
  directory too large for one block is refused, as are `du` without `-s` (readdir order);
- `ls -l`'s link count of a directory is 1 when overlayfs merges it from several layers and
  2 + its subdirectories otherwise; the model keeps which directories the container's
  read-write layer holds, not which image layers do, so a directory only in the image is
  refused; the time column is the model's clock (`model.clock.EPOCH`), never the wall clock;
- `date` prints the model's clock, with `TZ` unset (UTC).
"""
from __future__ import annotations

import posixpath
import re
import time

from ..fs import Kind, Rootfs, normpath
from .applets import _missing_errno, _resolve, read_file
from .base import _strerror, _unsupported

BLOCK = 4096  # the engine's file system (ext4 under /var/lib/docker here): measured by du and ls -l
_USAGE = {
    "basename": "Usage: basename FILE [SUFFIX] | -a FILE... | -s SUFFIX FILE...\n\n"
                "Strip directory path and SUFFIX from FILE\n\n"
                "\t-a\t\tAll arguments are FILEs\n\t-s SUFFIX\tRemove SUFFIX (implies -a)\n",
    "dirname": "Usage: dirname FILENAME\n\nStrip non-directory suffix from FILENAME\n",
}


def _usage(applet, io):
    # busybox prints its banner first; the model does not know the build string, so it refuses.
    raise _unsupported(f"{applet} with the wrong number of operands (busybox prints its version banner)")


def basename(args, fs, cwd, io, ctx):
    if args and args[0].startswith("-") and args[0] != "-":
        raise _unsupported(f"unsupported basename option {args[0]!r}")
    if len(args) not in (1, 2):
        _usage("basename", io)
    path = args[0]
    stripped = path.rstrip("/")
    name = posixpath.basename(stripped) if stripped else ("/" if path else "")
    if len(args) == 2 and name != args[1] and name.endswith(args[1]):
        name = name[: len(name) - len(args[1])]
    io.append((1, name + "\n"))
    return fs, 0


def dirname(args, fs, cwd, io, ctx):
    if len(args) != 1 or args[0].startswith("-") and args[0] != "-":
        _usage("dirname", io)
    path = args[0].rstrip("/")
    if not path:
        out = "/" if args[0] else "."
    elif "/" not in path:
        out = "."
    else:
        out = path[: path.rindex("/")].rstrip("/") or "/"
    io.append((1, out + "\n"))
    return fs, 0


# -- sizes ----------------------------------------------------------------------------


def _dir_bytes(fs: Rootfs, path: str) -> int:
    """An ext4 directory's entries (rec_len 8 + name rounded up to 4, and . and ..)."""
    return 24 + sum(8 + (len(posixpath.basename(c)) + 3) // 4 * 4 for c in fs.listdir(path))


def _kib(fs: Rootfs, path: str) -> int:
    """The 1 KiB blocks `path` takes (st_blocks / 2), as ext4 with 4 KiB blocks allocates them."""
    e = fs.lookup(path)
    if e.kind is Kind.DIR:
        if _dir_bytes(fs, path) > BLOCK - 256:
            raise _unsupported(f"the size of directory {path} (more than one block on the engine)")
        return BLOCK // 1024
    if e.kind is Kind.SYMLINK:
        return 0 if len(e.data) < 60 else BLOCK // 1024  # a fast symlink lives in its inode
    return -(-len(e.data) // BLOCK) * (BLOCK // 1024)


def _walk(fs: Rootfs, path: str):
    yield path
    e = fs.lookup(path)
    if e is not None and e.kind is Kind.DIR:
        for c in fs.listdir(path):
            yield from _walk(fs, c)


def du(args, fs, cwd, io, ctx):
    flags = set()
    ops = []
    for a in args:
        if a.startswith("-") and len(a) > 1 and not ops:
            flags.update(a[1:])
        else:
            ops.append(a)
    if "s" not in flags or flags - set("skh"):
        raise _unsupported(f"du {' '.join(args)} (only -s, -k, -h: without -s du lists in readdir order)")
    status = 0
    for name in ops or ["."]:
        path = normpath(name, cwd)
        if path == "/dev" or path.startswith("/dev/") or path in ("/", "/proc", "/sys") or \
                path.startswith(("/proc/", "/sys/")):
            raise _unsupported(f"du of {name} (file systems the model does not hold)")
        if fs.lookup(path) is None:
            io.append((2, f"du: {name}: {_strerror(_missing_errno(fs, path))}\n"))
            status = 1
            continue
        total = sum(_kib(fs, p) for p in _walk(fs, path))
        if "h" in flags:
            if not 0 < total < 1024:
                raise _unsupported(f"du -h of {total} KiB (only sizes under 1 MiB are modelled)")
            shown = f"{total:.1f}K"
        else:
            shown = str(total)
        io.append((1, f"{shown}\t{name}\n"))
    return fs, status


# -- find -----------------------------------------------------------------------------


def find(args, fs, cwd, io, ctx):
    roots, k = [], 0
    while k < len(args) and not args[k].startswith("-") and args[k] not in ("!", "("):
        roots.append(args[k])
        k += 1
    name_pat, kind, depth = None, None, None
    while k < len(args):
        a = args[k]
        v = args[k + 1] if k + 1 < len(args) else None
        if a == "-name" and v is not None:
            name_pat = v
        elif a == "-type" and v in ("f", "d", "l"):
            kind = v
        elif a == "-maxdepth" and v is not None and v.isdigit():
            depth = int(v)
        elif a == "-print" and k == len(args) - 1:
            k += 1
            continue
        else:
            raise _unsupported(f"find {' '.join(args)} (only -name, -type f/d/l, -maxdepth)")
        k += 2
    from .expand import match
    out: list[str] = []
    status = 0
    for root in roots or ["."]:
        top = normpath(root, cwd)
        if top == "/" or top.startswith(("/dev", "/proc", "/sys")):
            raise _unsupported(f"find {root} (file systems the model does not hold)")
        if fs.lookup(top) is None:
            io.append((2, f"find: {root}: {_strerror(_missing_errno(fs, top))}\n"))
            status = 1
            continue

        def visit(path: str, shown: str, level: int) -> list[str]:
            e = fs.lookup(path)
            want = (name_pat is None or match(name_pat, posixpath.basename(shown.rstrip("/")) or shown)) and \
                (kind is None or {"f": Kind.FILE, "d": Kind.DIR, "l": Kind.SYMLINK}[kind] is e.kind)
            lines = [shown + "\n"] if want else []
            if e.kind is Kind.DIR and (depth is None or level < depth):
                printing = []
                for c in fs.listdir(path):
                    sub = visit(c, shown.rstrip("/") + "/" + posixpath.basename(c), level + 1)
                    if sub:
                        printing.append(sub)
                if len(printing) > 1:
                    # Their order is readdir's (ext4: a hash order seeded per file system).
                    raise _unsupported(f"find's order among the entries of {path} (the directory's readdir order)")
                for sub in printing:
                    lines.extend(sub)
            return lines

        out.extend(visit(top, root, 0))
    io.append((1, "".join(out)))
    return fs, status


# -- date -----------------------------------------------------------------------------

_DATE_CODES = set("YmdHMSsaAbBejyZTDFz%nt")


def date(args, fs, cwd, io, ctx):
    from ..clock import EPOCH
    if any(e.startswith("TZ=") for e in ctx.env):
        raise _unsupported("date with TZ set (only UTC is modelled)")
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for a in args:
        if a.startswith("+"):
            fmt = a[1:]
        elif a != "-u":
            raise _unsupported(f"unsupported date argument {a!r} (only +FORMAT and -u)")
    codes = re.findall(r"%(.)", fmt.replace("%%", ""))
    if any(c not in _DATE_CODES for c in codes) or fmt.replace("%%", "").endswith("%"):
        raise _unsupported(f"date format {fmt!r}")
    fmt = fmt.replace("%%", "\0").replace("%s", str(EPOCH)).replace("%Z", "UTC").replace("%z", "+0000")
    text = time.strftime(fmt, time.gmtime(EPOCH)).replace("\0", "%")
    io.append((1, text + "\n"))
    return fs, 0


# -- ls -l ----------------------------------------------------------------------------

_TYPE = {Kind.FILE: "-", Kind.DIR: "d", Kind.SYMLINK: "l"}


def _mode_string(kind: Kind, mode: int) -> str:
    out = [_TYPE[kind]]
    for shift in (6, 3, 0):
        bits = (mode >> shift) & 7
        out += ["r" if bits & 4 else "-", "w" if bits & 2 else "-", "x" if bits & 1 else "-"]
    if mode & 0o4000:
        out[3] = "s" if out[3] == "x" else "S"
    if mode & 0o2000:
        out[6] = "s" if out[6] == "x" else "S"
    if mode & 0o1000:
        out[9] = "t" if out[9] == "x" else "T"
    return "".join(out)


def _links(fs: Rootfs, path: str) -> int:
    """st_nlink as overlayfs gives it: 1 for a merged directory, 2 + subdirectories for one of one layer."""
    e = fs.lookup(path)
    if e.kind is not Kind.DIR:
        return 1
    if path == "/":
        return 1  # the container's root: the init layer over the image's
    up = fs.upper.get(path)
    low = fs.lower.get(path)
    if up is not None and up.kind is Kind.DIR and (up.opaque or low is None or low.kind is not Kind.DIR):
        return 2 + sum(1 for c in fs.listdir(path) if fs.lookup(c).kind is Kind.DIR)
    if up is not None and up.kind is Kind.DIR:
        return 1
    raise _unsupported(f"ls -l of {path}, a directory of the image (how many of its layers hold it decides its link count)")


def _owner(fs: Rootfs, db: str) -> str:
    text, why = read_file(fs, db)
    for line in text.splitlines() if why is None else ():
        f = line.split(":")
        if len(f) > 2 and f[2] == "0":
            return f[0]
    return "0"


def long_line(fs: Rootfs, path: str, shown: str, user: str, group: str) -> str:
    from ..clock import EPOCH
    e = fs.lookup(path)
    if e.kind not in _TYPE:
        raise _unsupported(f"ls -l of {path}")
    size = BLOCK if e.kind is Kind.DIR else len(e.data)
    when = time.strftime("%b %e %H:%M", time.gmtime(EPOCH))  # recent: within six months of the clock
    mode = 0o777 if e.kind is Kind.SYMLINK else e.mode
    line = f"{_mode_string(e.kind, mode)} {_links(fs, path):4d} {user:<8.8s} {group:<8.8s} {size:9d} {when} {shown}"
    if e.kind is Kind.SYMLINK:
        line += " -> " + e.data.decode()
    return line + "\n"


def ls_long(flags, operands, fs, cwd, io):
    """`ls -l [-a|-A] [-d] [OPERAND...]`: busybox's long format, sorted by name."""
    if set(flags) - set("laAd1"):
        raise _unsupported(f"ls -l with {''.join(sorted(set(flags) - set('laAd1')))}")
    user, group = _owner(fs, "/etc/passwd"), _owner(fs, "/etc/group")
    files, dirs, status = [], [], 0
    for name in operands or (".",):
        path = normpath(name, cwd)
        if path == "/dev" or path.startswith(("/dev/", "/proc", "/sys")):
            raise _unsupported(f"ls -l {name} (file systems the model does not hold)")
        e = fs.lookup(path)
        if e is None:
            io.append((2, f"ls: {name}: {_strerror(_missing_errno(fs, path))}\n"))
            status = 1
        elif "d" in flags or e.kind is not Kind.DIR:
            if e.kind is Kind.SYMLINK and fs.is_dir(_resolve(fs, path)) and "d" not in flags:
                raise _unsupported(f"ls -l {name} (a link to a directory)")
            files.append((name, path))
        else:
            dirs.append((name, path))
    out = [long_line(fs, p, n, user, group) for n, p in sorted(files)]
    header = len(operands) > 1
    for k, (name, path) in enumerate(sorted(dirs)):
        if header:
            out.append(("\n" if out or k else "") + f"{name}:\n")
        entries = [(posixpath.basename(c), c) for c in fs.listdir(path)]
        if "a" in flags:
            entries += [(".", path), ("..", posixpath.dirname(path) if path != "/" else "/")]
        elif "A" not in flags:
            entries = [x for x in entries if not x[0].startswith(".")]
        entries.sort()
        out.append(f"total {sum(_kib(fs, p) for _, p in entries)}\n")
        out.extend(long_line(fs, p, n, user, group) for n, p in entries)
    io.append((1, "".join(out)))
    return fs, status


FILE_APPLETS = {"basename": basename, "dirname": dirname, "du": du, "find": find, "date": date}
