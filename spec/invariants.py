"""Invariants of the engine state: each a pure, named predicate over a `World`.

Every predicate states one rule of Docker Engine 20.10 in its docstring, in
plain words, and returns True when the world obeys it.  The machines check all
of `INVARIANTS` after every command; the tests show that each one holds on
hand-made worlds and fails on a hand-corrupted one.

Rules about a *step* (a command and the state before and after it) live in
`spec.rules`; these are the rules a single state must satisfy, whatever
commands led to it.  An invariant that holds only in some dialects says which,
by a named policy (`spec.policies.only_where`); `for_dialect` lists the ones
that hold in a given dialect.
"""
from __future__ import annotations

from typing import Callable, Iterable

from model import commands as cmd
from model import fs
from model.engine import step
from model.profile import DOCKER_20_10, Profile
from model.values import Container, Layer, Status, World

from .policies import applies, only_where

LIVE = (Status.RUNNING, Status.PAUSED)

Invariant = Callable[[World], bool]


# -- layers ---------------------------------------------------------------------------


def _stacks(world: World) -> Iterable[tuple[str, ...]]:
    for img in world.images.values():
        yield img.layers
    for c in world.containers.values():
        yield c.layers


def layer_graph_is_a_forest(world: World) -> bool:
    """The layer graph is a forest: every parent exists and following parents never loops."""
    layers = world.layers
    for lid, layer in layers.items():
        if layer.id != lid:
            return False
        seen = 0
        cur = layer
        while cur.parent is not None:
            cur = layers.get(cur.parent)
            seen += 1
            if cur is None or seen > len(layers):
                return False
    return True


def stacks_are_chains(world: World) -> bool:
    """Only base layers lack a parent: each stack is a chain from a parentless base layer up."""
    layers = world.layers
    for stack in _stacks(world):
        parent = None
        for lid in stack:
            layer = layers.get(lid)
            if layer is None or layer.parent != parent:
                return False
            parent = lid
    return True


def needed_layers_exist(world: World) -> bool:
    """No layer that an image, an intermediate image or a container needs is ever deleted."""
    layers = world.layers
    return all(lid in layers for stack in _stacks(world) for lid in stack)


_ADDRESSED: dict[int, tuple[Layer, bool]] = {}


def layer_ids_are_content_addresses(world: World) -> bool:
    """A read-only layer is named by its content, its parent and its key, so it cannot change once written."""
    for lid, layer in world.layers.items():
        hit = _ADDRESSED.get(id(layer))
        if hit is not None and hit[0] is layer:
            ok = hit[1]
        else:
            ok = Layer.make(layer.parent, layer.changes, layer.key).id == lid
            if len(_ADDRESSED) > 4096:
                _ADDRESSED.clear()
            _ADDRESSED[id(layer)] = (layer, ok)
        if not ok:
            return False
    return True


# -- images ---------------------------------------------------------------------------


def tags_name_existing_images(world: World) -> bool:
    """Every tag names an image the engine holds."""
    return all(iid in world.images for iid in world.tags.values())


# Only where rmi refuses a parent with children: the containerd image store deletes the parent, keeps the child.
@only_where("rmi_refuses_parent_with_children")
def image_parents_exist(world: World) -> bool:
    """An image's parent pointer, when set, names an image the engine holds (parents outlive children)."""
    return all(not img.parent or img.parent in world.images for img in world.images.values())


def history_matches_layers(world: World) -> bool:
    """An image has one non-empty history row per layer of its stack."""
    return all(sum(not h.empty_layer for h in img.history) == len(img.layers) for img in world.images.values())


_memo: dict | None = None  # listings of the world being checked, while `first_violation` runs


def _listed(world: World, command: object) -> set[str]:
    """The ids a listing command prints (computed once per world while all invariants are checked)."""
    if _memo is None:
        return set(step(world, command).stdout.split())
    key = (id(world), command)
    if key not in _memo:
        _memo[key] = set(step(world, command).stdout.split())
    return _memo[key]


def images_is_subset_of_images_all(world: World) -> bool:
    """`images` lists a subset of what `images -a` lists."""
    return _listed(world, cmd.Images(quiet=True, no_trunc=True)) <= _listed(world, cmd.Images(all=True, quiet=True, no_trunc=True))


def images_lists_tagged_and_dangling(world: World) -> bool:
    """`images` lists the tagged images and the untagged ones without children; `images -a` lists all."""
    tagged = set(world.tags.values())
    parents = {img.parent for img in world.images.values()}
    top = {iid for iid in world.images if iid in tagged or iid not in parents}
    return (_listed(world, cmd.Images(quiet=True, no_trunc=True)) == top
            and _listed(world, cmd.Images(all=True, quiet=True, no_trunc=True)) == set(world.images))


# -- containers -----------------------------------------------------------------------


def container_is_its_image_plus_one_rw_layer(world: World) -> bool:
    """Every container is its image's layer stack plus exactly one read-write layer."""
    for c in world.containers.values():
        img = world.images.get(c.image)
        if img is not None and c.layers != img.layers:
            return False
        if not isinstance(c.rw, type(fs.EMPTY)) or not all(isinstance(e, fs.Entry) for e in c.rw.values()):
            return False
    return True


def rw_layer_holds_copied_up_parents(world: World) -> bool:
    """A read-write layer holds the parent directory of every path it changes (overlayfs copy-up)."""
    for c in world.containers.values():
        rw = c.rw
        for path in rw:
            up = fs.parent(path)
            if up != "/" and (up not in rw or rw[up].kind is not fs.Kind.DIR):
                return False
    return True


def container_names_are_unique(world: World) -> bool:
    """No two containers share a name."""
    names = [c.name for c in world.containers.values()]
    return len(names) == len(set(names))


def exit_code_matches_status(world: World) -> bool:
    """An exited container has an exit code; a running or paused one has none yet."""
    for c in world.containers.values():
        if c.status is Status.EXITED and c.exit_code is None:
            return False
        if c.status in LIVE and c.exit_code is not None:
            return False
    return True


def ps_is_subset_of_ps_all(world: World) -> bool:
    """`ps` lists a subset of what `ps -a` lists."""
    return _listed(world, cmd.Ps(quiet=True, no_trunc=True)) <= _listed(world, cmd.Ps(all=True, quiet=True, no_trunc=True))


def ps_lists_running_and_paused(world: World) -> bool:
    """`ps` lists exactly the running and paused containers, and `ps -a` every container."""
    live = {cid for cid, c in world.containers.items() if c.status in LIVE}
    return (_listed(world, cmd.Ps(quiet=True, no_trunc=True)) == live
            and _listed(world, cmd.Ps(all=True, quiet=True, no_trunc=True)) == set(world.containers))


# -- processes ------------------------------------------------------------------------


def _one_space(c: Container) -> bool:
    procs = c.processes
    # under --init, docker-init is PID 1 (not modelled as a process) and the command its first child
    return not procs or ((procs[0].pid1 or c.init) and not any(p.pid1 for p in procs[1:]))


def one_process_space_only_when_live(world: World) -> bool:
    """A container has at most one process space (one PID 1), and only running or paused containers have one."""
    return all(_one_space(c) and bool(c.processes) == (c.status in LIVE) for c in world.containers.values())


def processes_are_alive(world: World) -> bool:
    """Every process a container lists is alive: exited processes leave the process space."""
    return all(p.exit is None for c in world.containers.values() for p in c.processes)


def exec_processes_only_in_running_containers(world: World) -> bool:
    """Exec'd processes exist only inside a running (or paused, frozen) container."""
    return all(len(c.processes) <= 1 or c.status in LIVE for c in world.containers.values())


INVARIANTS: tuple[Invariant, ...] = (
    layer_graph_is_a_forest,
    stacks_are_chains,
    needed_layers_exist,
    layer_ids_are_content_addresses,
    tags_name_existing_images,
    image_parents_exist,
    history_matches_layers,
    images_is_subset_of_images_all,
    images_lists_tagged_and_dangling,
    container_is_its_image_plus_one_rw_layer,
    rw_layer_holds_copied_up_parents,
    container_names_are_unique,
    exit_code_matches_status,
    ps_is_subset_of_ps_all,
    ps_lists_running_and_paused,
    one_process_space_only_when_live,
    processes_are_alive,
    exec_processes_only_in_running_containers,
)


def for_dialect(profile: Profile = DOCKER_20_10) -> tuple[Invariant, ...]:
    """The invariants that hold in the dialect `profile` (all of them in Docker 20.10's)."""
    return tuple(inv for inv in INVARIANTS if applies(inv, profile))


def holds(invariant: Invariant, world: World) -> bool:
    """True when `world` obeys `invariant`; a world too broken to evaluate it does not."""
    try:
        return bool(invariant(world))
    except Exception:
        return False


def violations(world: World, profile: Profile = DOCKER_20_10) -> list[str]:
    """The names of the invariants of the dialect `profile` that `world` breaks, each with its rule."""
    return [f"{inv.__name__}: {inv.__doc__}" for inv in for_dialect(profile) if not holds(inv, world)]


def first_violation(world: World, profile: Profile = DOCKER_20_10) -> Invariant | None:
    """The first invariant of the dialect `profile` that `world` breaks, or None; listings are computed once for all of them."""
    global _memo
    _memo = {}
    try:
        for inv in for_dialect(profile):
            if not inv(world):
                return inv
        return None
    finally:
        _memo = None
