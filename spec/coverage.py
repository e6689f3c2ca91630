"""Coverage of the suite: how often each docker verb succeeded, and with which error kinds it was refused.

The machines record one (verb, outcome) pair per executed command, where the
outcome is "ok" or the error kind's value.  A verb the engine can refuse must
have both succeeded and been refused at least once, or the suite did not
exercise it.  `ps` and `images` are exempt: the engine refuses them only for
malformed flags or templates, which the machines never type.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from model.engine import VERBS

OK = "ok"

# Verbs the engine cannot refuse for a well-formed command line.
EXEMPT: dict[str, str] = {
    "ps": "cannot be refused",
    "images": "cannot be refused",
}

# Verbs the machines do not drive yet, each checked elsewhere (say where).  Once a machine runs
# one, it must both succeed and be refused like any other verb.
ELSEWHERE: dict[str, str] = {
    "cp": "law cp_in_lands_in_the_layer and replays/33-cp.sh (no machine rule: the adapter does not drive cp)",
}


@dataclass
class Coverage:
    counts: Counter = field(default_factory=Counter)
    skipped: dict = field(default_factory=dict)  # verb -> why it is not exercised

    def record(self, verb: str, outcome: str) -> None:
        self.counts[(verb, outcome)] += 1

    def clear(self) -> None:
        self.counts.clear()

    def verbs(self) -> list[str]:
        return list(dict.fromkeys(VERBS.values()))

    def outcomes(self, verb: str) -> dict[str, int]:
        return {o: n for (v, o), n in sorted(self.counts.items()) if v == verb}

    def status(self, verb: str) -> str:
        """"ok", "exempt: why", or what is missing: "never succeeded" / "never refused" / "never run"."""
        if verb in self.skipped:
            return f"skipped: {self.skipped[verb]}"
        seen = self.outcomes(verb)
        if verb in ELSEWHERE and not seen:
            return f"skipped: {ELSEWHERE[verb]}"
        if verb in EXEMPT:
            return f"exempt: {EXEMPT[verb]}" if seen else "never run"
        succeeded = OK in seen
        refused = any(o != OK for o in seen)
        if succeeded and refused:
            return "ok"
        if not seen:
            return "never run"
        return "never refused" if succeeded else "never succeeded"

    def missing(self) -> list[str]:
        """Verbs that can be refused but did not both succeed and get refused."""
        return [v for v in self.verbs() if not (self.status(v) == "ok" or self.status(v).startswith(("exempt", "skipped")))]

    def to_json(self) -> dict:
        return {v: {"outcomes": self.outcomes(v), "status": self.status(v)} for v in self.verbs()}


# The coverage the machines record into; `dockspec check` clears it before a run.
COVERAGE = Coverage()
