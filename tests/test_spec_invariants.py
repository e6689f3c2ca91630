"""Each invariant of `spec.invariants` holds on hand-made worlds, and fails on a hand-corrupted one."""
from __future__ import annotations

from dataclasses import replace

import pytest
from frozendict import frozendict

from model import commands as cmd
from model import fs
from model.engine import step
from model.values import Layer, Status, World
from model.workload import Process
from spec import invariants as inv
from spec.fixtures import BASE_REF, base_world
from spec.workloads import TRAP


def _run(world: World, *commands) -> World:
    for c in commands:
        r = step(world, c)
        assert r.error is None, r.stderr
        world = r.world
    return world


def _create(name, argv, detach=True):
    return cmd.Run(cmd.Create(BASE_REF, argv, name=name, network="none"), detach=detach)


def busy_world() -> World:
    """Containers in every state, an exec'd process, files written and removed, a chain of images."""
    return _run(
        base_world(),
        cmd.Create(BASE_REF, ("true",), name="created", network="none"),
        _create("running", ("sleep", "1000")),
        _create("paused", ("sh", "-c", TRAP)),
        cmd.Pause(("paused",)),
        _create("exited", ("rm", "-rf", "/etc"), detach=False),
        cmd.Exec("running", ("touch", "/tmp/f1")),
        cmd.Exec("running", ("mkdir", "-p", "/a/b")),
        cmd.Exec("running", ("sleep", "1000"), detach=True),
        cmd.Commit("exited", "img1"),
        _create("child", ("sh", "-c", "echo hi > /tmp/x"), detach=False),
        cmd.Commit("child", "tmp:1"),
        cmd.Run(cmd.Create("tmp:1", ("touch", "/tmp/f1"), name="grandchild", network="none")),
        cmd.Commit("grandchild", "img2"),
        cmd.Rmi(("tmp:1",), force=True),  # untagged, with a child: an intermediate image
        cmd.Tag("img1", "img1:v2"),
    )


WORLDS = {"empty": World(), "base": base_world(), "busy": busy_world()}


def _first(world: World, status: Status):
    return next(c for c in world.containers.values() if c.status is status)


def _corrupt_layer(world: World, **changes) -> World:
    lid = next(iter(world.layers))
    return replace(world, layers=world.layers.set(lid, replace(world.layers[lid], **changes)))


def _drop_base_layer(w: World) -> World:
    base = w.images[w.tags[BASE_REF]].layers[0]
    return replace(w, layers=w.layers.delete(base))


def _put(w: World, c) -> World:
    return w.put_container(c)


def _rename_all(w: World) -> World:
    for c in list(w.containers.values()):
        w = w.put_container(replace(c, name="same"))
    return w


CORRUPTIONS = {
    inv.layer_graph_is_a_forest: lambda w: _corrupt_layer(w, parent="f" * 64),
    inv.stacks_are_chains: lambda w: replace(w, images=w.images.set(
        w.tags[BASE_REF], replace(w.images[w.tags[BASE_REF]], layers=w.images[w.tags[BASE_REF]].layers * 2))),
    inv.needed_layers_exist: _drop_base_layer,
    inv.layer_ids_are_content_addresses: lambda w: _corrupt_layer(w, changes=frozendict({"/x": fs.file(b"x")})),
    inv.tags_name_existing_images: lambda w: replace(w, tags=w.tags.set("ghost:1", "sha256:" + "0" * 64)),
    inv.image_parents_exist: lambda w: replace(w, images=w.images.set(
        w.tags[BASE_REF], replace(w.images[w.tags[BASE_REF]], parent="sha256:" + "0" * 64))),
    inv.history_matches_layers: lambda w: replace(w, images=w.images.set(
        w.tags[BASE_REF], replace(w.images[w.tags[BASE_REF]], history=()))),
    inv.images_is_subset_of_images_all: None,  # images -a lists every image: only a broken listing can break it
    inv.images_lists_tagged_and_dangling: None,
    inv.container_is_its_image_plus_one_rw_layer: lambda w: _put(w, replace(_first(w, Status.RUNNING), layers=())),
    inv.rw_layer_holds_copied_up_parents: lambda w: _put(w, replace(
        _first(w, Status.RUNNING), rw=frozendict({"/q/r": fs.file(b"")}))),
    inv.container_names_are_unique: _rename_all,
    inv.exit_code_matches_status: lambda w: _put(w, replace(_first(w, Status.EXITED), exit_code=None)),
    inv.ps_is_subset_of_ps_all: None,
    inv.ps_lists_running_and_paused: None,
    inv.one_process_space_only_when_live: lambda w: _put(w, replace(_first(w, Status.CREATED),
                                                                     processes=_first(w, Status.RUNNING).processes)),
    inv.processes_are_alive: lambda w: _put(w, replace(
        _first(w, Status.RUNNING), processes=tuple(replace(p, exit=0) for p in _first(w, Status.RUNNING).processes))),
    inv.exec_processes_only_in_running_containers: lambda w: _put(w, replace(
        _first(w, Status.EXITED), processes=_first(w, Status.RUNNING).processes)),
}


def test_every_invariant_has_a_docstring_and_a_corruption():
    assert set(CORRUPTIONS) == set(inv.INVARIANTS)
    for i in inv.INVARIANTS:
        assert i.__doc__ and "\n" not in i.__doc__.strip(), i.__name__


@pytest.mark.parametrize("name", sorted(WORLDS))
@pytest.mark.parametrize("invariant", inv.INVARIANTS, ids=lambda i: i.__name__)
def test_invariant_holds_on_hand_made_worlds(invariant, name):
    assert invariant(WORLDS[name])


@pytest.mark.parametrize("invariant", inv.INVARIANTS, ids=lambda i: i.__name__)
def test_invariant_fails_on_a_corrupted_world(invariant, monkeypatch):
    corrupt = CORRUPTIONS[invariant]
    world = WORLDS["busy"]
    if corrupt is None:
        # Rules about listings break only when the listing is wrong: swap `ps`/`images` with their `-a`.
        from model import listing

        real_images, real_ps = listing.image_rows, listing.ps_select
        monkeypatch.setattr(listing, "image_rows", lambda w, all_, *a, **k: real_images(w, False, *a, **k) if all_ else real_images(w, True, *a, **k))
        monkeypatch.setattr(listing, "ps_select", lambda w, all_, f: real_ps(w, not all_, f))
    else:
        world = corrupt(world)
    assert not inv.holds(invariant, world)
    assert any(v.startswith(invariant.__name__ + ":") for v in inv.violations(world))


def test_violations_is_empty_on_good_worlds():
    assert all(inv.violations(w) == [] for w in WORLDS.values())
