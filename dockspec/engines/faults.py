"""The faults an engine admits in its own log while a command runs.

A private engine writes its log to a file of dockspec's (`Engine.log_path()`).  Some
of what goes wrong on an engine shows nowhere else: under load, dockerd's exit handler
waits two seconds for a container's output to be copied, then closes the output's pipes
and logs `stream copy error: reading from a closed fifo`; a foreground `docker run` of
that container prints nothing or part of its output, with the right exit status
(seen once in about 1,600 `run --rm` under eight parallel loops on Docker 26.1, and once
in CI: replays/37-build-args.sh:5).  No model of the engine's commands can say when; the
engine says that it happened.

A `LogWatch` remembers where the log ended (`mark`) and names, in what the log gained
since (`faults`), each line that admits a fault it knows.  A comparison whose engine side
is explained by such a fault is the engine's fault, not a divergence (`dockspec.replay`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# (what the log says, what it means), by the engine's family
KNOWN: dict[str, tuple[tuple[re.Pattern, str], ...]] = {
    "docker": (
        (re.compile(r"stream copy error: reading from a closed fifo"),
         "the engine lost a container's output: its exit handler closed the output's pipes before they "
         "were read (dockerd's two-second wait, met under load)"),
    ),
    "podman": (),
}


@dataclass
class LogWatch:
    """What the log at `path`, of an engine of the family `kind`, gained since the last `mark`."""

    path: Path
    kind: str
    offset: int = 0

    def mark(self) -> None:
        try:
            self.offset = self.path.stat().st_size
        except OSError:
            self.offset = 0

    def faults(self) -> list[str]:
        """Each known fault the log admitted since the mark: what it means, then the log's own line."""
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                text = f.read().decode(errors="replace")
        except OSError:
            return []
        found = []
        for line in text.splitlines():
            for pattern, meaning in KNOWN.get(self.kind, ()):
                if pattern.search(line):
                    found.append(f"{meaning} (its log: {line.strip()})")
        return found


def watch(engine) -> LogWatch:
    """A watch on the private engine `engine`'s log, from now."""
    w = LogWatch(engine.log_path(), engine.kind)
    w.mark()
    return w
