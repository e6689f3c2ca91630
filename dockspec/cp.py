"""`docker cp` as the docker CLI does it, over the Engine API's archive endpoints.

Theory of operation.  The daemon only stats a path (`HEAD /containers/ID/archive`),
tars one (`GET`) or extracts a tar into a folder (`PUT`, with
`noOverwriteDirNonDir`, as the CLI asks); the CLI does the rest
(cli/command/container/cp.go, and pkg/archive's copy.go, whose rules these
functions follow, written anew):

* **into a container**: stat DEST (a link is followed once, joined to DEST's
  folder when relative); a stat error means "does not exist".  The host source
  is looked up with its folder's links resolved and its own name not followed
  (`lstat`), and tarred under its own name ("." for `DIR/.`).  Then the placement
  (`PrepareArchiveCopy`): an existing folder DEST takes the archive as it is;
  otherwise the archive goes into DEST's folder, its top entry renamed to DEST's
  name (a folder onto an existing file is "cannot copy directory"; a file to a
  missing DEST that asserts a folder, "no such directory").
* **out of a container**: the folder of DEST must exist on the host
  (`ValidateOutputPath`); the daemon tars SRC; DEST is looked up on the host
  (links followed: dockspec refuses to, see below) and the same placement
  decides where the archive is extracted and under which name.  Extraction
  replaces an existing file, merges into an existing folder (which takes the
  archive's mode, except the "." of `SRC/.`), and refuses a folder meeting a
  file either way.

The host side lives in one folder (`host_dir`); every host path is relative to
it and must stay inside it.  A symbolic link met on the host side (the CLI
follows them, anywhere on the machine) is a `ValueError`: dockspec never types
such a path (`spec.host.under_a_link`).

Refusals of the CLI itself are `CliRefused` (message and kind); the daemon's are
`DaemonRefused`, carrying the API error and the container path of the call, for
the adapter to word and classify as the CLI of the engine's dialect would.
"""
from __future__ import annotations

import base64
import io
import json
import os
import posixpath
import shutil
import stat as st
import tarfile

from model.errors import ErrorKind

# Go's os.FileMode bits in the daemon's stat header (X-Docker-Container-Path-Stat)
GO_MODE_DIR = 1 << 31
GO_MODE_SYMLINK = 1 << 27


class CliRefused(Exception):
    """The CLI refused before (or after) the daemon did anything: its message and the model's kind."""

    def __init__(self, message: str, kind: ErrorKind):
        super().__init__(message)
        self.message, self.kind = message, kind


class DaemonRefused(Exception):
    """An archive endpoint refused: the SDK's error, and the container path the call named."""

    def __init__(self, error: Exception, path: str):
        super().__init__(str(error))
        self.error, self.path = error, path


# -- paths, as pkg/archive splits them -------------------------------------------------


def split_dir_entry(path: str) -> tuple[str, str]:
    """(folder, name) of a path; `X/.` keeps "." as its name (SplitPathDirEntry).

    >>> split_dir_entry("/tmp/f/"), split_dir_entry("/tmp/d/."), split_dir_entry("f")
    (('/tmp', 'f'), ('/tmp/d', '.'), ('.', 'f'))
    """
    clean = posixpath.normpath(path)
    if path == "." or path.endswith("/."):
        clean = posixpath.join(clean, ".")
    return posixpath.dirname(clean) or ".", posixpath.basename(clean)


def asserts_dir(path: str) -> bool:
    """A path ending in "/" or naming "." must be a folder (assertsDirectory)."""
    return path.endswith("/") or path == "." or path.endswith("/.")


def local_path(host_dir: str, typed: str) -> str:
    """The host path `typed` (relative to `host_dir`) made absolute, keeping a trailing "/" or "/."."""
    if typed.startswith("/") or ".." in typed.split("/"):
        raise ValueError(f"docker cp: host path {typed!r} must stay inside the host folder")
    full = posixpath.normpath(posixpath.join(host_dir, typed))
    if typed.endswith("/."):
        full += "/."
    elif typed.endswith("/"):
        full += "/"
    return full


def _inside(host_dir: str, path: str) -> None:
    """Refuse to touch a host path whose folders lead out of the host folder through a link."""
    real = os.path.realpath(os.path.dirname(path.rstrip("/")))
    top = os.path.realpath(host_dir)
    if real != top and not real.startswith(top + "/"):
        raise ValueError(f"docker cp: {path} is outside the host folder {host_dir} (through a link)")


# -- the daemon's side -------------------------------------------------------------------


def stat(api, container: str, path: str) -> dict | None:
    """HEAD /containers/ID/archive: the path's stat ({"name","size","mode","linkTarget"}), None on any refusal."""
    res = api.head(api._url("/containers/{0}/archive", container), params={"path": path})
    if res.status_code != 200:
        return None
    header = res.headers.get("X-Docker-Container-Path-Stat")
    return json.loads(base64.b64decode(header)) if header else None


def _put(api, container: str, folder: str, data: bytes) -> None:
    try:
        res = api._put(api._url("/containers/{0}/archive", container),
                       params={"path": folder, "noOverwriteDirNonDir": "true"}, data=data)
        api._raise_for_status(res)
    except Exception as e:
        if getattr(getattr(e, "response", None), "status_code", None) is None:
            raise
        raise DaemonRefused(e, folder) from e


def _get(api, container: str, path: str) -> tuple[bytes, dict]:
    try:
        stream, info = api.get_archive(container, path)
        return b"".join(stream), info or {}
    except Exception as e:
        if getattr(getattr(e, "response", None), "status_code", None) is None:
            raise
        raise DaemonRefused(e, path) from e


# -- the CLI's placement -----------------------------------------------------------------


def _placement(src_path: str, src_is_dir: bool, dst_path: str, dst_exists: bool, dst_is_dir: bool) -> tuple[str, str | None]:
    """(folder to extract into, the name the archive's top entry takes, None to keep it): PrepareArchiveCopy."""
    dst_dir, dst_base = split_dir_entry(dst_path)
    if dst_exists and dst_is_dir:
        return dst_path, None
    if dst_exists and src_is_dir:
        raise CliRefused("cannot copy directory", ErrorKind.FILE_CONFLICT)
    if not dst_exists and not src_is_dir and asserts_dir(dst_path):
        raise CliRefused("no such directory", ErrorKind.NO_SUCH_FILE)
    return dst_dir, dst_base


def _rebased(name: str, old: str, new: str | None) -> str:
    """An archive entry's name with its first component `old` renamed `new` (RebaseArchiveEntries)."""
    if new is None:
        return name
    if name == old or name.rstrip("/") == old:
        return new
    if name.startswith(old + "/"):
        return new + name[len(old):]
    return name


# -- into a container ----------------------------------------------------------------------


def _source_tar(path: str, top: str) -> bytes:
    """The host source at `path` as the CLI tars it (TarResource), its top entry named `top`."""
    folder, base = split_dir_entry(path)
    root = os.path.join(folder, base) if base != "." else folder
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        def add(full: str, name: str) -> None:
            s = os.lstat(full)
            info = tarfile.TarInfo(name)
            info.mode, info.mtime, info.uid, info.gid = st.S_IMODE(s.st_mode), int(s.st_mtime), 0, 0
            if st.S_ISLNK(s.st_mode):
                info.type, info.linkname = tarfile.SYMTYPE, os.readlink(full)
                tar.addfile(info)
            elif st.S_ISDIR(s.st_mode):
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                data = open(full, "rb").read()
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        add(root, top)
        if os.path.isdir(root) and not os.path.islink(root):
            for dirpath, dirnames, names in os.walk(root):
                dirnames.sort()
                for n in sorted(dirnames) + sorted(names):
                    full = os.path.join(dirpath, n)
                    add(full, posixpath.join(top, os.path.relpath(full, root)))
    return buf.getvalue()


def copy_in(api, container: str, path: str, host_dir: str, host_path: str, check_folder: bool = False) -> None:
    """`docker cp HOST_PATH CONTAINER:PATH`; `check_folder`: ask whether the extraction folder exists before
    the PUT, as Docker's daemon and `podman cp` do, where the engine's archive endpoint would make it (Podman's)."""
    dst_path = path
    info = stat(api, container, dst_path)
    if info is not None and info.get("mode", 0) & GO_MODE_SYMLINK:  # DEST is a link: followed once
        target = info.get("linkTarget") or ""
        dst_path = target if target.startswith("/") else posixpath.normpath(posixpath.join(split_dir_entry(path)[0], target))
        info = stat(api, container, dst_path)
    exists, is_dir = info is not None, info is not None and bool(info.get("mode", 0) & GO_MODE_DIR)
    src = local_path(host_dir, host_path)
    _inside(host_dir, src)
    try:
        s = os.lstat(src)  # the source's own name is not followed (without -L)
    except FileNotFoundError:
        raise CliRefused(f"lstat {src}: no such file or directory", ErrorKind.NO_SUCH_FILE) from None
    except NotADirectoryError:
        raise CliRefused(f"lstat {src}: not a directory", ErrorKind.NO_SUCH_FILE) from None
    src_is_dir = st.S_ISDIR(s.st_mode)
    folder, rename = _placement(src, src_is_dir, dst_path, exists, is_dir)
    top = rename if rename is not None else split_dir_entry(src)[1]
    if check_folder:
        # Podman's Docker-compatible PUT makes a missing extraction folder (and its parents), which Docker's
        # daemon refuses (404) and `podman cp` refuses too ("could not be found on container"): the refusal
        # is the engine's, the folder-making its compat handler's (bench/soak podman-5.4 seeds 924, 925;
        # replays/33-cp.sh:49 through the podman CLI)
        res = api.head(api._url("/containers/{0}/archive", container), params={"path": folder})
        if res.status_code == 404:
            try:
                api._raise_for_status(res)
            except Exception as e:
                raise DaemonRefused(e, folder) from e
    _put(api, container, folder, _source_tar(src, top))


# -- out of a container --------------------------------------------------------------------


def _destination(host_dir: str, dst: str) -> tuple[bool, bool]:
    """(exists, is a folder) of a host destination (CopyInfoDestinationPath), its folder required."""
    _inside(host_dir, dst)
    try:
        s = os.lstat(dst)
    except FileNotFoundError:
        folder = split_dir_entry(dst)[0]
        if not os.path.isdir(folder):
            raise CliRefused(f"stat {folder}: no such file or directory", ErrorKind.NO_SUCH_FILE) from None
        return False, False
    except NotADirectoryError:
        raise CliRefused(f"lstat {dst}: not a directory", ErrorKind.NO_SUCH_FILE) from None
    if st.S_ISLNK(s.st_mode):
        raise ValueError(f"docker cp: the host destination {dst} is a link (the CLI would follow it)")
    return True, st.S_ISDIR(s.st_mode)


def _untar(data: bytes, into: str, old: str, new: str | None, host_dir: str) -> None:
    """The CLI's extraction on the host (Untar with NoOverwriteDirNonDir, no chown)."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        for m in tar:
            name = posixpath.normpath(_rebased(m.name, old, new))
            if name.startswith("../") or name == ".." or name.startswith("/"):
                raise ValueError(f"docker cp: archive entry {m.name!r} leads out of {into}")
            path = os.path.normpath(os.path.join(into, name))
            _inside(host_dir, path)
            if name != ".":
                os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
            try:
                have = os.lstat(path)
            except FileNotFoundError:
                have = None
            if have is not None:
                have_dir = st.S_ISDIR(have.st_mode)
                if have_dir and not m.isdir():
                    raise CliRefused(f'cannot overwrite directory "{path}" with non-directory "{into}"',
                                     ErrorKind.FILE_CONFLICT)
                if not have_dir and m.isdir():
                    raise CliRefused(f'cannot overwrite non-directory "{path}" with directory "{into}"',
                                     ErrorKind.FILE_CONFLICT)
                if have_dir and name == ".":
                    continue
                if not have_dir:
                    os.unlink(path)
            if m.isdir():
                if have is None:
                    os.mkdir(path, 0o700)
            elif m.issym():
                os.symlink(m.linkname, path)
                continue
            elif m.islnk():
                os.link(os.path.join(into, posixpath.normpath(_rebased(m.linkname, old, new))), path)
            elif m.isfile():
                with open(path, "wb") as f:
                    shutil.copyfileobj(tar.extractfile(m), f)
            else:
                raise ValueError(f"docker cp: archive entry {m.name!r} is neither a file, a folder nor a link")
            os.chmod(path, m.mode & 0o7777)


def copy_out(api, container: str, path: str, host_dir: str, host_path: str) -> None:
    """`docker cp CONTAINER:PATH HOST_PATH`."""
    dst = local_path(host_dir, host_path)
    folder = posixpath.dirname(posixpath.normpath(dst))
    if not os.path.exists(folder):
        raise CliRefused(f'invalid output path: directory "{folder}" does not exist', ErrorKind.NO_SUCH_FILE)
    data, info = _get(api, container, path)
    src_is_dir = bool(info.get("mode", 0) & GO_MODE_DIR)
    exists, is_dir = _destination(host_dir, dst)
    into, rename = _placement(path, src_is_dir, dst, exists, is_dir)
    _untar(data, into, split_dir_entry(path)[1], rename, host_dir)
