"""Dockerfiles moved into a run's namespace: FROM lines name the run's prefixed images.

`prefix_from(text, name)` rewrites each FROM's image reference with `name` (the
adapter's and replay's prefixing), but leaves alone what is not an engine image:
`scratch`, a stage named by an earlier `FROM ... AS NAME` (multi-stage builds,
`FROM builder`), and flags (`--platform=...`).  A reference using a meta ARG
(`FROM base:$TAG`) is prefixed as written, so `$TAG` still expands on the engine.

    >>> print(prefix_from("FROM base:1 AS b\\nRUN x\\nfrom B AS c\\nFROM scratch\\n", lambda r: "p-" + r), end="")
    FROM p-base:1 AS b
    RUN x
    from B AS c
    FROM scratch
"""
from __future__ import annotations

import re
from typing import Callable

_FROM = re.compile(r"(?im)^(\s*FROM\s+(?:--\S+\s+)*)(\S+)([^\n]*)$")


def prefix_from(text: str, name: Callable[[str], str]) -> str:
    """`text` with every FROM's image reference passed through `name`, stage names and scratch kept."""
    stages: set[str] = set()

    def one(m: re.Match) -> str:
        ref, rest = m.group(2), m.group(3)
        words = rest.split()
        keep = ref == "scratch" or ref.lower() in stages
        if len(words) == 2 and words[0].lower() == "as":
            stages.add(words[1].lower())
        return m.group(1) + (ref if keep else name(ref)) + rest

    return _FROM.sub(one, text)
