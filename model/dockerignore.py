""".dockerignore: which files of a build context the client leaves out, as Docker's CLI reads it.

Theory of operation
-------------------
The client (moby/patternmatcher, used by the classic builder's CLI and by buildx
alike) reads `.dockerignore` at the context's root: one pattern a line, `#`
lines and blank lines skipped, each pattern cleaned (`filepath.Clean`, a leading
`/` dropped), a leading `!` making it an exception.  A path is excluded when
the LAST pattern that matches it is not an exception.  A pattern matches a path
when it matches the whole path, or one of the path's parent directories (so
`logs` excludes `logs/x.log`).  Within a pattern `*` is any run of characters
but `/`, `?` one character but `/`, `**` any run including `/` (`**/x` also
matches `x` at the root), `[...]` a class, `\\` escapes.

The Dockerfile and `.dockerignore` itself are always sent, whatever the
patterns say (cli/command/image/build: TrimBuildFilesFromExcludes).  What was
seen on the engines: replays/39-dockerignore.sh.

    >>> m = Matcher.parse("*.log\\n!keep.log\\nlogs\\n**/*.o\\n")
    >>> [p for p in ("a.log", "keep.log", "logs/x.txt", "src/sub/t.o", "t.o", "a.txt") if m.excluded(p)]
    ['a.log', 'logs/x.txt', 'src/sub/t.o', 't.o']
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

FILE = ".dockerignore"
MUTATION_SEAMS = ("apply",)  # bench/mutant_table.py: model/build.py calls it by name


class BadPattern(ValueError):
    """A pattern the engine's matcher rejects (`syntax error in pattern`)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    text: str  # cleaned, without the `!`
    exclusion: bool  # a `!` pattern: re-include what it matches
    regex: re.Pattern

    @property
    def depth(self) -> int:
        return len(self.text.split("/"))


def _regex(pattern: str) -> re.Pattern:
    """patternmatcher's compile: the pattern as an anchored regular expression."""
    out, k = "^", 0
    while k < len(pattern):
        ch = pattern[k]
        if ch == "*":
            if pattern.startswith("**", k):
                k += 1
                if pattern.startswith("/", k + 1):
                    out += "(.*/)?"  # `**/`: zero or more directories
                    k += 1
                else:
                    out += ".*"
            else:
                out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "\\":
            if k + 1 >= len(pattern):
                raise BadPattern(f"syntax error in pattern {pattern!r}")
            k += 1
            out += re.escape(pattern[k])
        elif ch == "[":
            end = pattern.find("]", k + 1)
            if end < 0:
                raise BadPattern(f"syntax error in pattern {pattern!r}")
            body = pattern[k + 1 : end]
            if body.startswith("^") or body.startswith("!"):
                body = "^" + body[1:]
            out += "[" + body + "]"
            k = end
        else:
            out += re.escape(ch)
        k += 1
    return re.compile(out + "$")


@dataclass(frozen=True, slots=True)
class Matcher:
    patterns: tuple[Pattern, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Matcher":
        """The patterns of a `.dockerignore` text (moby/buildkit frontend/dockerignore ReadAll)."""
        out = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            exclusion = line.startswith("!")
            if exclusion:
                line = line[1:].strip()
            if not line:
                continue
            line = posixpath.normpath(line).lstrip("/") or "."
            if line == ".":
                continue  # `.` or `/`: the root, which the client never drops
            out.append(Pattern(line, exclusion, _regex(line)))
        return cls(tuple(out))

    def excluded(self, path: str) -> bool:
        """Whether the client leaves `path` (relative, `/`-separated) out of the context."""
        parts = path.split("/")
        matched = False
        for p in self.patterns:
            hit = bool(p.regex.match(path))
            if not hit and len(parts) > 1 and p.depth <= len(parts) - 1:
                hit = bool(p.regex.match("/".join(parts[: p.depth])))
            if hit:
                matched = not p.exclusion
        return matched


def apply(context, dockerfile_name: str = "Dockerfile") -> dict:
    """The context (`path -> bytes`, a key ending in `/` an empty directory) the client sends."""
    if FILE not in context:
        return dict(context)
    m = Matcher.parse(context[FILE].decode(errors="replace"))
    keep = {FILE, dockerfile_name}
    out = {}
    for path, data in context.items():
        rel = path.rstrip("/")
        if path in keep or not m.excluded(rel):
            out[path] = data
    # A directory that stays but whose every entry was left out is sent as an empty directory.
    dirs = {posixpath.dirname(p.rstrip("/")) for p in context}
    for d in sorted(dirs):
        while d and d != ".":
            if not m.excluded(d) and not any(p.startswith(d + "/") for p in out):
                out[d + "/"] = b""
            d = posixpath.dirname(d)
    return dict(sorted(out.items()))
