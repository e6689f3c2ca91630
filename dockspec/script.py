"""Docker scripts: one docker command line per line, run against the model.

A script is what a user would type in a shell: `docker ...` lines, `#`
comments, shell quoting, and `\\` at the end of a line to continue it.  A
malformed line is reported with its line number and does not stop the rest
of the script, as in a shell.  Files that commands read are taken relative to
the script's folder; files that commands write (`save -o`, `export -o`) are
kept in memory so later lines can read them, and written to disk only when
asked.
"""
from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from model import live
from model.profile import DOCKER_20_10, Profile
from model.result import Result, outcomes
from model.values import World

from . import argv as argv_mod
from .snapshot import snapshot


@dataclass(frozen=True)
class Line:
    number: int  # first physical line of the command
    text: str
    words: tuple[str, ...] | None  # None when the line could not be split
    error: str | None = None


def split_lines(text: str) -> list[Line]:
    """The script's command lines, with continuation lines joined.

    A line ending in `\\` goes on on the next line; so does a quoted word left
    open, as in a shell, with the newline kept in the word (`sh -c '...'` over
    several lines).
    """
    out: list[Line] = []
    pending: str | None = None
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if pending is None:
            start = number
            joined = raw
        else:
            joined = pending + raw
        pending = None
        try:
            words = shlex.split(joined, comments=True)
        except ValueError as e:
            if "No closing quotation" in str(e):
                pending = joined + "\n"
                continue
            if joined.endswith("\\") and not joined.endswith("\\\\"):
                pending = joined[:-1] + " "
                continue
            out.append(Line(start, joined.strip(), None, f"line {start}: {e}"))
            continue
        if joined.endswith("\\") and not joined.endswith("\\\\"):
            pending = joined[:-1] + " "  # `\\` after a comment: shlex dropped it with the comment
            continue
        if words:
            out.append(Line(start, joined.strip(), tuple(words)))
    if pending is not None:
        why = "a quoted word is not closed" if pending.endswith("\n") else "unexpected end of script after '\\'"
        out.append(Line(start, pending.strip(), None, f"line {start}: {why}"))
    return out


class ScriptFiles:
    """Files as a script sees them: its folder on disk, overlaid by what it wrote."""

    def __init__(self, base: Path, stdin: bytes = b""):
        self.base = base
        self.written: dict[str, bytes] = {}
        self.stdin = stdin
        # what `docker cp` out wrote (normalised relative path -> model.fs.Entry): files, folders, links
        self.made: dict[str, object] = {}

    def _path(self, path: str) -> Path:
        return self.base / path

    def read(self, path: str) -> bytes:
        if path == "-":
            return self.stdin
        if path in self.written:
            return self.written[path]
        if _key(path) in self.written:
            return self.written[_key(path)]
        try:
            return self._path(path).read_bytes()
        except FileNotFoundError:
            raise argv_mod.UsageError(f"open {path}: no such file or directory", exit=1, kind="no_such_file") from None
        except IsADirectoryError:
            raise argv_mod.UsageError(f"read {path}: is a directory", exit=1, kind="no_such_file") from None

    def tree(self, path: str) -> dict[str, bytes]:
        root = self._path(path)
        if not root.is_dir():
            raise argv_mod.UsageError(f'unable to prepare context: path "{path}" not found', exit=1, kind="no_such_file")
        out = {}
        for dirpath, dirnames, names in os.walk(root):
            if not names and not dirnames and Path(dirpath) != root:
                out[str(Path(dirpath).relative_to(root)) + "/"] = b""  # an empty directory
            for name in sorted(names):
                full = Path(dirpath) / name
                out[str(full.relative_to(root))] = full.read_bytes()
        return dict(sorted(out.items()))

    def modes(self, path: str) -> dict[str, int]:
        """st_mode of each entry below a build context (directories keyed "path/")."""
        root = self._path(path)
        out = {}
        for dirpath, dirnames, names in os.walk(root):
            for name in dirnames:
                full = Path(dirpath) / name
                out[str(full.relative_to(root)) + "/"] = full.stat().st_mode
            for name in names:
                full = Path(dirpath) / name
                out[str(full.relative_to(root))] = full.stat().st_mode
        return out

    def write(self, path: str, data) -> None:
        """Keep what a command wrote: bytes (save -o, export -o), or an entry `docker cp` made."""
        from model import fs

        if isinstance(data, fs.Entry):
            key = _key(path)
            self.made[key] = data
            if data.kind is fs.Kind.FILE:
                self.written[key] = data.data
            else:
                self.written.pop(key, None)
            return
        self.written[path] = data
        self.made.pop(_key(path), None)

    def entries(self, path: str) -> dict:
        """What the host has at `path` for `docker cp`: relative path -> model.fs.Entry ("" is `path`).

        What the script wrote wins over its folder on disk (whole trees: a folder `docker cp`
        made is read from memory only); empty when nothing is there.
        """
        from model import fs

        key = _key(path)
        mine = {k: e for k, e in self.made.items() if k == key or k.startswith(key + "/") or key == "."}
        if key in self.written and key not in mine:
            return {"": fs.file(self.written[key])}
        if mine:
            out = {("" if k == key else k[len(key) + 1:] if key != "." else k): e for k, e in mine.items()}
            out.setdefault("", fs.DIR)
            return out
        return _disk_entries(self._path(path))


def _key(path: str) -> str:
    import posixpath

    return posixpath.normpath(path)


def _disk_entries(root: Path) -> dict:
    """A host path's entries as `docker cp` archives them: files, folders and links with their modes."""
    import stat as st

    from model import fs

    def one(p: Path):
        s = os.lstat(p)
        mode = st.S_IMODE(s.st_mode)
        if st.S_ISLNK(s.st_mode):
            return fs.symlink(os.readlink(p))
        if st.S_ISDIR(s.st_mode):
            return fs.Entry(fs.Kind.DIR, mode=mode)
        return fs.file(p.read_bytes(), mode)

    try:
        top = one(root)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    out = {"": top}
    if top.kind is fs.Kind.DIR:
        for dirpath, dirnames, names in os.walk(root):
            for n in sorted(dirnames) + sorted(names):
                full = Path(dirpath) / n
                out[str(full.relative_to(root))] = one(full)
    return out


@dataclass
class LineResult:
    line: int
    argv: list[str]
    exit: int
    stdout: str
    stderr: str
    error_kind: str | None
    state: dict | None = None
    world: World | None = field(default=None, repr=False)
    # Where the engine races with itself (model.result.outcomes): the other outcomes it may show.
    alternatives: list["LineResult"] = field(default_factory=list, repr=False)

    def outcomes(self) -> list["LineResult"]:
        """This (documented) outcome first, then every other one the engine may show."""
        return [self, *self.alternatives]

    def to_json(self) -> dict:
        out = {"line": self.line, "argv": self.argv, "exit": self.exit, "stdout": self.stdout,
               "stderr": self.stderr, "error_kind": self.error_kind, "state": self.state}
        if self.alternatives:
            out["alternatives"] = [{k: a.to_json()[k] for k in ("exit", "stdout", "stderr", "error_kind", "state")}
                                   for a in self.alternatives]
        return out


_ID_PLACEHOLDER = re.compile(r"\{id(64)?:([^}]+)\}")


def _resolve_ids(word: str, world: World) -> str:
    """Replace `{id:REF}` (12-character id) and `{id64:REF}` by the id REF names now.

    Image ids depend on the engine's clock, so scripts that remove an image by
    id name it this way; the same script then runs on the model and on engines.
    """
    def one(m: re.Match) -> str:
        from model.images import find

        img = find(world, m.group(2))
        if img is None:
            return m.group(0)
        return img.id[7:] if m.group(1) else img.short_id

    return _ID_PLACEHOLDER.sub(one, word)


def run_lines(lines: list[Line], files: ScriptFiles, world: World | None = None, profile: Profile = DOCKER_20_10,
              with_state: bool = True) -> Iterator[LineResult]:
    world = world or World()
    for line in lines:
        if line.words is None:
            yield LineResult(line.number, [], 2, "", line.error + "\n", "usage",
                             snapshot(world, profile) if with_state else None, world)
            continue
        try:
            words = [_resolve_ids(w, world) for w in line.words]
            _, command = argv_mod.parse(words, files)
        except argv_mod.UsageError as e:
            # Docker's own wording for a missing file; a malformed line names its number.
            text = f"{e}\n" if e.kind != "usage" else f"line {line.number}: {e}\n"
            yield LineResult(line.number, list(line.words), e.exit, "", text, e.kind,
                             snapshot(world, profile) if with_state else None, world)
            continue
        result = live.step(world, command, profile)
        world = result.world
        stdout = result.stdout
        for path, data in result.files.items():
            if path == "-":
                stdout += f"<{len(data)} bytes of tar archive>\n"
            else:
                files.write(path, data)

        def line_result(r: Result, stdout: str) -> LineResult:
            return LineResult(line.number, list(line.words), r.exit, stdout, r.stderr,
                              r.error.kind.value if r.error else None,
                              snapshot(r.world, profile) if with_state else None, r.world)

        first = line_result(result, stdout)
        first.alternatives = [line_result(r, r.stdout) for r in outcomes(result)[1:]]
        yield first


def run_script(text: str, base: Path, profile: Profile = DOCKER_20_10, with_state: bool = True,
               stdin: bytes = b"") -> tuple[list[LineResult], ScriptFiles]:
    files = ScriptFiles(base, stdin)
    return list(run_lines(split_lines(text), files, None, profile, with_state)), files
