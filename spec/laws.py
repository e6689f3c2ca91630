"""Laws: equations between docker command sequences, each a separate property.

Each law is a function of a world (drawn by `worlds()`: the base image, some
containers in every state, with files written, removed and committed) and of
a few more drawn choices; it asserts the law and returns nothing.  `LAWS`
lists them as Hypothesis tests (`@given`), without settings: the caller
applies a profile (`spec.settings`).  Every law holds in every dialect
(`model.dialects`): `law_test` runs it with the dialect it is given, `p`.
"""
from __future__ import annotations


from hypothesis import assume, given
from hypothesis import strategies as st

from model import commands as cmd
from model import fs
from model.engine import step
from model.errors import ErrorKind
from model.profile import DOCKER_20_10, Profile
from model.result import outcomes
from model.values import Status, World

from .fixtures import BASE_REF, base_world
from .workloads import CONTAINER_COMMANDS, KILLED, PATHS, WORKLOADS, exec_argv

_OPS = st.one_of(
    st.tuples(st.just("run"), st.sampled_from(CONTAINER_COMMANDS), st.booleans()),
    st.tuples(st.just("exec"), st.sampled_from(("touch", "mkdir", "rm", "write")), st.sampled_from(PATHS)),
    st.tuples(st.just("commit"), st.booleans(), st.none()),
    st.tuples(st.just("pause"), st.none(), st.none()),
    st.tuples(st.just("stop"), st.none(), st.none()),
)


@st.composite
def worlds(draw, p: Profile = DOCKER_20_10) -> World:
    """An engine after a short random session: containers run, write files, get committed, paused, stopped."""
    world = base_world()
    images = [BASE_REF]
    n = 0
    for op, a, b in draw(st.lists(_OPS, max_size=8)):
        names = sorted(c.name for c in world.containers.values())
        if op == "run":
            n += 1
            image = draw(st.sampled_from(images))
            command = cmd.Run(cmd.Create(image, a, name=f"ctr{n}", network="none"), detach=b)
        elif not names:
            continue
        elif op == "exec":
            command = cmd.Exec(draw(st.sampled_from(names)), exec_argv(a, b))
        elif op == "commit":
            n += 1
            command = cmd.Commit(draw(st.sampled_from(names)), f"img{n}:latest" if a else None)
        elif op == "pause":
            command = cmd.Pause((draw(st.sampled_from(names)),))
        else:
            command = cmd.Stop((draw(st.sampled_from(names)),), timeout=0)
        result = step(world, command, p)
        world = result.world
        if isinstance(command, cmd.Commit) and result.error is None and command.ref:
            images.append(command.ref)
    return world


def _containers(world: World, *statuses: Status) -> list[str]:
    return sorted(c.name for c in world.containers.values() if not statuses or c.status in statuses)


def _without_init(view) -> dict:
    return {p: e for p, e in view.items() if p not in fs.INIT_LAYER}


def _ok(result):
    assert result.error is None, result.stderr
    return result


# -- the laws -------------------------------------------------------------------------


def run_is_create_then_start(world: World, image: str, argv: tuple[str, ...], p: Profile = DOCKER_20_10) -> None:
    """`run -d` equals `create` then `start`."""
    create = cmd.Create(image, argv, name="law", network="none")
    ran = step(world, cmd.Run(create, detach=True), p)
    created = step(world, create, p)
    if created.error is not None:
        assert ran.error is not None and ran.error.kind is created.error.kind
        return
    started = step(created.world, cmd.Start(("law",)), p)
    assert ran.world == started.world
    assert (ran.error is None) == (started.error is None)


def commit_adds_one_row_and_shows_the_view(world: World, name: str, p: Profile = DOCKER_20_10) -> None:
    """`commit` adds exactly one history row, and its image shows the container's unified view."""
    c = world.container_by_name(name)
    assume(c.image in world.images)
    result = _ok(step(world, cmd.Commit(name, "law:1"), p))
    img = result.world.images[result.world.tags["law:1"]]
    parent = world.images[c.image]
    assert img.history[:-1] == parent.history and len(img.history) == len(parent.history) + 1
    assert _without_init(result.world.image_view(img)) == _without_init(world.rootfs(c).view)
    # the row: the container's Cmd (or the dialect's words) and no comment without -m (or "FROM <ref>");
    # a layer when the container changed something, or always where the dialect writes an empty tar
    row = img.history[-1]
    assert row.created_by == (p.commit_created_by or " ".join(c.config.cmd or ()))
    assert row.comment.startswith(p.commit_comment.split("{")[0]) and (row.comment != "") == bool(p.commit_comment)
    if p.commit_comment and p.commit_row_names_newest_tag and world.image_tags(c.image):
        newest = [t for t, i in world.tags.items() if i == c.image][-1]
        assert row.comment == p.commit_comment.format(ref=newest)
    assert row.empty_layer == (not c.rw and not p.commit_layer_always)


def history_names_images_as_the_dialect_says(world: World, ref: str, p: Profile = DOCKER_20_10) -> None:
    """`history`'s first row names the image itself, or the oldest image on its top layer where the dialect names rows by the layer tree."""
    img = world.images[world.tags[ref]]
    out = _ok(step(world, cmd.History(ref, no_trunc=True, quiet=True), p)).stdout.split()
    first = next(i.id for i in world.images.values() if i.layers[-1:] == img.layers[-1:]) \
        if p.history_ids_by_top_layer else img.id
    assert out[0].removeprefix("sha256:") == first.removeprefix("sha256:")


def export_import_flattens(world: World, name: str, p: Profile = DOCKER_20_10) -> None:
    """`export` then `import` gives a one-layer image with the container's unified view (and the init layer's files; podman has none)."""
    c = world.container_by_name(name)
    exported = _ok(step(world, cmd.Export(name, output="law.tar"), p))
    imported = _ok(step(world, cmd.Import(exported.files["law.tar"], "law:1"), p))
    img = imported.world.images[imported.world.tags["law:1"]]
    assert len(img.layers) == 1 and len(img.history) == 1 and img.parent == ""
    view = imported.world.image_view(img)
    assert _without_init(view) == _without_init(world.rootfs(c).view)
    if p.start_touches_etc:  # no init layer: what a start wrote in the container's layer, nothing more
        assert view == world.own_rootfs(c).view
    else:
        assert all(path in view for path in fs.INIT_LAYER if path in world.rootfs(c).view)


def save_rmi_load_restores(world: World, ref: str, p: Profile = DOCKER_20_10) -> None:
    """`save`, `rmi`, `load` restores the same image: same id, layers and history."""
    img = world.images[world.tags[ref]]
    saved = _ok(step(world, cmd.Save((ref,), output="law.tar"), p))
    removed = step(world, cmd.Rmi((ref,)), p)
    assume(removed.error is None and img.id not in removed.world.images)
    loaded = _ok(step(removed.world, cmd.Load(saved.files["law.tar"]), p))
    back = loaded.world.images[img.id]
    assert loaded.world.tags[ref] == img.id
    assert back.history == img.history and back.config == img.config
    if any(world.layers[l].key for l in img.layers):
        # a layer written for one commit (keyed by its container: `commit_layer_always`, Podman) comes
        # back from the archive as its content, under the content's id
        assert [loaded.world.layers[l].changes for l in back.layers] == [world.layers[l].changes for l in img.layers]
    else:
        assert back.layers == img.layers
        assert all(loaded.world.layers[l] == world.layers[l] for l in img.layers)


def tag_then_rmi_only_untags(world: World, ref: str, p: Profile = DOCKER_20_10) -> None:
    """`tag` then `rmi` of the new tag only untags: the engine is as before."""
    tagged = _ok(step(world, cmd.Tag(ref, "law:1"), p))
    removed = _ok(step(tagged.world, cmd.Rmi(("law:1",)), p))
    assert removed.world == world
    assert removed.stdout == f"Untagged: {p.cli_local_domain}law:1\n"


def stop_and_kill_exit_codes_follow_the_workload(world: World, argv: tuple[str, ...], pause: bool, kill: bool,
                                                 p: Profile = DOCKER_20_10) -> None:
    """After `stop -t 0` a container exits as its workload handles SIGTERM (paused or not; 137 where the dialect sends no TERM at 0); after `kill`, 137."""
    w = WORKLOADS[argv]
    ran = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, argv, name="law", network="none"), detach=True), p))
    world = ran.world
    if pause:
        world = _ok(step(world, cmd.Pause(("law",)), p)).world
        if p.stop_refuses_paused and not kill:
            refused = step(world, cmd.Stop(("law",), timeout=0), p)  # podman: refused, still paused
            assert refused.error is not None and refused.world == world
            world = _ok(step(world, cmd.Unpause(("law",)), p)).world
    ended = _ok(step(world, cmd.Kill(("law",)) if kill else cmd.Stop(("law",), timeout=0), p))
    c = ended.world.container_by_name("law")
    assert c.status is Status.EXITED
    assert c.exit_code == (KILLED if kill or p.stop_zero_timeout_kills else w.stop_exit)
    assert _ok(step(ended.world, cmd.Wait(("law",)), p)).stdout == f"{c.exit_code}\n"


def _child_image(world: World, tag: str, parent: str, argv: tuple[str, ...], name: str,
                 p: Profile = DOCKER_20_10) -> World:
    """`run --name NAME PARENT ARGV`, `commit NAME TAG`, `rm NAME`: a new image `tag`, a child of `parent`."""
    world = _ok(step(world, cmd.Run(cmd.Create(parent, argv, name=name, network="none")), p)).world
    world = _ok(step(world, cmd.Commit(name, tag), p)).world
    return _ok(step(world, cmd.Rm((name,)), p)).world


def rmi_prunes_untagged_parents(world: World, p: Profile = DOCKER_20_10) -> None:
    """`rmi` of an image also deletes its parent once the parent is untagged, unused and has no other child (where the dialect prunes)."""
    assume(BASE_REF in world.tags)
    world = _child_image(world, "law:1", BASE_REF, ("touch", "/tmp/f1"), "law1", p)
    parent = world.tags["law:1"]
    world = _child_image(world, "law:2", "law:1", ("touch", "/tmp/x"), "law2", p)
    world = _ok(step(world, cmd.Rmi(("law:1",)), p)).world
    if p.rmi_refuses_parent_with_children:
        assert parent in world.images  # untagged, kept for its child
    world = _ok(step(world, cmd.Rmi(("law:2",)), p)).world
    # gone: pruned with its child, or deleted already with its last tag (where children do not hold it)
    gone = p.rmi_prunes_parents or not p.rmi_refuses_parent_with_children
    assert (parent not in world.images) == gone and "law:2" not in world.tags


def rmi_of_the_last_tag_of_a_parent(world: World, forced: bool, p: Profile = DOCKER_20_10) -> None:
    """`rmi [-f]` of the last tag of a parent only a child holds untags it; it stays, dangling, unless the dialect deletes such a parent (podman; the containerd store under -f), and "Deleted:" names it when it goes, or where the dialect says so anyway."""
    assume(BASE_REF in world.tags and not {"law:1", "law:2"} & set(world.tags))
    assume(all(world.container_by_name(n) is None for n in ("law1", "law2")))
    world = _child_image(world, "law:1", BASE_REF, ("touch", "/tmp/f1"), "law1", p)
    parent = world.tags["law:1"]
    world = _child_image(world, "law:2", "law:1", ("touch", "/tmp/x"), "law2", p)
    assume(not world.containers_of(parent) and world.image_tags(parent) == ("law:1",))
    r = _ok(step(world, cmd.Rmi(("law:1",), force=forced), p))
    kept = p.rmi_refuses_parent_with_children or p.rmi_untagged_parent_kept
    goes = not kept or (forced and p.rmi_force_deletes_untagged_parent)  # replays/62-rmi-parent.sh:11, :25
    assert (parent not in r.world.images) == goes and "law:1" not in r.world.tags and "law:2" in r.world.tags
    deleted = "Deleted: " + (parent[7:] if p.cli_bare_ids else parent)
    # when it goes, its child still holds its layers: podman says only "Untagged:" (replays/62-rmi-parent.sh:11, :25)
    says = p.rmi_deleted_parent_says_deleted if goes else p.rmi_kept_parent_says_deleted
    assert (deleted in r.stdout.splitlines()) == says
    assert all(lid in r.world.layers for lid in r.world.images[r.world.tags["law:2"]].layers)
    # the child, whose own layer nothing else holds: "Deleted:" names it, and its layers where the dialect lists them
    child = r.world.tags["law:2"]
    last = _ok(step(r.world, cmd.Rmi(("law:2",)), p))
    assert "Deleted: " + (child[7:] if p.cli_bare_ids else child) in last.stdout.splitlines()
    images = {"Deleted: " + (i[7:] if p.cli_bare_ids else i) for i in r.world.images}
    layer_lines = [l for l in last.stdout.splitlines() if l.startswith("Deleted: sha256:") and l not in images]
    assert bool(layer_lines) == p.rmi_lists_deleted_layers, last.stdout


def diff_forgets_a_file_made_and_removed(world: World, name: str, p: Profile = DOCKER_20_10) -> None:
    """A file made and removed again leaves its directory out of `diff`, or changed where the dialect compares directories by mtime."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    world = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="law", network="none"), detach=True), p)).world
    path = f"/tmp/{name}"
    world = _ok(step(world, cmd.Exec("law", ("touch", path)), p)).world
    world = _ok(step(world, cmd.Exec("law", ("rm", "-f", path)), p)).world
    lines = _ok(step(world, cmd.Diff("law"), p)).stdout.splitlines()
    assert ("C /tmp" in lines) == p.diff_dirs_by_mtime and not any(path in l for l in lines)


def inspect_reads_an_exited_container_as_exited(world: World, p: Profile = DOCKER_20_10) -> None:
    """`inspect` reads an exited container's state as exited, or also stopped where the dialect races with its clean-up."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    world = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("true",), name="law", network="none")), p)).world
    r = _ok(step(world, cmd.Inspect(("law",), format="{{.State.Status}}"), p))
    assert [o.stdout for o in outcomes(r)] == ["exited\n"] + (["stopped\n"] if p.exited_may_read_stopped else [])


def rmi_by_id_of_an_image_in_use(world: World, p: Profile = DOCKER_20_10) -> None:
    """`rmi` by id of an image a stopped container uses is refused unless forced (with another tag: "multiple repositories", or where the dialect says so the container); forced, the image goes and the container keeps its layers (or goes too)."""
    assume(BASE_REF in world.tags)
    world = _child_image(world, "law:1", BASE_REF, ("touch", "/tmp/f1"), "law1", p)
    world = _ok(step(world, cmd.Create("law:1", ("true",), name="law", network="none"), p)).world
    img = world.images[world.tags["law:1"]]
    refused = step(world, cmd.Rmi((img.short_id,)), p)
    assert refused.error is not None and refused.error.kind is ErrorKind.IMAGE_IN_USE and refused.world == world
    if "law:2" not in world.tags:  # with a second tag: "multiple repositories", or the container first
        tagged = _ok(step(world, cmd.Tag("law:1", "law:2"), p)).world
        both = step(tagged, cmd.Rmi((img.short_id,)), p)
        first = p.rmi_in_use_before_multiple_repos and not p.rmi_multiple_repos_first
        want = ErrorKind.IMAGE_IN_USE if first else ErrorKind.IMAGE_MULTIPLE_REPOS
        assert both.error is not None and both.error.kind is want and both.world == tagged  # replays/64-rmi-id-in-use-tagged.sh:8
        if tagged.container_by_name("lawr") is None:  # a running container: named first, or the tags (podman: 64:12)
            running = _ok(step(tagged, cmd.Run(cmd.Create("law:1", ("sleep", "1000"), name="lawr", network="none"),
                                               detach=True), p)).world
            live = step(running, cmd.Rmi((img.short_id,)), p)
            want = ErrorKind.IMAGE_MULTIPLE_REPOS if p.rmi_multiple_repos_first else ErrorKind.IMAGE_IN_USE
            assert live.error is not None and live.error.kind is want and live.world == running
    forced = _ok(step(world, cmd.Rmi((img.short_id,), force=True), p)).world
    assert img.id not in forced.images and "law:1" not in forced.tags
    if p.rmi_force_removes_containers:  # podman removes the container first, and its layers may go with it
        assert forced.container_by_name("law") is None
    else:
        assert all(lid in forced.layers for lid in img.layers)


def a_container_created_by_id_shows_the_id_or_a_tag(world: World, p: Profile = DOCKER_20_10) -> None:
    """A container created by its image's id shows that id (Docker), or the image's first or newest tag at its creation where the dialect records one (podman 4.3, 5.4: replays/44-podman-prune-build.sh:16, 63-prune-by-id.sh:9)."""
    from model.listing import ps_row

    assume(BASE_REF in world.tags and world.container_by_name("law") is None and "law:1" not in world.tags)
    world = _ok(step(world, cmd.Tag(BASE_REF, "law:1"), p)).world
    img = world.images[world.tags[BASE_REF]]
    world = _ok(step(world, cmd.Create(img.short_id, ("true",), name="law", network="none"), p)).world
    tags = [t for t, i in world.tags.items() if i == img.id]
    want = {"": img.id[7:19], "first": tags[0], "newest": tags[-1]}[p.container_by_id_names_tag]
    row = ps_row(world, world.container_by_name("law"), keep_ref=p.container_image_keeps_ref,
                 tag_ref=p.container_image_ref_tagged)
    assert row["Image"] == want


def cp_out_of_an_exited_init_container_s_init(world: World, p: Profile = DOCKER_20_10) -> None:
    """`cp` out of an exited --init container's init path copies the mount point its start made, or fails where the dialect's copier reads its mounts and none is mounted (podman: replays/66-podman-cp-mounts.sh:15)."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    world = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("true",), name="law", network="none", init=True)), p)).world
    r = step(world, cmd.Cp("law", p.init_path, "out", into=False, host={}, host_parent=True), p)
    if p.cp_out_reads_podman_mounts:
        assert r.error is not None and r.error.kind is ErrorKind.NO_SUCH_FILE and r.world == world
    else:
        assert r.error is None and r.files["out"] == world.rootfs(world.container_by_name("law")).view[p.init_path]


def tag_orders_an_images_names(world: World, p: Profile = DOCKER_20_10) -> None:
    """`tag` keeps a name's place among its image's names, or makes it the newest where the dialect's `tag_order` says: a name moved from another image ("moved", "readded"), a name the image already has ("readded")."""
    assume(BASE_REF in world.tags and not any(t.startswith("law") for t in world.tags))
    img = world.tags[BASE_REF]
    world = _ok(step(world, cmd.Tag(BASE_REF, "law:1"), p)).world
    world = _child_image(world, "law:2", BASE_REF, ("touch", "/tmp/f1"), "law2", p)
    other = world.tags["law:2"]

    def place(w: World, name: str) -> int:
        return list(w.tags).index(name)

    newest = len(world.tags) - 1  # the last name given, of every image
    again = _ok(step(world, cmd.Tag(BASE_REF, BASE_REF), p)).world
    assert place(again, BASE_REF) == (newest if p.tag_order == "readded" else place(world, BASE_REF))
    moved = _ok(step(world, cmd.Tag("law:2", "law:1"), p)).world
    assert moved.tags["law:1"] == other and moved.tags[BASE_REF] == img
    assert place(moved, "law:1") == (place(world, "law:1") if p.tag_order == "kept" else newest)


def an_init_forwards_term_and_reports_what_it_cannot_run(world: World, p: Profile = DOCKER_20_10) -> None:
    """`run --init`: the init is PID 1, so `stop` of `sleep` (which as PID 1 ignores TERM) ends it by TERM, 143; a command the init cannot exec ends the container with the init's status, 127 (tini) or the dialect's (`init_cannot_exec_exit`, catatonit 1)."""
    assume(BASE_REF in world.tags and all(world.container_by_name(n) is None for n in ("law", "law2")))
    world = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="law", network="none", init=True),
                                    detach=True), p)).world
    stopped = _ok(step(world, cmd.Stop(("law",), timeout=5), p)).world
    assert stopped.container_by_name("law").exit_code == 128 + 15
    ran = step(stopped, cmd.Run(cmd.Create(BASE_REF, ("nosuchcmd",), name="law2", network="none", init=True)), p).world
    expected = 127 if p.init_cannot_exec_exit is None else p.init_cannot_exec_exit
    assert ran.container_by_name("law2").exit_code == expected


def load_orders_an_images_names(world: World, p: Profile = DOCKER_20_10) -> None:
    """`load` of an archive naming an image that is there: the name keeps its place, becomes the image's newest (`tag_order` "readded"), or its first (`load_tag_order` "first": podman 4.3, replays/77-load-tag-order.sh)."""
    assume(BASE_REF in world.tags and not any(t.startswith("law") for t in world.tags))
    img = world.tags[BASE_REF]
    world = _ok(step(world, cmd.Tag(BASE_REF, "law:1"), p)).world
    saved = _ok(step(world, cmd.Save(("law:1",), output="law.tar"), p))
    loaded = _ok(step(world, cmd.Load(saved.files["law.tar"]), p)).world
    names = [t for t, i in loaded.tags.items() if i == img]
    assert sorted(names) == sorted(t for t, i in world.tags.items() if i == img)
    if p.load_tag_order == "first":
        assert names[0] == "law:1"
    elif p.tag_order == "readded":
        assert names[-1] == "law:1"
    else:
        assert list(loaded.tags) == list(world.tags)


def cp_out_of_a_file_named_with_a_slash(world: World, p: Profile = DOCKER_20_10) -> None:
    """`cp CTR:FILE/ NEW` is refused, "not a directory", or copies the file as `cp CTR:FILE NEW` does where the dialect ignores the slash (podman: replays/68-cp-file-slash.sh)."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    world = _ok(step(world, cmd.Create(BASE_REF, ("true",), name="law", network="none"), p)).world
    slash = step(world, cmd.Cp("law", "/etc/passwd/", "out", into=False, host={}, host_parent=True), p)
    plain = step(world, cmd.Cp("law", "/etc/passwd", "out", into=False, host={}, host_parent=True), p)
    assert slash.world == world
    if p.cp_out_file_slash_ignored:
        assert slash.error is None and slash.files == plain.files and "out" in plain.files
    else:
        assert slash.error is not None and slash.error.kind is ErrorKind.NO_SUCH_FILE and not slash.files


def stop_of_a_created_rm_container(world: World, p: Profile = DOCKER_20_10) -> None:
    """`stop` of a --rm container never started prints its name and leaves it created, or removes it where the dialect cleans it up as if it had run (podman 5.4: replays/72-stop-created-rm.sh)."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    created = _ok(step(world, cmd.Create(BASE_REF, ("sleep", "1000"), name="law", network="none", auto_remove=True), p)).world
    stopped = _ok(step(created, cmd.Stop(("law",), timeout=0), p))
    assert stopped.stdout == "law\n"
    if p.stop_removes_created_rm:
        assert stopped.world.container_by_name("law") is None and stopped.world.layers == world.layers
    else:
        assert stopped.world == created


def cp_onto_a_mount_point_of_a_stopped_container(world: World, p: Profile = DOCKER_20_10) -> None:
    """`cp FILE CTR:/etc/hosts` of a container that ran and stopped is busy (Docker mounts the file for the copy), or puts the file in its layer where the engine mounts it only while the container runs (podman: replays/74-cp-into-mount-points.sh)."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    ran = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("true",), name="law", network="none")), p)).world
    hello = fs.file(b"hello\n", 0o644)
    r = step(ran, cmd.Cp("law", "/etc/hosts", "hello.txt", into=True, host={"": hello}, host_parent=True), p)
    if p.cp_in_mounts_only_while_running:
        assert r.error is None and r.world.rootfs(r.world.container_by_name("law")).view["/etc/hosts"].data == b"hello\n"
    else:
        assert r.error is not None and r.error.kind is ErrorKind.BUSY and r.world == ran


def rmi_force_of_the_last_tag_of_an_image_in_use(world: World, p: Profile = DOCKER_20_10) -> None:
    """`rmi -f` of the last tag of an image a stopped container uses deletes the image (the container keeps its layers), or keeps it untagged where the dialect keeps images in use."""
    assume(BASE_REF in world.tags and "law:1" not in world.tags)
    assume(all(world.container_by_name(n) is None for n in ("law", "law1")))
    world = _child_image(world, "law:1", BASE_REF, ("touch", "/tmp/f1"), "law1", p)
    world = _ok(step(world, cmd.Create("law:1", ("true",), name="law", network="none"), p)).world
    img = world.images[world.tags["law:1"]]
    forced = _ok(step(world, cmd.Rmi(("law:1",), force=True), p)).world
    assert "law:1" not in forced.tags
    if p.rmi_force_removes_containers:  # podman removes the container first
        return
    assert (img.id in forced.images) == p.rmi_keeps_image_in_use  # replays/57-rmi-force-in-use.sh:6
    assert all(lid in forced.layers for lid in img.layers)


def stop_within_its_timeout_keeps_the_exit_code(world: World, seconds: int, timeout: int | None, trap: bool,
                                                 restart: bool, p: Profile = DOCKER_20_10) -> None:
    """A stop (or restart) within its timeout keeps the process's own exit code, by itself or in its TERM trap; past it, 137."""
    # `stop -t T` lets T seconds pass before SIGKILL; without -t, T is 10 (replays/27-time.sh).
    script = (f'trap "sleep {seconds}; echo done; exit 7" TERM; sleep 100 & wait' if trap
              else f"sleep {seconds}; echo done; exit 4")
    ran = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sh", "-c", script), name="law", network="none"),
                                  detach=True), p))
    verb = cmd.Restart if restart else cmd.Stop
    ended = _ok(step(ran.world, verb(("law",), timeout=timeout), p))
    limit = 10 if timeout is None else timeout
    assume(seconds != limit)  # a tie is a race on the engine
    in_time = seconds < limit
    code = (7 if trap else 4) if in_time else KILLED
    c = ended.world.container_by_name("law")
    assert (c.logs[0] == "done\n") == in_time, (script, timeout, c.logs)
    if restart:
        assert c.status is Status.RUNNING and c.exit_code is None
        assert _ok(step(ended.world, cmd.Kill(("law",)), p)).world.container_by_name("law").exit_code == KILLED
    else:
        assert (c.status, c.exit_code) == (Status.EXITED, code), (script, timeout, c.exit_code)


# Workloads outside the language, found only while they run (after their container was made).
UNINTERPRETABLE = (("sh", "-c", "echo -e x"), ("sh", "-c", "sleep 1; echo -e x"), ("sh", "-c", "printf '%a' 1; sleep 9"),
                   ("sh", "-c", "echo $(/bin/busybox)"),
                   ("sh", "-c", "trap 'echo -e x' TERM; sleep 100 & wait"))


def an_uninterpretable_workload_changes_nothing(world: World, argv: tuple[str, ...], detach: bool,
                                                p: Profile = DOCKER_20_10) -> None:
    """An uninterpretable workload changes nothing: the command that reaches the construct is refused and leaves the world as it was."""
    # Whichever command reaches it (run, stop, wait): never a half-made container, never a half-run script.
    assume(detach or "trap" not in argv[2])  # in the foreground the trap's sleep simply ends
    name = "law"
    r = step(world, cmd.Run(cmd.Create(BASE_REF, argv, name=name, network="none"), detach=detach), p)
    if r.error is None:  # detached, it blocked first: the trap runs at `stop`, the rest once time passes
        world = r.world
        # (-t 1: a dialect that kills at -t 0 sends no TERM, and the trap never runs)
        r = step(world, cmd.Stop((name,), timeout=1) if "trap" in argv[2] else cmd.Wait((name,)), p)
    assert r.error is not None and r.error.kind is ErrorKind.UNSUPPORTED_WORKLOAD, (argv, r.stderr)
    assert r.world == world and r.exit == p.exit_unsupported



def parameter_patterns_remove_the_shortest_or_longest_match(world: World, value: str, op: str, pattern: str,
                                                            p: Profile = DOCKER_20_10) -> None:
    """`${x#p}` drops the shortest prefix of x that p matches, `##` the longest, `%` and `%%` the same at the end; none: x."""
    import fnmatch

    script = f"x='{value}'; echo \"${{x{op}{pattern}}}\""
    r = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sh", "-c", script), name="law", network="none")), p))
    out = r.stdout[:-1]
    n = len(value)
    cuts = [k for k in range(n + 1)
            if fnmatch.fnmatchcase(value[:k] if op[0] == "#" else value[n - k:], pattern)]
    if not cuts:
        assert out == value, (script, out)
        return
    k = (min if len(op) == 1 else max)(cuts)
    assert out == (value[k:] if op[0] == "#" else value[:n - k]), (script, out)


def substitutions_replace_the_leftmost_longest_match(world: World, value: str, every: bool, pattern: str,
                                                     p: Profile = DOCKER_20_10) -> None:
    """`${x/p/r}` replaces the leftmost, longest match of p with r; `${x//p/r}` every such match, left to right; none: x."""
    import fnmatch

    script = f"x='{value}'; echo \"${{x{'//' if every else '/'}{pattern}/Z}}\""
    r = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sh", "-c", script), name="law", network="none")), p))
    want, i, n = [], 0, len(value)
    while i < n:
        ends = [k for k in range(i + 1, n + 1) if fnmatch.fnmatchcase(value[i:k], pattern)]
        if ends and (every or "Z" not in want):
            want.append("Z")
            i = max(ends)
        else:
            want.append(value[i])
            i += 1
    assert r.stdout == "".join(want) + "\n", (script, r.stdout)


def an_exec_sees_what_pid1_writes_meanwhile(world: World, first: int, then: int, p: Profile = DOCKER_20_10) -> None:
    """A foreground exec reading a file after `then` s finds what PID 1 wrote after `first` s iff first <= then (PID 1 first at a tie)."""
    w = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sh", "-c", f"sleep {first}; echo x > /tmp/law; sleep 100"),
                                           name="law", network="none"), detach=True), p)).world
    r = step(w, cmd.Exec("law", ("sh", "-c", f"sleep {then}; cat /tmp/law")))
    assert (r.exit, r.stdout) == ((0, "x\n") if first <= then else (1, "")), (first, then, r.exit, r.stdout)


# -- the laws as properties -----------------------------------------------------------


CP_PATHS = ("/tmp/law", "/law", "/root/law", "/tmp/f1", "/a/law", "/etc/hostname", "/etc/hosts")


def stop_or_kill_ends_the_execs_too(world: World, execs: int, kill: bool, p: Profile = DOCKER_20_10) -> None:
    """`stop` or `kill` of a running container ends its exec'd processes with PID 1: exited, nothing runs in it."""
    world = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="law", network="none"),
                                    detach=True), p)).world
    for _ in range(execs):
        world = _ok(step(world, cmd.Exec("law", ("sleep", "1000"), detach=True), p)).world
    assert len(world.container_by_name("law").processes) == 1 + execs
    ended = _ok(step(world, cmd.Kill(("law",)) if kill else cmd.Stop(("law",), timeout=0), p))
    for o in outcomes(ended):
        c = o.world.container_by_name("law")
        assert c.status is Status.EXITED and not c.processes, (c.status, c.processes)


def a_second_start_of_an_ended_rm_container_races(world: World, argv: tuple[str, ...], p: Profile = DOCKER_20_10) -> None:
    """`start X X` of a `--rm` container that ends at once: the second start races with its removal, every outcome offered removes it."""
    from .rules import races_only_on_auto_removal

    world = _ok(step(world, cmd.Create(BASE_REF, argv, name="law", network="none", auto_remove=True), p)).world
    command = cmd.Start(("law", "law"))
    r = step(world, command, p)
    assert races_only_on_auto_removal(world, command, r, profile=p)
    assert all(o.world.container_by_name("law") is None for o in outcomes(r))
    # the second target finding it removed may fail the whole start, printing nothing, where the dialect's
    # CLI prints the names at the end (podman 4.3: replays/24-auto-remove-race.sh:24)
    whole = [o for o in outcomes(r) if o.stdout == "" and o.exit != 0]
    assert bool(whole) == p.start_aborts_on_a_vanished_target


def processes_see_their_engines_files(world: World, p: Profile = DOCKER_20_10) -> None:
    """A container's processes see its engine's files: Docker's init layer (/.dockerenv, /etc/resolv.conf even with --network none), or Podman's mounts (/run/.containerenv, which its start writes in the layer, and no resolv.conf: replays/81-process-view.sh)."""
    assume(BASE_REF in world.tags and world.container_by_name("law") is None)
    probe = "test -e /.dockerenv && echo docker; test -e /run/.containerenv && echo podman; test -e /etc/resolv.conf && echo resolv; true"
    r = _ok(step(world, cmd.Run(cmd.Create(BASE_REF, ("sh", "-c", probe), name="law", network="none", auto_remove=True)), p))
    docker = "/.dockerenv" in p.engine_files.layer
    assert r.stdout.split() == (["docker", "resolv"] if docker else ["podman"])
    assert docker != p.start_touches_etc  # no init layer: the start makes the mount points in the container's layer


def cp_in_lands_in_the_layer(world: World, name: str, path: str, p: Profile = DOCKER_20_10) -> None:
    """`cp` of a host file into a container, in any state, lands in its read-write layer (diff lists it, commit carries it, cp out gives it back); onto a started container's mounted /etc file it is busy (on podman only while it runs)."""
    # Into a missing folder it is refused; a refusal changes nothing; no other container changes.
    from frozendict import frozendict

    from model.containers import diff_hidden, diff_lines

    c = world.container_by_name(name)
    data = fs.file(b"law\n")
    copied = step(world, cmd.Cp(name, path, "law.txt", into=True, host=frozendict({"": data})), p)
    mounted = c.status is Status.RUNNING if p.cp_in_mounts_only_while_running else c.started
    if mounted and path in fs.BIND_MOUNTS:
        assert copied.error is not None and copied.error.kind is ErrorKind.BUSY and copied.world == world
        return
    if not world.rootfs(c).is_dir(fs.parent(path)):
        assert copied.error is not None and copied.error.kind in (ErrorKind.NO_SUCH_CONTAINER, ErrorKind.NO_SUCH_FILE,
                                                                  ErrorKind.UNSUPPORTED_WORKLOAD)
        assert copied.world == world
        return
    if world.rootfs(c).is_dir(path):
        path = path + "/law.txt"  # into a folder: under the source's name
    after = _ok(copied).world.containers[c.id]
    assert {cid: o for cid, o in copied.world.containers.items() if cid != c.id} == \
        {cid: o for cid, o in world.containers.items() if cid != c.id}
    assert after.rw.get(path) == data and after.status is c.status
    assert path in diff_hidden(p) or any(line in diff_lines(copied.world, after, p) for line in (f"A {path}", f"C {path}"))
    out = _ok(step(copied.world, cmd.Cp(name, path, "back", into=False), p))
    assert out.world == copied.world and out.files == {"back": data}
    if c.image in world.images:
        committed = _ok(step(copied.world, cmd.Commit(name, "law:1"), p)).world
        assert committed.image_view(committed.images[committed.tags["law:1"]]).get(path) == data


def _with_container(p: Profile):
    return worlds(p).flatmap(lambda w: st.tuples(st.just(w), st.sampled_from(_containers(w) or ["-"])))


def _with_tag(p: Profile):
    return worlds(p).flatmap(lambda w: st.tuples(st.just(w), st.sampled_from(sorted(w.tags))))


def _commit(pair, p: Profile):
    assume(pair[1] != "-")
    commit_adds_one_row_and_shows_the_view(*pair, p=p)


def _cp(pair, path: str, p: Profile):
    assume(pair[1] != "-")
    cp_in_lands_in_the_layer(*pair, path, p=p)


def _export(pair, p: Profile):
    assume(pair[1] != "-")
    export_import_flattens(*pair, p=p)


def _stop_kill(world, argv, pause, kill, p: Profile):
    assume(world.container_by_name("law") is None and BASE_REF in world.tags)
    stop_and_kill_exit_codes_follow_the_workload(world, argv, pause, kill, p=p)


_BLOCKING = [a for a in CONTAINER_COMMANDS if WORKLOADS[a].blocks]


def _fresh(world: World) -> bool:
    assume(world.container_by_name("law") is None and BASE_REF in world.tags)
    return True

# name -> (property body, the strategies of its arguments in a dialect); the body takes the dialect as `p`
LAWS = {
    "run_is_create_then_start": (run_is_create_then_start,
                                 lambda p: (worlds(p), st.just(BASE_REF), st.sampled_from(CONTAINER_COMMANDS))),
    "commit_adds_one_row_and_shows_the_view": (_commit, lambda p: (_with_container(p),)),
    "export_import_flattens": (_export, lambda p: (_with_container(p),)),
    "save_rmi_load_restores": (lambda pair, p: save_rmi_load_restores(*pair, p=p), lambda p: (_with_tag(p),)),
    "history_names_images_as_the_dialect_says": (
        lambda pair, p: history_names_images_as_the_dialect_says(*pair, p=p), lambda p: (_with_tag(p),)),
    "tag_then_rmi_only_untags": (lambda pair, p: tag_then_rmi_only_untags(*pair, p=p), lambda p: (_with_tag(p),)),
    "rmi_prunes_untagged_parents": (rmi_prunes_untagged_parents, lambda p: (worlds(p),)),
    "rmi_by_id_of_an_image_in_use": (rmi_by_id_of_an_image_in_use, lambda p: (worlds(p),)),
    "rmi_force_of_the_last_tag_of_an_image_in_use": (rmi_force_of_the_last_tag_of_an_image_in_use,
                                                     lambda p: (worlds(p),)),
    "rmi_of_the_last_tag_of_a_parent": (rmi_of_the_last_tag_of_a_parent, lambda p: (worlds(p), st.booleans())),
    "cp_out_of_an_exited_init_container_s_init": (cp_out_of_an_exited_init_container_s_init, lambda p: (worlds(p),)),
    "cp_out_of_a_file_named_with_a_slash": (cp_out_of_a_file_named_with_a_slash, lambda p: (worlds(p),)),
    "tag_orders_an_images_names": (tag_orders_an_images_names, lambda p: (worlds(p),)),
    "stop_of_a_created_rm_container": (stop_of_a_created_rm_container, lambda p: (worlds(p),)),
    "processes_see_their_engines_files": (processes_see_their_engines_files, lambda p: (worlds(p),)),
    "load_orders_an_images_names": (load_orders_an_images_names, lambda p: (worlds(p),)),
    "an_init_forwards_term_and_reports_what_it_cannot_run": (an_init_forwards_term_and_reports_what_it_cannot_run,
                                                             lambda p: (worlds(p),)),
    "cp_onto_a_mount_point_of_a_stopped_container": (cp_onto_a_mount_point_of_a_stopped_container, lambda p: (worlds(p),)),
    "a_container_created_by_id_shows_the_id_or_a_tag": (a_container_created_by_id_shows_the_id_or_a_tag,
                                                        lambda p: (worlds(p),)),
    "inspect_reads_an_exited_container_as_exited": (inspect_reads_an_exited_container_as_exited, lambda p: (worlds(p),)),
    "diff_forgets_a_file_made_and_removed": (diff_forgets_a_file_made_and_removed,
                                             lambda p: (worlds(p), st.sampled_from(("f1", "made", "x")))),
    "stop_and_kill_exit_codes_follow_the_workload": (
        _stop_kill, lambda p: (worlds(p), st.sampled_from(_BLOCKING), st.booleans(), st.booleans())),
    "stop_within_its_timeout_keeps_the_exit_code": (
        lambda world, seconds, timeout, trap, restart, p: _fresh(world) and stop_within_its_timeout_keeps_the_exit_code(
            world, seconds, timeout, trap, restart, p=p),
        lambda p: (worlds(p), st.integers(1, 3), st.sampled_from((None, 0, 1, 2, 3, 4)), st.booleans(), st.booleans())),
    "cp_in_lands_in_the_layer": (
        lambda pair, path, p: _cp(pair, path, p),
        lambda p: (_with_container(p), st.sampled_from(CP_PATHS))),
    "an_uninterpretable_workload_changes_nothing": (
        lambda world, argv, detach, p: _fresh(world) and an_uninterpretable_workload_changes_nothing(
            world, argv, detach, p=p),
        lambda p: (worlds(p), st.sampled_from(UNINTERPRETABLE), st.booleans())),
    "parameter_patterns_remove_the_shortest_or_longest_match": (
        lambda world, value, op, pattern, p: _fresh(world) and parameter_patterns_remove_the_shortest_or_longest_match(
            world, value, op, pattern, p=p),
        lambda p: (worlds(p), st.text("ab./", max_size=6), st.sampled_from(("#", "##", "%", "%%")),
                   st.sampled_from(("*/", "*.", ".*", "/*", "a", "?", "*", "b*", "*a", "[ab]*")))),
    "substitutions_replace_the_leftmost_longest_match": (
        lambda world, value, every, pattern, p: _fresh(world) and substitutions_replace_the_leftmost_longest_match(
            world, value, every, pattern, p=p),
        lambda p: (worlds(p), st.text("ab./", max_size=6), st.booleans(),
                   st.sampled_from(("a*", "?", "b", "a?", "[ab]", "*a", ".", "b*a", ".*")))),
    "stop_or_kill_ends_the_execs_too": (
        lambda world, execs, kill, p: _fresh(world) and stop_or_kill_ends_the_execs_too(world, execs, kill, p=p),
        lambda p: (worlds(p), st.integers(1, 2), st.booleans())),
    "a_second_start_of_an_ended_rm_container_races": (
        lambda world, argv, p: _fresh(world) and a_second_start_of_an_ended_rm_container_races(world, argv, p=p),
        lambda p: (worlds(p), st.sampled_from((("true",), ("false",), ("sh", "-c", "exit 3"))))),
    "an_exec_sees_what_pid1_writes_meanwhile": (
        lambda world, first, then, p: _fresh(world) and an_exec_sees_what_pid1_writes_meanwhile(world, first, then, p=p),
        lambda p: (worlds(p), st.integers(1, 3), st.integers(0, 4))),
}


# the build flags' laws (spec/build_laws.py)
from .build_laws import LAWS as _BUILD_LAWS  # noqa: E402
from .build_laws import (a_run_steps_layer_holds_what_it_changed, build_arg_reaches_run_and_unused_ones_are_named,  # noqa: E402,F401
                         dockerignore_leaves_excluded_files_out,
                         rm_flags_decide_which_step_containers_stay, target_builds_the_stages_it_needs)

LAWS.update(_BUILD_LAWS)


def law_test(name: str, settings_=None, profile: Profile = DOCKER_20_10):
    """A fresh Hypothesis test of the law `name` in the dialect `profile` (with `settings_` when given), ready to call."""
    body, strategies = LAWS[name]

    def test(args):
        body(*args, p=profile)

    test.__name__ = test.__qualname__ = name
    test = given(st.tuples(*strategies(profile)))(test)
    return settings_(test) if settings_ is not None else test
