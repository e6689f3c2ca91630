"""dockspec never touches an object it did not create.

The engine is filled with foreign containers and images (`dockspec.foreign.Population`:
running, paused, exited and created containers, a tagged image, a child of it, and an image
and a container labelled as the prunes below ask); then a campaign of forced removals and
prunes runs through the adapter, then its clean-up, then the clean-up of a "crashed" run;
every foreign object is still there, in the same state.
"""
from __future__ import annotations

import pytest

from dockspec.foreign import Population
from dockspec.observe import familiar, image_row
from model import commands as cmd

pytestmark = pytest.mark.engine


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
    foreign = Population.make(api)
    tag = foreign.tag
    before = foreign.fingerprint()
    try:
        a = Adapter(engine)
        from dockspec.rootfs import busybox_rootfs

        steps = [cmd.Import(busybox_rootfs(), "base:1"), cmd.Tag("base:1", "base:2")]
        for k, wl in enumerate((("sleep", "1000"), ("true",), ("sleep", "1000"))):
            steps.append(cmd.Run(cmd.Create("base:1", wl, name=f"c{k}"), detach=True))
        steps += [cmd.Pause(("c0",)), cmd.Commit("c1", "img1:latest"),
                  # forced removals, by our names and by the foreign names (which resolve to nothing of ours)
                  cmd.Rm(("c0", "c1", "c2", f"foreign-{tag}-running", f"foreign-{tag}-paused"), force=True),
                  cmd.Rmi(("img1:latest", "base:1", "base:2", foreign.base, foreign.child), force=True),
                  cmd.Kill((f"foreign-{tag}-running",)), cmd.Stop((f"foreign-{tag}-running",), timeout=0),
                  # prunes, with the label the foreign image and exited container carry: scoped to the run,
                  # they must AND the run's label with the user's (Podman's own endpoint ORs labels)
                  cmd.ContainerPrune(True, (("label", "keep"),)), cmd.ImagePrune(True, True, (("label", "keep"),)),
                  cmd.ImagePrune(True, True), cmd.SystemPrune(True, True, (("label!", "keep"),))]
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
        assert foreign.touched(before) == []
    finally:
        foreign.remove()
    # and the test leaves nothing of its own: a later replay's `history` would name its images (Podman names a
    # history row by the oldest image with that layer)
    assert not [t for i in api.images(all=True) for t in i.get("RepoTags") or [] if f"foreign-{tag}" in t]
    assert not [c for c in api.containers(all=True) if f"foreign-{tag}" in c["Names"][0]]
