"""Computing the matrix: every command of the explored alphabet, in every state, in every dialect.

Theory of operation
-------------------
1. **The product graph.**  A script (a sequence of docker lines) leaves each
   dialect in a world of its own: Podman's `run` writes /etc into the
   container's layer, its `rmi -f` removes the containers Docker keeps.  So a
   node is one world per dialect, all reached by the same script from
   `docker import base.tar base:1`, explored breadth first within `bounds`
   over the explore alphabet plus `rmi [-f] base:1` (so a parent image with
   children can be removed within one image tag).  Equal worlds are one
   object, and nodes are keyed up to ids (`dockspec.explore.Canon`, "ids").

2. **Every cell of every state.**  Every command of the alphabet steps in
   every node, in every dialect's own world.  Dialects that share a world step
   together: one of them steps through a *recording* profile (`Recording`)
   that notes which policies and message keys the transition read; a dialect
   that agrees with it on all of them gets the same result without a step of
   its own (the transitions are pure functions of state, command and profile).
   The keys on which dialects disagree are the cell's `policies`: the reason
   for the difference.

3. **Scripts.**  The breadth-first path to a node is the shortest script
   that reaches it, in every dialect at once.

4. **Rows.**  Cells are grouped by command and state class
   (`dockspec.matrix.classes`); a row's script is the shortest one to a state
   of its class where the dialects differ (or, when none does, to any state of
   it), followed by the command.  A row whose states give more than one outcome
   vector counts them in `variants`.  Where the dialects' worlds fall in
   different classes (Docker's C still runs, Podman's was removed by an
   earlier `rmi -f`), the step is no row: the difference is the earlier
   command's, a row of its own; such steps are counted in `Matrix.unreached`.

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

from ..explore import BASE_REF, START_LINE, Bounds, Canon, Move, _move, alphabet, base_state
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
    ['exit_refused', 'exit_refused_by', 'force_ignores_missing_silently', 'rmi_force_ignores_missing', 'rmi_prunes_parents', ('message', 'rmi_no_such_image')]
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
    states: int = 0  # nodes of the product graph whose commands were compared
    unreached: int = 0  # steps in states the dialects reached in different classes (no row)
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
    """Steps one command in a group of dialects that share one world, once per set of dialects
    that agree on what the step read (the group's first dialect records the reads)."""

    def __init__(self, profiles: Sequence[Profile]):
        self.profiles = tuple(profiles)
        self.recs: dict[int, Recording] = {}
        self.plans: dict[tuple, tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]] = {}
        self.count = 0

    def _plan(self, group: tuple[int, ...], reads: tuple) -> tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]:
        """For the reads of one step in `group`: each dialect's sub-group (0: the group's first), the
        dialect stepping each further sub-group, and the reads on which the group disagrees."""
        found = self.plans.get((group, reads))
        if found is None:
            ref = tuple(_value(self.profiles[group[0]], k) for k in reads)
            sigs: dict[tuple, int] = {ref: 0}
            subs, extra, split = [], [], set()
            for i in group:
                sig = tuple(_value(self.profiles[i], k) for k in reads)
                if sig not in sigs:
                    sigs[sig] = len(sigs)
                    extra.append(i)
                    split.update(k for k, a, b in zip(reads, sig, ref) if a != b)
                subs.append(sigs[sig])
            found = self.plans[(group, reads)] = (tuple(subs), tuple(extra),
                                                  tuple(_read_name(k) for k in sorted(split, key=repr)))
        return found

    def step(self, world: World, move: Move, group: tuple[int, ...]) -> tuple[list[Result], tuple[str, ...]]:
        """The result of `move` in `world` for every dialect of `group` (one object per sub-group
        that agrees), and the reads the group's dialects disagree on."""
        rec = self.recs.get(group[0])
        if rec is None:
            rec = self.recs[group[0]] = Recording.of(self.profiles[group[0]])
        rec.reads.clear()
        r0 = engine.step(world, move.command, rec)
        subs, extra, split = self._plan(group, tuple(sorted(rec.reads, key=repr)))
        self.count += 1 + len(extra)
        if not extra:
            return [r0] * len(group), split
        results = [r0] + [engine.step(world, move.command, self.profiles[i]) for i in extra]
        return [results[s] for s in subs], split


def _differs(results: list[Result], outcomes: list[Outcome]) -> tuple[bool, bool]:
    """(behaviour differs: kind, exit or state; worlds differ)."""
    first = results[0]
    worlds = any(r is not first and r.world != first.world for r in results)
    keys = {o.key() for o in outcomes}
    return worlds or len(keys) > 1, worlds


def _groups(worlds: tuple[World, ...]) -> list[tuple[int, ...]]:
    """The dialects (by index) that share one world, in order of first appearance."""
    seen: dict[int, list[int]] = {}
    for i, w in enumerate(worlds):
        seen.setdefault(id(w), []).append(i)
    return [tuple(g) for g in seen.values()]


def _interned(worlds: list[World]) -> tuple[World, ...]:
    """The tuple of worlds, equal worlds made one object (so dialects that agree again step together)."""
    out: list[World] = []
    for w in worlds:
        for u in out:
            if u is w or u == w:
                w = u
                break
        out.append(w)
    return tuple(out)


def _class(worlds: tuple[World, ...], move: Move) -> str | None:
    """The state class of every dialect's world, or None where the dialects' worlds fall in
    different classes (they got there by a difference earlier in the script: a row of its own)."""
    ref = state_class(worlds[0], move)
    for w in worlds[1:]:
        if w is not worlds[0] and state_class(w, move) != ref:
            return None
    return ref


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
    steps = _Steps(profiles)
    canon = Canon(bounds, "ids")  # up to ids only: every dialect's world keeps the same names
    start = base_state()
    max_images = len(start.images) + bounds.images

    # 1.-2. the product graph: a node is one world per dialect, reached by the same script; every
    # command steps in every dialect's own world (dialects sharing a world step together)
    nodes: list[tuple[World, ...]] = [tuple(start for _ in profiles)]
    parent: list[tuple[int, int] | None] = [None]
    keys: dict[tuple, int] = {tuple(canon.key(w) for w in nodes[0]): 0}
    rows: dict[tuple[str, str], dict] = {}
    apart = 0  # steps in states the dialects reached in different classes
    frontier, level = [0], 0
    while frontier and (bounds.depth is None or level < bounds.depth):
        level += 1
        expand = bounds.depth is None or level < bounds.depth  # the last level's commands are cells, not edges
        next_frontier: list[int] = []
        for u in frontier:
            ws = nodes[u]
            groups = _groups(ws)
            for mi, move in enumerate(moves):
                results: list[Result | None] = [None] * len(ws)
                split: set[str] = set()
                worlds_differ = False
                for g in groups:
                    rs, sp = steps.step(ws[g[0]], move, g)
                    split.update(sp)
                    for i, r in zip(g, rs):
                        results[i] = r
                    worlds_differ |= any(r is not rs[0] and r.world != rs[0].world for r in rs)
                memo: dict[int, Outcome] = {}
                outs = [memo.get(id(r)) or memo.setdefault(id(r), _outcome(ws[i], r, move)) for i, r in enumerate(results)]
                if worlds_differ and len({o.key() for o in outs}) == 1:  # the summary misses what differs: say so
                    distinct: list[World] = []
                    outs = [o if r.world == results[0].world else
                            Outcome(o.result, o.exit, o.changed + (f"state differs ({_index(distinct, r.world)})",), o.message)
                            for r, o in zip(results, outs)]
                differs = worlds_differ or len({o.key() for o in outs}) > 1
                words = len(memo) > 1 and len({(r.stderr, r.stdout) for r in results}) > 1
                cls = _class(ws, move)
                if cls is None:
                    apart += 1
                    row = {"states": 0, "vectors": set(), "policies": set(), "differs": True, "wording": False}
                else:
                    row = rows.get((command_of(move), cls))
                if row is None:
                    key = (command_of(move), cls)
                    row = rows[key] = {"node": u, "move": mi, "outs": tuple(outs), "differs": False, "states": 0,
                                       "vectors": set(), "policies": set(), "wording": False}
                row["states"] += 1
                row["vectors"].add(tuple(o.key() for o in outs))
                row["wording"] |= words
                if differs or (words and compare_wording):
                    row["policies"].update(split)
                    if not row["differs"]:
                        row.update(node=u, move=mi, outs=tuple(outs), differs=True)
                if not expand:
                    continue
                after = _interned([r.world for r in results])
                if all(a is w for a, w in zip(after, ws)) or any(len(w.images) > max_images for w in after):
                    continue
                k = tuple(canon.key(w) for w in after)
                if k not in keys:
                    keys[k] = len(nodes)
                    nodes.append(after)
                    parent.append((u, mi))
                    next_frontier.append(keys[k])
        frontier = next_frontier if expand else []
    if progress is not None:
        progress("explored", len(nodes), steps.count)

    # 3. each node's script: the commands of the breadth-first path to it (the shortest)
    def script(u: int, mi: int) -> tuple[str, ...]:
        lines = [moves[mi].line]
        while parent[u] is not None:
            u, m = parent[u]
            lines.append(moves[m].line)
        return (START_LINE, *reversed(lines))

    # 4. rows: command x state class
    cells = [Cell(state=s, command=c, outcomes=dict(zip(names, row["outs"])), differs=row["differs"],
                  script=script(row["node"], row["move"]), states=row["states"], variants=len(row["vectors"]),
                  policies=tuple(sorted(row["policies"])), wording=row["wording"], compare_wording=compare_wording)
             for (c, s), row in rows.items()]
    cells.sort(key=lambda c: (_verb_order(c.command), c.command, c.state))
    return Matrix(names, cells, bounds, states=len(nodes), unreached=apart,
                  steps=steps.count, seconds=time.perf_counter() - t0, profiles=tuple(profiles))


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
