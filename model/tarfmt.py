"""Layers as tar archives: what `import` reads and `export`, `save` write.

Whiteouts travel as `.wh.NAME` entries and opaque directories as a
`.wh..wh..opq` marker inside them, the format `docker save` uses.  Archives the
model writes are deterministic: sorted entries, time 0, owner root.
"""
from __future__ import annotations

import io
import posixpath
import tarfile

from frozendict import frozendict

from . import fs

WH = ".wh."
OPQ = ".wh..wh..opq"


class BadArchive(ValueError):
    """A tar stream the model cannot read; the message names the entry."""


def is_export(data: bytes) -> bool:
    """Whether `data` is an archive `export` wrote (`EXPORT_HEADER`)."""
    try:
        return tarfile.open(fileobj=io.BytesIO(data), mode="r:*").pax_headers == EXPORT_HEADER
    except (tarfile.TarError, EOFError):
        return False


def read_layer(data: bytes, whiteouts: bool = True) -> fs.Changes:
    """The changes a tar archive holds (hard links become copies of their target)."""
    out: dict[str, fs.Entry] = {}
    try:
        tar = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")
        members = tar.getmembers()
    except (tarfile.TarError, EOFError) as e:
        raise BadArchive(f"not a tar archive: {e}") from None
    for m in members:
        path = fs.normpath(m.name.removeprefix("./") or "/")
        if path == "/":
            continue
        base = posixpath.basename(path)
        if whiteouts and base == OPQ:
            d = posixpath.dirname(path)
            out[d] = fs.OPAQUE_DIR
            continue
        if whiteouts and base.startswith(WH):
            out[posixpath.join(posixpath.dirname(path), base[len(WH):])] = fs.WHITEOUT
            continue
        if m.isdir():
            out[path] = fs.Entry(fs.Kind.DIR, mode=m.mode, opaque=out.get(path, fs.DIR).opaque)
        elif m.issym():
            out[path] = fs.symlink(m.linkname)
        elif m.islnk():
            target = fs.normpath(m.linkname.removeprefix("./"))
            out[path] = out.get(target, fs.file(b""))
        elif m.isfile():
            f = tar.extractfile(m)
            out[path] = fs.Entry(fs.Kind.FILE, f.read() if f else b"", m.mode)
        else:  # devices, fifos: empty files for the model's purpose
            out[path] = fs.Entry(fs.Kind.FILE, b"", m.mode)
    # Directories a tar implies but does not list.
    for path in list(out):
        for a in fs.ancestors(path):
            out.setdefault(a, fs.DIR)
    return frozendict(sorted(out.items()))


# The global header of the archives `export` writes.  An engine's exporter writes its own bytes, never those
# of the archive the image came from, and a layer's id is the digest of the archive it was imported from:
# an export imported is a layer of its own even where it holds what base.tar holds (podman, whose export
# of a container never started has no init layer's files: bench/soak podman-5.4 seed 2505).
EXPORT_HEADER = {"comment": "exported container"}


def write_layer(changes: fs.Changes, whiteouts: bool = True, exported: bool = False) -> bytes:
    """A deterministic tar archive of `changes`; `exported`: with `EXPORT_HEADER`, as `export` writes."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT,
                      pax_headers=dict(EXPORT_HEADER) if exported else None) as tar:
        for path in sorted(changes):
            e = changes[path]
            name = path.lstrip("/")
            if e.kind is fs.Kind.WHITEOUT:
                if not whiteouts:
                    continue
                name = posixpath.join(posixpath.dirname(name), WH + posixpath.basename(name))
                info = tarfile.TarInfo(name)
                info.size = 0
                tar.addfile(info, io.BytesIO(b""))
                continue
            info = tarfile.TarInfo(name)
            info.mode = e.mode
            info.mtime = 0
            if e.kind is fs.Kind.DIR:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
                if e.opaque and whiteouts:
                    opq = tarfile.TarInfo(posixpath.join(name, OPQ))
                    tar.addfile(opq, io.BytesIO(b""))
            elif e.kind is fs.Kind.SYMLINK:
                info.type = tarfile.SYMTYPE
                info.linkname = e.data.decode()
                tar.addfile(info)
            else:
                info.size = len(e.data)
                tar.addfile(info, io.BytesIO(e.data))
    return buf.getvalue()
