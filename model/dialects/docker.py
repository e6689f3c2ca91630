"""Docker Engine dialects: 20.10 (the reference), 26.1 and 28.5, with either image store.

Each dialect is a table of differences from its `base`, one entry a line, each
with a comment saying what the engine does and where that was seen (a replay
script under replays/, or /work/shared/ENGINES.md's measured notes, quoted in
docs/dialects/README.md).  Only what has been seen on an engine goes in; an
engine not yet measured in some respect speaks its base's dialect there.

To add a difference: one line in the dialect's table, a message key of
`model.profile` mapped to the engine's wording (the error kind stays), or a
policy named as in `model.profile.Profile` set to the engine's choice.

The layout follows the engines' history: 26.1 is described from 20.10, 28.5
from 26.1, and each "-containerd" dialect (Docker's containerd image store,
`{"features": {"containerd-snapshotter": true}}`) from the same version with
the graph-driver store, plus the store's own table, `CONTAINERD_STORE`.
"""
from __future__ import annotations

from ..profile import DOCKER_20_10, differs

DAEMON = "Error response from daemon: "


def _task_wrapped(key: str) -> str:
    """20.10's wording of `key` with Docker 25+'s "failed to create task for container: " after the daemon's prefix."""
    template = DOCKER_20_10.messages[key][1]
    assert template.startswith(DAEMON), key
    return DAEMON + "failed to create task for container: " + template.removeprefix(DAEMON)


# -- Docker 26.1 (Debian trixie's docker.io 26.1.5, containerd 1.7.24) ----------------------
DOCKER_26_1 = differs(DOCKER_20_10, "docker-26.1", summary="Docker Engine 26.1 (Debian trixie), overlay2 store", messages={
    # start/run of a command the image lacks: the daemon wraps runc's error in "failed to create task for container" (ENGINES.md: seen on 26.1 and 28.5; replays/03-run-refusals.sh)
    "exec_not_found_start": _task_wrapped("exec_not_found_start"),
    # start/run of a file that is not executable: the same wrapper, the same code path (daemon/start.go; replays/03-run-refusals.sh)
    "exec_denied_start": _task_wrapped("exec_denied_start"),
})

# -- Docker 28.5 (Debian sid's docker.io 28.5.2, containerd 2.1.9) ---------------------------
DOCKER_28_5 = differs(DOCKER_26_1, "docker-28.5", summary="Docker Engine 28.5 (Debian sid), overlay2 store", messages={
    # (nothing seen yet that 26.1 does otherwise)
})

# -- the containerd image store, on either version ------------------------------------------
CONTAINERD_STORE: dict[str, object] = {
    # rmi (-f or not) of an image with child images deletes it and keeps the children (model/profile.py; ENGINES.md; replays/14-rmi-children.sh)
    "rmi_refuses_parent_with_children": False,
}
CONTAINERD_STORE_MESSAGES: dict[str, str] = {
    # (no wording seen yet that differs from the graph-driver store)
}

DOCKER_26_1_CONTAINERD = differs(DOCKER_26_1, "docker-26.1-containerd", CONTAINERD_STORE_MESSAGES,
                                 summary="Docker Engine 26.1 with the containerd image store (containerd-snapshotter)",
                                 **CONTAINERD_STORE)
DOCKER_28_5_CONTAINERD = differs(DOCKER_28_5, "docker-28.5-containerd", CONTAINERD_STORE_MESSAGES,
                                 summary="Docker Engine 28.5 with the containerd image store (containerd-snapshotter)",
                                 **CONTAINERD_STORE)

# Every dialect of this family, each base before the dialects described from it.
DIALECTS = (DOCKER_20_10, DOCKER_26_1, DOCKER_26_1_CONTAINERD, DOCKER_28_5, DOCKER_28_5_CONTAINERD)
