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

from ..errors import ErrorKind
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
    # kill of a container that is not running: lower case "cannot kill container" and "container" (replays/05-stop-kill-wait.sh:16, :19)
    "kill_not_running": DAEMON + "cannot kill container: {name}: container {id} is not running",
    # kill of a missing container: lower case "cannot kill container" (replays/05-stop-kill-wait.sh:21)
    "kill_no_such_container": DAEMON + "cannot kill container: {name}: No such container: {name}",
    # pause / exec of a container that is not running: lower case "container" (replays/06-pause.sh:6, :7; 08-exec.sh:4, :14)
    "not_running": DAEMON + "container {id} is not running",
    # rm of a running container: a new message naming the container with its slash (replays/07-rm.sh:6)
    "remove_running": DAEMON + 'cannot remove container "/{name}": container is running: stop the container before removing or force remove',
    # rm of a paused container: a new message (replays/06-pause.sh:16)
    "remove_paused": DAEMON + 'cannot remove container "/{name}": container is paused and must be unpaused first',
    # ps --filter status=<not a state>: lower case "invalid filter" (replays/04-ps-filters.sh:21)
    "invalid_filter": DAEMON + "invalid filter '{filter}'",
    # a missing container or image named to rm, exec, rmi, inspect: the modern client prints the daemon's 404 as it comes (replays/01:19, 07:7, 07:10, 07:11, 08:15, 23:12)
    "no_such_container": DAEMON + "No such container: {name}",
    "no_such_image": DAEMON + "No such image: {ref}",
    # docker cp (replays/33-cp.sh): the daemon's 404s as they come, a missing path its own kind (20.10's client
    # words both "No such container:path"), and unlinking a mount point without "Error processing tar file"
    "cp_no_such_container": DAEMON + "No such container: {name}",  # 33-cp.sh:45, :46
    "cp_no_such_path": (ErrorKind.NO_SUCH_FILE, DAEMON + "Could not find the file {path} in container {name}"),  # 33-cp.sh:47, :49
    "cp_busy": DAEMON + "unlinkat {path}: device or resource busy",  # 33-cp.sh:10, :37
    # rmi of a missing image names it with its tag: `rmi img1` -> "No such image: img1:latest" (26.1 and 28.5, both stores:
    # `dockspec matrix --wording --verify`, tests/test_matrix.py)
    "rmi_no_such_image": DAEMON + "No such image: {tagged}",
},
    # (rmi -f of a missing image exits 0, replays/14-rmi-children.sh:7 on both containerd-store engines: 20.10's CLI does the same, so it is no difference)
    # the legacy builder (DOCKER_BUILDKIT=0) on the 26.1 and 28.5 daemons: " ---> Removed intermediate container <id12>" (replays/17-build-fail.sh:3, classic pass)
    build_removed_container=" ---> Removed intermediate container {short}",
    # the legacy builder's COPY sums hash only the permission bits of each entry's mode: file:d5e01f9ded26 for contexts/basic/hello.txt, dir:fbf26f5a565b, file:9123d392c2a7 for contexts/sizes/three.txt, as measured (replays/16-build.sh:3, 21-history-sizes.sh:3, classic pass)
    copy_sum_type_bits=False,
    # the client builds with BuildKit unless DOCKER_BUILDKIT=0 (docs/dialects/docker-modern.md; replays/16, 17, 21)
    builder="buildkit",
    # image inspect through the client's API version has no ContainerConfig: --format '{{.ContainerConfig.Cmd}}' fails, exit 1 (replays/01-import-images.sh:7, 11-commit.sh:6)
    inspect_container_config=False,
    # prune without -f, answered "N": the prompt and nothing more (the 26.1 and 28.5 clients; replays/26-prune.sh:9, :27)
    prune_declined_total=False,
    # system prune's warning: "unused build cache" (replays/26-prune.sh:37)
    prune_system_cache="unused build cache",
)

# -- Docker 28.5 (Debian sid's docker.io 28.5.2, containerd 2.1.9) ---------------------------
DOCKER_28_5 = differs(DOCKER_26_1, "docker-28.5", summary="Docker Engine 28.5 (Debian sid), overlay2 store", messages={
    # container/system prune --filter KEY the daemon does not know: lower case "invalid filter" (replays/26-prune.sh:14, :38)
    "prune_invalid_filter": DAEMON + "invalid filter '{filter}'",
    # start/run of a command the image lacks or cannot execute: runc's error without the trailing ": unknown" (replays/03-run-refusals.sh:5, :7, :9, :12)
    "exec_not_found_start": _task_wrapped("exec_not_found_start").removesuffix(": unknown"),
    "exec_denied_start": _task_wrapped("exec_denied_start").removesuffix(": unknown"),
    # exec of a command the container lacks or cannot execute: the same, on stdout (replays/08-exec.sh:8, :9)
    "exec_not_found_exec": DOCKER_20_10.messages["exec_not_found_exec"][1].removesuffix(": unknown"),
    "exec_denied_exec": DOCKER_20_10.messages["exec_denied_exec"][1].removesuffix(": unknown"),
    # rm of a running or paused container: the name without its slash (replays/07-rm.sh:6, 06-pause.sh:16)
    "remove_running": DAEMON + 'cannot remove container "{name}": container is running: stop the container before removing or force remove',
    "remove_paused": DAEMON + 'cannot remove container "{name}": container is paused and must be unpaused first',
    # BuildKit's errors: "ERROR: failed to build: " before them (replays/17-build-fail.sh:3, :6, :10)
    "buildkit_run_failed": "ERROR: failed to build: " + DOCKER_20_10.messages["buildkit_run_failed"][1].removeprefix("ERROR: "),
    "buildkit_invalid_tag": "ERROR: failed to build: " + DOCKER_20_10.messages["buildkit_invalid_tag"][1].removeprefix("ERROR: "),
    # --target naming no stage (BuildKit): the same prefix (replays/38-multistage.sh:14)
    "buildkit_target_missing": "ERROR: failed to build: " + DOCKER_20_10.messages["buildkit_target_missing"][1].removeprefix("ERROR: "),
    # ps --filter status=<not a state>: the daemon says why, listing the states (replays/04-ps-filters.sh:21)
    "invalid_filter": DAEMON + "invalid filter '{filter}': invalid value for state ({value}): must be one of created, running, paused, restarting, removing, exited, dead",
    # docker cp onto a mount point: os.RemoveAll's error, naming the base name only (replays/33-cp.sh:10, :37)
    "cp_busy": DAEMON + "RemoveAll {base}: device or resource busy",
},
    # exec of a command the container lacks exits 127, as run does (replays/08-exec.sh:8; also through the 20.10 client)
    exit_exec_not_found=127,
    # a refused run: no final period, a blank line, and the new usage hint (replays/03-run-refusals.sh:3, :5, :14, :16)
    run_refusal="docker: {message}\n\nRun 'docker run --help' for more information",
    # image inspect has no Config.Image either (replays/23-inspect.sh:10)
    inspect_config_image=False,
    # BuildKit's ARG history row shows the value the build gave the arg: `ARG WHO=you` for --build-arg WHO=you,
    # `ARG EMPTY=` for --build-arg EMPTY= (26.1: the Dockerfile's default; replays/37-build-args.sh:8, :11, :16)
    buildkit_arg_row_value=True,
)

# -- the containerd image store, on either version ------------------------------------------
CONTAINERD_STORE: dict[str, object] = {
    # rmi (-f or not) of an image with child images deletes it and keeps the children (model/profile.py; ENGINES.md; replays/14-rmi-children.sh)
    "rmi_refuses_parent_with_children": False,
    # a BuildKit build whose tag named another image deletes that image when nothing else holds it: no dangling <none> row (replays/22-retag-dangling.sh:4)
    "buildkit_keeps_replaced_image": False,
    # a fully cached BuildKit rebuild makes a new image, not the one it built before (replays/16-build.sh:13, :14)
    "buildkit_rebuild_same_image": False,
    # image prune works on names: the name a container was made from stays, other names go, even an image's
    # last while a container uses it (model/prune.py _prune_names; replays/55-prune-names.sh)
    "prune_by_name": True,
    # rmi -f of the last tag of an image a stopped container uses untags it and keeps it dangling (replays/57-rmi-force-in-use.sh:6; found by dockspec matrix --verify too, replays/51-matrix-containerd.sh:5)
    "rmi_keeps_image_in_use": True,
    # sizes are compressed blobs plus the snapshot's 4 KiB blocks: not predicted, compared as <size> (docs/dialects/docker-modern.md, "Sizes")
    "sizes_modelled": False,
}
CONTAINERD_STORE_MESSAGES: dict[str, str] = {
    # rmi of a reference a container's image has: "unable to delete REF (must be forced)" (replays/12-rmi-conflicts.sh:4, :7; 15-rmi-in-use-untag.sh:6)
    "image_in_use_by_ref": DAEMON + "conflict: unable to delete {ref} (must be forced) - container {container} is using its referenced image {short}",
    # load of a tar that holds no image (an `export`): the client's own words (replays/56-load-export.sh:5)
    "load_not_an_image": "unrecognized image format",
}

DOCKER_26_1_CONTAINERD = differs(DOCKER_26_1, "docker-26.1-containerd", CONTAINERD_STORE_MESSAGES,
                                 summary="Docker Engine 26.1 with the containerd image store (containerd-snapshotter)",
                                 # import REF deletes the image REF named when nothing else holds it (replays/22-retag-dangling.sh:10); 28.5's store keeps it dangling
                                 import_keeps_replaced_image=False,
                                 **CONTAINERD_STORE)
DOCKER_28_5_CONTAINERD = differs(DOCKER_28_5, "docker-28.5-containerd", CONTAINERD_STORE_MESSAGES,
                                 summary="Docker Engine 28.5 with the containerd image store (containerd-snapshotter)",
                                 **CONTAINERD_STORE)

# Every dialect of this family, each base before the dialects described from it.
DIALECTS = (DOCKER_20_10, DOCKER_26_1, DOCKER_26_1_CONTAINERD, DOCKER_28_5, DOCKER_28_5_CONTAINERD)
