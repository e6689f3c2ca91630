"""`container prune`, `image prune [-a]`, `system prune [-a]`: remove what nothing uses.

Theory of operation (Docker 20.10: daemon/prune.go, daemon/images/image_prune.go,
cli/command/{container,image,system}/prune.go; replays/26-prune.sh)
-------------------------------------------------------------------------------
* `container prune` removes every container that is not running (created and
  exited ones; a paused container counts as running), newest first, and prints
  each full id under "Deleted Containers:".  The space reclaimed is the size of
  their read-write layers (file contents; directories and whiteouts are 0).
* `image prune` takes the *dangling* images (untagged, no child image);
  `-a` every image, but an untagged image with children (a build's
  intermediate) is never a candidate.  Each candidate is deleted the way `rmi`
  without `-f` would delete it, one tag at a time (in the reference store's
  order: sorted), parents pruned; a conflict (a container uses it) skips it
  silently.  The lines are rmi's, in lower case ("untagged: ", "deleted: ");
  the space reclaimed is the size of the layers deleted.
* The containerd image store (Docker 25+ with containerd-snapshotter) prunes
  *names*, not images (daemon/containerd/image_prune.go; replays/55-prune-names.sh):
  the candidates are every name (`-a`) or the dangling images (an untagged
  image is one dangling name); the name each container was created from stays,
  as does its image's dangling name; an image a container was created from by
  id keeps its last name.  The others go in sorted order, the last name of an
  image deleting the image even while a container uses it (the container keeps
  its layers).  Lines: "untagged: NAME" (a dangling image's name is its id),
  "deleted: ID" when the image goes.
* `system prune` is container prune, then (networks: none here) image prune,
  one total.  BuildKit's build cache is not modelled.
* Filters: `label=K[=V]`, `label!=K[=V]` (the container's labels, the image's
  config labels) and `until=DURATION` (the model has no wall clock: everything
  it holds was made "less than a second ago", so a positive duration matches
  nothing).  Any other key is the daemon's "Invalid filter"; image prune's
  `dangling=` is the CLI's own switch (`-a`), not modelled as a filter.
* Without `-f` the CLI asks; a script's stdin answers "N": the warning, the
  question, and (container and image prune) "Total reclaimed space: 0B".
"""
from __future__ import annotations

import re

from dataclasses import replace

from . import commands as cmd
from . import refs
from .images import _Conflict, _rmi_one
from .profile import Profile
from .result import Result, refused
from .values import Image, Status, World

CONTAINER_FILTERS = ("label", "label!", "until")
IMAGE_FILTERS = ("label", "label!", "until")

# Mutation seam: `bench/mutants` replaces `prunable_containers` by name.
MUTATION_SEAMS = ("prunable_containers",)

WARN_CONTAINERS = "WARNING! This will remove all stopped containers."
WARN_DANGLING = "WARNING! This will remove all dangling images."
WARN_ALL = "WARNING! This will remove all images without at least one container associated to them."
ASK = "Are you sure you want to continue? [y/N] "
WARN_SYSTEM = ("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
               "  - all dangling images\n  - {cache}\n\n")
WARN_SYSTEM_ALL = ("WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n"
                   "  - all images without at least one container associated to them\n  - all build cache\n\n")

_DURATION = re.compile(r"^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$|^0$")


def human_size(size: int) -> str:
    """`units.HumanSize`: decimal units, 4 significant digits (`17B`, `1.984MB`)."""
    units = ["B", "kB", "MB", "GB", "TB"]
    value, i = float(size), 0
    while value >= 1000.0 and i < len(units) - 1:
        value, i = value / 1000.0, i + 1
    return f"{value:.4g}{units[i]}"


def _check_filters(filters, allowed: tuple[str, ...], p: Profile) -> str | None:
    """The refusal's message for the first filter the daemon rejects, else None."""
    for key, value in filters:
        if key not in allowed:
            return p.error("prune_invalid_filter", filter=key, value=value).message
        if key == "until" and not _DURATION.match(value):
            if re.match(r"^\d{4}-\d\d-\d\d", value) or re.match(r"^\d+(\.\d+)?$", value):
                return p.error("prune_until_timestamp", value=value).message
            return p.error("prune_bad_until", value=value).message
    return None


def _labels_match(labels, filters) -> bool:
    for key, value in filters:
        if key not in ("label", "label!"):
            continue
        k, eq, v = value.partition("=")
        has = k in labels and (not eq or labels[k] == v)
        if (key == "label") != has:
            return False
    return True


def _old_enough(filters) -> bool:
    """until=D: made more than D ago; in the model everything is brand new (D=0 alone matches)."""
    return all(v == "0" for k, v in filters if k == "until")


def prunable_containers(world: World, filters) -> tuple:
    """The containers `container prune` removes: not running (nor paused), labels matching, newest first."""
    return tuple(c for c in world.containers_newest_first()
                 if c.status in (Status.CREATED, Status.EXITED) and _labels_match(c.labels, filters)
                 and _old_enough(filters))


def _prune_containers(world: World, filters) -> tuple[World, list[str], int]:
    from . import fs

    gone, space = [], 0
    for c in prunable_containers(world, filters):
        space += fs.size(c.rw)
        world = world.drop_container(c.id)
        gone.append(c.id)
    return world, gone, space


def _candidates(world: World, all_: bool, filters) -> list[Image]:
    out = []
    for img in world.images_newest_first():
        tags = world.image_tags(img.id)
        children = world.children(img.id)
        if not all_ and (tags or children):
            continue
        if not tags and children:
            continue
        if not _labels_match(img.config.labels, filters) or not _old_enough(filters):
            continue
        out.append(img)
    return out


def _prune_images(world: World, all_: bool, filters, p: Profile) -> tuple[World, list[str], int]:
    if p.prune_by_name:
        return _prune_names(world, all_, filters, p)
    if p.prune_whole_images:
        return _prune_whole_images(world, all_, filters)
    lines: list[str] = []
    before = world.layers
    for img in _candidates(world, all_, filters):
        if img.id not in world.images:
            continue  # pruned already as the parent of an earlier one
        names = world.image_tags(img.id) or (img.id[7:],)
        for text in names:
            out: list[str] = []
            try:
                world = _rmi_one(world, text, False, True, p, out)
            except _Conflict:
                continue
            lines.extend(l[0].lower() + l[1:] for l in out)
    space = sum(layer.size for lid, layer in before.items() if lid not in world.layers)
    return world, lines, space


def prunable_whole_images(world: World, all_: bool, filters) -> list[Image]:
    """The images Podman's prune removes in one pass, oldest first: none a container uses; with `all_` every
    other one, else the dangling ones (no tag, no child)."""
    used = {c.image for c in world.containers.values()}
    return [img for img in sorted(world.images.values(), key=lambda i: (i.created, i.id))
            if img.id not in used and (all_ or not (world.image_tags(img.id) or world.children(img.id)))
            and _labels_match(img.config.labels, filters) and _old_enough(filters)]


def _prune_whole_images(world: World, all_: bool, filters) -> tuple[World, list[str], int]:
    before = world.layers
    lines: list[str] = []
    while True:  # a dangling image's parent may be dangling once it is gone: prune until nothing goes
        gone = prunable_whole_images(world, all_, filters)
        if not gone:
            break
        for img in gone:
            world = replace(world, images=world.images.delete(img.id), tags=_without(world.tags, world.image_tags(img.id)))
            lines.append(img.id[7:])
        world, _ = world.release_layers()
    space = sum(layer.size for lid, layer in before.items() if lid not in world.layers)
    return world, lines, space


def _without(tags, names):
    for n in names:
        tags = tags.delete(n)
    return tags


def _names(world: World) -> dict[str, str]:
    """Every image name of the containerd store -> image id; an untagged image is named by its id."""
    named = {tag: iid for tag, iid in world.tags.items()}
    named.update({img.id: img.id for img in world.images.values() if not world.image_tags(img.id)})
    return named


def used_by_id(world: World) -> set[str]:
    """The images some container was created from by id (full or truncated, as typed; a build's step container)."""
    return {c.image for c in world.containers.values() if refs.is_id_prefix(c.image_ref, c.image[7:])}


def prunable_names(world: World, all_: bool, filters, names: dict[str, str] | None = None,
                   keep_by_id: bool = True) -> list[str]:
    """The names the containerd store's image prune deletes, in the order it reports them (sorted);
    `names`: the store's names (`_names(world)`), when the caller has them already; `keep_by_id`: an
    image a container was created from by id keeps its last name (28.5), else it loses every name (26.1)."""
    names = _names(world) if names is None else names
    candidates = {n for n, iid in names.items()
                  if (all_ or n == iid) and _labels_match(world.images[iid].config.labels, filters) and _old_enough(filters)}
    used_ids = used_by_id(world)
    for c in world.containers.values():
        candidates.discard(c.image)  # the dangling image of a container's image
        if not refs.is_id_prefix(c.image_ref, c.image[7:]):  # by a name: that name stays
            try:
                candidates.discard(str(refs.parse(c.image_ref)))
            except refs.InvalidReference:
                pass
    count: dict[str, int] = {}
    for iid in names.values():
        count[iid] = count.get(iid, 0) + 1
    for n in sorted(candidates, key=_store_name):
        iid = names[n]
        if count[iid] > 1:
            count[iid] -= 1
        elif iid in used_ids and keep_by_id:
            candidates.discard(n)
    return sorted(candidates, key=_store_name)


def _store_name(name: str) -> str:
    """The name as the containerd store keeps it, which orders the prune: `docker.io/library/img:1`,
    `moby-dangling@sha256:...` for a dangling image."""
    if name.startswith("sha256:"):
        return "moby-dangling@" + name
    first = name.split("/", 1)[0]
    if "/" in name and ("." in first or ":" in first or first == "localhost"):
        return name
    return ("docker.io/" if "/" in name else "docker.io/library/") + name


def _prune_names(world: World, all_: bool, filters, p: Profile) -> tuple[World, list[str], int]:
    names = _names(world)
    before = world.layers
    lines: list[str] = []
    kept = used_by_id(world)  # an image used by id stays, dangling, when its last name goes (26.1)
    for n in prunable_names(world, all_, filters, names, p.prune_by_id_keeps_a_name):
        iid = names[n]
        lines.append(f"untagged: {n if n != iid else iid}")
        if n != iid:
            world = replace(world, tags=world.tags.delete(n))
        if not world.image_tags(iid) and iid not in kept:
            world = replace(world, images=world.images.delete(iid))
            lines.append(f"deleted: {iid}")
            world, gone = world.release_layers()
            lines.extend(f"deleted: sha256:{lid}" for lid in gone)
    space = sum(layer.size for lid, layer in before.items() if lid not in world.layers)
    return world, lines, space


def _declined(p: Profile) -> str:
    return "Total reclaimed space: 0B\n" if p.prune_declined_total else ""


def _block(title: str, lines: list[str]) -> str:
    return f"{title}:\n" + "".join(l + "\n" for l in lines) + "\n" if lines else ""


def container_prune(world: World, c: cmd.ContainerPrune, p: Profile) -> Result:
    """`docker container prune`: remove every stopped container."""
    if not c.force:  # the CLI asks before it sends anything: the filters are never checked
        return Result(world, f"{WARN_CONTAINERS}\n{ASK}" + _declined(p))
    bad = _check_filters(c.filters, CONTAINER_FILTERS, p)
    if bad is not None:
        return refused(world, p.error("prune_refused", detail=bad))
    world, gone, space = _prune_containers(world, c.filters)
    return Result(world, _block("Deleted Containers", gone) + f"Total reclaimed space: {human_size(space)}\n")


def image_prune(world: World, c: cmd.ImagePrune, p: Profile) -> Result:
    """`docker image prune [-a]`: remove dangling images (every unused one with -a)."""
    if not c.force:
        return Result(world, f"{WARN_ALL if c.all else WARN_DANGLING}\n{ASK}" + _declined(p))
    bad = _check_filters(c.filters, IMAGE_FILTERS, p)
    if bad is not None:
        return refused(world, p.error("prune_refused", detail=bad))
    world, lines, space = _prune_images(world, c.all, c.filters, p)
    if p.prune_whole_images:  # podman prints the ids alone
        return Result(world, "".join(l + "\n" for l in lines))
    return Result(world, _block("Deleted Images", lines) + f"Total reclaimed space: {human_size(space)}\n")


def system_prune(world: World, c: cmd.SystemPrune, p: Profile) -> Result:
    """`docker system prune [-a]`: container prune, then image prune, one total."""
    bad = _check_filters(c.filters, CONTAINER_FILTERS, p) or _check_filters(c.filters, IMAGE_FILTERS, p)
    if c.force and bad is not None:
        return refused(world, p.error("prune_refused", detail=bad))
    if not c.force:
        warning = WARN_SYSTEM_ALL if c.all else WARN_SYSTEM.format(cache=p.prune_system_cache)
        shown = sorted((k, v) for k, v in c.filters if k in ("label", "label!", "until"))  # the CLI lists these
        if shown:
            warning += "  Items to be pruned will be filtered with:\n" + "".join(f"  - {k}={v}\n" for k, v in shown) + "\n"
        return Result(world, warning + ASK)
    world, gone, space_c = _prune_containers(world, c.filters)
    world, lines, space_i = _prune_images(world, c.all, c.filters, p)
    text = _block("Deleted Containers", gone) + _block("Deleted Images", lines)
    return Result(world, text + f"Total reclaimed space: {human_size(space_c + space_i)}\n")
