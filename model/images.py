"""Image transitions: commit, tag, rmi, import, export, save, load, history.

Theory of operation
-------------------
An image is a configuration plus a stack of content-addressed layers, a history
and a parent pointer (see `model.values`).  `commit` turns a container's
read-write layer into one more read-only layer (or none at all, when the
container changed nothing: the history still gains a row).  `rmi` follows the
engine's own algorithm (daemon/images/image_delete.go in Docker 20.10):

1. Given a reference, untag it; if it was the image's last reference, go on to
   delete the image.  A reference whose image a container uses is refused
   unless forced, but only when it is the last reference.
2. Given an id, untag it when the image has exactly one tag; with more tags
   refuse ("referenced in multiple repositories", even when the tags share
   one repository), unless forced; then delete.
3. Delete: child images are a hard conflict (even `-f` cannot), a running
   (or paused) container using the image is a hard conflict, a stopped one a
   soft conflict (`-f` overrides).  A deleted image's untagged, unused parent
   is deleted in turn ("pruned"), quietly stopping at the first conflict.

Layers are deleted when no image uses them any more; a container's read-write
layer keeps its image's layers alive even after a forced `rmi`.
"""
from __future__ import annotations

from dataclasses import replace

from frozendict import frozendict

from . import commands as cmd
from . import fs, refs
from .containers import find as find_container
from .errors import EngineError, ErrorKind
from .profile import Profile
from .result import Out, Result, refused
from .values import Config, Container, History, Image, Layer, Status, World, sha256


def find(world: World, text: str) -> Image | None:
    """The image a user names: full id, then a reference, then a unique id prefix."""
    hex_id = refs.full_id(text)
    if hex_id is not None:
        return world.images.get("sha256:" + hex_id)
    try:
        ref = refs.parse(text)
    except refs.InvalidReference:
        ref = None
    if ref is not None and str(ref) in world.tags:
        return world.images[world.tags[str(ref)]]
    stripped = text.removeprefix("sha256:")
    if stripped and all(ch in "0123456789abcdef" for ch in stripped):
        hits = [i for iid, i in world.images.items() if iid[7:].startswith(stripped)]
        if len(hits) == 1:
            return hits[0]
    return None


def image_id(config: Config, layers: tuple[str, ...], history: tuple[History, ...], parent: str, created: int) -> str:
    return "sha256:" + sha256("image", config.to_json(), layers, [(h.created_by, h.comment, h.empty_layer, h.created) for h in history], parent, created)


def make_image(world: World, parent: Image | None, changes: fs.Changes, config: Config, history_row: History,
               container_cmd: tuple[str, ...] | None = None, container: str = "",
               always_layer: bool = False, layer_owner: str = "") -> tuple[World, Image]:
    """A new image on top of `parent` (None: a base image) with one more history row.

    `changes` empty means the step made no layer (an "empty layer" history row), unless
    `always_layer`.  `layer_owner` (a container id) makes the layer that container's own
    even where another has the same changes (Podman's commit tar holds /etc/hostname).
    """
    world = world.tick()
    layers = parent.layers if parent else ()
    new_layers: tuple[Layer, ...] = ()
    if changes or parent is None or always_layer:
        layer = Layer.make(layers[-1] if layers else None, changes, layer_owner if changes else "")
        layers = layers + (layer.id,)
        new_layers = (layer,)
    row = replace(history_row, empty_layer=not new_layers and parent is not None, created=world.clock)
    history = (parent.history if parent else ()) + (row,)
    pid = parent.id if parent else ""
    img = Image(image_id(config, layers, history, pid, world.clock), layers, config, history, pid, world.clock,
                container_cmd, container)
    return world.put_image(img, new_layers), img


def set_tag(world: World, ref: refs.Ref, image_id_: str, order: str = "kept") -> World:
    """Point the name `ref` at an image; `order` (the dialect's `tag_order`) says whether a name it
    already had, or one moved from another image, becomes the image's newest name; "first": the name
    becomes its oldest, whatever it was (`load_tag_order`)."""
    key, tags = str(ref), world.tags
    if order == "first":
        items = [(k, v) for k, v in tags.items() if k != key]
        at = next((i for i, (_, v) in enumerate(items) if v == image_id_), len(items))
        items.insert(at, (key, image_id_))
        return replace(world, tags=frozendict(items))
    old = tags.get(key)
    if old is not None and (order == "readded" or (order == "moved" and old != image_id_)):
        tags = tags.delete(key)  # set again below: the last of `world.tags`, the image's newest name
    return replace(world, tags=tags.set(key, image_id_))


def move_tag(world: World, ref: refs.Ref, image_id_: str, keep_replaced: bool = True, order: str = "kept") -> World:
    """`set_tag`; with `keep_replaced` False, the image the name leaves is deleted when nothing
    else holds it (no tag, no container, no child image), as the containerd image store does."""
    old = world.tags.get(str(ref))
    world = set_tag(world, ref, image_id_, order)
    if keep_replaced or old is None or old == image_id_ or old not in world.images:
        return world
    if world.image_tags(old) or world.containers_of(old) or world.children(old):
        return world
    world = replace(world, images=world.images.delete(old))
    return world.release_layers()[0]


# -- commit and tag -------------------------------------------------------------------


def commit(world: World, c: cmd.Commit, p: Profile) -> Result:
    """`docker commit`: the container's read-write layer becomes a new read-only layer."""
    # The CLI parses the reference before it asks the engine for the container.
    ref = None
    if c.ref is not None:
        try:
            ref = refs.parse(c.ref)
        except refs.InvalidReference as e:
            return refused(world, p.error("invalid_reference_cli", ref=c.ref, detail=e))
    target = find_container(world, c.container)
    if target is None:
        return refused(world, p.error("no_such_container_daemon", name=c.container))
    if target.status is Status.PAUSED and not p.commit_paused_allowed:
        return refused(world, p.error("commit_paused", id=target.id))
    parent = world.images.get(target.image)
    if parent is None:
        return refused(world, p.error("commit_image_gone", id=target.image, hex=target.image[7:], root="<data-root>"))
    # The engine records the container's Cmd (not its Entrypoint) as "created by" (Podman: its own words).
    comment = c.message
    if p.commit_comment:
        untagged = p.commit_untagged_comment is not None and not world.image_tags(target.image)
        comment = p.commit_untagged_comment if untagged else p.commit_comment.format(ref=commit_source(world, target, p))
    row = History(p.commit_created_by or " ".join(target.config.cmd or ()), comment)

    def committed(layer_owner: str) -> Result:
        after, img = make_image(world, parent, target.rw, target.config, row, container_cmd=target.config.cmd,
                                container=target.id, always_layer=p.commit_layer_always, layer_owner=layer_owner)
        if ref is not None:
            after = set_tag(after, ref, img.id, p.tag_order)
        return Result(after, (img.id[7:] if p.cli_bare_ids else img.id) + "\n")

    if not p.commit_layer_always:
        return committed("")
    # Podman's layer is the tar of the container's layer, whose files carry times in whole seconds: where an
    # earlier commit's layer on the same parent has the same changes, the two containers' files may have been
    # made in the same second, and the engine then has one layer for both (a race with the clock: history
    # names the earlier image; replays/11-commit.sh:14 on 5.4, 44-podman-prune-build.sh:17 on 4.3).
    shared = shared_layers(world, parent, target.rw, target.id)
    result = committed(target.id)
    return replace(result, alternatives=tuple(committed(key) for key in shared)) if shared else result


def shared_layers(world: World, parent: Image | None, changes: fs.Changes, owner: str) -> tuple[str, ...]:
    """The keys of the layers on `parent`'s top layer with these `changes`, other than `owner`'s own: the layers
    Podman may share with a new one of `owner` (its tar the same when the files were made in the same second)."""
    below = parent.layers[-1] if parent is not None and parent.layers else None
    return tuple(l.key for l in world.layers.values() if l.parent == below and l.key not in ("", owner) and l.changes == changes)


def source_name(world: World, image_id: str, typed: str, p: Profile, in_typed_repo: bool = False) -> str:
    """How a `FROM` row names the image a commit or build step started from: the reference as typed,
    normalised (`base` is `base:latest`), or, where the dialect says, the first of the image's names, the
    oldest tag still on it (`from_row_names_first_tag`, podman 4.3: replays/44-podman-prune-build.sh:10, :13)
    or the newest (`from_row_names_newest_tag`, podman 5.4); with `in_typed_repo` (a build's FROM line),
    the first or newest of its names in the repository typed (replays/70-from-row-repo.sh); the image's
    bare id when it was named by id or has no name."""
    if p.from_row_names_first_tag or p.from_row_names_newest_tag:
        names = [t for t, i in world.tags.items() if i == image_id]
        repo = _repo(typed) if in_typed_repo else None
        names = [t for t in names if repo is not None and _repo(t) == repo] or names
        if names:
            return names[0] if p.from_row_names_first_tag else names[-1]
        if p.from_row_names_first_tag:
            return image_id[7:]
    if refs.full_id(typed) == image_id[7:] or typed in (image_id, image_id[7:]) or image_id[7:].startswith(typed):
        return image_id[7:]
    try:
        return str(refs.parse(typed))
    except refs.InvalidReference:
        return typed


def _repo(text: str) -> str | None:
    """The repository a reference names (None for an id or what does not parse)."""
    try:
        return refs.parse(text).repo
    except refs.InvalidReference:
        return None


def commit_source(world: World, target: Container, p: Profile) -> str:
    """How commit's FROM row names the container's image: as `source_name` says, or the image's newest
    tag (the last name it was given) where the dialect says so (`commit_row_names_newest_tag`, podman 5.4)."""
    if p.commit_row_names_newest_tag:
        newest = [t for t, i in world.tags.items() if i == target.image]
        if newest:
            return newest[-1]
    return source_name(world, target.image, target.image_ref, p)


def tag(world: World, c: cmd.Tag, p: Profile) -> Result:
    """`docker tag`: point a reference at an image (moving it off any other image)."""
    try:
        ref = refs.parse(c.target)
    except refs.InvalidReference as e:
        return refused(world, p.error("invalid_reference_tag", ref=c.target, detail=e))
    bad = refs.malformed(c.source)
    if bad is not None:  # the CLI parses the source too, before it asks the daemon
        return refused(world, p.error("invalid_reference_tag", ref=c.source, detail=bad))
    img = find(world, c.source)
    if img is None:
        return refused(world, p.error("no_such_image_daemon", ref=_familiar(c.source)))
    return Result(set_tag(world, ref, img.id, p.tag_order))


def _shown(ref: str, p: Profile) -> str:
    """A reference as the dialect's CLI prints it (`model.listing.shown_ref`)."""
    from .listing import shown_ref

    return shown_ref(ref, p)


def _familiar(text: str) -> str:
    try:
        return str(refs.parse(text))
    except refs.InvalidReference:
        return text


# -- rmi ------------------------------------------------------------------------------


class _Conflict(Exception):
    def __init__(self, error: EngineError):
        self.error = error


def _using(world: World, image_id_: str, running: bool | None) -> Container | None:
    hits = [c for c in world.containers_newest_first() if c.image == image_id_
            and (running is None or (c.status in (Status.RUNNING, Status.PAUSED)) == running)]
    return hits[0] if hits else None


def _conflict(world: World, img: Image, p: Profile, hard_only: bool, check_refs: bool,
              quiet: bool = False) -> EngineError | None:
    # A parent with children: 20.10 never deletes it.  The containerd image store deletes it when
    # asked by id, but a quiet deletion (after `rmi REF` untagged it, or a prune) keeps it, untagged,
    # as 20.10 does (`dockspec matrix --verify` on docker-26.1-containerd and docker-28.5-containerd:
    # `rmi base:1` of a parent with a child only untags; tests/test_matrix.py).  A forced one
    # deletes it there (`rmi -f base:1`: replays/62-rmi-parent.sh:11, where matrix --verify had seen
    # only rmi without -f).
    if check_refs and not hard_only and p.rmi_multiple_repos_first and len(world.image_tags(img.id)) > 1:
        return _multiple_repos(world, img, p)  # podman: before children and containers (replays/64-rmi-id-in-use-tagged.sh:12)
    if world.children(img.id):
        if quiet:  # after `rmi [-f] REF` untagged it: kept unless forced where -f deletes it
            kept = (p.rmi_refuses_parent_with_children or p.rmi_untagged_parent_kept) and not (
                hard_only and p.rmi_force_deletes_untagged_parent)
        else:
            kept = p.rmi_refuses_parent_with_children
        if kept:
            return p.error("image_has_children", short=img.short_id)
    running = _using(world, img.id, running=True)
    if running is not None:
        return p.error("image_in_use_running", short=img.short_id, container=running.short_id)
    if hard_only:
        return None
    stopped = _using(world, img.id, running=False)
    if check_refs and world.image_tags(img.id) and not (stopped is not None and p.rmi_in_use_before_multiple_repos):
        return _multiple_repos(world, img, p)
    if stopped is not None:
        return p.error("image_in_use_stopped", short=img.short_id, container=stopped.short_id)
    return None


def _multiple_repos(world: World, img: Image, p: Profile) -> EngineError:
    tags = [_shown(t, p) for t, i in world.tags.items() if i == img.id]  # in the order given
    return p.error("image_multiple_repos", short=img.short_id, id=img.id[7:], names=" ".join(tags),
                   names_newest_first=" ".join(reversed(tags)))


def _delete(world: World, img: Image, force: bool, prune: bool, quiet: bool, p: Profile, out: list[str]) -> World:
    conflict = _conflict(world, img, p, hard_only=force, check_refs=True, quiet=quiet)
    if conflict is not None:
        # Quiet deletions (after untagging the last reference, and parent pruning)
        # stop silently, unless the image is dangling and merely unused.
        dangling = not world.image_tags(img.id) and not world.children(img.id)
        if quiet and (not dangling or conflict.kind is ErrorKind.IMAGE_IN_USE):
            return world
        raise _Conflict(conflict)
    for t in world.image_tags(img.id):
        world = replace(world, tags=world.tags.delete(t))
        out.append(f"Untagged: {_shown(t, p)}")
    held = bool(world.children(img.id))  # its children keep its layers
    world = replace(world, images=world.images.delete(img.id))
    if p.rmi_deleted_parent_says_deleted or not held:
        out.append(f"Deleted: {img.id[7:] if p.cli_bare_ids else img.id}")
    world, gone = world.release_layers()
    if p.rmi_lists_deleted_layers:
        out.extend(f"Deleted: sha256:{l}" for l in gone)
    parent = world.images.get(img.parent) if img.parent else None
    if prune and parent is not None:
        return _delete(world, parent, False, True, True, p, out)
    return world


def rmi(world: World, c: cmd.Rmi, p: Profile) -> Result:
    """`docker rmi`: untag, and delete the image once no reference is left."""
    result = Out(world)
    for text in c.images:
        if c.force and p.force_ignores_missing_silently and find(result.world, text) is None:
            continue  # podman says nothing
        lines: list[str] = []
        try:
            result.world = _rmi_one(result.world, text, c.force, p.rmi_prunes_parents and not c.no_prune, p, lines)
        except _Conflict as e:
            # The 23+ clients' `rmi -f` reports a missing image on stderr but does not fail for it.
            missing_ok = c.force and p.rmi_force_ignores_missing and e.error.kind is ErrorKind.NO_SUCH_IMAGE
            result.refuse(e.error, exit=0 if missing_ok else 1)
            continue
        for line in lines:
            result.print(line)
    return result.result()


def _rmi_one(world: World, text: str, force: bool, prune: bool, p: Profile, out: list[str]) -> World:
    bad = refs.malformed(text)
    if bad is not None:
        raise _Conflict(p.error("invalid_reference", detail=bad, ref=text))
    img = find(world, text)
    if img is None:
        tagged = text if refs.full_id(text) or ":" in text.rsplit("/", 1)[-1] else text + ":latest"
        raise _Conflict(p.error("rmi_no_such_image", ref=text, tagged=tagged))
    by_id = refs.is_id_prefix(text, img.id[7:]) or refs.full_id(text) is not None
    tags = world.image_tags(img.id)
    if force and p.rmi_force_removes_containers and (by_id or len(tags) == 1):
        # The image is going: podman removes every container that uses it first, running ones too.
        for user in world.containers_of(img.id):
            world = world.drop_container(user.id)
    if not by_id:
        ref = str(refs.parse(text))
        user = _using(world, img.id, running=None)
        if user is not None and len(tags) == 1 and not force:
            raise _Conflict(p.error("image_in_use_by_ref", ref=text, container=user.short_id, short=img.short_id))
        world = replace(world, tags=world.tags.delete(ref))
        out.append(f"Untagged: {_shown(ref, p)}")
        if world.image_tags(img.id):
            return world
        if p.rmi_keeps_image_in_use and world.containers_of(img.id):
            return world  # the containerd store: dangling, for the containers that use it
        parent = bool(world.children(img.id))
        world = _delete(world, img, force, prune, True, p, out)
        if parent and img.id in world.images and p.rmi_kept_parent_says_deleted:
            out.append(f"Deleted: {img.id[7:] if p.cli_bare_ids else img.id}")  # and keeps it (replays/62-rmi-parent.sh:25)
        return world
    elif len(tags) == 1:
        # By id, a single tag is removed with the image; two or more (even of
        # one repository) are an "active reference" conflict that only -f overrides.
        conflict = _conflict(world, img, p, hard_only=force, check_refs=False)
        if conflict is not None:
            raise _Conflict(conflict)
        for t in tags:
            world = replace(world, tags=world.tags.delete(t))
            out.append(f"Untagged: {_shown(t, p)}")
    return _delete(world, img, force, prune, False, p, out)
