"""Base images are made, not pulled: a busybox root file system as a tar archive.

`busybox_rootfs()` lays out `/bin/busybox` and one symbolic link per applet,
plus the few directories a container expects (`/tmp`, `/etc`, `/root`, ...).
With a real static busybox (Debian's busybox-static) the archive runs on a real
engine; without one, a small placeholder file stands in for the binary, which
is all the model needs.  The archive is deterministic: same input, same bytes.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile

# Applets listed when no busybox binary is at hand: every one the workload
# language uses, and the usual companions.
DEFAULT_APPLETS = (
    "cat", "cp", "echo", "env", "false", "id", "ls", "mkdir", "mv", "rm", "rmdir", "sh", "sleep",
    "test", "touch", "true", "wc",
)
DIRS = ("bin", "dev", "etc", "proc", "root", "sys", "tmp", "usr", "var")
PLACEHOLDER = b"#!dockspec placeholder for /bin/busybox (model only)\n"


def find_busybox() -> str | None:
    for candidate in (os.environ.get("DOCKSPEC_BUSYBOX"), "/bin/busybox", shutil.which("busybox")):
        if candidate and os.path.isfile(candidate):
            return candidate
    return None


def applets(busybox: str) -> tuple[str, ...]:
    out = subprocess.run([busybox, "--list"], capture_output=True, text=True, check=True).stdout
    return tuple(sorted(a for a in out.split() if a and a != "busybox"))


def holds_placeholder(path) -> bool:
    """True when the archive at `path` is a rootfs whose /bin/busybox is the model-only placeholder
    (`dockspec rootfs --placeholder`), which runs nowhere on an engine."""
    try:
        with tarfile.open(path) as tar:
            member = tar.extractfile("bin/busybox")
            return member is not None and member.read(len(PLACEHOLDER) + 1) == PLACEHOLDER
    except (KeyError, tarfile.TarError, OSError):
        return False


def busybox_rootfs(busybox: str | None = None, real: bool = True) -> bytes:
    """A tar of a busybox root file system (real binary when `real` and one is found)."""
    path = (busybox or find_busybox()) if real else None
    binary = open(path, "rb").read() if path else PLACEHOLDER
    names = applets(path) if path else DEFAULT_APPLETS
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for d in DIRS:
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if d == "tmp" else 0o755
            tar.addfile(info)
        info = tarfile.TarInfo("bin/busybox")
        info.size, info.mode = len(binary), 0o755
        tar.addfile(info, io.BytesIO(binary))
        for name in names:
            info = tarfile.TarInfo(f"bin/{name}")
            info.type, info.linkname, info.mode = tarfile.SYMTYPE, "busybox", 0o777
            tar.addfile(info)
        passwd = b"root:x:0:0:root:/root:/bin/sh\n"
        info = tarfile.TarInfo("etc/passwd")
        info.size, info.mode = len(passwd), 0o644
        tar.addfile(info, io.BytesIO(passwd))
    return buf.getvalue()
