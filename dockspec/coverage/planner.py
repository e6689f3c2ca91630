"""The cover planner: a small set of command sequences that together traverse every edge.

Theory of operation
-------------------
The problem is the all-transitions tour of model-based testing: a shortest
walk through a graph that takes each *abstract* edge at least once, where a
session may start over from the start state (a fresh engine session: `docker
import base.tar base:1`).  Exactly, that is a generalised Chinese postman /
rural postman problem over thousands of state-graph edges standing for a few
hundred abstract ones, NP-hard in general; the planner is the greedy
nearest-uncovered-edge heuristic, which is within a few percent of the lower
bound on these graphs (`bench/cover_speed` prints both):

1. from the current state, breadth first over the state graph's documented
   outcomes (a race's other outcomes cannot be planned: the engine picks),
   find the nearest state with an edge whose abstract edge is still to do;
2. compare with starting over: the shortest path from the start state to the
   nearest such state, plus `restart_cost`; take the cheaper (so prefixes
   from the start state are reused: a new sequence begins with a shortest
   path, never a replay of an old sequence);
3. walk there, take the edge, strike every abstract edge walked on the way;
   a racing command ends its sequence (the engine may have gone any way the
   race allows, and its auto-removal may still be under way).

Everything is ordered (nodes by number, edges by alphabet index), so the same
graph and edge set give the same plan.  Abstract edges that only a race
produces are not planned; the commands that trigger them are, through their
documented outcome.  A lower bound on any plan's steps is the number of edges
it must cover (each step takes one edge).

    >>> from dockspec.coverage.edges import CoverBound, edge_set
    >>> es = edge_set(CoverBound(images=0, containers=1, files=0, races=False))
    >>> p = plan(es)
    >>> p.covered == es.edges, p.steps >= len(es.edges)
    (True, True)
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .classes import Edge
from .edges import EdgeSet

__all__ = ["Step", "Plan", "plan", "adjacency", "lower_bound"]

RESTART_COST = 2  # a new session: the base import, and the clean-up of the old one
MAX_SEQUENCE = 80  # steps; a longer sequence starts over (a divergence's script stays readable)


@dataclass(frozen=True, slots=True)
class Step:
    """One planned command: from state `u`, move `move` (alphabet index), to state `v`, taking `edge`."""

    u: int
    move: int
    v: int
    line: str
    edge: Edge


@dataclass(frozen=True)
class Plan:
    """Command sequences, each from the start state; what they cover, and what could not be planned."""

    sequences: tuple[tuple[Step, ...], ...]
    covered: frozenset[Edge]
    unplanned: frozenset[Edge]  # edges of the set no planned step takes (races' other outcomes, unreachable)
    continues: bool = False  # the first sequence goes on from `current` (a session under way), not the start

    @property
    def steps(self) -> int:
        return sum(len(s) for s in self.sequences)

    def scripts(self, start_line: str = "docker import base.tar base:1") -> list[str]:
        """Each sequence as a docker script."""
        return ["\n".join([start_line, *(s.line for s in seq)]) + "\n" for seq in self.sequences]


def adjacency(es: EdgeSet) -> dict[int, list[tuple[int, int, Edge, bool]]]:
    """node -> [(move index, next node, abstract edge, racing)] over documented outcomes, in alphabet order."""
    adj: dict[int, list[tuple[int, int, Edge, bool]]] = {n: [] for n in es.graph}
    for u, v, k, d in es.graph.edges(keys=True, data=True):
        if isinstance(k, int):  # a race's other outcomes ("7.1") are the engine's choice
            adj[u].append((k, v, d["edge"], d["nondeterministic"]))
    for n in adj:
        adj[n].sort(key=lambda t: t[0])
    return adj


def _bfs(adj, source: int, wanted) -> tuple[dict[int, tuple[int, int] | None], int | None]:
    """Breadth first from `source`; stops at the first node `wanted` accepts. (parents, that node)."""
    parent: dict[int, tuple[int, int] | None] = {source: None}
    if wanted(source):
        return parent, source
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for mi, v, _, racing in adj[u]:
            if v not in parent and not racing:  # routes avoid races: the engine may go elsewhere
                parent[v] = (u, mi)
                if wanted(v):
                    return parent, v
                queue.append(v)
    return parent, None


def _path(parent, node: int) -> list[tuple[int, int]]:
    """(u, move) pairs from the BFS source to `node`."""
    out = []
    while parent[node] is not None:
        u, mi = parent[node]
        out.append((u, mi))
        node = u
    return out[::-1]


def plan(es: EdgeSet, todo: frozenset[Edge] | None = None, current: int | None = None, start: int = 0,
         restart_cost: int = RESTART_COST, max_sequence: int = MAX_SEQUENCE) -> Plan:
    """Sequences that take every edge of `todo` (default: all of `es`) that a documented outcome can.

    With `current`, the first sequence continues from that state (a session under way) instead
    of starting from `start`; every later sequence starts from `start`.
    """
    adj = adjacency(es)
    lines = [m.line for m in es.moves]
    todo_set = set(es.edges if todo is None else todo)
    plannable = {e for outs in adj.values() for _, _, e, _ in outs}
    unplanned = frozenset(todo_set - plannable)
    todo_set &= plannable
    # per node, how many of its documented edges are still to do (a node is "wanted" while > 0)
    owners: dict[Edge, list[int]] = {}
    for u, outs in adj.items():
        for _, _, e, _ in outs:
            owners.setdefault(e, []).append(u)
    pending = {u: sum(1 for _, _, e, _ in outs if e in todo_set) for u, outs in adj.items()}
    from_start, _ = _bfs(adj, start, lambda n: False)
    depth = {n: len(_path(from_start, n)) for n in from_start}

    def strike(e: Edge) -> None:
        if e in todo_set:
            todo_set.discard(e)
            for u in owners[e]:
                pending[u] -= 1

    sequences: list[list[Step]] = []
    seq: list[Step] | None = None
    cur = current
    continues = False
    if current is not None:
        seq = []
        continues = True
    covered: set[Edge] = set()
    while todo_set:
        wanted = lambda n: pending.get(n, 0) > 0  # noqa: E731
        target_here = None
        parent_here = None
        if cur is not None and seq is not None and len(seq) < max_sequence:
            parent_here, target_here = _bfs(adj, cur, wanted)
        reach = [n for n in depth if wanted(n)]
        target_fresh = min(reach, key=lambda n: (depth[n], n)) if reach else None
        if target_here is None and target_fresh is None:
            break  # what is left cannot be reached from here nor from the start
        here = len(_path(parent_here, target_here)) if target_here is not None else None
        if here is None or (target_fresh is not None and depth[target_fresh] + restart_cost < here):
            if seq:
                sequences.append(seq)
            elif not sequences:
                continues = False  # the session under way is abandoned before its first step
            seq, cur = [], start
            route, target = _path(from_start, target_fresh), target_fresh
        else:
            route, target = _path(parent_here, target_here), target_here
        for u, mi in route:
            v, e = next((v, e) for m, v, e, _ in adj[u] if m == mi)
            seq.append(Step(u, mi, v, lines[mi], e))
            covered.add(e)
            strike(e)
        mi, v, e, racing = next((m, v, e, r) for m, v, e, r in adj[target] if e in todo_set)
        seq.append(Step(target, mi, v, lines[mi], e))
        covered.add(e)
        strike(e)
        cur = v
        if racing:  # after a race the engine may be anywhere the race allows: a session ends with one
            sequences.append(seq)
            seq, cur = None, None
    if seq:
        sequences.append(seq)
    elif not sequences:
        continues = False
    return Plan(tuple(tuple(s) for s in sequences), frozenset(covered), unplanned | frozenset(todo_set), continues)


def lower_bound(es: EdgeSet) -> int:
    """No plan takes fewer steps than the plannable edges it must cover: one edge a step."""
    return len({e for outs in adjacency(es).values() for _, _, e, _ in outs})

