"""Rules of a step: named predicates over (state before, command, result).

Where `spec.invariants` says what every state must satisfy, these say what one
command may do: which commands the engine refuses and with which error kind
(`expected_outcomes`, the engine's own decision procedure, written from
Docker Engine 20.10's daemon code and stated here once), that a refusal
changes nothing, that read-only layers never change, that a container's
lifecycle and exit codes follow its workload, and what `commit` and `rmi`
leave behind.

Each rule returns True when the step obeys it (or when the rule says nothing
about that command).  The machine checks all of `STEP_RULES` after every
command it executes, as `step_rules(profile)` gives them for its dialect.

Where engines differ, a rule reads the dialect's named policy instead of
assuming Docker 20.10's choice: `rmi_outcome` counts child images as a
conflict only where `rmi_refuses_parent_with_children`, and `commit` of a
paused container is refused only where not `commit_paused_allowed`.  Such a
rule takes the dialect as a keyword-only `profile` (`spec.policies.bind`);
a rule that holds only in some dialects says so with `spec.policies.only_where`.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from model import commands as cmd
from model import fs, refs, workload
from model.errors import ErrorKind as K
from model.profile import DOCKER_20_10, Profile
from model.result import Result, outcomes
from model.containers import PODMAN_MOUNT_POINTS
from model.values import Container, Image, Status, World

from . import policies
from .workloads import KILLED, WORKLOADS, exec_effect

LIVE = (Status.RUNNING, Status.PAUSED)
OK = None  # the outcome "succeeded" in sets of expected outcomes

StepRule = Callable[[World, object, Result], bool]


# -- how the engine resolves what a user names --------------------------------------------


def resolve_container(world: World, text: str) -> Container | None:
    """The engine names a container by full id, then by name, then by a unique id prefix."""
    if text in world.containers:
        return world.containers[text]
    name = text.removeprefix("/")
    for c in world.containers.values():
        if c.name == name:
            return c
    if text and all(ch in "0123456789abcdef" for ch in text):
        hits = [c for cid, c in world.containers.items() if cid.startswith(text)]
        if len(hits) == 1:
            return hits[0]
    return None


def _ref(text: str) -> str | None:
    try:
        return str(refs.parse(text))
    except refs.InvalidReference:
        return None


def malformed_reference(text: str) -> bool:
    """The engine checks a reference before it looks for the image: a malformed one (not a full
    id, and not `name[:tag]` of lowercase path components) is "invalid reference format", never
    "No such image"."""
    return refs.full_id(text) is None and _ref(text) is None


def resolve_image(world: World, text: str) -> Image | None:
    """The engine names an image by full id, then by reference (tag `latest` by default), then a unique id prefix."""
    full = refs.full_id(text)
    if full is not None:
        return world.images.get("sha256:" + full)
    ref = _ref(text)
    if ref is not None and ref in world.tags:
        return world.images[world.tags[ref]]
    hexpart = text.removeprefix("sha256:")
    if hexpart and all(ch in "0123456789abcdef" for ch in hexpart):
        hits = [img for iid, img in world.images.items() if iid[7:].startswith(hexpart)]
        if len(hits) == 1:
            return hits[0]
    return None


def named_by_id(text: str, img: Image) -> bool:
    """True when the user named the image by (a prefix of) its id rather than by a reference."""
    return refs.full_id(text) is not None or refs.is_id_prefix(text, img.id[7:])


# -- which commands the engine refuses -----------------------------------------------------


def rmi_outcome(world: World, text: str, force: bool, profile: Profile = DOCKER_20_10) -> K | None:
    """`docker rmi` of one name, as daemon/images/image_delete.go decides it (Docker 20.10).

    By reference: refused (unless forced) only when it is the image's last tag
    and a container uses the image; otherwise the tag goes, and the conflicts
    met deleting the now untagged image are ignored quietly.  By id: child
    images and running containers are hard conflicts, other tags (unless the
    image has exactly one) and stopped containers soft ones that `-f` overrides.
    Child images are a conflict only in dialects whose policy
    `rmi_refuses_parent_with_children` says so (not the containerd image store).
    """
    img = resolve_image(world, text)
    if img is None:
        return OK if force and profile.force_ignores_missing_silently else K.NO_SUCH_IMAGE
    tags = world.image_tags(img.id)
    users = [c for c in world.containers.values() if c.image == img.id]
    if force and profile.rmi_force_removes_containers and (named_by_id(text, img) or len(tags) == 1):
        users = []  # the dialect removes them first (podman)
    if not named_by_id(text, img):
        if not force and len(tags) == 1 and users:
            return K.IMAGE_IN_USE
        return OK
    children = profile.rmi_refuses_parent_with_children and any(i.parent == img.id for i in world.images.values())
    running = any(c.status in LIVE for c in users)
    stopped = any(c.status not in LIVE for c in users)

    def conflict(check_refs: bool) -> K | None:
        if check_refs and profile.rmi_multiple_repos_first and len(tags) > 1:
            return K.IMAGE_MULTIPLE_REPOS  # podman: the tags before anything else
        if children:
            return K.IMAGE_HAS_CHILDREN
        if running:
            return K.IMAGE_IN_USE
        if not force and stopped and profile.rmi_in_use_before_multiple_repos:
            return K.IMAGE_IN_USE  # the containerd store names the container first
        if check_refs and tags:
            return K.IMAGE_MULTIPLE_REPOS
        if not force and stopped:
            return K.IMAGE_IN_USE
        return OK

    if len(tags) == 1:  # isSingleReference: exactly one tag is removed first
        kind = conflict(check_refs=False)
        if kind is not OK:
            return kind
        tags = ()
    return conflict(check_refs=not force)


def _valid_name(name: str) -> bool:
    return refs.valid_container_name(name)


def _create_outcomes(world: World, c: cmd.Create) -> frozenset:
    if refs.full_id(c.image) is None and _ref(c.image) is None:
        return frozenset({K.INVALID_REFERENCE})
    if resolve_image(world, c.image) is None:
        return frozenset({K.NO_SUCH_IMAGE})
    if c.name is not None:
        if not _valid_name(c.name):
            return frozenset({K.INVALID_NAME})
        if any(x.name == c.name.removeprefix("/") for x in world.containers.values()):
            return frozenset({K.NAME_IN_USE})
    return frozenset({OK})


def command_found(view, argv: tuple[str, ...]) -> bool:
    """The runtime finds a command on PATH: the machines' commands all live in /bin."""
    return bool(argv) and ("/bin/" + argv[0] in view if "/" not in argv[0] else argv[0] in view)


def _one_container(world: World, text: str, refuse: dict, argv: tuple[str, ...] | None = None) -> frozenset:
    """Outcome of a verb on one container: NO_SUCH_CONTAINER, or `refuse[status]`, or EXEC_NOT_FOUND, else success."""
    c = resolve_container(world, text)
    if c is None:
        return frozenset({K.NO_SUCH_CONTAINER})
    kind = refuse.get(c.status, OK)
    # under --init docker-init starts anyway and reports a missing command itself (exit 127)
    if kind is OK and argv is not None and not c.init and not command_found(world.rootfs(c).view, argv):
        kind = K.EXEC_NOT_FOUND
    return frozenset({kind})


# The container verbs' refusals by state (Docker 20.10; `wait` on a paused
# container is the model's own refusal: the engine would block for ever).
REFUSALS_BY_STATUS: dict[type, dict[Status, K]] = {
    cmd.Start: {Status.PAUSED: K.PAUSED},
    cmd.Restart: {},  # a paused container is stopped (thawed, so its TERM handler runs) and started again
    cmd.Stop: {},  # a paused one is refused where the dialect says so (`stop_refuses_paused`: see below)
    cmd.Kill: {Status.CREATED: K.NOT_RUNNING, Status.EXITED: K.NOT_RUNNING},
    cmd.Pause: {Status.PAUSED: K.ALREADY_PAUSED, Status.CREATED: K.NOT_RUNNING, Status.EXITED: K.NOT_RUNNING},
    cmd.Unpause: {Status.RUNNING: K.NOT_PAUSED, Status.CREATED: K.NOT_PAUSED, Status.EXITED: K.NOT_PAUSED},
    cmd.Wait: {Status.PAUSED: K.PAUSED},
    cmd.Exec: {Status.PAUSED: K.PAUSED, Status.CREATED: K.NOT_RUNNING, Status.EXITED: K.NOT_RUNNING},
    cmd.Diff: {},
    cmd.Export: {},
    cmd.Logs: {},
}


def _targets(command: object) -> tuple[str, ...] | None:
    for field in ("containers", "images", "targets"):
        if hasattr(command, field):
            return getattr(command, field)
    return None


def expected_outcomes(world: World, command: object, profile: Profile = DOCKER_20_10) -> frozenset | None:
    """The outcomes the dialect `profile` allows for `command` in `world`: OK (None) and/or error kinds.

    None when the spec makes no claim (several targets: each one is judged
    when run alone; or a situation listed in `KNOWN_DEVIATIONS`).
    """
    targets = _targets(command)
    if targets is not None and len(targets) != 1:
        return None
    if any(applies(world, command) for applies, _ in KNOWN_DEVIATIONS.values()):
        return None
    t = type(command)
    if t is cmd.Create:
        return _create_outcomes(world, command)
    if t is cmd.Run:
        out = _create_outcomes(world, command.create)
        if out == {OK}:
            img = resolve_image(world, command.create.image)
            argv = (command.create.entrypoint or ()) + (command.create.cmd or img.config.cmd or ())
            if not command_found(fs.union(tuple(world.layers[l].changes for l in img.layers) + (fs.INIT_LAYER,)), argv):
                # under --init, docker-init starts and reports it (exit 127): the container ran
                return frozenset({OK} if command.create.init else {K.EXEC_NOT_FOUND})
        return out
    if t is cmd.Rm:
        c = resolve_container(world, command.containers[0])
        if c is None:
            silent = command.force and profile.force_ignores_missing_silently  # podman -f: not an error
            return frozenset({OK if silent else K.NO_SUCH_CONTAINER})
        if command.force:
            return frozenset({OK})
        return frozenset({{Status.RUNNING: K.REMOVE_RUNNING, Status.PAUSED: K.REMOVE_PAUSED}.get(c.status, OK)})
    if t in REFUSALS_BY_STATUS:
        name = command.container if hasattr(command, "container") else command.containers[0]
        argv = None
        c = resolve_container(world, name)
        if t is cmd.Exec:
            argv = command.argv
        elif c is not None and (t is cmd.Restart or (t is cmd.Start and c.status is not Status.RUNNING)):
            argv = c.config.argv()
        by_status = REFUSALS_BY_STATUS[t]
        if t is cmd.Exec and profile.exec_paused_not_running:
            by_status = {**by_status, Status.PAUSED: K.NOT_RUNNING}
        if t in (cmd.Stop, cmd.Restart) and profile.stop_refuses_paused:
            # (a stop of a --rm container is refused in the words, and kind, of its removal where the dialect says so)
            key = "stop_paused_auto_remove" if t is cmd.Stop and c is not None and c.auto_remove else "stop_paused"
            by_status = {**by_status, Status.PAUSED: profile.messages[key][0]}
        return _one_container(world, name, by_status, argv)
    if t is cmd.Commit:
        out = set()
        c = resolve_container(world, command.container)
        if c is None:
            out.add(K.NO_SUCH_CONTAINER)
        elif c.image not in world.images:
            out.add(K.NO_SUCH_IMAGE)  # `rmi -f` took its image: the daemon cannot read the parent's config
        elif c.status is Status.PAUSED and not profile.commit_paused_allowed:
            out.add(K.PAUSED)
        if command.ref is not None and _ref(command.ref) is None:
            out.add(K.INVALID_REFERENCE)  # CLI and daemon check these in either order
        return frozenset(out or {OK})
    if t is cmd.Tag:
        if _ref(command.target) is None or malformed_reference(command.source):
            return frozenset({K.INVALID_REFERENCE})
        return frozenset({OK if resolve_image(world, command.source) is not None else K.NO_SUCH_IMAGE})
    if t in (cmd.Rmi, cmd.History, cmd.Save) or (t is cmd.Inspect and command.type == "image"):
        name = {cmd.Rmi: lambda: command.images[0], cmd.History: lambda: command.image,
                cmd.Save: lambda: command.images[0], cmd.Inspect: lambda: command.targets[0]}[t]()
        if malformed_reference(name):
            return frozenset({K.INVALID_REFERENCE})
    if t is cmd.Rmi:
        return frozenset({rmi_outcome(world, command.images[0], command.force, profile)})
    if t in (cmd.History, cmd.Save):
        name = command.image if t is cmd.History else command.images[0]
        return frozenset({OK if resolve_image(world, name) is not None else K.NO_SUCH_IMAGE})
    if t is cmd.Inspect:
        name = command.targets[0]
        found = resolve_container(world, name) is not None or resolve_image(world, name) is not None
        return frozenset({OK if found else K.NO_SUCH_CONTAINER})
    if t in (cmd.ContainerPrune, cmd.ImagePrune, cmd.SystemPrune):
        return frozenset({prune_outcome(command)})
    if t is cmd.Rename:
        return frozenset({rename_outcome(world, command.container, command.new_name, profile)})
    if t in (cmd.Ps, cmd.Images):
        return frozenset({OK})
    return None  # import, load, build: decided by the bytes they read


PRUNE_FILTERS = ("label", "label!", "until")


def prune_outcome(command: object) -> K | None:
    """prune: refused only for a filter the daemon does not know (or an until= that is no duration),
    and only with -f: without it the CLI asks first, and the answer "N" sends nothing."""
    import re

    if not command.force:
        return OK
    for key, value in command.filters:
        if key not in PRUNE_FILTERS:
            return K.USAGE
        if key == "until" and not re.fullmatch(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+|0", value):
            return K.UNSUPPORTED_WORKLOAD if re.match(r"\d", value) else K.USAGE
    return OK


def rename_outcome(world: World, old: str, new: str, profile: Profile = DOCKER_20_10) -> K | None:
    """rename: both names given, the container found, a different (as the dialect says), valid and free new name (daemon/rename.go)."""
    if not old or not new:
        return profile.messages["rename_empty"][0]
    c = resolve_container(world, old)
    new = new if profile.rename_keeps_slash else new.removeprefix("/")
    if c is None:
        return K.NO_SUCH_CONTAINER
    if c.name == new:
        return OK if profile.rename_same_name_allowed else K.SAME_NAME
    if not _valid_name(new) or new.startswith("/"):
        return K.INVALID_NAME
    if any(x.name == new for x in world.containers.values()):
        return K.NAME_IN_USE
    return OK


def _is_tar_with_manifest(data: bytes) -> bool:
    import io
    import tarfile

    try:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            return "manifest.json" in tar.getnames()
    except (tarfile.TarError, EOFError):
        return False


# Situations where the model is known to differ from Docker Engine 20.10, as
# name -> (predicate over (world, command), description): the spec makes no
# claim there.  Each entry comes with a strict xfail test that starts to pass,
# and so to fail, once the model is fixed; then the entry goes.  (Empty: the one
# found so far, rmi by id of an image with two tags of one repository, is fixed.)
KNOWN_DEVIATIONS: dict[str, tuple[Callable[[World, object], bool], str]] = {}


def outcome(result: Result) -> K | None:
    return result.error.kind if result.error is not None else OK


# -- step rules ----------------------------------------------------------------------------


def refused_exactly_as_the_engine_refuses(before: World, command: object, result: Result, *,
                                          profile: Profile = DOCKER_20_10) -> bool:
    """A command is refused exactly when Docker refuses it, and with the error kind Docker gives."""
    if type(command) is cmd.Load:
        return (outcome(result) is OK) == _is_tar_with_manifest(command.data) or outcome(result) is K.NO_SUCH_FILE
    allowed = expected_outcomes(before, command, profile)
    return allowed is None or outcome(result) in allowed


def refusal_changes_nothing(before: World, command: object, result: Result, *,
                            profile: Profile = DOCKER_20_10) -> bool:
    """A refused command leaves the engine state as it was (a failed start records its exit code, a failed build its steps)."""
    if result.error is None:
        return True
    targets = _targets(command)
    if targets is not None and len(targets) != 1:
        return True
    if result.error.kind is K.EXEC_NOT_FOUND and type(command) in (cmd.Start, cmd.Run, cmd.Restart):
        return True
    if type(command) is cmd.Build and result.error.kind in (K.BUILD_FAILED, K.EXEC_NOT_FOUND):
        # the legacy builder keeps the images of the steps before and the failed step's container;
        # buildah (podman) the images only, BuildKit nothing
        new = set(result.world.containers) - set(before.containers)
        builder = (command.builder if profile.builder_chosen_by_env else None) or profile.builder
        if result.error.kind is K.BUILD_FAILED and builder in ("classic", "buildah"):
            return len(new) == (1 if builder == "classic" else 0)
        return True
    return result.world is before or result.world == before


READ_ONLY = (cmd.Ps, cmd.Images, cmd.History, cmd.Inspect, cmd.Diff, cmd.Logs, cmd.Export, cmd.Save)


def read_only_commands_change_nothing(before: World, command: object, result: Result) -> bool:
    """ps, images, history, inspect, diff, logs, export and save never change the engine state."""
    return type(command) not in READ_ONLY or result.world is before or result.world == before


def read_only_layers_never_change(before: World, command: object, result: Result) -> bool:
    """A read-only layer never changes once written: a layer id names the same content for ever."""
    after = result.world.layers
    if after is before.layers:
        return True
    return all(after[lid] is layer or after[lid] == layer for lid, layer in before.layers.items() if lid in after)


def layers_go_only_with_rmi(before: World, command: object, result: Result) -> bool:
    """Only `rmi` deletes layers, and removing the last container of a force-removed image its stack."""
    if type(command) in (cmd.Rmi, cmd.ImagePrune, cmd.SystemPrune) or result.world.layers is before.layers:
        return True
    gone = [lid for lid in before.layers if lid not in result.world.layers]
    if not gone:
        return True
    if type(command) not in (cmd.Rm, cmd.Run, cmd.Start, cmd.Stop, cmd.Kill, cmd.Restart, cmd.Wait,  # rm, a --rm container exiting
                             cmd.ContainerPrune):
        return False
    held_by_images = {lid for img in before.images.values() for lid in img.layers}
    removed = [c for cid, c in before.containers.items() if cid not in result.world.containers]
    held_by_removed = {lid for c in removed for lid in c.layers}
    return all(lid in held_by_removed and lid not in held_by_images for lid in gone)


def _view_has(view, effect: tuple[str, str]) -> bool:
    what, path = effect
    entry = view.get(path)
    if what == "absent":
        return entry is None
    if what == "exists":
        return entry is not None
    if what == "dir":
        return entry is not None and entry.kind is fs.Kind.DIR
    return entry is not None and entry.kind is fs.Kind.FILE


def _expect_exited(c: Container | None, code: int | None) -> bool:
    """Exited with `code` (any when None), or gone when it was started with --rm."""
    if c is None:
        return True
    return c.status is Status.EXITED and (code is None or c.exit_code == code)


def lifecycle_follows_the_workload(before: World, command: object, result: Result, *,
                                   profile: Profile = DOCKER_20_10) -> bool:
    """start, restart, stop, kill, pause, unpause, wait and rm move a container as its workload says, with its exit codes."""
    t = type(command)
    if result.error is not None or t not in (cmd.Start, cmd.Restart, cmd.Stop, cmd.Kill, cmd.Pause, cmd.Unpause,
                                             cmd.Wait, cmd.Rm, cmd.Run):
        return True
    if t is cmd.Run:
        cid = result.stdout.strip() if command.detach else None
        created = [c for c in result.world.containers.values() if c.id not in before.containers]
        if not created:
            return command.create.auto_remove  # --rm: gone once it exited
        c = created[0]
        w = WORKLOADS.get(c.config.argv())
        if w is None:
            return True
        if c.init and not command_found(fs.union(tuple(result.world.layers[l].changes for l in c.layers)
                                                 + (fs.INIT_LAYER,)), c.config.argv()):
            # docker-init could not exec the command: it exits 127 (126) and the container with it
            return (_expect_exited(c, c.exit_code) and c.exit_code in _init_cannot_exec(profile)
                    and (command.detach or result.exit == c.exit_code))
        if command.detach:
            if cid != c.id:
                return False
            return c.status is Status.RUNNING if w.blocks else _expect_exited(c, w.exit)
        return _expect_exited(c, w.exit) and result.exit == c.exit_code
    if len(command.containers) != 1:
        return True
    old = resolve_container(before, command.containers[0])
    if old is None:  # rm -f of a missing name, where the dialect says nothing (podman): nothing changes
        return result.world == before
    new = result.world.containers.get(old.id)
    if t is cmd.Rm:
        return new is None and len(result.world.containers) == len(before.containers) - 1
    w = WORKLOADS.get(old.config.argv())
    if w is None:
        return True
    gone_ok = old.auto_remove
    if new is None:
        return gone_ok
    if t is cmd.Pause:
        return new.status is Status.PAUSED and new.processes == old.processes
    frozen_out = old.status is Status.PAUSED and any(workload.ran_out(x) for x in old.processes)
    if t is cmd.Unpause:
        if frozen_out:  # its clock ran while it was frozen: the sleep that ran out ends now
            return _expect_exited(new, w.exit)
        return new.status is Status.RUNNING and new.processes == old.processes
    if t is cmd.Kill:
        return _expect_exited(new, KILLED)
    if t is cmd.Stop:
        if old.status in (Status.RUNNING, Status.PAUSED):
            # The engine thaws a paused container after signalling it: same as running,
            # unless its sleep ran out while it was frozen (then it exits as by itself).
            init_exit = w.init_stop_exit if w.init_stop_exit is not None else w.stop_exit
            if profile.stop_zero_timeout_kills and command.timeout is not None and command.timeout <= 0 and not frozen_out:
                return _expect_exited(new, KILLED)  # SIGKILL alone: no handler runs
            return _expect_exited(new, w.exit if frozen_out else (init_exit if old.init else w.stop_exit))
        return new == old
    if t is cmd.Wait:
        # A created container keeps the exit code of a failed start (127, 126), and
        # `wait` prints it: seen on Docker 20.10 (restart of a missing command, then wait).
        ok = result.stdout == f"{new.exit_code or 0}\n"
        if old.status is Status.RUNNING:
            return ok and _expect_exited(new, w.exit)
        return ok and new == old
    # start and restart
    if t is cmd.Start and old.status is Status.RUNNING:
        return new == old
    if old.init and not command_found(before.rootfs(old).view, old.config.argv()):
        return new.status is Status.EXITED and new.exit_code in _init_cannot_exec(profile)  # docker-init reports it
    if w.blocks:
        return new.status is Status.RUNNING and new.exit_code is None and len(new.processes) == 1
    return _expect_exited(new, w.exit)


def workload_effects_are_visible(before: World, command: object, result: Result) -> bool:
    """A command that exits as its workload says (exec: 0) leaves its path in the view: touched, made, written or removed."""
    # A foreground `run` must exit with the workload's code: `rm -rf /etc` fails
    # on the mounted files but still removes /etc/passwd.
    t = type(command)
    if result.error is not None:
        return True
    if t is cmd.Exec and not command.detach and result.exit == 0:
        effect = exec_effect(command.argv)
        c = resolve_container(result.world, command.container)
    elif t is cmd.Run and not command.detach:
        w = WORKLOADS.get(tuple(command.create.cmd or ()))
        if w is None or w.blocks or result.exit != (w.exit or 0):
            return True
        effect = w.effect
        created = [c for c in result.world.containers.values() if c.id not in before.containers]
        c = created[0] if created else None
    else:
        return True
    if effect is None or c is None:
        return True
    return _view_has(result.world.rootfs(c).view, effect)


def _without_init(view, c) -> dict:
    """A view minus the paths only the container's engine files put there (Docker's init layer: /.dockerenv,
    /etc/hosts, ...)."""
    return {p: e for p, e in view.items() if p not in c.engine_files.layer or p in c.rw}


def _printed_image(result: Result) -> str:
    """The image id a commit printed, "sha256:" and all (podman's CLI prints it bare: policy cli_bare_ids)."""
    text = result.stdout.strip()
    return text if text.startswith("sha256:") else "sha256:" + text


def commit_adds_one_history_row(before: World, command: object, result: Result, *, profile: Profile = DOCKER_20_10) -> bool:
    """`commit` makes one image on the container's image with one more history row, and a layer when the container changed something (or always, as the dialect says)."""
    if type(command) is not cmd.Commit or result.error is not None:
        return True
    c = resolve_container(before, command.container)
    img = result.world.images.get(_printed_image(result))
    parent = before.images.get(c.image)
    if img is None or parent is None:
        return False
    return (img.parent == parent.id and len(img.history) == len(parent.history) + 1
            and img.history[:-1] == parent.history and img.layers[:len(parent.layers)] == parent.layers
            and len(img.layers) - len(parent.layers) == (1 if c.rw or profile.commit_layer_always else 0))


def commit_shows_the_container_view(before: World, command: object, result: Result) -> bool:
    """The committed image shows what the container showed (except the init layer's files)."""
    if type(command) is not cmd.Commit or result.error is not None:
        return True
    c = resolve_container(before, command.container)
    img = result.world.images.get(_printed_image(result))
    if img is None:
        return False
    want = _without_init(before.rootfs(c).view, c)
    got = _without_init(result.world.image_view(img), c)
    return got == want


def rmi_by_id_deletes_the_image(before: World, command: object, result: Result) -> bool:
    """A successful `rmi` by id deletes the image and its tags; by reference it deletes that tag."""
    if type(command) is not cmd.Rmi or result.error is not None or len(command.images) != 1:
        return True
    text = command.images[0]
    img = resolve_image(before, text)
    after = result.world
    if img is None:  # rmi -f of a missing name, where the dialect says nothing (podman)
        return after == before
    if named_by_id(text, img):
        return img.id not in after.images and img.id not in after.tags.values()
    return _ref(text) not in after.tags


def _kill_racing(before: World, command: object) -> set[str]:
    """The containers a `stop`/`restart -t 0` may SIGKILL before their PID 1 runs its TERM trap (or docker-init relays the TERM)."""
    if not isinstance(command, (cmd.Stop, cmd.Restart)):
        return set()
    racing = set()
    for text in command.containers:
        c = resolve_container(before, text)
        if c is None or c.status not in LIVE or not c.processes:
            continue
        timeout = command.timeout if command.timeout is not None else c.stop_timeout
        if timeout == 0 and workload.term_races_kill(c.processes[0], before.rootfs(c), 0):
            racing.add(c.id)
        elif timeout == 0 and c.init and c.processes[0].exit is None:
            # docker-init relays the TERM in user space: the SIGKILL may land before its command ends
            if workload.signal(c.processes[0], before.rootfs(c), "TERM").exit_code is not None:
                racing.add(c.id)
    return racing


def _racing(before: World, command: object, after: World, profile: Profile = DOCKER_20_10) -> tuple[set[str], set[str]]:
    """The `--rm` containers whose asynchronous removal this command races with: (ended, maybe).

    `ended`: named again once ended, gone whatever the engine shows; `maybe`: a restarted
    live one, which the engine may keep or remove."""
    ended: set[str] = set()
    maybe: set[str] = set()
    if not isinstance(command, (cmd.Start, cmd.Stop, cmd.Kill, cmd.Restart)):
        return ended, maybe
    seen: list[str] = []
    for text in command.containers:
        c = resolve_container(before, text)
        if c is None or not c.auto_remove:
            continue
        if c.id in seen and c.id not in after.containers:
            ended.add(c.id)  # the removal may not have happened yet when the later target is handled
        # live before the command, or named again: the first restart started it (`restart X X` of a created one)
        live = c.status in LIVE or c.id in seen
        if isinstance(command, cmd.Restart) and live and not (
                c.status is Status.PAUSED and profile.stop_refuses_paused):  # refused: no race
            maybe.add(c.id)  # the exit may be handled with auto-removal already back on
        seen.append(c.id)
    return ended - maybe, maybe


def _quick_exits(before: World, command: object, profile: Profile) -> set[str]:
    """The containers a restart names again, where the dialect's SIGKILL may miss a quick exit
    (`restart_races_a_quick_exit`): they may, not must, end otherwise."""
    if not (isinstance(command, cmd.Restart) and profile.restart_races_a_quick_exit):
        return set()
    found = [c for c in (resolve_container(before, t) for t in command.containers) if c is not None]
    return {c.id for k, c in enumerate(found) if not c.auto_remove and c in found[:k]}


def _unhandled(before: World, command: object, ended: set[str], profile: Profile) -> set[str]:
    """The containers a start names after an ended `--rm` one named again, where the dialect's start may
    fail as a whole there (`start_aborts_on_a_vanished_target`): they may, not must, be left as they were."""
    if not (isinstance(command, cmd.Start) and profile.start_aborts_on_a_vanished_target and ended):
        return set()
    found = [resolve_container(before, t) for t in command.containers]
    first = min(k for k, c in enumerate(found) if c is not None and c.id in ended and c in found[:k])
    return {c.id for c in found[first + 1:] if c is not None and c.id not in ended}


def rename_changes_only_the_name(before: World, command: object, result: Result) -> bool:
    """A renamed container keeps its id, state, layers and processes; nothing else in the engine changes."""
    if type(command) is not cmd.Rename or result.error is not None:
        return True
    c = resolve_container(before, command.container)
    after = result.world.containers.get(c.id) if c is not None else None
    if after is None or after.name != command.new_name.removeprefix("/"):
        return False
    from dataclasses import replace as _replace
    return (_replace(after, name=c.name) == c and result.world.images == before.images
            and result.world.layers == before.layers and result.world.tags == before.tags
            and len(result.world.containers) == len(before.containers))


def _labels_match(labels, filters) -> bool:
    for key, value in filters:
        k, eq, v = value.partition("=")
        has = k in labels and (not eq or labels[k] == v)
        if key == "label" and not has or key == "label!" and has:
            return False
    return True


def prune_removes_only_what_nothing_uses(before: World, command: object, result: Result, *,
                                         profile: Profile = DOCKER_20_10) -> bool:
    """Prune removes only what nothing uses: nothing without -f (the prompt says N); stopped containers whose labels match; images no container or child uses (where the store prunes names: the name a container was made from, its image's dangling name, an image used by id; children hold nothing), tags only with -a."""
    t = type(command)
    if t not in (cmd.ContainerPrune, cmd.ImagePrune, cmd.SystemPrune) or result.error is not None:
        return True
    after = result.world
    if not command.force:
        return after == before
    old = any(k == "until" and v != "0" for k, v in command.filters)
    if t is cmd.ImagePrune:
        if after.containers != before.containers:
            return False
    else:
        for cid, c in before.containers.items():
            goes = c.status in (Status.CREATED, Status.EXITED) and _labels_match(c.labels, command.filters) and not old
            if (cid in after.containers) == goes:
                return False
    if t is cmd.ContainerPrune:
        return after.images == before.images and after.tags == before.tags
    for c in after.containers.values():
        if profile.prune_by_name:  # the containerd store keeps names, not images
            by_id = refs.is_id_prefix(c.image_ref, c.image[7:])
            ref = None if by_id else _ref(c.image_ref)
            if ref is not None and before.tags.get(ref) == c.image and after.tags.get(ref) != c.image:
                return False
            if by_id and c.image in before.images and c.image not in after.images:
                return False  # named or dangling, an image used by id stays (replays/63-prune-by-id.sh)
            if c.image in before.images and not before.image_tags(c.image) and c.image not in after.images:
                return False
        elif c.image in before.images and c.image not in after.images:
            return False
    # A child image holds its parent, except where the store prunes names: the containerd store keeps no
    # parent links, and a dangling parent goes under its child (replays/60-prune-dangling-parent.sh:14).
    for img in after.images.values():
        # (a parent goes with its children's layers kept where rmi deletes parents: Podman, replays/14-rmi-children.sh)
        if (img.parent and img.parent in before.images and img.parent not in after.images
                and profile.rmi_refuses_parent_with_children and not profile.prune_by_name):
            return False
    if not command.all:
        kept = {t_: i for t_, i in before.tags.items()}
        if dict(after.tags) != kept:
            return False
    if profile.prune_whole_images:  # podman: an image goes whole or keeps every tag, and its id is printed
        if any(after.image_tags(i) != before.image_tags(i) for i in after.images):
            return False
        if t is cmd.ImagePrune and sorted(result.stdout.split()) != sorted(i[7:] for i in before.images if i not in after.images):
            return False
    elif command.all and not profile.prune_by_name:
        # rmi of each tag in turn: an image a container uses keeps its last tag only (replays/26-prune.sh:34)
        for i in after.images:
            img = after.images[i]
            if _labels_match(img.config.labels, command.filters) and not old and len(after.image_tags(i)) > 1:
                return False
    return True


def _init_cannot_exec(profile: Profile) -> tuple[int, ...]:
    """How a container's init exits when it cannot exec the command: 127 or 126 (tini), or the dialect's status."""
    return (profile.init_cannot_exec_exit,) if profile.init_cannot_exec_exit is not None else (126, 127)


def init_leaves_its_mount_point(before: World, command: object, result: Result, *,
                                profile: Profile = DOCKER_20_10) -> bool:
    """A container started with --init has its init's mount point (the dialect's `init_path`) in its read-write layer or image: made by the start where the image lacks it, an empty file of the dialect's `mount_point_mode` (a file already there, kept)."""
    if type(command) not in (cmd.Run, cmd.Start, cmd.Restart) or result.error is not None:
        return True
    for c in result.world.containers.values():
        if c.init and c.started and not result.world.rootfs(c).exists(profile.init_path):
            return False
        was = before.containers.get(c.id)
        if was is not None and was.rw.get(profile.init_path) is not None:
            continue  # made by an earlier start, or put there by `cp` (which the engine takes): the start keeps it
        made = c.rw.get(profile.init_path) if c.init and c.started else None
        image = fs.union(tuple(result.world.layers[l].changes for l in c.layers)) if made is not None else {}
        if made is not None and profile.init_path not in image and made.kind is fs.Kind.FILE and (
                made.mode != profile.mount_point_mode):
            return False  # podman 5.4: 0644 (bench/soak seed 921)
    return True


def races_only_on_auto_removal(before: World, command: object, result: Result, *,
                               profile: Profile = DOCKER_20_10) -> bool:
    """Only a `--rm` container's asynchronous removal (or podman's clean-up, read by inspect), a `-t 0` SIGKILL racing a TERM trap, Podman's layers shared by the clock (commit, a build's RUN step), or Docker's lagging pause flag (a refusal that leaves the container as it was), makes a command race; its outcomes differ in nothing else."""
    lagging = [c for cid, c in before.containers.items() if cid in before.unsettled and c.status is Status.RUNNING]
    if lagging:
        # model.live: refused as for a paused container, which is left running as it was
        # (the outcome of the command had the container been paused, which leaves it running; not another
        # race's refusal, restart's "marked for removal" of an --rm container: `dockspec check`)
        from model.live import as_if_paused

        def bare(r: Result) -> tuple:
            return r.error, r.stdout, replace(r.world, unsettled=frozenset())

        paused = [o for o in (as_if_paused(before, c.id, command, profile) for c in lagging) if o is not None]
        lag = [alt for alt in result.alternatives if alt.error is not None and any(bare(alt) == bare(o) for o in paused)]
        if not profile.pause_flag_lags and lag:
            return False
        result = replace(result, alternatives=tuple(alt for alt in result.alternatives if alt not in lag))
    if type(command) is cmd.Commit and result.alternatives:
        # Podman's layer shared with an earlier commit's: the other outcomes' new image stands on an old layer
        # with the documented new layer's changes; nothing else differs
        def top(world: World) -> list[str]:
            return [i.layers[-1] for iid, i in world.images.items() if iid not in before.images]

        def shares_a_layer(alt: Result) -> bool:
            tops = top(alt.world)
            return (alt.world.containers == result.world.containers and len(tops) == 1 and tops[0] in before.layers
                    and before.layers[tops[0]].changes == result.world.layers[made[0]].changes)

        made = top(result.world)
        return profile.commit_layer_always and len(made) == 1 and all(map(shares_a_layer, result.alternatives))
    if type(command) is cmd.Build and result.alternatives:
        # a buildah RUN step's layer shared with an earlier layer of the same changes (made in the same second):
        # the other outcomes' images have the same stacks of changes, on fewer new layers; nothing else differs
        def stacks(world: World) -> dict:
            return {t: tuple(world.layers[l].changes for l in world.images[i].layers) for t, i in world.tags.items()}

        def made(world: World) -> int:
            return len(set(world.layers) - set(before.layers))

        return profile.build_run_mount_points and all(
            alt.world.containers == result.world.containers and stacks(alt.world) == stacks(result.world)
            and made(alt.world) < made(result.world) for alt in result.alternatives)
    # Races: a stop/kill/restart naming an ended --rm container again (the later target may
    # still find it); a restart of a live --rm container (the exit may be handled with
    # auto-removal on: "marked for removal", and the container goes).  The documented
    # outcome is the first; the others may differ only in whether those containers are gone.
    ended, maybe = _racing(before, command, result.world, profile)
    killed = _kill_racing(before, command)  # may, not must, differ: a restarted one runs again either way
    killed |= _quick_exits(before, command, profile)  # may, not must, differ too
    if type(command) is cmd.Inspect and profile.exited_may_read_stopped:
        # the other race of podman 5.4: an exited container read as "stopped"; nothing else differs
        return all(alt.world == result.world and alt.exit == result.exit for alt in result.alternatives)
    if not ended and not maybe and not killed:
        return not result.alternatives
    if not result.alternatives and (ended or maybe):
        return False
    if type(command) is cmd.Stop and result.error is None:
        for cid in killed:  # the SIGKILL that lands first must be offered: exit 137
            codes = {o.world.containers[cid].exit_code for o in outcomes(result) if cid in o.world.containers}
            if codes and 128 + workload.SIGKILL not in codes:
                return False
    racing = maybe | killed
    late = _unhandled(before, command, ended, profile)
    keep = {k: v for k, v in result.world.containers.items() if k not in racing | late}
    return all({k: v for k, v in alt.world.containers.items() if k not in racing | late} == keep
               and all(alt.world.containers.get(k) in (result.world.containers.get(k), before.containers.get(k))
                       for k in late)
               and not ended & set(alt.world.containers)
               and alt.world.images == result.world.images and alt.world.tags == result.world.tags
               for alt in result.alternatives)


def rm_of_several_names(before: World, command: object, result: Result, *, profile: Profile = DOCKER_20_10) -> bool:
    """`rm` of several names removes every stopped one it finds, or nothing when one is missing where the dialect checks all first."""
    if type(command) is not cmd.Rm or command.force or len(command.containers) < 2:
        return True
    found = [resolve_container(before, n) for n in command.containers]
    if profile.rm_checks_all_first and None in found:
        return result.world.containers == before.containers
    return all(c.id not in result.world.containers for c in found
               if c is not None and c.status not in (Status.RUNNING, Status.PAUSED))


def diff_lists_a_directory_for_a_reason(before: World, command: object, result: Result, *,
                                        profile: Profile = DOCKER_20_10) -> bool:
    """`diff` lists an unchanged-mode directory only above a listed change (or any copied up, by mtime); /etc once started where start writes a mount point its image lacks."""
    # Docker lists a directory whose mode stayed only as the parent of a listed change; a dialect that
    # compares directories by mtime (`diff_dirs_by_mtime`: podman) lists every one it copied up, and
    # where starting makes the /etc mount points its image lacks (`start_touches_etc`) a container that
    # ever started lists /etc, unless its image has them all (an image committed from a started
    # container: replays/41-podman-mount-points.sh:7, :13).
    if type(command) is not cmd.Diff or result.error is not None:
        return True
    c = resolve_container(before, command.container)
    lines = result.stdout.splitlines()
    paths = [l[2:] for l in lines]
    if profile.start_touches_etc and c.started and "/etc" not in paths and _image_lacks_etc_mount_point(before, c):
        return False
    if profile.diff_dirs_by_mtime:
        return True
    view = before.container_view(c)
    for line in lines:
        kind, path = line[:1], line[2:]
        entry, below = c.rw.get(path), view.get(path)
        if (kind == "C" and entry is not None and below is not None and entry.kind is below.kind is fs.Kind.DIR
                and entry.mode == below.mode and not entry.opaque
                and not any(q.startswith(path.rstrip("/") + "/") for q in paths)):
            return False
    return True


def cp_out_copies_what_the_container_holds(before: World, command: object, result: Result, *,
                                           profile: Profile = DOCKER_20_10) -> bool:
    """`cp CTR:PATH NEW` (nothing at NEW on the host) writes what the container holds at PATH under NEW, modes and all (a folder with everything below it), and changes nothing in the engine; where the dialect's copier reads its mounts, a live container's /run/.containerenv is an empty 0644 file."""
    # The CLI extracts the daemon's tar with each entry's mode (pkg/archive Untar chmods it); the
    # trailing "/." of a folder only changes where an existing host folder takes its content.
    if type(command) is not cmd.Cp or command.into or result.error is not None:
        return True
    if result.world != before:
        return False
    c = resolve_container(before, command.container)
    src = fs.normpath(command.path.removesuffix("/.") or "/")
    view = before.rootfs(c).view
    if (profile.cp_out_reads_podman_mounts and c.status is Status.RUNNING and "/run/.containerenv" in view
            and (src == "/run/.containerenv" or fs.is_below("/run/.containerenv", src))):
        # podman's mount, alone or in a folder copied (replays/66-podman-cp-mounts.sh:10, :16)
        view = {**view, "/run/.containerenv": fs.file(b"", 0o644)}
    if command.host or command.path.endswith("/") or any(
            (e := view.get(a)) is not None and e.kind is fs.Kind.SYMLINK for a in fs.ancestors(src)):
        return True  # onto what the host has, or through a link: the placement rules (docs/cp.md)
    new = fs.normpath(command.host_path, "/")[1:]
    want = {new + p[len(src):] if src != "/" else f"{new}{p}": e for p, e in view.items() if fs.is_below(p, src)}
    if src in view:
        want[new] = view[src]

    def plain(files):
        return {k: (e.kind, e.data, e.mode) for k, e in files.items()}
    return plain(result.files) == plain(want)


def _image_lacks_etc_mount_point(world: World, c: Container) -> bool:
    """Whether the container's image (its layers, not its own) lacks one of the /etc mount points a start makes."""
    image = fs.union(tuple(world.layers[l].changes for l in c.layers))
    return any(path not in image for path, _ in PODMAN_MOUNT_POINTS if path.startswith("/etc/"))


STEP_RULES: tuple[StepRule, ...] = (
    refused_exactly_as_the_engine_refuses,
    refusal_changes_nothing,
    read_only_commands_change_nothing,
    read_only_layers_never_change,
    layers_go_only_with_rmi,
    lifecycle_follows_the_workload,
    workload_effects_are_visible,
    commit_adds_one_history_row,
    commit_shows_the_container_view,
    rmi_by_id_deletes_the_image,
    races_only_on_auto_removal,
    rename_changes_only_the_name,
    prune_removes_only_what_nothing_uses,
    init_leaves_its_mount_point,
    diff_lists_a_directory_for_a_reason,
    rm_of_several_names,
    cp_out_copies_what_the_container_holds,
)


def step_rules(profile: Profile = DOCKER_20_10) -> tuple[StepRule, ...]:
    """The step rules of the dialect `profile`, each given the dialect when it reads one."""
    return tuple(policies.bind(r, profile) for r in STEP_RULES if policies.applies(r, profile))


def broken_rules(before: World, command: object, result: Result, profile: Profile = DOCKER_20_10) -> list[str]:
    """The names of the step rules of the dialect `profile` this step breaks, each with its rule."""
    return [f"{r.__name__}: {r.__doc__}" for r in step_rules(profile) if not r(before, command, result)]
