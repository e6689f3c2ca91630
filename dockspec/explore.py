"""Exploration: every state the model can reach within a bound, as a graph.

Theory of operation
-------------------
Random command sequences find bugs; the graph of *every* reachable state
within a bound shows the whole shape of the model and proves the invariants
for that bound.

**The alphabet.**  A `Bounds` names a finite alphabet of docker command lines
(`alphabet`): containers `ctr1..ctrN`, image tags `img1..imgM` and files
`/tmp/f1../tmp/fK`; the verbs are `run -d` and `create` with a few workloads
(`sleep 1000`, `true`, `touch /tmp/fK`, `rm -rf /tmp/fK`) on `base:1` or an
`imgY`, `start`, `stop`, `kill`, `pause`, `unpause`, `rm`, `rm -f`,
`exec X touch /tmp/fK`, `commit X imgY`, `rmi`, `rmi -f` and `tag`.  Each line
is parsed by `dockspec.argv`, so a path through the graph *is* a docker script.
Containers are named `ctrN`, not `cN`: docker resolves a name it does not know
as an id prefix, and `c1` is hexadecimal, so `docker rm c1` could hit a
container whose id happens to start with `c1` and the graph would depend on
hash values.

**Breadth first.**  `state_graph` applies every command of the alphabet to every
state, level by level, up to `depth` commands (None: until nothing new is
reached).  Commit makes a new image each time, so the number of images the
start state does not have is bounded too (`Bounds.images`): a command that
would exceed it is *pruned* (counted, not drawn).  Nodes are state numbers in
discovery order; node 0 is the start state; each node carries its state
(`world`), its `depth`, a one-line `label`, and the number of name-labelled
states it stands for (`orbit`).  Edges carry the command line (`command`) and
its outcome (`outcome`: "ok", an error kind such as "remove_running", or
"exit N"); a refusal, or a command that changes nothing, is a self-loop.
Every invariant is checked on every new state; the first violation stops the
search, and since the search is breadth first the path to it is a shortest
reproducer (`G.graph["violation"]`).

**Canonical form (`Canon`).**  Two states are one node when they differ only
by:

* *ids and the clock* (always): container ids, image ids and the logical
  clock are names the engine chose; the key replaces them by positions in
  creation order (images, then containers, oldest first), so only the
  relative order of creation survives, and `docker ps`, `rmi`'s conflict
  choice and the like depend on nothing else.  Layer ids are content
  digests and stay as they are.
* *names of the alphabet* (`symmetry="names"`, the default): the alphabet is
  closed under any permutation of `ctr1..ctrN` and of `img1..imgM`, so
  permuting them maps reachable states to reachable states and paths to
  paths.  The key drops container names (creation order identifies a
  container) and numbers the `imgY` tags by first occurrence: first the
  references containers were created from (oldest container first), then the
  tags of each image in creation order.  Tags that point at the same image
  and that no container names are interchangeable, so which of them gets
  which number does not change the key.

File names `f1..fK` are symmetric too, but they live inside content-addressed
layers; the key leaves them alone.  `symmetry="ids"` keeps the names (only
ids and clock are abstracted) and `symmetry="none"` uses the `World` itself,
clock included; the notebooks compare the three.

**Dialects.**  The graph is the model's in one dialect (`model.dialects`,
`profile=`; Docker 20.10 by default): every command steps with that engine's
profile, and only the invariants that hold in it are checked
(`invariants_for`; an invariant names the policy it needs with
`spec.policies.only_where`).

    >>> G = state_graph(base_state(), Bounds(images=0, containers=1, files=0, depth=1), invariants=())
    >>> G.number_of_nodes(), G.nodes[0]["label"]
    (5, 'base:1')
"""
from __future__ import annotations

import dataclasses
import importlib
import json
import math
import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import click
import networkx as nx

from model import engine
from model.profile import DOCKER_20_10, Profile
from model.result import Result, outcomes
from model.values import Container, History, Image, World

from . import argv as argv_mod
from .dialects import dialect_option

__all__ = [
    "Bounds", "Move", "alphabet", "lifecycle_alphabet", "base_state", "Canon",
    "Invariant", "load_invariants", "Violation", "Timing", "state_graph", "explore",
]

CONTAINER_PREFIX = "ctr"
IMAGE_PREFIX = "img"
FILE_DIR = "/tmp"
BASE_REF = "base:1"
START_LINE = "docker import base.tar base:1"


# -- the alphabet ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bounds:
    """How much of the model to explore: names in the alphabet, and how deep."""

    images: int = 1  # image tags img1..imgM, and at most M images beyond the start state's
    containers: int = 2  # container names ctr1..ctrN
    files: int = 1  # files /tmp/f1../tmp/fK
    depth: int | None = 5  # commands from the start state; None: until nothing new is reached

    @property
    def container_names(self) -> tuple[str, ...]:
        return tuple(f"{CONTAINER_PREFIX}{i}" for i in range(1, self.containers + 1))

    @property
    def image_tags(self) -> tuple[str, ...]:
        return tuple(f"{IMAGE_PREFIX}{i}" for i in range(1, self.images + 1))

    @property
    def file_paths(self) -> tuple[str, ...]:
        return tuple(f"{FILE_DIR}/f{i}" for i in range(1, self.files + 1))


@dataclass(frozen=True, slots=True)
class Move:
    """One letter of the alphabet: a docker command line, its command value, and what it targets."""

    line: str
    command: object
    verb: str  # the verb with its flags and workload, without the names: "rm -f", "run -d true"
    container: str | None = None


class _NoFiles:
    def read(self, path: str) -> bytes:
        raise argv_mod.UsageError(f"the alphabet reads no files ({path})")

    def tree(self, path: str) -> dict[str, bytes]:
        raise argv_mod.UsageError(f"the alphabet reads no files ({path})")


def _move(words: list[str], container: str | None = None, drop: Iterable[str] = ()) -> Move:
    _, command = argv_mod.parse(["docker", *words], _NoFiles())
    dropped = set(drop)
    verb = " ".join(w for w in words if w not in dropped and w != "--name")
    return Move("docker " + " ".join(words), command, verb, container)


def _workloads(files: tuple[str, ...]) -> list[list[str]]:
    return [["sleep", "1000"], ["true"]] + [["touch", f] for f in files] + [["rm", "-rf", f] for f in files]


# `stop -t 0`: time passes in every container while a stop waits (model.clock), so a bare
# `stop` (10 s) would make every other sleep's time left part of the state, 10 s a stop.
_STOP = ["stop", "-t", "0"]
_NO_WAIT = ("-t", "0")


def alphabet(bounds: Bounds) -> tuple[Move, ...]:
    """The command lines `state_graph` tries in every state, in a fixed order.

    >>> moves = alphabet(Bounds(images=1, containers=1, files=1))
    >>> len(moves), moves[0].line
    (28, 'docker run -d --name ctr1 base:1 sleep 1000')
    >>> sorted({m.verb for m in moves if m.container})[:4]
    ['commit img1', 'create rm -rf /tmp/f1', 'create sleep 1000', 'create touch /tmp/f1']
    """
    tags = bounds.image_tags
    sources = (BASE_REF,) + tags
    moves: list[Move] = []
    for name in bounds.container_names:
        for verb in (["run", "-d"], ["create"]):
            for src in sources:
                for work in _workloads(bounds.file_paths):
                    moves.append(_move([*verb, "--name", name, src, *work], name, (name, src)))
        for verb in (["start"], _STOP, ["kill"], ["pause"], ["unpause"], ["rm"], ["rm", "-f"]):
            moves.append(_move([*verb, name], name, (name,) + _NO_WAIT))
        for f in bounds.file_paths:
            moves.append(_move(["exec", name, "touch", f], name, (name,)))
        for tag in tags:
            moves.append(_move(["commit", name, tag], name, (name,)))
    for tag in tags:
        moves.append(_move(["rmi", tag]))
        moves.append(_move(["rmi", "-f", tag]))
        for src in sources:
            if src != tag:
                moves.append(_move(["tag", src, tag]))
    return tuple(moves)


def lifecycle_alphabet(name: str = f"{CONTAINER_PREFIX}1") -> tuple[Move, ...]:
    """The commands that move one container through its lifecycle (no images, no files).

    >>> [m.verb for m in lifecycle_alphabet()][:3]
    ['run -d sleep 1000', 'run -d true', 'create sleep 1000']
    """
    moves = []
    for verb in (["run", "-d"], ["create"]):
        for work in (["sleep", "1000"], ["true"]):
            moves.append(_move([*verb, "--name", name, BASE_REF, *work], name, (name, BASE_REF)))
    for verb in (["start"], _STOP, ["kill"], ["pause"], ["unpause"], ["restart", "-t", "0"], ["rm"], ["rm", "-f"]):
        moves.append(_move([*verb, name], name, (name,) + _NO_WAIT))
    return tuple(moves)


def base_state() -> World:
    """The start state: an engine that has imported the busybox-like base image as `base:1`."""
    from spec.fixtures import base_world

    return base_world()


# -- canonical form -------------------------------------------------------------------


# What the key keeps of each value: every field but the ids, names and clock ticks it
# abstracts (computed from the dataclasses, so a field added to the model is kept).
_CONTAINER_OWN = tuple(f.name for f in dataclasses.fields(Container) if f.name not in ("id", "name", "image", "image_ref", "created"))
_IMAGE_OWN = tuple(f.name for f in dataclasses.fields(Image) if f.name not in ("id", "created", "parent", "history", "container"))
_HISTORY_OWN = tuple(f.name for f in dataclasses.fields(History) if f.name != "created")


class Canon:
    """Canonical keys of states, up to ids, clock and (optionally) the alphabet's names.

    `key(world)` is a tuple of small ints and strings, cheap to hash: the parts
    of a state that rarely change (the images, one container's own fields) are
    numbered once, by object identity, since the model shares unchanged
    values between a state and its successors.

        >>> from model import commands as cmd
        >>> canon = Canon(Bounds(containers=2))
        >>> w = base_state()
        >>> a = engine.step(w, cmd.Create("base:1", ("true",), name="ctr1")).world
        >>> b = engine.step(w, cmd.Create("base:1", ("true",), name="ctr2")).world
        >>> canon.key(a) == canon.key(b), Canon(Bounds(containers=2), "ids").key(a) == Canon(Bounds(containers=2), "ids").key(b)
        (True, False)
    """

    MODES = ("names", "ids", "none")

    def __init__(self, bounds: Bounds, symmetry: str = "names"):
        if symmetry not in self.MODES:
            raise ValueError(f"symmetry must be one of {self.MODES}, not {symmetry!r}")
        self.symmetry = symmetry
        self.names = frozenset(bounds.container_names) if symmetry == "names" else frozenset()
        self.tags = {}
        if symmetry == "names":
            for t in bounds.image_tags:
                self.tags[t] = self.tags[t + ":latest"] = t + ":latest"
        self.n_names = bounds.containers
        self.n_tags = bounds.images
        self._numbers: dict = {}  # value -> small int (interning)
        self._by_identity: dict[int, tuple] = {}  # id(object) -> (object, memo), objects kept alive

    def _number(self, value: object) -> int:
        n = self._numbers.get(value)
        if n is None:
            n = self._numbers[value] = len(self._numbers)
        return n

    def _images(self, images) -> tuple[dict[str, int], int, dict[str, int]]:
        """Image id -> position in creation order, and the number of the image part."""
        return self._memo(images, self._images_part, "images")

    def _images_part(self, images) -> tuple[dict[str, int], int, dict[str, int]]:
        order = sorted(images.values(), key=lambda i: (i.created, i.id))
        index = {img.id: n for n, img in enumerate(order)}
        # The container an image was committed from, numbered by first mention
        # (its id is as arbitrary as any other); key() ties live containers to it.
        committed: dict[str, int] = {}
        for img in order:
            if img.container:
                committed.setdefault(img.container, len(committed))
        part = tuple(
            (index.get(img.parent, -1) if img.parent else -2,
             committed.get(img.container, -1),
             tuple(tuple(getattr(h, f) for f in _HISTORY_OWN) for h in img.history),
             *(getattr(img, f) for f in _IMAGE_OWN))
            for img in order
        )
        return index, self._number(part), committed

    def _memo(self, value, compute, kind: str):
        """`compute(value)`, once per object and kind: parts of a state are shared between states.

        The kind is part of the key: one object can be two parts (an engine with no image and
        no layer holds the same empty frozendict as both)."""
        hit = self._by_identity.get((kind, id(value)))
        if hit is not None and hit[0] is value:
            return hit[1]
        result = compute(value)
        self._by_identity[(kind, id(value))] = (value, result)
        return result

    def _local(self, c) -> int:
        """The number of a container's own fields: all but id, name, image id and creation time
        (its processes know its short id as their host name: that is abstracted too)."""
        def own(c):
            return tuple(tuple(_without_host(p, c.short_id) for p in c.processes) if f == "processes"
                         else getattr(c, f) for f in _CONTAINER_OWN)
        return self._memo(c, lambda c: self._number(own(c)), "container")

    def _layers(self, layers) -> int:
        return self._memo(layers, lambda layers: self._number(frozenset(layers)), "layers")

    def key(self, world: World) -> object:
        """The canonical key of a state: equal keys, equivalent states."""
        if self.symmetry == "none":
            return world
        index, images_part, committed = self._images(world.images)
        gone: dict[str, int] = {}  # images containers use but the engine deleted (rmi -f)
        tag_no: dict[str, int] = {}
        cs = []
        for c in sorted(world.containers.values(), key=lambda c: c.created):
            img = index.get(c.image)
            if img is None:
                img = gone.setdefault(c.image, len(index) + len(gone))
            ref = c.image_ref
            sym = self.tags.get(ref)
            if sym is not None:
                ref = tag_no.setdefault(sym, len(tag_no))
            name = None if c.name in self.names else c.name
            cs.append((self._local(c), img, ref, name, committed.get(c.id, -1)))
        tags = []
        if self.tags:
            by_image: dict[int, list[str]] = {}
            for t, iid in world.tags.items():
                if t in self.tags:
                    by_image.setdefault(index[iid], []).append(t)
                else:
                    tags.append((t, index[iid]))
            for img in sorted(by_image):
                known = sorted(tag_no[t] for t in by_image[img] if t in tag_no)
                fresh = [t for t in by_image[img] if t not in tag_no]
                for t in fresh:
                    tag_no[t] = len(tag_no)
                tags.extend((n, img) for n in known)
                tags.extend((tag_no[t], img) for t in fresh)
        else:
            tags = [(t, index[iid]) for t, iid in world.tags.items()]
        tags.sort(key=repr)
        return (images_part, self._layers(world.layers), tuple(cs), tuple(tags))

    def orbit(self, world: World) -> int:
        """How many name-labelled states (`symmetry="ids"`) this state's key stands for.

        Containers are told apart by creation order, so k named containers
        take N!/(N-k)! names; the j tags and references in use take
        M!/(M-j)! names, divided by m! for each group of m tags that point at
        one image and that no container names (swapping them changes nothing).
        """
        if self.symmetry != "names":
            return 1
        k = sum(1 for c in world.containers.values() if c.name in self.names)
        used = {self.tags[c.image_ref] for c in world.containers.values() if c.image_ref in self.tags}
        groups: dict[str, int] = {}
        for t, iid in world.tags.items():
            if t in self.tags:
                used.add(t)
                if t not in {self.tags[c.image_ref] for c in world.containers.values() if c.image_ref in self.tags}:
                    groups[iid] = groups.get(iid, 0) + 1
        n = math.perm(self.n_names, k) * math.perm(self.n_tags, len(used))
        for m in groups.values():
            n //= math.factorial(m)
        return n


# -- invariants -----------------------------------------------------------------------


@dataclass(frozen=True)
class Invariant:
    """A named predicate over a state: `check(world)` is None when it holds, else why not."""

    name: str
    doc: str
    fn: Callable = field(repr=False)

    def check(self, world: World) -> str | None:
        try:
            ok = self.fn(world)
        except AssertionError as e:
            return str(e) or "assertion failed"
        if ok is None or ok is True:
            return None
        if ok is False:
            return "does not hold"
        if isinstance(ok, (tuple, list, set, frozenset)):  # violations(world) -> tuple of messages
            return "; ".join(map(str, ok)) if ok else None
        if isinstance(ok, str):
            return ok or None
        return None if ok else "does not hold"


def _without_host(p, host: str):
    """A process with its container's short id (host name, $HOSTNAME) blanked, in its whole tree."""
    from dataclasses import replace

    from frozendict import frozendict

    mine = f"HOSTNAME={host}"
    return replace(p, hostname="" if p.hostname == host else p.hostname,
                   env=tuple("HOSTNAME=" if e == mine else e for e in p.env),
                   vars=frozendict({k: "" if k == "HOSTNAME" and v == host else v for k, v in p.vars.items()}),
                   fg=None if p.fg is None else _without_host(p.fg, host),
                   jobs=tuple(_without_host(j, host) for j in p.jobs))


def _as_invariant(obj: object, name: str | None = None) -> Invariant:
    if isinstance(obj, Invariant):
        return obj
    fn = getattr(obj, "fn", None) or getattr(obj, "predicate", None) or getattr(obj, "check", None) or obj
    if not callable(fn):
        raise TypeError(f"not an invariant: {obj!r}")
    nm = name or getattr(obj, "name", None) or getattr(fn, "__name__", repr(fn))
    doc = getattr(obj, "doc", None) or getattr(fn, "__doc__", None) or ""
    return Invariant(str(nm), " ".join(doc.split()), fn)


def load_invariants(module: str = "spec.invariants") -> tuple[Invariant, ...]:
    """Every invariant of the property suite, found in `module`.

    The suite lists them in a tuple or dict (`INVARIANTS`, `ALL`), or names
    them `inv_*`.  When the module or the list is missing this raises: an
    exploration that checked nothing must not look like one that proved
    something.
    """
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        raise RuntimeError(f"cannot check invariants: {module} is missing ({e})") from e
    for attr in ("INVARIANTS", "ALL", "invariants", "ALL_INVARIANTS"):
        found = getattr(mod, attr, None)
        if callable(found) and not isinstance(found, type):
            found = found()
        if isinstance(found, dict):
            return tuple(_as_invariant(v, k) for k, v in found.items())
        if isinstance(found, (tuple, list)) and found:
            return tuple(_as_invariant(v) for v in found)
    named = [v for k, v in sorted(vars(mod).items()) if k.startswith("inv_") and callable(v)]
    if named:
        return tuple(_as_invariant(v) for v in named)
    raise RuntimeError(f"cannot check invariants: {module} lists none (INVARIANTS, ALL or inv_* functions)")


def invariants_for(profile: Profile = DOCKER_20_10, module: str = "spec.invariants") -> tuple[Invariant, ...]:
    """The invariants of `module` that hold in the dialect `profile` (`spec.policies.applies`)."""
    from spec.policies import applies

    return tuple(i for i in load_invariants(module) if applies(i.fn, profile))


@dataclass(frozen=True)
class Violation:
    """An invariant broken in a reachable state, and a shortest script that reaches it."""

    node: int
    failures: tuple[tuple[str, str], ...]  # (invariant name, why)
    lines: tuple[str, ...]  # docker command lines from the start state

    def script(self, start_line: str = START_LINE) -> str:
        head = [f"# breaks: {', '.join(n for n, _ in self.failures)}"]
        head += [f"#   {n}: {why}" for n, why in self.failures]
        return "\n".join(head + [start_line, *self.lines]) + "\n"


# -- breadth-first exploration --------------------------------------------------------


@dataclass
class Timing:
    """Where an exploration spent its time, in seconds."""

    transitions: float = 0.0  # model.step
    canonical: float = 0.0  # canonical keys
    bookkeeping: float = 0.0  # queues, node and edge records, the networkx graph
    invariants: float = 0.0
    total: float = 0.0

    def as_dict(self) -> dict:
        return {k: round(getattr(self, k), 4) for k in ("transitions", "canonical", "bookkeeping", "invariants", "total")}


def _outcome(r: Result) -> str:
    if r.error is not None:
        return r.error.kind.value
    return "ok" if r.exit == 0 else f"exit {r.exit}"


def state_label(world: World) -> str:
    """One line that says what a state holds: containers with status, then tags.

    >>> state_label(base_state())
    'base:1'
    """
    parts = [f"{c.name}:{c.status.value}" for c in sorted(world.containers.values(), key=lambda c: c.created)]
    by_image: dict[str, list[str]] = {}
    for t, iid in sorted(world.tags.items()):
        by_image.setdefault(iid, []).append(t.removesuffix(":latest"))
    extra = len(world.images) - len(by_image)
    parts += ["=".join(ts) for ts in by_image.values()]
    if extra:
        parts.append(f"+{extra} untagged")
    return " ".join(parts)


def state_graph(start: World, bounds: Bounds = Bounds(), moves: tuple[Move, ...] | None = None, *,
            symmetry: str = "names", invariants: Iterable | None = None,
            progress: Callable[[int, int, int], None] | None = None,
            timing: Timing | None = None, profile: Profile = DOCKER_20_10,
            on_step: Callable[[int, int, Result], None] | None = None) -> nx.MultiDiGraph:
    """Every state reachable from `start` within `bounds`, breadth first, as a multigraph.

    `moves` defaults to `alphabet(bounds)`; `invariants` to `invariants_for(profile)`
    (pass `()` to check none); every command steps in the dialect `profile`.  `progress(level, states, frontier)` is called
    after each level; `on_step(node, move index, result)` after every step (`dockspec.matrix`
    reads each step's result there instead of stepping again).  The graph's attributes: `bounds`, `symmetry`,
    `invariants` (names checked), `dialect` (the profile's name), `violation` (a `Violation` or None),
    `complete` (no state left unexpanded), `pruned` (commands that would
    exceed the image bound) and `timing` (a `Timing`, when given one).

    >>> G = state_graph(base_state(), Bounds(images=0, containers=1, files=0, depth=None), lifecycle_alphabet(), invariants=())
    >>> G.number_of_nodes(), G.graph["complete"]
    (7, True)
    """
    moves = alphabet(bounds) if moves is None else tuple(moves)
    checks = tuple(_as_invariant(i) for i in (invariants_for(profile) if invariants is None else invariants))
    canon = Canon(bounds, symmetry)
    max_images = len(start.images) + bounds.images
    step = engine.step
    clock = time.perf_counter
    t = timing or Timing()
    t_begin = clock()

    worlds: list[World] = [start]
    depth_of: list[int] = [0]
    parent: list[tuple[int, int] | None] = [None]  # (node, move index) of the first edge in
    ids: dict[object, int] = {canon.key(start): 0}
    edges: list[tuple[int, int, int, str]] = []  # (u, v, move index, outcome)
    pruned = 0
    violation: Violation | None = None

    def check(node: int) -> Violation | None:
        t0 = clock()
        failures = []
        for inv in checks:
            why = inv.check(worlds[node])
            if why is not None:
                failures.append((inv.name, why))
        t.invariants += clock() - t0
        if not failures:
            return None
        return Violation(node, tuple(failures), _lines(parent, moves, node))

    violation = check(0)
    frontier = [0] if violation is None else []
    level = 0
    while frontier and (bounds.depth is None or level < bounds.depth) and violation is None:
        level += 1
        next_frontier: list[int] = []
        for u in frontier:
            w = worlds[u]
            for mi, move in enumerate(moves):
                t0 = clock()
                r = step(w, move.command, profile)
                t1 = clock()
                t.transitions += t1 - t0
                if on_step is not None:
                    on_step(u, mi, r)
                # Where the engine races with itself, every allowed outcome is an edge of its own
                # (keyed "MOVE.N"), and each new state it reaches is explored.
                for j, rj in enumerate(outcomes(r) if r.alternatives else (r,)):
                    t1 = clock()
                    key = mi if j == 0 else f"{mi}.{j}"
                    w2 = rj.world
                    if w2 is w:
                        edges.append((u, u, key, _outcome(rj)))
                        t.bookkeeping += clock() - t1
                        continue
                    if len(w2.images) > max_images:
                        pruned += 1
                        t.bookkeeping += clock() - t1
                        continue
                    k = canon.key(w2)
                    t2 = clock()
                    t.canonical += t2 - t1
                    v = ids.get(k)
                    if v is None:
                        v = ids[k] = len(worlds)
                        worlds.append(w2)
                        depth_of.append(level)
                        parent.append((u, mi))
                        next_frontier.append(v)
                    edges.append((u, v, key, _outcome(rj)))
                    t.bookkeeping += clock() - t2
                    if v == len(worlds) - 1 and parent[v] == (u, mi) and checks:
                        violation = check(v)
                        if violation is not None:
                            break
                if violation is not None:
                    break
            if violation is not None:
                break
        frontier = next_frontier
        if progress is not None:
            progress(level, len(worlds), len(frontier))

    t0 = clock()
    racing = {(u, key) for u, _, key, _ in edges if not isinstance(key, int)}
    G = nx.MultiDiGraph()
    expanded = len(worlds) - len(frontier) if violation is None else None
    for n, w in enumerate(worlds):
        G.add_node(n, world=w, depth=depth_of[n], label=state_label(w), orbit=canon.orbit(w))
    def move_of(key) -> Move:
        return moves[key if isinstance(key, int) else int(key.split(".")[0])]

    G.add_edges_from(
        (u, v, key, {"command": move_of(key).line, "verb": move_of(key).verb, "outcome": out,
                     "nondeterministic": not isinstance(key, int) or (u, f"{key}.1") in racing})
        for u, v, key, out in edges
    )
    G.graph.update(
        bounds=bounds, symmetry=symmetry, dialect=profile.name, invariants=tuple(i.name for i in checks), violation=violation,
        complete=not frontier and violation is None, frontier=tuple(frontier), pruned=pruned,
        levels=level, expanded=expanded, timing=t,
    )
    t.bookkeeping += clock() - t0
    t.total = clock() - t_begin
    return G


def _lines(parent: list, moves: tuple[Move, ...], node: int) -> tuple[str, ...]:
    lines = []
    while parent[node] is not None:
        node, mi = parent[node]
        lines.append(moves[mi].line)
    return tuple(reversed(lines))


# -- the command line -----------------------------------------------------------------

DEFAULT = Bounds()  # small enough that `dockspec explore` takes a few seconds


@click.command("explore")
@click.option("--images", default=DEFAULT.images, show_default=True, help="Image tags img1..imgN (and extra images).")
@click.option("--containers", default=DEFAULT.containers, show_default=True, help="Container names ctr1..ctrN.")
@click.option("--files", default=DEFAULT.files, show_default=True, help="Files /tmp/f1../tmp/fN.")
@click.option("--depth", default=DEFAULT.depth, show_default=True, help="Commands from the start state (0: no limit).")
@click.option("--symmetry", type=click.Choice(Canon.MODES), default="names", show_default=True,
              help="What makes two states one node: names (ids, clock and names abstracted), ids, none.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Write the graph: .graphml, .gexf (Gephi, yEd) or .json (node-link data).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@dialect_option
def explore(images: int, containers: int, files: int, depth: int, symmetry: str, out: str | None,
                as_json: bool, dialect: Profile) -> None:
    """Explore every state the model reaches from `docker import base.tar base:1` within a bound.

    Checks every invariant of the property suite that holds in the dialect
    (--dialect, `dockspec dialects`) on every state; when one fails, prints a
    shortest docker script that breaks it and exits 1.
    """
    from . import graphs

    bounds = Bounds(images, containers, files, depth or None)
    try:
        invariants = invariants_for(dialect)
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    timing = Timing()
    if as_json or not sys.stderr.isatty():
        G = state_graph(base_state(), bounds, symmetry=symmetry, invariants=invariants, timing=timing, profile=dialect)
    else:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        levels = bounds.depth
        with Progress(TextColumn("exploring"), BarColumn(), TextColumn("depth {task.completed}/{task.total}"),
                      TextColumn("{task.fields[states]} states"), TimeElapsedColumn(),
                      console=_stderr_console(), transient=True) as bar:
            task = bar.add_task("explore", total=levels, states=1)

            def progress(level: int, states: int, frontier: int) -> None:
                bar.update(task, completed=level, states=states, total=levels if levels else level + (frontier > 0))

            G = state_graph(base_state(), bounds, symmetry=symmetry, invariants=invariants, progress=progress,
                            timing=timing, profile=dialect)
    summary = graphs.summary(G)
    if out is not None:
        graphs.write(G, out)
        summary["out"] = out
    violation = G.graph["violation"]
    if as_json:
        if violation is not None:
            summary["script"] = violation.script()
        click.echo(json.dumps(summary, indent=2))
    else:
        click.echo(graphs.format_summary(summary))
        if violation is not None:
            click.echo("\nInvariant violated; a shortest script that reaches it:\n")
            click.echo(violation.script(), nl=False)
    sys.exit(1 if violation is not None else 0)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


