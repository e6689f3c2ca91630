"""dockspec never touches an object it did not create.

The engine is filled with foreign containers (running, paused, stopped) and images
(tagged, and a child of a tagged one); then a campaign of forced removals runs
through the adapter, then its clean-up, then the clean-up of a "crashed" run; every
foreign object is still there, in the same state.
"""
from __future__ import annotations

import io
import json
import os
import secrets
import tarfile

import pytest

from dockspec.observe import container_row, familiar, image_row
from model import commands as cmd

pytestmark = pytest.mark.engine


def _foreign(api, tag: str):
    """Foreign objects, made with plain SDK calls (no dockspec label, no dsk- prefix)."""
    from dockspec.rootfs import busybox_rootfs

    res = api.import_image_from_data(busybox_rootfs(), repository=f"foreign-{tag}", tag="1")
    base = f"foreign-{tag}:1"
    # Podman's compat import names the image docker.io/library/REPO:latest (4.3) or
    # docker.io/library/REPO:TAG (5.4): tag it as a Docker user would have it
    api.tag(json.loads(res.strip().splitlines()[-1])["status"] if not isinstance(res, dict) else res["status"],
            f"foreign-{tag}", "1")
    hc = api.create_host_config(network_mode="none")
    made = {}
    for state in ("running", "paused", "stopped", "created"):
        c = api.create_container(base, command=["sleep", "1000"] if state != "stopped" else ["true"],
                                 name=f"foreign-{tag}-{state}", host_config=hc)["Id"]
        if state != "created":
            api.start(c)
        if state == "paused":
            api.pause(c)
        if state == "stopped":
            api.wait(c)
        made[c] = state
    child = api.commit(f"foreign-{tag}-stopped", repository=f"foreign-{tag}-child", tag="1")["Id"]
    child = child if child.startswith("sha256:") else "sha256:" + child  # Podman answers without the prefix
    return base, made, child


def _state(api, ids):
    return {c["Id"]: container_row(c)["State"] for c in api.containers(all=True) if c["Id"] in ids}


@pytest.fixture(params=["docker-20.10", "podman-4.3", "podman-5.4"])
def any_engine(request, named_engine):
    """Each engine in turn: the session's Docker 20.10 engine, then each private Podman."""
    if request.param == "docker-20.10":
        return request.getfixturevalue("engine")
    return named_engine(request.param)


def test_foreign_objects_survive_a_campaign(any_engine):
    from dockspec.adapter import Adapter

    engine = any_engine

    probe = Adapter(engine)
    api = probe.api
    tag = secrets.token_hex(3)
    base, made, child = _foreign(api, tag)
    foreign_ids = {api.inspect_image(base)["Id"], child}
    images_before = {i["Id"]: sorted(i.get("RepoTags") or []) for i in api.images(all=True) if i["Id"] in foreign_ids}
    try:
        a = Adapter(engine)
        from dockspec.rootfs import busybox_rootfs

        steps = [cmd.Import(busybox_rootfs(), "base:1"), cmd.Tag("base:1", "base:2")]
        for k, wl in enumerate((("sleep", "1000"), ("true",), ("sleep", "1000"))):
            steps.append(cmd.Run(cmd.Create("base:1", wl, name=f"c{k}"), detach=True))
        steps += [cmd.Pause(("c0",)), cmd.Commit("c1", "img1:latest"),
                  # forced removals, by our names and by the foreign names (which resolve to nothing of ours)
                  cmd.Rm(("c0", "c1", "c2", f"foreign-{tag}-running", f"foreign-{tag}-paused"), force=True),
                  cmd.Rmi(("img1:latest", "base:1", "base:2", base, f"foreign-{tag}-child:1"), force=True),
                  cmd.Kill((f"foreign-{tag}-running",)), cmd.Stop((f"foreign-{tag}-running",), timeout=0)]
        for s in steps:
            a.apply(s)
        # a run that "crashed": made objects, never cleaned up; its process id is dead
        crashed = Adapter(engine)
        crashed.apply(cmd.Import(busybox_rootfs(), "orphan:1"))
        crashed.apply(cmd.Run(cmd.Create("orphan:1", ("sleep", "1000"), name="o1"), detach=True))
        entries = crashed.journal.entries()
        for e in entries:
            if e.get("run") == crashed.run_id and "pid" in e:
                e["pid"] = 2 ** 22 + 7  # no such process
        crashed.journal.rewrite(entries)
        a.cleanup()
        Adapter(engine).cleanup()  # a new run's start-up removes the crashed run's objects
        assert not [c for c in api.containers(all=True) if c["Names"][0].startswith(f"/dsk-{crashed.run_id}")]
        # tags as the engine reports them: Podman's are localhost/dsk-... or docker.io/library/dsk-...
        runs = tuple(f"dsk-{r}-" for r in (a.run_id, crashed.run_id))
        assert not [i for i in api.images(all=True) if any(familiar(t).startswith(runs) for t in i.get("RepoTags") or [])]
        left = {image_row(i)["Id"] for i in api.images(all=True)} & (a.owner.images | crashed.owner.images)
        assert not left, f"images of the runs left behind: {left}"
        assert _state(api, made) == made_states(made)
        images_after = {i["Id"]: sorted(i.get("RepoTags") or []) for i in api.images(all=True)}
        for iid, tags in images_before.items():
            assert images_after.get(iid) == tags, f"foreign image {iid} {tags} changed"
        assert child in images_after
    finally:
        for c in made:
            try:
                api.remove_container(c, force=True)
            except Exception:
                pass
        # by id: Podman 4.3's socket also named the import foreign-TAG:latest
        for ref in (child, *foreign_ids):
            try:
                api.remove_image(ref, force=True)
            except Exception:
                pass


def made_states(made):
    return {c: {"stopped": "exited"}.get(s, s) for c, s in made.items()}
