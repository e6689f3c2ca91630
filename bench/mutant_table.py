"""The seeded bugs of `bench/mutants`: one mutant per rule of the engine, each patched through a stable seam.

A mutant breaks exactly one rule of Docker Engine 20.10 as the model states it.
It never rewrites a file and never reaches into a transition's internals: it
replaces one *seam*, which is one of

* `TRANSITIONS[Verb]`: an entry of the dispatch table `model.engine.TRANSITIONS`
  (the replacement usually calls the original and changes one thing);
* `Profile.field` / `Profile.messages[key]`: a policy or a refusal wording of the
  profile `model.profile.DOCKER_20_10`;
* `model.module.function`: a module-level function the module lists in its
  `MUTATION_SEAMS` (model/fs.py, model/listing.py, model/transfer.py), which the
  transitions call by name.

Before a mutant counts, `arm` checks that its seam exists and that the patch
changes what a tiny *witness* (a docker script run on the model from the
imported base image) prints or leaves behind.  A seam that is gone, or a patch
that changes nothing, is a broken bench, never a kill.  `arm` returns an undo
function, so tests/test_mutants_bench.py can check every mutant in one process.

A witness is docker command lines separated by `;`, or by newlines (a line may then hold `;` in a quoted
script); `{REF}` stands for the short id of the image REF names at that point.
"""
from __future__ import annotations

import importlib
import re
import shlex
from dataclasses import dataclass, field, replace
from typing import Callable

from frozendict import frozendict

from model import commands as cmd
from model.errors import ErrorKind as K
from model.result import Result
from model.values import Layer, Status, World

LIVE = (Status.RUNNING, Status.PAUSED)


@dataclass(frozen=True)
class Mutant:
    name: str
    breaks: str  # the rule it breaks, in the user's words
    rule: str  # the spec's rule meant to catch it (spec.invariants, spec.rules or spec.laws)
    seam: str
    patch: Callable[[object], object]  # the seam's current value -> its replacement
    witness: str


MUTANTS: dict[str, Mutant] = {}


def mutant(breaks: str, *, rule: str, seam: str, witness: str):
    def register(fn):
        MUTANTS[fn.__name__] = Mutant(fn.__name__, breaks, rule, seam, fn, witness)
        return fn
    return register


class BrokenMutant(Exception):
    """The bench cannot seed this mutant: its seam is gone, or its patch changes nothing."""


# -- seams ----------------------------------------------------------------------------------


def _transition_key(name: str) -> type:
    t = getattr(cmd, name, None)
    if not isinstance(t, type):
        raise BrokenMutant(f"seam {name!r}: model.commands has no command {name}")
    return t


def _seam(seam: str) -> tuple[Callable[[], object], Callable[[object], None]]:
    """(get, set) of the value behind a seam; BrokenMutant when the seam does not exist."""
    from model import engine, profile

    if m := re.fullmatch(r"TRANSITIONS\[(\w+)\]", seam):
        key = _transition_key(m[1])
        if key not in engine.TRANSITIONS:
            raise BrokenMutant(f"seam {seam}: no transition for {m[1]}")
        return (lambda: engine.TRANSITIONS[key]), (lambda v: engine.TRANSITIONS.__setitem__(key, v))
    target = profile.DOCKER_20_10
    if m := re.fullmatch(r"Profile\.messages\[(\w+)\]", seam):
        key = m[1]
        if key not in target.messages:
            raise BrokenMutant(f"seam {seam}: the profile has no message {key!r}")

        def set_message(v):
            object.__setattr__(target, "messages", frozendict({**target.messages, key: v}))
        return (lambda: target.messages[key]), set_message
    if m := re.fullmatch(r"Profile\.(\w+)", seam):
        key = m[1]
        if key == "messages" or key not in profile.Profile.__dataclass_fields__:
            raise BrokenMutant(f"seam {seam}: Profile has no policy {key!r}")
        return (lambda: getattr(target, key)), (lambda v: object.__setattr__(target, key, v))
    if m := re.fullmatch(r"(model(?:\.\w+)+)\.(\w+)", seam):
        try:
            module = importlib.import_module(m[1])
        except ImportError as e:
            raise BrokenMutant(f"seam {seam}: {e}") from None
        name = m[2]
        if name not in getattr(module, "MUTATION_SEAMS", ()):
            raise BrokenMutant(f"seam {seam}: {m[1]}.MUTATION_SEAMS does not list {name!r}")
        if not callable(getattr(module, name, None)):
            raise BrokenMutant(f"seam {seam}: {m[1]} has no function {name!r}")
        return (lambda: getattr(module, name)), (lambda v: setattr(module, name, v))
    raise BrokenMutant(f"seam {seam!r} is not a seam the bench may patch (see bench/mutant_table.py)")


def clear_caches() -> None:
    """Forget every memo that may hold a result of the unpatched model."""
    import sys

    from model import fs

    fs.union.cache_clear()
    fs._view.cache_clear()
    for name, attr in (("spec.fixtures", "base_world"),):
        mod = sys.modules.get(name)
        if mod is not None:
            getattr(mod, attr).cache_clear()
    machine = sys.modules.get("spec.machine")
    if machine is not None:
        machine._read_cache.clear()
    invariants = sys.modules.get("spec.invariants")
    if invariants is not None:
        invariants._ADDRESSED.clear()


# Build contexts a witness can name (`build -t REF NAME`).
CONTEXTS = {
    "run-touch": {"Dockerfile": b"FROM base:1\nRUN touch /tmp/f1\n"},
    "run-fail": {"Dockerfile": b"FROM base:1\nRUN touch /tmp/f1\nRUN false\n"},
    "stages": {"Dockerfile": b"FROM base:1 AS a\nRUN touch /tmp/a\nFROM base:1 AS b\nRUN touch /tmp/b\n"
                             b"FROM a AS c\nCOPY --from=a /tmp/a /copied\n"},
    "args": {"Dockerfile": b"FROM base:1\nARG A=d\nRUN echo $A > /tmp/a\n"},
    "ignored": {"Dockerfile": b"FROM base:1\nCOPY . /ctx\n", ".dockerignore": b"*.log\n", "a.log": b"a", "b.txt": b"b"},
}


class _Files:
    """What a witness's `save -o` and `export -o` wrote, for its `load -i` and `import`; `CONTEXTS` for `build`."""

    def __init__(self):
        self.data: dict[str, bytes] = {}

    def read(self, path: str) -> bytes:
        return self.data[path]

    def tree(self, path: str) -> dict[str, bytes]:
        return CONTEXTS[path]

    def entries(self, path: str) -> dict:
        """`docker cp`'s host side: what a witness's `cp` out wrote, or `hello.txt` (a one-line file)."""
        from model import fs

        data = self.data.get(path, b"hello\n" if path == "hello.txt" else None)
        if data is None:
            return {}
        return {"": data if isinstance(data, fs.Entry) else fs.file(data)}


def run_witness(script: str) -> tuple:
    """Run a witness on the model, from the imported base image: each line's output, and the final state."""
    from dockspec.argv import parse
    from model.engine import step
    from spec.fixtures import import_base
    from spec.rules import resolve_image

    world = step(World(), import_base()).world
    files = _Files()
    seen = []
    # lines: one per line when there are several (a line may then hold `;` in a quoted script), else split at `;`
    for line in (l.strip() for l in (script.split("\n") if "\n" in script else script.split(";"))):
        if not line:
            continue

        def short_id(m, world=world):
            img = resolve_image(world, m[1])
            if img is None:
                raise BrokenMutant(f"witness line {line!r}: no image {m[1]!r}")
            return img.short_id
        words = shlex.split(re.sub(r"\{([\w.:/-]+)\}", short_id, line))
        env = [w for w in words[:1] if w.startswith("DOCKER_BUILDKIT=")]  # a line may choose the builder
        words = env + ["docker"] + words[len(env):]
        _, command = parse(words, files)
        r = step(world, command)
        files.data.update(r.files)
        world = r.world
        seen.append((line, r.stdout, r.stderr, r.exit, r.error.kind if r.error else None,
                     tuple((a.stdout, a.stderr, a.exit, a.error.kind if a.error else None) for a in r.alternatives)))
    return tuple(seen), world


def arm(m: Mutant) -> Callable[[], None]:
    """Seed `m` into the model: check its seam, patch it, check the witness changes; return the undo."""
    get, set_ = _seam(m.seam)
    baseline = run_witness(m.witness)
    original = get()
    set_(m.patch(original))
    clear_caches()

    def undo():
        set_(original)
        clear_caches()
    try:
        mutated = run_witness(m.witness)
    except BrokenMutant:
        undo()
        raise
    except Exception as e:
        undo()
        raise BrokenMutant(f"the patch fails on its witness: {type(e).__name__}: {e}") from e
    if mutated == baseline:
        undo()
        raise BrokenMutant(f"the patch of {m.seam} changes nothing on its witness")
    return undo


# -- helpers the patches share ----------------------------------------------------------------


def _one(world: World, names: tuple[str, ...]):
    from spec.rules import resolve_container

    return resolve_container(world, names[0]) if len(names) == 1 else None


def _new_image(before: World, r: Result):
    """The image a successful commit made, and whether it made a layer."""
    if r.error is not None:
        return None, ()
    img = r.world.images.get(r.stdout.strip())
    if img is None:
        return None, ()
    return img, tuple(l for l in img.layers if l not in before.layers)


def _rename_layer(world: World, old: str, layer: Layer) -> World:
    """`world` with layer `old` replaced by `layer` (under its own id) everywhere it is named."""
    def ids(stack):
        return tuple(layer.id if l == old else l for l in stack)
    layers = {lid: (replace(l, parent=layer.id) if l.parent == old else l) for lid, l in world.layers.items() if lid != old}
    layers[layer.id] = layer
    images = {iid: replace(i, layers=ids(i.layers)) for iid, i in world.images.items()}
    containers = {cid: replace(c, layers=ids(c.layers)) for cid, c in world.containers.items()}
    return replace(world, layers=frozendict(layers), images=frozendict(images), containers=frozendict(containers))


def _after(transition: Callable[[World, object, Result], Result]):
    """A patch of a transition that calls the original, then changes its result."""
    def patch(original):
        def mutated(world, c, p):
            return transition(world, c, original(world, c, p))
        return mutated
    patch.__name__ = transition.__name__
    return patch


CHANGED = "run --name ctr1 base:1 touch /tmp/f1; commit ctr1 img1:latest"
RUNNING = "run -d --name ctr1 base:1 sleep 1000"
PAUSED = RUNNING + "; pause ctr1"


# -- the layer graph and the images (spec.invariants) -------------------------------------------


def _policy(original, **changes):
    """The transition `original` run as if the dialect had `changes` (the profile's policies), while the
    spec reads the dialect's true policies (patching the profile itself would change what the spec expects too)."""
    return lambda w, c, p: original(w, c, replace(p, **changes))


@mutant("commit's new layer names a parent layer that does not exist", rule="layer_graph_is_a_forest",
        seam="TRANSITIONS[Commit]", witness=CHANGED)
@_after
def commit_orphan_layer(world, c, r):
    img, new = _new_image(world, r)
    w = r.world
    for lid in new:
        w = replace(w, layers=w.layers.set(lid, replace(w.layers[lid], parent="0" * 64)))
    return replace(r, world=w)


@mutant("commit puts its new layer at the bottom of the image's stack", rule="stacks_are_chains",
        seam="TRANSITIONS[Commit]", witness=CHANGED)
@_after
def commit_layer_at_bottom(world, c, r):
    img, new = _new_image(world, r)
    if not new:
        return r
    moved = replace(img, layers=new + tuple(l for l in img.layers if l not in new))
    return replace(r, world=replace(r.world, images=r.world.images.set(img.id, moved)))


@mutant("rmi -f of an image a stopped container uses deletes the layers the container needs",
        rule="needed_layers_exist", seam="TRANSITIONS[Rmi]", witness="create --name ctr1 base:1 true; rmi -f base:1")
@_after
def rmi_frees_used_layers(world, c, r):
    gone = [img for iid, img in world.images.items() if iid not in r.world.images]
    kept = {l for img in r.world.images.values() for l in img.layers}
    layers = r.world.layers
    for img in gone:
        for lid in img.layers:
            if lid not in kept and lid in layers:
                layers = layers.delete(lid)
    return replace(r, world=replace(r.world, layers=layers))


@mutant("commit names its layer by its content alone, ignoring the parent layer",
        rule="layer_ids_are_content_addresses", seam="TRANSITIONS[Commit]", witness=CHANGED)
@_after
def layer_id_ignores_parent(world, c, r):
    img, new = _new_image(world, r)
    w = r.world
    for lid in new:
        layer = w.layers[lid]
        w = _rename_layer(w, lid, replace(layer, id=Layer.make(None, layer.changes).id))
    return replace(r, world=w)


@mutant("tag records the image id without its sha256: prefix", rule="tags_name_existing_images",
        seam="TRANSITIONS[Tag]", witness="tag base:1 img1:latest")
@_after
def tag_bare_id(world, c, r):
    tags = r.world.tags
    for t, iid in r.world.tags.items():
        if world.tags.get(t) != iid:
            tags = tags.set(t, iid.removeprefix("sha256:"))
    return replace(r, world=replace(r.world, tags=tags))


@mutant("build records each new image's parent by its short id", rule="image_parents_exist",
        seam="TRANSITIONS[Build]", witness="build -t img1:latest run-touch")
@_after
def build_parent_short_id(world, c, r):
    w = r.world
    for iid, img in w.images.items():
        if iid not in world.images and img.parent:
            w = replace(w, images=w.images.set(iid, replace(img, parent=img.parent[7:19])))
    return replace(r, world=w)


@mutant("commit marks its history row empty although it made a layer", rule="history_matches_layers",
        seam="TRANSITIONS[Commit]", witness=CHANGED)
@_after
def commit_row_marked_empty(world, c, r):
    img, new = _new_image(world, r)
    if not new:
        return r
    img = replace(img, history=img.history[:-1] + (replace(img.history[-1], empty_layer=True),))
    return replace(r, world=replace(r.world, images=r.world.images.set(img.id, img)))


@mutant("images -a leaves out dangling images", rule="images_is_subset_of_images_all",
        seam="model.listing.image_rows", witness="run --name ctr1 base:1 touch /tmp/f1; commit ctr1; images -a -q")
def images_all_hides_dangling(original):
    def image_rows(world, all_, *a, **k):
        rows = original(world, all_, *a, **k)
        if not all_:
            return rows
        dangling = {iid for iid in world.images if not world.image_tags(iid) and not world.children(iid)}
        dangling |= {iid[7:19] for iid in dangling}
        return [row for row in rows if row["ID"] not in dangling]
    return image_rows


@mutant("images lists intermediate images without -a", rule="images_lists_tagged_and_dangling",
        seam="model.listing.image_rows",
        witness=CHANGED + "; run --name ctr2 img1 touch /tmp/x; commit ctr2 img2:latest; rm ctr2; rmi img1; images -q")
def images_shows_intermediate(original):
    return lambda world, all_, *a, **k: original(world, True, *a, **k)


# -- containers and their file systems (spec.invariants) -----------------------------------------


@mutant("create gives a container none of its image's layers", rule="container_is_its_image_plus_one_rw_layer",
        seam="TRANSITIONS[Create]", witness="create --name ctr1 base:1 true")
@_after
def create_without_layers(world, c, r):
    if r.error is not None:
        return r
    cid = r.stdout.strip()
    return replace(r, world=r.world.put_container(replace(r.world.containers[cid], layers=())))


@mutant("writes below a lower-layer directory do not copy the directory up", rule="rw_layer_holds_copied_up_parents",
        seam="model.fs.copy_up", witness="run --name ctr1 base:1 touch /tmp/f1")
def no_copy_up(original):
    return lambda lower, upper, path: None


@mutant("create accepts a name already in use", rule="container_names_are_unique",
        seam="TRANSITIONS[Create]", witness="create --name ctr1 base:1 true; create --name ctr1 base:1 true")
def name_reuse(original):
    def create(world, c, p):
        other = world.container_by_name(c.name) if c.name is not None else None
        if other is None:
            return original(world, c, p)
        r = original(world.drop_container(other.id), c, p)
        return replace(r, world=r.world.put_container(other))
    return create


@mutant("start of an exited container keeps its old exit code while it runs", rule="exit_code_matches_status",
        seam="TRANSITIONS[Start]", witness=RUNNING + "; stop ctr1; start ctr1")
@_after
def start_keeps_exit_code(world, c, r):
    w = r.world
    for cid, old in world.containers.items():
        new = w.containers.get(cid)
        if new is not None and old.status is Status.EXITED and new.status is Status.RUNNING:
            w = w.put_container(replace(new, exit_code=old.exit_code))
    return replace(r, world=w)


@mutant("ps -a leaves out paused containers", rule="ps_is_subset_of_ps_all",
        seam="model.listing.ps_select", witness=PAUSED + "; ps -a -q")
def ps_all_hides_paused(original):
    def ps_select(world, all_, filters):
        rows = original(world, all_, filters)
        return [c for c in rows if c.status is not Status.PAUSED] if all_ else rows
    return ps_select


@mutant("ps lists exited containers without -a", rule="ps_lists_running_and_paused",
        seam="model.listing.ps_select", witness="run --name ctr1 base:1 true; ps -q")
def ps_shows_exited(original):
    return lambda world, all_, filters: original(world, True, filters)


@mutant("stop leaves the container's process space behind", rule="one_process_space_only_when_live",
        seam="TRANSITIONS[Stop]", witness=RUNNING + "; stop ctr1")
@_after
def stop_keeps_processes(world, c, r):
    w = r.world
    for cid, old in world.containers.items():
        new = w.containers.get(cid)
        if new is not None and old.processes and new.status is Status.EXITED:
            w = w.put_container(replace(new, processes=old.processes))
    return replace(r, world=w)


@mutant("exec -d keeps a process that already exited in the container's process list", rule="processes_are_alive",
        seam="TRANSITIONS[Exec]", witness=RUNNING + "; exec -d ctr1 touch /tmp/f1")
def exec_keeps_exited(original):
    def exec_(world, c, p):
        r = original(world, c, p)
        t = r.world.containers.get(getattr(_one(world, (c.container,)), "id", None))
        if r.error is None and c.detach and t is not None and t.processes:
            done = replace(t.processes[0], argv=c.argv, pid1=False, exit=0)
            r = replace(r, world=r.world.put_container(replace(t, processes=t.processes + (done,))))
        return r
    return exec_


@mutant("stop keeps the exec'd processes of the container it stops", rule="exec_processes_only_in_running_containers",
        seam="TRANSITIONS[Stop]", witness=RUNNING + "; exec -d ctr1 sleep 1000; stop ctr1")
@_after
def stop_keeps_exec_processes(world, c, r):
    w = r.world
    for cid, old in world.containers.items():
        new = w.containers.get(cid)
        if new is not None and len(old.processes) > 1 and new.status is Status.EXITED:
            w = w.put_container(replace(new, processes=old.processes[1:]))
    return replace(r, world=w)


# -- what one step may do (spec.rules) --------------------------------------------------------


@mutant("restart of a running --rm container is certain to keep it: the race with its auto-removal is not offered",
        rule="races_only_on_auto_removal", seam="TRANSITIONS[Restart]",
        witness="run -d --rm --name ctr1 base:1 sleep 1000; restart -t 0 ctr1")
@_after
def restart_race_not_offered(world, c, r):
    return replace(r, alternatives=())


@mutant("start naming an ended --rm container twice is certain not to find it: the race with its removal is not offered",
        rule="races_only_on_auto_removal", seam="TRANSITIONS[Start]",
        witness="create --rm --name ctr1 base:1 false; start ctr1 ctr1")
@_after
def start_race_not_offered(world, c, r):
    return replace(r, alternatives=())


@mutant("a refused pause still advances the engine's clock", rule="refusal_changes_nothing",
        seam="TRANSITIONS[Pause]", witness="create --name ctr1 base:1 true; pause ctr1")
@_after
def refused_pause_ticks(world, c, r):
    return replace(r, world=r.world.tick()) if r.error is not None else r


@mutant("inspect advances the engine's clock", rule="read_only_commands_change_nothing",
        seam="TRANSITIONS[Inspect]", witness="inspect base:1")
@_after
def inspect_ticks(world, c, r):
    return replace(r, world=r.world.tick())


@mutant("commit also writes the container's changes into its image's top layer", rule="read_only_layers_never_change",
        seam="TRANSITIONS[Commit]", witness=CHANGED)
@_after
def commit_writes_lower_layer(world, c, r):
    img, new = _new_image(world, r)
    if not new or len(img.layers) < 2:
        return r
    below = r.world.layers[img.layers[-2]]
    merged = replace(below, changes=frozendict({**below.changes, **r.world.layers[new[-1]].changes}))
    return replace(r, world=replace(r.world, layers=r.world.layers.set(below.id, merged)))


@mutant("rm of a container deletes its image's layers even though the image still holds them",
        rule="layers_go_only_with_rmi", seam="TRANSITIONS[Rm]", witness="create --name ctr1 base:1 true; rm ctr1")
@_after
def rm_drops_image_layers(world, c, r):
    w = r.world
    for cid, old in world.containers.items():
        if cid not in w.containers:
            layers = w.layers
            for lid in old.layers:
                if lid in layers:
                    layers = layers.delete(lid)
            w = replace(w, layers=layers)
    return replace(r, world=w)


@mutant("stop records exit code 0 whatever the workload does with SIGTERM", rule="lifecycle_follows_the_workload",
        seam="TRANSITIONS[Stop]", witness=RUNNING + "; stop ctr1")
@_after
def stop_exit_code(world, c, r):
    w = r.world
    for cid, old in world.containers.items():
        new = w.containers.get(cid)
        if new is not None and old.status is not Status.EXITED and new.status is Status.EXITED:
            w = w.put_container(replace(new, exit_code=0))
    return replace(r, world=w)


@mutant("kill leaves a paused container paused", rule="lifecycle_follows_the_workload",
        seam="TRANSITIONS[Kill]", witness=PAUSED + "; kill ctr1")
def kill_paused_stays(original):
    def kill(world, c, p):
        t = _one(world, c.containers)
        if t is not None and t.status is Status.PAUSED:
            return Result(world, c.containers[0] + "\n")
        return original(world, c, p)
    return kill


@mutant("rm -rf of a path a lower layer has leaves no whiteout", rule="workload_effects_are_visible",
        seam="model.fs.leaves_whiteout", witness=RUNNING + "; exec ctr1 rm -rf /etc/passwd")
def lose_whiteout(original):
    return lambda lower, path: False


@mutant("commit adds no history row", rule="commit_adds_one_history_row", seam="TRANSITIONS[Commit]", witness=CHANGED)
@_after
def commit_skips_history(world, c, r):
    img, _ = _new_image(world, r)
    if img is None:
        return r
    img = replace(img, history=img.history[:-1])
    return replace(r, world=replace(r.world, images=r.world.images.set(img.id, img)))


@mutant("commit leaves the container's deletions (whiteouts) out of the new layer",
        rule="commit_shows_the_container_view", seam="TRANSITIONS[Commit]",
        witness="run --name ctr1 base:1 rm -rf /etc/passwd; commit ctr1 img1:latest")
@_after
def commit_drops_whiteouts(world, c, r):
    from model import fs

    img, new = _new_image(world, r)
    w = r.world
    for lid in new:
        layer = w.layers[lid]
        kept = frozendict({p: e for p, e in layer.changes.items() if e.kind is not fs.Kind.WHITEOUT})
        if kept != layer.changes:
            w = _rename_layer(w, lid, Layer.make(layer.parent, kept))
    return replace(r, world=w)


@mutant("rmi of one of an image's tags prints Untagged but keeps the tag", rule="rmi_by_id_deletes_the_image",
        seam="TRANSITIONS[Rmi]", witness="tag base:1 img1:latest; rmi img1:latest")
@_after
def rmi_keeps_tag(world, c, r):
    from spec.rules import named_by_id, resolve_image

    if r.error is not None or len(c.images) != 1:
        return r
    img = resolve_image(world, c.images[0])
    if img is None or named_by_id(c.images[0], img) or img.id not in r.world.images:
        return r
    ref = next(t for t, iid in world.tags.items() if t not in r.world.tags)
    return replace(r, world=replace(r.world, tags=r.world.tags.set(ref, img.id)))


@mutant("rmi does not prune the untagged parent image nobody uses any more", rule="rmi_prunes_untagged_parents (law)",
        seam="TRANSITIONS[Rmi]",
        witness=CHANGED + "; rm ctr1; run --name ctr2 img1 touch /tmp/x; commit ctr2 img2:latest; rm ctr2; "
                          "rmi img1; rmi img2")
def rmi_no_prune(original):
    return _policy(original, rmi_prunes_parents=False)


@mutant("rmi of one of several tags deletes all the image's tags", rule="tag_then_rmi_only_untags (law)",
        seam="TRANSITIONS[Rmi]", witness="tag base:1 img1:latest; tag base:1 img2:latest; rmi img1:latest")
@_after
def rmi_tag_untags_all(world, c, r):
    from spec.rules import resolve_image

    if r.error is not None or len(c.images) != 1:
        return r
    img = resolve_image(world, c.images[0])
    if img is None or img.id not in r.world.images:
        return r
    tags = r.world.tags
    for t in r.world.image_tags(img.id):
        tags = tags.delete(t)
    return replace(r, world=replace(r.world, tags=tags))


@mutant("export leaves out the read-write layer", rule="export_import_flattens (law)", seam="model.transfer.export_view",
        witness="run --name ctr1 base:1 touch /tmp/f1; export -o out.tar ctr1; import out.tar img1:latest; "
                "run --name ctr2 img1 true; diff ctr2")
def export_omits_rw(original):
    from model import fs

    def export_view(world, container_id, p=None):
        c = world.containers[container_id]
        return fs.union(tuple(world.layers[l].changes for l in c.layers) + (fs.INIT_LAYER,))
    return export_view


# -- docker cp (spec.laws.cp_in_lands_in_the_layer) ---------------------------------------------


@mutant("cp into a container writes nothing into its read-write layer", rule="cp_in_lands_in_the_layer (law)",
        seam="model.copy.lands_in_layer", witness="create --name ctr1 base:1 true; cp hello.txt ctr1:/tmp/f1; diff ctr1")
def cp_lost(original):
    return lambda rootfs, path, entry: rootfs


@mutant("cp onto a started container's mounted /etc/hosts writes into its layer instead of failing busy",
        rule="cp_in_lands_in_the_layer (law)", seam="TRANSITIONS[Cp]",
        witness=RUNNING + "; cp hello.txt ctr1:/etc/hosts; diff ctr1")
def cp_through_mount(original):
    def cp(world, c, p):
        r = original(world, c, p)
        if r.error is None or r.error.kind is not K.BUSY:
            return r
        target = world.container_by_name(c.container) or world.containers.get(c.container)
        unstarted = world.put_container(replace(target, started=False))
        done = original(unstarted, c, p)
        return replace(done, world=done.world.put_container(replace(done.world.containers[target.id], started=True)))
    return cp


@mutant("cp out writes what it copies with default modes (the host's umask) instead of the archive's",
        rule="cp_out_copies_what_the_container_holds", seam="TRANSITIONS[Cp]",
        witness="create --name ctr1 base:1 true; cp ctr1:/tmp back; cp back ctr1:/back")
@_after
def cp_out_loses_modes(world, c, r):
    from model import fs

    if c.into or not r.files:
        return r
    plain = {path: replace(e, mode=0o755 if e.kind is fs.Kind.DIR else 0o777 if e.kind is fs.Kind.SYMLINK else 0o644)
             for path, e in r.files.items()}
    return replace(r, files=frozendict(plain))


@mutant("load drops the image's history", rule="save_rmi_load_restores (law)", seam="TRANSITIONS[Load]",
        witness=CHANGED + "; save -o out.tar img1:latest; rm ctr1; rmi img1:latest; load -i out.tar; history -q img1")
@_after
def load_loses_history(world, c, r):
    images = r.world.images
    for iid, img in images.items():
        if iid not in world.images:
            images = images.set(iid, replace(img, history=img.history[:1]))
    return replace(r, world=replace(r.world, images=images))


# -- refusals (spec.rules.expected_outcomes) ----------------------------------------------------


def _accept_in(verb_field: str, statuses: tuple[Status, ...], then: Callable):
    """A transition that succeeds, doing `then(world, target, command)`, for one container in `statuses`."""
    def patch(original):
        def mutated(world, c, p):
            names = getattr(c, verb_field)
            t = _one(world, names if isinstance(names, tuple) else (names,))
            if t is not None and t.status in statuses:
                return then(world, t, c)
            return original(world, c, p)
        return mutated
    return patch


def _print_name(world, t, c):
    return Result(world, (c.containers[0] if hasattr(c, "containers") else c.container) + "\n")


@mutant("rm removes a running container without -f", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Rm]", witness=RUNNING + "; rm ctr1")
def rm_running(original):
    return _accept_in("containers", (Status.RUNNING,), lambda w, t, c: Result(w.drop_container(t.id), c.containers[0] + "\n"))(original)


@mutant("rm removes a paused container without -f", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Rm]", witness=PAUSED + "; rm ctr1")
def rm_paused(original):
    return _accept_in("containers", (Status.PAUSED,), lambda w, t, c: Result(w.drop_container(t.id), c.containers[0] + "\n"))(original)


@mutant("start of a paused container unpauses it", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Start]", witness=PAUSED + "; start ctr1")
def start_paused(original):
    return _accept_in("containers", (Status.PAUSED,),
                      lambda w, t, c: Result(w.put_container(replace(t, status=Status.RUNNING)), c.containers[0] + "\n"))(original)


@mutant("kill of an exited container succeeds", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Kill]", witness="run --name ctr1 base:1 true; kill ctr1")
def kill_exited(original):
    return _accept_in("containers", (Status.EXITED,), _print_name)(original)


@mutant("kill of a created container succeeds", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Kill]", witness="create --name ctr1 base:1 true; kill ctr1")
def kill_created(original):
    return _accept_in("containers", (Status.CREATED,), _print_name)(original)


@mutant("pause of a created container succeeds", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Pause]", witness="create --name ctr1 base:1 true; pause ctr1")
def pause_created(original):
    return _accept_in("containers", (Status.CREATED,),
                      lambda w, t, c: Result(w.put_container(replace(t, status=Status.PAUSED)), c.containers[0] + "\n"))(original)


@mutant("pause of a paused container succeeds", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Pause]", witness=PAUSED + "; pause ctr1")
def pause_paused(original):
    return _accept_in("containers", (Status.PAUSED,), _print_name)(original)


@mutant("unpause of a running container succeeds", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Unpause]", witness=RUNNING + "; unpause ctr1")
def unpause_running(original):
    return _accept_in("containers", (Status.RUNNING,), _print_name)(original)


@mutant("wait on a paused container returns at once with 0", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Wait]", witness=PAUSED + "; wait ctr1")
def wait_paused(original):
    return _accept_in("containers", (Status.PAUSED,), lambda w, t, c: Result(w, "0\n"))(original)


@mutant("exec runs in a paused container", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Exec]", witness=PAUSED + "; exec ctr1 touch /tmp/f1")
def exec_paused(original):
    def exec_(world, c, p):
        t = _one(world, (c.container,))
        if t is None or t.status is not Status.PAUSED:
            return original(world, c, p)
        r = original(world.put_container(replace(t, status=Status.RUNNING)), c, p)
        after = r.world.containers.get(t.id)
        return replace(r, world=r.world.put_container(replace(after, status=Status.PAUSED))) if after else r
    return exec_


@mutant("exec in an exited container succeeds (and runs nothing)", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Exec]", witness="run --name ctr1 base:1 true; exec ctr1 true")
def exec_exited(original):
    return _accept_in("container", (Status.EXITED,), lambda w, t, c: Result(w))(original)


@mutant("create accepts a container name docker rejects", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Create]", witness="create --name _c base:1 true")
def create_invalid_name(original):
    from model import refs

    def create(world, c, p):
        if c.name is None or refs.valid_container_name(c.name):
            return original(world, c, p)
        r = original(world, replace(c, name="valid" + str(len(world.containers))), p)
        if r.error is not None:
            return r
        cid = r.stdout.strip()
        return replace(r, world=r.world.put_container(replace(r.world.containers[cid], name=c.name.removeprefix("/"))))
    return create


@mutant("commit with an invalid reference commits anyway, untagged", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Commit]", witness="create --name ctr1 base:1 true; commit ctr1 Bad:Ref")
def commit_bad_reference(original):
    def commit(world, c, p):
        r = original(world, c, p)
        if r.error is not None and r.error.kind is K.INVALID_REFERENCE:
            return original(world, replace(c, ref=None), p)
        return r
    return commit


@mutant("tag of an unknown image succeeds (and tags nothing)", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Tag]", witness="tag nosuch:latest img1:latest")
@_after
def tag_unknown_image(world, c, r):
    return Result(world) if r.error is not None and r.error.kind is K.NO_SUCH_IMAGE else r


@mutant("rmi of an image's last tag untags it although a container uses the image",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Rmi]",
        witness="create --name ctr1 base:1 true; rmi base:1")
def rmi_last_tag_in_use(original):
    from spec.rules import named_by_id, resolve_image

    def rmi(world, c, p):
        r = original(world, c, p)
        if r.error is None or r.error.kind is not K.IMAGE_IN_USE or len(c.images) != 1:
            return r
        img = resolve_image(world, c.images[0])
        if img is None or named_by_id(c.images[0], img):
            return r
        ref = next(t for t in world.image_tags(img.id))
        return Result(replace(world, tags=world.tags.delete(ref)), f"Untagged: {ref}\n")
    return rmi


@mutant("rmi -f by id deletes an image a running container uses", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Rmi]", witness=RUNNING + "; rmi -f {base:1}")
def rmi_force_running(original):
    from spec.rules import resolve_image

    def rmi(world, c, p):
        r = original(world, c, p)
        if r.error is None or r.error.kind is not K.IMAGE_IN_USE or not c.force or len(c.images) != 1:
            return r
        img = resolve_image(world, c.images[0])
        if img is None or world.children(img.id):
            return r
        tags = world.tags
        for t in world.image_tags(img.id):
            tags = tags.delete(t)
        return Result(replace(world, tags=tags, images=world.images.delete(img.id)), f"Deleted: {img.id}\n")
    return rmi


@mutant("rmi by id of an image with several tags deletes it without -f", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Rmi]", witness="tag base:1 img1:latest; rmi {base:1}")
def rmi_multiple_tags(original):
    def rmi(world, c, p):
        r = original(world, c, p)
        if r.error is not None and r.error.kind is K.IMAGE_MULTIPLE_REPOS and not c.force:
            return original(world, replace(c, force=True), p)
        return r
    return rmi


@mutant("rmi by id deletes an image a stopped container uses without -f", rule="rmi_by_id_of_an_image_in_use (law)",
        seam="TRANSITIONS[Rmi]", witness="create --name ctr1 base:1 true; rmi {base:1}")
def rmi_stopped_user(original):
    from spec.rules import named_by_id, resolve_image

    def rmi(world, c, p):
        r = original(world, c, p)
        if r.error is None or r.error.kind is not K.IMAGE_IN_USE or c.force or len(c.images) != 1:
            return r
        img = resolve_image(world, c.images[0])
        if img is None or not named_by_id(c.images[0], img) or any(x.status in LIVE for x in world.containers_of(img.id)):
            return r
        return original(world, replace(c, force=True), p)
    return rmi


# -- time and the workload language (spec.laws) -------------------------------------------------


@mutant("stop ignores its timeout: a process that would end within it is killed", rule=
        "stop_within_its_timeout_keeps_the_exit_code (law)", seam="TRANSITIONS[Stop]",
        witness="run -d --name ctr1 base:1 sh -c 'sleep 1 && exit 4'; stop -t 3 ctr1")
def stop_ignores_timeout(original):
    return lambda w, c, p: original(w, replace(c, timeout=0), p)


@mutant("restart ignores its -t: it waits the default 10 s", rule=
        "stop_within_its_timeout_keeps_the_exit_code (law)", seam="TRANSITIONS[Restart]",
        witness="run -d --name ctr1 base:1 sh -c 'sleep 5 && exit 4'; run -d --name ctr2 base:1 sleep 3; "
                "restart -t 1 ctr1")
def restart_default_timeout(original):
    return lambda w, c, p: original(w, replace(c, timeout=10), p)


@mutant("run of a workload the model cannot interpret leaves its container behind, half made",
        rule="an_uninterpretable_workload_changes_nothing (law)", seam="TRANSITIONS[Run]",
        witness="run --name ctr1 base:1 sh -c 'echo -e x'; ps -a -q")
def run_leaves_half_made(original):
    def run(world, c, p):
        from model.containers import create
        from model.errors import UnsupportedWorkload

        try:
            return original(world, c, p)
        except UnsupportedWorkload as e:
            made = create(world, c.create, p)
            error = p.error("unsupported_workload", detail=e)
            return replace(made, stdout="", stderr=error.message + "\n", exit=p.exit_unsupported, error=error)
    return run


# Policy mutants break the transition's reading of a policy, not the profile: the spec reads
# the dialect's declared policy too, so flipping the profile itself would move both sides.
@mutant("rmi deletes an image that has child images although the dialect's policy refuses it",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Rmi]",
        witness=CHANGED + "; rm ctr1; rmi -f {base:1}")
def rmi_parent_with_children(original):
    return _policy(original, rmi_refuses_parent_with_children=False)


@mutant("rm of a paused container is refused as if it were running", rule="refused_exactly_as_the_engine_refuses",
        seam="Profile.messages[remove_paused]", witness=PAUSED + "; rm ctr1")
def remove_paused_kind(original):
    return (K.REMOVE_RUNNING, original[1])


@mutant("commit of a paused container is refused although the dialect's policy allows it",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Commit]", witness=PAUSED + "; commit ctr1")
def commit_paused_refused(original):
    return _policy(original, commit_paused_allowed=False)


# -- the commands of issue 10: references, rename, prune, cp, --init, build flags ----------------------


@mutant("a malformed reference is looked up as a name: rmi Bad:Ref says No such image",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Rmi]", witness="rmi Bad:Ref")
def malformed_reference_missing(original):
    from model.result import refused

    def rmi(world, c, p):
        r = original(world, c, p)
        if r.error is not None and r.error.kind is K.INVALID_REFERENCE:
            return refused(world, p.error("no_such_image", ref=c.images[0]))
        return r
    return rmi


@mutant("rename to a name another container holds succeeds", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Rename]", witness="create --name ctr1 base:1 true; create --name ctr2 base:1 true; rename ctr1 ctr2")
def rename_name_in_use(original):
    def rename(world, c, p):
        r = original(world, c, p)
        if r.error is not None and r.error.kind is K.NAME_IN_USE:
            from model.containers import find
            target = find(world, c.container)
            return Result(world.put_container(replace(target, name=c.new_name.removeprefix("/"))))
        return r
    return rename


@mutant("rename loses what the container wrote (a new container under the new name)",
        rule="rename_changes_only_the_name", seam="TRANSITIONS[Rename]",
        witness="run --name ctr1 base:1 touch /tmp/x; rename ctr1 ctr2; diff ctr2")
def rename_resets_layer(original):
    def rename(world, c, p):
        r = original(world, c, p)
        if r.error is None:
            from model import fs
            w = r.world
            target = w.container_by_name(c.new_name.removeprefix("/"))
            return replace(r, world=w.put_container(replace(target, rw=fs.EMPTY)))
        return r
    return rename


@mutant("container prune removes paused containers too", rule="prune_removes_only_what_nothing_uses",
        seam="model.prune.prunable_containers",
        witness="run -d --name ctr1 base:1 sleep 1000; pause ctr1; container prune -f")
def prune_paused(original):
    def prunable(world, filters):
        return original(world, filters) + tuple(c for c in world.containers_newest_first() if c.status is Status.PAUSED)
    return prunable


@mutant("image prune without -a deletes tagged images no container uses", rule="prune_removes_only_what_nothing_uses",
        seam="TRANSITIONS[ImagePrune]", witness="image prune -f")
def image_prune_tagged(original):
    return lambda w, c, p: original(w, replace(c, all=True), p)


@mutant("prune without -f prunes anyway (the prompt's answer ignored)", rule="prune_removes_only_what_nothing_uses",
        seam="TRANSITIONS[ContainerPrune]", witness="create --name ctr1 base:1 true; container prune")
def prune_without_force(original):
    return lambda w, c, p: original(w, replace(c, force=True), p)


@mutant("prune accepts a filter the daemon rejects (status=)", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[ContainerPrune]", witness="container prune -f --filter status=exited")
def prune_invalid_filter(original):
    return lambda w, c, p: original(w, replace(c, filters=tuple(f for f in c.filters if f[0] != "status")), p)


@mutant("run --init leaves no mount point for docker-init in the container", rule="init_leaves_its_mount_point",
        seam="model.containers.init_mountpoint", witness="run --init --name ctr1 base:1 true; diff ctr1")
def init_no_mountpoint(original):
    return lambda rootfs, path="/sbin/docker-init", mode=0o755: rootfs


@mutant("run --init records the flag but runs the command as PID 1, which ignores TERM (stop gives 137, not 143)",
        rule="lifecycle_follows_the_workload", seam="TRANSITIONS[Run]",
        witness="run -d --init --name ctr1 base:1 sleep 1000; stop ctr1; ps -a")
def init_ignored(original):
    from model import containers

    def run(w, c, p):
        r = original(w, replace(c, create=replace(c.create, init=False)), p)
        if not c.create.init:
            return r
        world = r.world
        for cid, x in world.containers.items():
            if cid not in w.containers:
                view = world.rootfs(x)
                world = world.put_container(replace(x, init=True, rw=containers.init_mountpoint(view).upper))
        return replace(r, world=world)
    return run
# The Podman dialects' policies (model/dialects/podman.py), each turned on in a transition of the
# reference dialect, whose spec expects Docker 20.10's choice.
@mutant("stop of a paused container is refused although the dialect's policy stops it",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Stop]", witness=PAUSED + "; stop ctr1")
def stop_paused_refused(original):
    return _policy(original, stop_refuses_paused=True)


@mutant("restart of a paused container is refused although the dialect's policy restarts it",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Restart]", witness=PAUSED + "; restart ctr1")
def restart_paused_refused(original):
    return _policy(original, stop_refuses_paused=True)


@mutant("rm of several names removes none when one is missing although the dialect's policy removes the others",
        rule="rm_of_several_names", seam="TRANSITIONS[Rm]",
        witness="create --name ctr1 base:1 true; rm ctr1 nosuch")
def rm_all_or_nothing(original):
    return _policy(original, rm_checks_all_first=True)


@mutant("rmi -f removes the containers that use the image although the dialect's policy keeps them",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Rmi]", witness=RUNNING + "; rmi -f base:1")
def rmi_force_removes_users(original):
    return _policy(original, rmi_force_removes_containers=True)


@mutant("exec in a paused container is refused as not running although the dialect's policy says paused",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Exec]", witness=PAUSED + "; exec ctr1 true")
def exec_paused_as_not_running(original):
    return _policy(original, exec_paused_not_running=True)


@mutant("start writes /etc into the container's layer although the dialect's policy has an init layer",
        rule="diff_lists_a_directory_for_a_reason", seam="TRANSITIONS[Start]",
        witness="create --name ctr1 base:1 true; start ctr1; diff ctr1")
def start_touches_etc(original):
    return _policy(original, start_touches_etc=True)


@mutant("diff lists every copied-up directory although the dialect's policy compares modes",
        rule="diff_forgets_a_file_made_and_removed (law)", seam="TRANSITIONS[Diff]",
        witness="run --name ctr1 base:1 sh -c 'mkdir -p /tmp/x && rm -r /tmp/x'; diff ctr1")
def diff_dirs_by_mtime(original):
    return _policy(original, diff_dirs_by_mtime=True)


@mutant("a failed build leaves no container although the dialect's builder keeps the failed step's",
        rule="refusal_changes_nothing", seam="TRANSITIONS[Build]",
        witness="build -t bad:1 run-fail")
def buildah_drops_failed_container(original):
    return _policy(original, builder="buildah")


@mutant("ps leaves paused containers out although the dialect's policy lists them",
        rule="ps_lists_running_and_paused", seam="TRANSITIONS[Ps]", witness=PAUSED + "; ps -q")
def ps_hides_paused(original):
    return _policy(original, ps_lists_paused=False)


@mutant("inspect offers an exited container read as stopped although the dialect has no such race",
        rule="inspect_reads_an_exited_container_as_exited (law)", seam="TRANSITIONS[Inspect]",
        witness="run --name ctr1 base:1 true; inspect ctr1")
def inspect_stopped_race(original):
    return _policy(original, exited_may_read_stopped=True)


@mutant("commit writes a layer for a container that changed nothing although the dialect's policy writes none",
        rule="commit_adds_one_row_and_shows_the_view (law)", seam="TRANSITIONS[Commit]",
        witness="create --name ctr1 base:1 true; commit ctr1 img1:latest")
def commit_layer_always(original):
    return _policy(original, commit_layer_always=True)


@mutant("commit's history row in Podman's words although the dialect records the container's Cmd",
        rule="commit_adds_one_row_and_shows_the_view (law)", seam="TRANSITIONS[Commit]",
        witness="run --name ctr1 base:1 true; commit ctr1 img1:latest")
def commit_row_podman(original):
    return _policy(original, commit_created_by="/bin/sh", commit_comment="FROM {ref}")


@mutant("history names rows by the layer tree although the dialect walks parent pointers",
        rule="history_names_images_as_the_dialect_says (law)", seam="TRANSITIONS[History]",
        witness="create --name ctr1 base:1 true; commit ctr1 img1:latest; history img1:latest")
def history_by_top_layer(original):
    return _policy(original, history_ids_by_top_layer=True)


@mutant("stop -t 0 sends SIGKILL alone although the dialect's stop sends SIGTERM first",
        rule="stop_and_kill_exit_codes_follow_the_workload (law)", seam="TRANSITIONS[Stop]",
        witness="run -d --init --name ctr1 base:1 sleep 1000; stop -t 0 ctr1")
def stop_zero_kills(original):
    return _policy(original, stop_zero_timeout_kills=True)


@mutant("run --init mounts the init at Podman's /run/podman-init although the dialect's is /sbin/docker-init",
        rule="init_leaves_its_mount_point", seam="TRANSITIONS[Run]",
        witness="run --init --name ctr1 base:1 true; diff ctr1")
def init_path_podman(original):
    return _policy(original, init_path="/run/podman-init")


@mutant("an init that cannot exec the command exits 1 although the dialect's exits 127",
        rule="lifecycle_follows_the_workload", seam="TRANSITIONS[Run]",
        witness="run --init --name ctr1 base:1 nosuchcmd")
def init_cannot_exec_exits_1(original):
    return _policy(original, init_cannot_exec_exit=1)


@mutant("rename to the container's own name succeeds although the dialect refuses it",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Rename]",
        witness="create --name ctr1 base:1 true; rename ctr1 ctr1")
def rename_same_name_allowed(original):
    return _policy(original, rename_same_name_allowed=True)


@mutant("rename keeps a leading / of the new name (an invalid name) although the dialect drops it",
        rule="refused_exactly_as_the_engine_refuses", seam="TRANSITIONS[Rename]",
        witness="create --name ctr1 base:1 true; rename ctr1 /ctr2")
def rename_keeps_slash(original):
    return _policy(original, rename_keeps_slash=True)


@mutant("image prune works on names (the containerd store's way) although the dialect prunes images",
        rule="prune_removes_only_what_nothing_uses", seam="TRANSITIONS[ImagePrune]",
        witness="tag base:1 img1; run -d --name ctr1 base:1 sleep 1000; rmi base:1; image prune -a -f")
def prune_names_not_images(original):
    # the transition acts as the containerd store does, while the spec reads 20.10's policy
    return _policy(original, prune_by_name=True)


@mutant("image prune works on names the 26.1 containerd store's way (an image used by id loses every name, kept dangling) "
        "although the dialect prunes images", rule="prune_removes_only_what_nothing_uses", seam="TRANSITIONS[ImagePrune]",
        witness="tag base:1 img1; create --name ctr1 {base:1} true; image prune -a -f; images -a")
def prune_names_by_id_26(original):
    return _policy(original, prune_by_name=True, prune_by_id_keeps_a_name=False)


@mutant("rmi by id of an image with two tags a stopped container uses names the container (the containerd store's way) "
        "although the dialect says 'multiple repositories'", rule="refused_exactly_as_the_engine_refuses",
        seam="TRANSITIONS[Rmi]", witness="create --name ctr1 base:1 true; tag base:1 base:v2; rmi {base:1}")
def rmi_in_use_before_multiple_repos(original):
    return _policy(original, rmi_in_use_before_multiple_repos=True)


@mutant("rmi of an image's last tag keeps the image for the stopped containers that use it (the containerd store's way) "
        "although the dialect deletes it", rule="rmi_force_of_the_last_tag_of_an_image_in_use (law)", seam="TRANSITIONS[Rmi]",
        witness="create --name ctr1 base:1 true; rmi -f base:1")
def rmi_keeps_image_in_use(original):
    return _policy(original, rmi_keeps_image_in_use=True)


@mutant("rmi -f of the last tag of a parent with children deletes it (the containerd store's way) although the dialect keeps it",
        rule="rmi_of_the_last_tag_of_a_parent (law)", seam="TRANSITIONS[Rmi]",
        witness="run --name ctr1 base:1 true; commit ctr1 img1; rm ctr1; rmi -f base:1; images -a")
def rmi_force_deletes_untagged_parent(original):
    return _policy(original, rmi_force_deletes_untagged_parent=True)


@mutant("rmi of the last tag of a parent with children says 'Deleted:' although it keeps it and the dialect says nothing",
        rule="rmi_of_the_last_tag_of_a_parent (law)", seam="TRANSITIONS[Rmi]",
        witness="run --name ctr1 base:1 true; commit ctr1 img1; rm ctr1; rmi base:1")
def rmi_kept_parent_says_deleted(original):
    return _policy(original, rmi_kept_parent_says_deleted=True)


@mutant("rmi by id of an image with two tags a running container uses says 'more than one tag' (podman's way) "
        "although the dialect names the container first", rule="rmi_by_id_of_an_image_in_use (law)",
        seam="TRANSITIONS[Rmi]", witness=RUNNING + "; tag base:1 base:v2; rmi {base:1}")
def rmi_multiple_repos_first(original):
    return _policy(original, rmi_multiple_repos_first=True)


@mutant("rmi names the image it deletes but not its layers (podman's way) although the dialect lists them",
        rule="rmi_of_the_last_tag_of_a_parent (law)", seam="TRANSITIONS[Rmi]",
        witness=CHANGED + "; rm ctr1; rmi img1:latest")
def rmi_hides_deleted_layers(original):
    return _policy(original, rmi_lists_deleted_layers=False)


@mutant("build ignores DOCKER_BUILDKIT on the line (podman's way) although the dialect's client reads it",
        rule="rm_flags_decide_which_step_containers_stay (law)", seam="TRANSITIONS[Build]",
        witness="DOCKER_BUILDKIT=1 build -t bad:1 run-fail")
def builder_env_ignored(original):
    return _policy(original, builder_chosen_by_env=False)


@mutant("a container created by id records the image's newest tag (podman 5.4's way) although the dialect keeps the id",
        rule="a_container_created_by_id_shows_the_id_or_a_tag (law)", seam="TRANSITIONS[Create]",
        witness="tag base:1 img1:latest; create --name ctr1 {base:1} true; ps -a")
def create_by_id_names_tag(original):
    return _policy(original, container_by_id_names_tag="newest")


@mutant("image prune removes whole images no container uses and keeps every tag of a used one (podman's way) "
        "although the dialect untags and deletes as rmi would", rule="prune_removes_only_what_nothing_uses",
        seam="TRANSITIONS[ImagePrune]",
        witness="tag base:1 img1:latest; create --name ctr1 img1:latest true; image prune -a -f; images -a")
def prune_whole_images(original):
    return _policy(original, prune_whole_images=True)


@mutant("a started --init container's mount point is a 0644 file (podman 5.4's way) although the dialect makes it 0755",
        rule="init_leaves_its_mount_point", seam="TRANSITIONS[Run]",
        witness="run --init --name ctr1 base:1 true; cp ctr1:/sbin/docker-init out")
def mount_point_mode_644(original):
    return _policy(original, mount_point_mode=0o644)


@mutant("cp out of a stopped --init container's init path fails as podman's copier does although the dialect copies it",
        rule="cp_out_of_an_exited_init_container_s_init (law)", seam="TRANSITIONS[Cp]",
        witness="run --init --name ctr1 base:1 true; cp ctr1:/sbin/docker-init out")
def cp_reads_podman_mounts(original):
    return _policy(original, cp_out_reads_podman_mounts=True)


@mutant("cp out of FILE/ copies the file as podman does although the dialect refuses, \"not a directory\"",
        rule="cp_out_of_a_file_named_with_a_slash (law)", seam="TRANSITIONS[Cp]",
        witness="create --name ctr1 base:1 true; cp ctr1:/etc/passwd/ out")
def cp_file_slash_ignored(original):
    return _policy(original, cp_out_file_slash_ignored=True)


@mutant("cp onto /etc/hosts of a stopped container lands in its layer, as on podman, although the dialect's engine mounts it for the copy",
        rule="cp_onto_a_mount_point_of_a_stopped_container (law)", seam="TRANSITIONS[Cp]",
        witness="run --name ctr1 base:1 true; cp hello.txt ctr1:/etc/hosts")
def cp_in_mounts_only_while_running(original):
    return _policy(original, cp_in_mounts_only_while_running=True)


@mutant("stop of a --rm container never started removes it, as podman 5.4 does, although the dialect leaves it created",
        rule="stop_of_a_created_rm_container (law)", seam="TRANSITIONS[Stop]",
        witness="create --rm --name ctr1 base:1 sleep 1000; stop -t 0 ctr1; ps -a")
def stop_removes_created_rm(original):
    return _policy(original, stop_removes_created_rm=True)


@mutant("a container's processes see podman's mounts instead of the dialect's init layer: no /.dockerenv, no resolv.conf",
        rule="processes_see_their_engines_files (law)", seam="TRANSITIONS[Run]",
        witness="run --rm --name ctr1 base:1 sh -c 'test -e /.dockerenv && echo docker; true'\nps -a")
def engine_files_podman(original):
    from model import fs

    return _policy(original, engine_files=fs.PODMAN_FILES)


@mutant("start naming again a one-shot --rm container it removed may fail as a whole, as on podman 4.3, although the dialect names that target only",
        rule="a_second_start_of_an_ended_rm_container_races (law)", seam="TRANSITIONS[Start]",
        witness="create --rm --name ctr1 base:1 true; start ctr1 ctr1")
def start_aborts_on_a_vanished_target(original):
    return _policy(original, start_aborts_on_a_vanished_target=True)


@mutant("a RUN step writes buildah's mount points (/etc/hostname, /run) in its layer, although the dialect's builder does not",
        rule="a_run_steps_layer_holds_what_it_changed (law)", seam="TRANSITIONS[Build]",
        witness="build -t img1:latest run-touch")
def build_run_mount_points(original):
    return _policy(original, build_run_mount_points=True)


@mutant("stop -t 0 of a container whose TERM trap exits at once is certain the trap runs: the SIGKILL race is not offered",
        rule="races_only_on_auto_removal", seam="TRANSITIONS[Stop]",
        witness="run -d --name ctr1 base:1 sh -c 'trap \"exit 0\" TERM; sleep 1000 & wait'\nstop -t 0 ctr1")
@_after
def stop_kill_race_not_offered(world, c, r):
    return replace(r, alternatives=())


# -- the shell's word expansions (model.workload.expand) ----------------------------------------


@mutant("${x#p} and ${x%p} remove the longest match, as ## and %% do",
        rule="parameter_patterns_remove_the_shortest_or_longest_match (law)",
        seam="model.workload.expand.remove_pattern",
        witness="run --name ctr1 base:1 sh -c 'x=a/b/c && echo ${x#*/}'")
def pattern_removal_greedy(original):
    return lambda value, op, pattern: original(value, op * 2 if len(op) == 1 else op, pattern)


@mutant("${x/p/r} replaces the shortest match of p, not the longest",
        rule="substitutions_replace_the_leftmost_longest_match (law)",
        seam="model.workload.expand.replace_pattern",
        witness="run --name ctr1 base:1 sh -c 'x=abab && echo ${x/a*/Z}'")
def substitution_shortest(original):
    def patched(value, every, pattern, repl):
        from model.workload.expand import match
        out, i = [], 0
        while i < len(value):
            k = next((k for k in range(i + 1, len(value) + 1) if match(pattern, value[i:k])), None)
            if k is None:
                out.append(value[i])
                i += 1
                continue
            out.append(repl)
            i = k
            if not every:
                out.append(value[i:])
                break
        return "".join(out) if value and not match(pattern, "") else original(value, every, pattern, repl)
    return patched


@mutant("a foreground exec runs alone: it never sees what PID 1 writes while it runs",
        rule="an_exec_sees_what_pid1_writes_meanwhile (law)", seam="model.containers.exec_alongside",
        witness="run -d --name ctr1 base:1 sh -c 'sleep 1; touch /tmp/x; sleep 100'\n"
                "exec ctr1 sh -c 'sleep 2; test -f /tmp/x'")
def exec_runs_alone(original):
    def patched(world, cid, proc):
        from model import clock, workload
        c = world.containers[cid]
        s = workload.elapse(proc, world.rootfs(c))
        world = clock.pass_time(world.put_container(replace(c, rw=s.fs.upper)), s.elapsed)
        return world, s.stdout, s.stderr, s.exit_code
    return patched


# -- the build flags (spec/build_laws.py; replays/36-39) ----------------------------------------------


@mutant("build --rm=false removes every step's container anyway (the classic builder keeps them)",
        rule="rm_flags_decide_which_step_containers_stay (law)", seam="TRANSITIONS[Build]",
        witness="build --rm=false -t img1:latest run-touch; ps -a")
def build_rm_false_ignored(original):
    return lambda w, c, p: original(w, replace(c, rm=True), p)


@mutant("build --force-rm keeps the failed step's container", rule="rm_flags_decide_which_step_containers_stay (law)",
        seam="TRANSITIONS[Build]", witness="build --force-rm -t bad:1 run-fail; ps -a")
def build_force_rm_ignored(original):
    return lambda w, c, p: original(w, replace(c, force_rm=False), p)


@mutant("build --target builds and tags the last stage instead of the target",
        rule="target_builds_the_stages_it_needs (law)", seam="TRANSITIONS[Build]",
        witness="build --target a -t img1:latest stages")
def build_target_ignored(original):
    return lambda w, c, p: original(w, replace(c, target=None), p)


@mutant("BuildKit runs every stage before the target, not only those the target reads",
        rule="target_builds_the_stages_it_needs (law)", seam="model.build.needed",
        witness="DOCKER_BUILDKIT=1 build --target c -t img1:latest stages")
def buildkit_runs_every_stage(original):
    return lambda all_stages, target: all_stages[: target.index + 1]


@mutant("build --build-arg is dropped: a RUN sees the ARG's default",
        rule="build_arg_reaches_run_and_unused_ones_are_named (law)", seam="TRANSITIONS[Build]",
        witness="build --build-arg A=x -t img1:latest args; history img1:latest")
def build_args_ignored(original):
    return lambda w, c, p: original(w, replace(c, build_args=()), p)


@mutant("a --build-arg no ARG declares goes unmentioned (no 'were not consumed' warning)",
        rule="build_arg_reaches_run_and_unused_ones_are_named (law)", seam="model.build.unused_args",
        witness="build --build-arg ZED=1 -t img1:latest run-touch")
def build_unused_arg_silent(original):
    return lambda b: []


@mutant(".dockerignore is ignored: excluded files are sent and copied",
        rule="dockerignore_leaves_excluded_files_out (law)", seam="model.dockerignore.apply",
        witness="build -t img1:latest ignored; history --no-trunc img1:latest")
def dockerignore_ignored(original):
    return lambda context, dockerfile_name="Dockerfile": dict(context)


@mutant("BuildKit's ARG row shows the build's value although the dialect writes the Dockerfile's default",
        rule="build_arg_reaches_run_and_unused_ones_are_named (law)", seam="TRANSITIONS[Build]",
        witness="DOCKER_BUILDKIT=1 build --build-arg A=x -t img1:latest args; history img1:latest")
def buildkit_arg_row_value(original):
    return _policy(original, buildkit_arg_row_value=True)
