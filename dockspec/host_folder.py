"""A lockstep session's host folder for `docker cp`: made from the machine's host files, read back, removed.

The machine knows its host folder as `spec.host` entries (relative path ->
`model.fs.Entry`); the engine's side is a real temporary folder that the
adapter's `cp` reads sources from and extracts copies into.  After every copy
out the two are compared as entries (kind, bytes or link target, mode): what
the CLI wrote against what the model said it would write.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Mapping

from model import fs


def make(host: Mapping[str, fs.Entry]) -> str:
    """A new private folder holding `host` (folders first, modes set exactly, whatever the umask)."""
    top = tempfile.mkdtemp(prefix="dsk-cp-")
    for rel, e in sorted(host.items()):
        path = os.path.join(top, rel)
        if e.kind is fs.Kind.DIR:
            os.makedirs(path, exist_ok=True)
        elif e.kind is fs.Kind.FILE:
            Path(path).write_bytes(e.data)
        elif e.kind is fs.Kind.SYMLINK:
            os.symlink(e.data.decode(), path)
            continue
        else:
            raise ValueError(f"host folder: {rel} is a {e.kind.value}, which a host folder cannot hold")
        os.chmod(path, e.mode)
    return top


def read(top: str) -> dict[str, fs.Entry]:
    """What the folder holds, as entries keyed by relative path (the folder itself left out)."""
    from .script import _disk_entries

    return {k: e for k, e in _disk_entries(Path(top)).items() if k}


def _shown(e: fs.Entry) -> dict:
    return {"kind": e.kind.value, "mode": oct(e.mode),
            **({"data": e.data.decode(errors="replace")} if e.kind is not fs.Kind.DIR else {})}


def compare(host: Mapping[str, fs.Entry], top: str) -> tuple[dict, dict]:
    """(model side, engine side) of the paths where the two differ; both empty when they agree."""
    model = {k: replace(e, opaque=False) for k, e in host.items()}
    engine = read(top)
    differ = sorted(k for k in set(model) | set(engine) if model.get(k) != engine.get(k))
    return ({k: _shown(model[k]) if k in model else None for k in differ},
            {k: _shown(engine[k]) if k in engine else None for k in differ})


def remove(top: str | None) -> None:
    if top and os.path.basename(top).startswith("dsk-cp-"):
        shutil.rmtree(top, ignore_errors=True)
