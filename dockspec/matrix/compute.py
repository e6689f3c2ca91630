"""Computing the matrix: every command of the explored alphabet, in every state, in every dialect.

Theory of operation
-------------------
1. **The graph.**  `dockspec.explore.state_graph` explores the model in the
   first dialect (the *reference*) from `docker import base.tar base:1`,
   within `bounds`, over the explore alphabet plus `rmi [-f] base:1` (so a
   parent image with children can be removed within one image tag).

2. **Every cell of every state.**  Every command of the alphabet steps in
   every state of the graph, in every dialect.  Most steps read no choice a
   dialect makes, so the reference steps once through a *recording* profile
   (`Recording`) that notes which policies and message keys the transition
   read; a dialect that agrees with the reference on all of them gets the
   same result without a step of its own (the transitions are pure functions
   of state, command and profile).  The keys on which dialects disagree are
   the cell's `policies`: the reason for the difference.

3. **States every dialect reaches.**  A script reaches one state in every
   dialect only along commands that leave every dialect in the same state.
   Those edges of the graph form the *agreement graph*; its breadth-first
   shortest paths (networkx) give each state the shortest script that reaches
   it in every dialect.  States reachable only through a difference are left
   out (counted in `Matrix.unreached`): the difference before them is a cell
   of its own.

4. **Rows.**  Cells are grouped by command and state class
   (`dockspec.matrix.classes`); a row's script is the shortest one to a state
   of its class where the dialects differ (or, when none does, to any state of
   it), followed by the command.  A row whose states give more than one outcome
   vector counts them in `variants`.

An outcome is "ok" or the error kind (`model.errors.ErrorKind`), the exit
status, and what changed.  Cells differ on those; stderr wording alone is
`wording` (shown, not counted as a difference).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import networkx as nx

from model import dialects as registry
from model import engine
from model.errors import EngineError
from model.profile import Profile
from model.result import Result
from model.values import World

from ..explore import BASE_REF, START_LINE, Bounds, Move, _move, alphabet, base_state, state_graph
from .classes import changes, command_of, state_class

__all__ = ["DEFAULT_BOUNDS", "Outcome", "Cell", "Matrix", "UnknownDialect", "build", "moves_for", "Recording"]

# The default bound: two container names, one image tag, one file, four commands deep
# (about 2,800 states); `dockspec matrix --depth` changes it.
DEFAULT_BOUNDS = Bounds(images=1, containers=2, files=1, depth=4)

UnknownDialect = registry.UnknownDialect
_POLICIES = frozenset(Profile.policies())


class Recording(Profile):
    """A dialect that notes which of its choices a transition reads (`reads`).

    >>> from model import commands as cmd
    >>> p = Recording.of(registry.get("docker-20.10"))
    >>> r = engine.step(base_state(), cmd.Rmi(("nosuch",), force=True), p)
    >>> sorted(p.reads, key=repr)
    ['exit_refused', 'exit_refused_by', 'force_ignores_missing_silently', 'rmi_force_ignores_missing', 'rmi_prunes_parents', ('message', 'no_such_image')]
    """

    @classmethod
    def of(cls, profile: Profile) -> "Recording":
        from dataclasses import fields

        rec = cls(**{f.name: getattr(profile, f.name) for f in fields(Profile)})
        object.__setattr__(rec, "reads", set())
        return rec

    def __getattribute__(self, name: str):
        if name in _POLICIES or name == "messages":
            object.__getattribute__(self, "reads").add(name)
        return object.__getattribute__(self, name)

    def error(self, key: str, **fields: object) -> EngineError:
        object.__getattribute__(self, "reads").add(("message", key))
        kind, template = object.__getattribute__(self, "messages")[key]
        return EngineError(kind, template.format(**fields))


def _value(profile: Profile, read) -> object:
    if isinstance(read, tuple):
        return profile.messages.get(read[1])
    return getattr(profile, read)


def _read_name(read) -> str:
    return f"message {read[1]}" if isinstance(read, tuple) else read


# Every container runs without a network and an image is never pulled: the scripts run on real
# engines (`--verify`), which would otherwise look a registry up for an image that is missing.
SAFE_RUN = ("--network", "none", "--pull", "never")


def _safe(move: Move) -> Move:
    words = move.line.split()[1:]
    if words[0] not in ("run", "create"):
        return move
    at = words.index("--name")
    words = words[:at] + list(SAFE_RUN) + words[at:]
    return _move(words, move.container, (move.container, words[at + len(SAFE_RUN) + 2], *SAFE_RUN))


def moves_for(bounds: Bounds) -> tuple[Move, ...]:
    """The explore alphabet of `bounds` (`run`/`create` with `--network none --pull never`), and
    `rmi base:1`, `rmi -f base:1`.

    >>> moves_for(Bounds())[0].line
    'docker run -d --network none --pull never --name ctr1 base:1 sleep 1000'
    """
    return tuple(_safe(m) for m in alphabet(bounds)) + (_move(["rmi", BASE_REF]), _move(["rmi", "-f", BASE_REF]))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one command did in one dialect: "ok" or the error kind, the exit status, what changed."""

    result: str
    exit: int
    changed: tuple[str, ...] = ()
    message: str = ""  # stderr (wording; compared only by `build(wording=True)`)

    def key(self) -> tuple:
        return (self.result, self.exit, self.changed)

    def text(self) -> str:
        """"ok", or the error kind, with the exit status where it is not the usual one (0 or 1), then what changed."""
        head = self.result
        if self.exit != (0 if self.result == "ok" else 1):
            head += f" (exit {self.exit})"
        return head + (": " + ", ".join(self.changed) if self.changed else "")

    def to_json(self) -> dict:
        return {"result": self.result, "exit": self.exit, "changed": list(self.changed), "message": self.message}


@dataclass
class Cell:
    """One row of the matrix: a command in a state class, its outcome in every dialect."""

    state: str
    command: str
    outcomes: dict[str, Outcome]
    differs: bool
    script: tuple[str, ...]  # docker lines from an empty engine; the last is the command
    states: int = 0  # explored states of this class
    variants: int = 1  # distinct outcome vectors among them
    policies: tuple[str, ...] = ()  # the dialect choices the difference comes from
    wording: bool = False  # stderr wording differs between dialects
    verified: dict | None = None  # filled by `dockspec.matrix.verify`
    compare_wording: bool = False  # the matrix counts wording as a difference (`build(wording=True)`)

    @property
    def groups(self) -> list[list[str]]:
        """The dialects, grouped by equal outcome (and message, when wording counts), first appearance order."""
        seen: dict[tuple, list[str]] = {}
        for d, o in self.outcomes.items():
            seen.setdefault(o.key() + ((o.message,) if self.compare_wording else ()), []).append(d)
        return list(seen.values())

    def to_json(self) -> dict:
        return {"state": self.state, "command": self.command,
                "outcomes": {d: o.to_json() for d, o in self.outcomes.items()},
                "differs": self.differs, "script": "\n".join(self.script) + "\n",
                "verified": self.verified, "states": self.states, "variants": self.variants,
                "policies": list(self.policies), "wording": self.wording}


@dataclass
class Matrix:
    dialects: tuple[str, ...]
    cells: list[Cell]
    bounds: Bounds
    states: int = 0  # states of the explored graph
    unreached: int = 0  # states reached only through a difference (no common script)
    steps: int = 0  # transitions computed
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)
    profiles: tuple[Profile, ...] = ()  # the dialects themselves, in the order of `dialects`

    @property
    def differing(self) -> list[Cell]:
        return [c for c in self.cells if c.differs]

    def to_json(self) -> dict:
        b = self.bounds
        return {"dialects": list(self.dialects), "cells": [c.to_json() for c in self.cells],
                "bounds": {"images": b.images, "containers": b.containers, "files": b.files, "depth": b.depth},
                "summary": {"cells": len(self.cells), "differing": len(self.differing), "states": self.states,
                            "unreached": self.unreached, "steps": self.steps, "seconds": round(self.seconds, 2),
                            **self.extra}}


def _outcome(before: World, r: Result, move: Move) -> Outcome:
    result = r.error.kind.value if r.error is not None else "ok"
    message = r.stderr.strip()
    return Outcome(result, r.exit, changes(before, r.world, move), message)


class _Steps:
    """Steps one command in every dialect, once per group of dialects that agree on what the step read."""

    def __init__(self, profiles: Sequence[Profile]):
        self.profiles = tuple(profiles)
        self.rec = Recording.of(profiles[0])  # the reference, recording what each step reads
        self.plans: dict[tuple, tuple[tuple[int, ...], tuple[Profile, ...], tuple[str, ...]]] = {}
        self.count = 0

    def plan(self, reads: tuple) -> tuple[tuple[int, ...], tuple[Profile, ...], tuple[str, ...]]:
        """For the reads of one step: each dialect's group (0: the reference's), a profile per other group,
        and the reads on which some dialect disagrees with the reference."""
        found = self.plans.get(reads)
        if found is None:
            sigs: dict[tuple, int] = {}
            groups, extra, split = [], [], set()
            ref = tuple(_value(self.profiles[0], k) for k in reads)
            sigs[ref] = 0
            for p in self.profiles:
                sig = tuple(_value(p, k) for k in reads)
                if sig not in sigs:
                    sigs[sig] = len(sigs)
                    extra.append(p)
                    split.update(k for k, a, b in zip(reads, sig, ref) if a != b)
                groups.append(sigs[sig])
            found = self.plans[reads] = (tuple(groups), tuple(extra),
                                         tuple(_read_name(k) for k in sorted(split, key=repr)))
        return found

    def others(self, world: World, move: Move, r0: Result, reads: set) -> tuple[list[Result], tuple[str, ...]]:
        """Given the reference's result `r0` and what its step read: the result in every dialect
        (one object per group of dialects), and the reads the dialects disagree on."""
        groups, extra, split = self.plan(tuple(sorted(reads, key=repr)))
        self.count += 1 + len(extra)
        if not extra:
            return [r0] * len(groups), split
        results = [r0] + [engine.step(world, move.command, p) for p in extra]
        return [results[g] for g in groups], split


def _differs(results: list[Result], outcomes: list[Outcome]) -> tuple[bool, bool]:
    """(behaviour differs: kind, exit or state; worlds differ)."""
    first = results[0]
    worlds = any(r is not first and r.world != first.world for r in results)
    keys = {o.key() for o in outcomes}
    return worlds or len(keys) > 1, worlds


def build(dialects: Sequence[str | Profile] | None = None, bounds: Bounds = DEFAULT_BOUNDS,
          progress: Callable[[str, int, int], None] | None = None, wording: bool = False) -> Matrix:
    """The matrix of `dialects` (names or profiles; default: every dialect) at `bounds`.

    `wording`: a cell whose stderr or stdout wording differs counts as differing too.
    An unknown dialect name raises `UnknownDialect` naming the known ones.
    """
    t0 = time.perf_counter()
    compare_wording = wording
    profiles = [d if isinstance(d, Profile) else registry.get(d) for d in (dialects or registry.names())]
    names = tuple(p.name for p in profiles)
    if not names:
        raise ValueError("no dialect given")
    if len(set(names)) != len(names):
        raise ValueError(f"a dialect is named twice: {', '.join(names)}")
    moves = moves_for(bounds)
    step_all = _Steps(profiles)
    rec = step_all.rec
    reference: dict[tuple[int, int], tuple[Result, frozenset]] = {}

    def seen(u: int, mi: int, r: Result) -> None:  # explore's own step, in the reference dialect
        reference[(u, mi)] = (r, frozenset(rec.reads))
        rec.reads.clear()

    # 1.-2. the graph, every command in every expanded state in every dialect: explore steps the
    # reference (recording what each step read), the other dialects step only where they choose otherwise
    G = state_graph(base_state(), bounds, moves, invariants=(), profile=rec, on_step=seen)
    if progress is not None:
        progress("explored", G.number_of_nodes(), len(reference))
    per: dict[tuple[int, int], tuple] = {}  # (node, move) -> (differs, worlds differ, outcome vector, policies, wording)
    for (u, mi), (r0, reads) in reference.items():
        w = G.nodes[u]["world"]
        move = moves[mi]
        results, split = step_all.others(w, move, r0, reads)
        memo: dict[int, Outcome] = {}
        outs = [memo.get(id(r)) or memo.setdefault(id(r), _outcome(w, r, move)) for r in results]
        differs, worlds = _differs(results, outs)
        if worlds and len({o.key() for o in outs}) == 1:  # the summary misses what differs: say so
            distinct: list[World] = []
            outs = [o if r.world == results[0].world else
                    Outcome(o.result, o.exit, o.changed + (f"state differs ({_index(distinct, r.world)})",), o.message)
                    for r, o in zip(results, outs)]
        wording = len(memo) > 1 and len({(r.stderr, r.stdout) for r in results}) > 1
        per[(u, mi)] = (differs, worlds, tuple(outs), split, wording)

    # 3. the agreement graph: edges that leave every dialect in one state
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes)
    for u, v, key in G.edges(keys=True):
        if isinstance(key, int) and not per[(u, key)][1] and u != v and not H.has_edge(u, v):
            H.add_edge(u, v, move=key)
    paths = nx.single_source_shortest_path(H, 0)

    # 4. rows: command x state class
    order = sorted((n for n in paths if (n, 0) in per), key=lambda n: (len(paths[n]), n))
    rows: dict[tuple[str, str], dict] = {}
    for u in order:
        w = G.nodes[u]["world"]
        for mi, move in enumerate(moves):
            differs, _, outs, split, wording = per[(u, mi)]
            key = (command_of(move), state_class(w, move))
            row = rows.get(key)
            if row is None:
                row = rows[key] = {"node": u, "move": mi, "outs": outs, "differs": False, "states": 0,
                                   "vectors": set(), "policies": set(), "wording": False}
            row["states"] += 1
            row["vectors"].add(tuple(o.key() for o in outs))
            row["wording"] |= wording
            if differs or (wording and compare_wording):
                row["policies"].update(split)
                if not row["differs"]:
                    row.update(node=u, move=mi, outs=outs, differs=True)

    def script(u: int, mi: int) -> tuple[str, ...]:
        p = paths[u]
        return (START_LINE, *(moves[H.edges[a, b]["move"]].line for a, b in zip(p, p[1:])), moves[mi].line)

    cells = [Cell(state=s, command=c, outcomes=dict(zip(names, row["outs"])), differs=row["differs"],
                  script=script(row["node"], row["move"]), states=row["states"], variants=len(row["vectors"]),
                  policies=tuple(sorted(row["policies"])), wording=row["wording"], compare_wording=compare_wording)
             for (c, s), row in rows.items()]
    cells.sort(key=lambda c: (_verb_order(c.command), c.command, c.state))
    return Matrix(names, cells, bounds, states=G.number_of_nodes(), unreached=G.number_of_nodes() - len(paths),
                  steps=step_all.count, seconds=time.perf_counter() - t0, profiles=tuple(profiles))


def _index(distinct: list, world: World) -> int:
    for i, w in enumerate(distinct):
        if w == world:
            return i + 1
    distinct.append(world)
    return len(distinct)


_VERBS = ("run", "create", "start", "stop", "kill", "pause", "unpause", "exec", "rm", "commit", "tag", "rmi")


def _verb_order(command: str) -> int:
    verb = command.split()[1]
    return _VERBS.index(verb) if verb in _VERBS else len(_VERBS)
