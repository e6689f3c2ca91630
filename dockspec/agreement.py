"""How much of a docker script the model agrees on with an engine, line by line, and why the rest differs.

`dockspec replay` reports each line where the model and the engine differ;
this counts them over a set of scripts (the corpus `examples/real/`, written
the way people write docker scripts, not for dockspec) and names each miss by
its class: `refused: WHAT` when the model declines a workload it cannot
interpret (the step changes nothing, exit 125), else `differs: ASPECTS`
(exit, error_kind, stdout, state) when it predicted something else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .replay import LineReport, replay_text


@dataclass(frozen=True)
class Miss:
    script: str
    line: int
    text: str
    cls: str

    def render(self) -> str:
        first = self.text.splitlines()[0] if self.text else ""
        more = " ..." if "\n" in self.text else ""
        return f"{self.script}:{self.line}  {self.cls}  | {first[:90]}{more}"


def classify(report: LineReport) -> str:
    """The class of a line the model and the engine disagree on."""
    if report.model.get("error_kind") == "unsupported_workload":
        m = re.search(r"unsupported workload: (.*?)(?: in '|\.?\n|$)", report.model.get("stderr", ""))
        return f"refused: {m.group(1) if m else 'workload'}"
    return "differs: " + ",".join(report.differs)


def measure(scripts: list[Path], url: str, engine=None, profile=None) -> tuple[int, int, list[Miss]]:
    """(lines that agree, lines, the misses) over `scripts` replayed on the engine at `url`."""
    agree = total = 0
    misses: list[Miss] = []
    for path in scripts:
        reports = replay_text(path.read_text(), path.resolve().parent, url, engine=engine, profile=profile)
        for r in reports:
            total += 1
            if r.differs:
                misses.append(Miss(path.name, r.line, r.text, classify(r)))
            else:
                agree += 1
    return agree, total, misses


def headline(agree: int, total: int) -> str:
    """`N of M lines agree (P %)`."""
    return f"{agree} of {total} lines agree ({100 * agree / total:.1f} %)" if total else "no lines"
