"""The bounded edge set, and the record of which of its edges a run confirmed on an engine.

`CoverBound` is explore's `Bounds` plus the commands the cover adds to explore's
alphabet: `restart`, and the one race the model knows, a `--rm` container
named twice by `kill` or `stop` (`cover_alphabet`).  `edge_set(bound)` explores
the bound to the end (`state_graph`, depth unbounded by default) and projects
every state-graph edge to its abstract edge (`classes.edge`): the result keeps
the graph, the edge of each graph edge, and which abstract edges only a race
can produce (explore marks each outcome of a racing command `nondeterministic`;
an abstract edge is nondeterministic when every graph edge that realises it is).

`EdgeCoverage` is what a conformance run fills: `record(before, command,
result)` after every step the engine confirmed; `summary()` gives the numbers
every report carries: total, exercised, unreachable, nondeterministic.

    >>> es = edge_set(CoverBound(images=0, containers=1))
    >>> len(es.edges) > 30, es.graph.graph["complete"]
    (True, True)
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from model.profile import DOCKER_20_10, Profile
from model.result import Result
from model.values import World

from ..explore import BASE_REF, Bounds, Move, _move, alphabet, base_state, state_graph
from .classes import Edge, edge, edge_named

__all__ = ["CoverBound", "DEFAULT_BOUND", "parse_bound", "cover_alphabet", "EdgeSet", "edge_set", "EdgeCoverage"]


@dataclass(frozen=True, slots=True)
class CoverBound:
    """The bound a cover explores: explore's names and depth, and whether the race moves are in."""

    images: int = 1
    containers: int = 1
    files: int = 1
    depth: int | None = None  # None: explore until nothing new (every edge of the bound)
    races: bool = True  # `run -d --rm ... sleep 1000`, `kill X X`, `stop X X`

    @property
    def bounds(self) -> Bounds:
        return Bounds(self.images, self.containers, self.files, self.depth)

    def describe(self) -> str:
        depth = "unbounded" if self.depth is None else self.depth
        return (f"images={self.images},containers={self.containers},files={self.files},depth={depth}"
                f",races={'yes' if self.races else 'no'}")

    def as_dict(self) -> dict:
        return {"images": self.images, "containers": self.containers, "files": self.files, "depth": self.depth,
                "races": self.races}


# The bound `conform --cover edges` uses unless told: one container, one image tag (and one image
# beyond the base), one file, every state to the end.  Measured on Docker 20.10 (docs/coverage.md): the cover runs in
# about a minute on two busy cores.
DEFAULT_BOUND = CoverBound()

_KEYS = {"images": int, "containers": int, "files": int, "depth": int, "races": str}


def parse_bound(text: str) -> CoverBound:
    """`images=1,containers=1,files=1,depth=0,races=yes` (any subset; depth 0: unbounded) as a CoverBound.

    >>> parse_bound("containers=2,images=0")
    CoverBound(images=0, containers=2, files=1, depth=None, races=True)
    >>> parse_bound("colour=2")
    Traceback (most recent call last):
    ...
    ValueError: unknown bound 'colour' in 'colour=2': use images, containers, files, depth, races
    """
    values: dict = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = re.fullmatch(r"([a-z]+)=(\S+)", part)
        if m is None:
            raise ValueError(f"bad bound {part!r} in {text!r}: write NAME=VALUE, e.g. images=1,containers=1")
        key, raw = m.groups()
        if key not in _KEYS:
            raise ValueError(f"unknown bound {key!r} in {text!r}: use {', '.join(_KEYS)}")
        if key == "races":
            if raw not in ("yes", "no"):
                raise ValueError(f"races must be yes or no, not {raw!r}")
            values[key] = raw == "yes"
            continue
        if not raw.isdigit():
            raise ValueError(f"{key} must be a whole number, not {raw!r}")
        values[key] = int(raw)
    if values.get("depth") == 0:
        values["depth"] = None
    if values.get("containers", 1) < 1:
        raise ValueError("containers must be at least 1: the lifecycle needs a container")
    return CoverBound(**values)


def cover_alphabet(bound: CoverBound) -> tuple[Move, ...]:
    """explore's alphabet, plus `restart`, and with `races` the auto-removal race of each container.

    >>> [m.line for m in cover_alphabet(CoverBound(images=0))][-4:]
    ['docker restart ctr1', 'docker run -d --rm --name ctr1 base:1 sleep 1000', 'docker kill ctr1 ctr1', 'docker stop ctr1 ctr1']
    """
    moves = list(alphabet(bound.bounds))
    for name in bound.bounds.container_names:
        moves.append(_move(["restart", name], name, (name,)))
        if bound.races:
            moves.append(_move(["run", "-d", "--rm", "--name", name, BASE_REF, "sleep", "1000"], name, (name, BASE_REF)))
            moves.append(_move(["kill", name, name], name, (name,)))
            moves.append(_move(["stop", name, name], name, (name,)))
    return tuple(moves)


@dataclass
class EdgeSet:
    """The abstract edges of a bounded state graph, and how the graph realises each one."""

    bound: CoverBound
    graph: nx.MultiDiGraph  # explore's state graph; each edge also carries `edge` (its abstract Edge)
    moves: tuple[Move, ...]
    edges: frozenset[Edge]
    nondeterministic: frozenset[Edge]  # only a race produces them: the engine chooses

    @property
    def deterministic(self) -> frozenset[Edge]:
        return self.edges - self.nondeterministic


def move_index(key) -> int:
    """The alphabet index of a state-graph edge key (`7`, or `"7.1"` for a race's second outcome)."""
    return key if isinstance(key, int) else int(str(key).split(".")[0])


def edge_set(bound: CoverBound = DEFAULT_BOUND, profile: Profile = DOCKER_20_10, start: World | None = None,
             invariants=()) -> EdgeSet:
    """Explore `bound` from `start` (the imported base) and project every edge to its abstract edge."""
    moves = cover_alphabet(bound)
    G = state_graph(start if start is not None else base_state(), bound.bounds, moves, invariants=invariants,
                    profile=profile)
    realised: dict[Edge, bool] = {}  # edge -> some realisation is deterministic
    for u, v, k, d in G.edges(keys=True, data=True):
        e = edge_named(G.nodes[u]["world"], moves[move_index(k)].command, d["outcome"])
        d["edge"] = e
        realised[e] = realised.get(e, False) or not d["nondeterministic"]
    return EdgeSet(bound, G, moves, frozenset(realised), frozenset(e for e, det in realised.items() if not det))


@dataclass
class EdgeCoverage:
    """Which edges of a bounded set a run confirmed on the engine (the engine agreed with the model)."""

    edges: EdgeSet | None = None
    seen: Counter = field(default_factory=Counter)  # every edge confirmed, in the set or not
    unreachable: set = field(default_factory=set)  # edges the cover gave up on (set by the cover)
    steps: int = 0

    def record(self, before: World, command: object, result: Result) -> Edge:
        e = edge(before, command, result)
        self.seen[e] += 1
        self.steps += 1
        return e

    def exercised(self) -> frozenset[Edge]:
        if self.edges is None:
            return frozenset()
        return frozenset(e for e in self.seen if e in self.edges.edges)

    def missing(self) -> list[Edge]:
        """Edges of the set never confirmed, deterministic ones first."""
        if self.edges is None:
            return []
        done = self.exercised()
        return sorted((e for e in self.edges.edges if e not in done), key=lambda e: (e in self.edges.nondeterministic, e))

    def summary(self) -> dict:
        """{"total", "exercised", "unreachable", "nondeterministic", ...}: what every report carries.

        `unreachable` counts the deterministic edges the run never reached (a random run
        reaches few; a cover reaches all of them or says which it gave up on);
        `nondeterministic` counts the edges only a race produces, exercised or not, and
        `nondeterministic_exercised` those the engine chose during this run."""
        if self.edges is None:
            return {"total": 0, "exercised": 0, "unreachable": 0, "nondeterministic": 0, "bound": None}
        done = self.exercised()
        nd = self.edges.nondeterministic
        det = self.edges.deterministic
        det_done = len(det & done)
        return {
            "total": len(self.edges.edges),
            "exercised": len(done),
            "unreachable": len(det - done),
            "nondeterministic": len(nd),
            "nondeterministic_exercised": len(nd & done),
            "deterministic_percent": round(100.0 * det_done / len(det), 1) if det else 100.0,
            "percent": round(100.0 * len(done) / len(self.edges.edges), 1) if self.edges.edges else 100.0,
            "bound": self.edges.bound.describe(),
            "dialect": self.edges.graph.graph.get("dialect"),
        }
