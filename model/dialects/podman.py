"""Podman dialects: 4.3 (Debian bookworm) and 5.4 (Debian trixie), rootful, runc runtime.

Podman speaks Docker's CLI and API with its own wording and, in places, its own
choices, measured row by row in docs/dialects/podman.md (every replay of
replays/*.sh on both Podmans).  Each entry below is one of them: a message key
mapped to Podman's wording, an exit status, or a policy of `model.profile.Profile`
set to Podman's choice, with a comment naming the replay lines that show it
(tests/test_podman_dialect.py checks each).  `podman build` is buildah
(`builder="buildah"`, model/builders/buildah.py).  podman-5.4 is described as its
differences from podman-4.3.  Sizes are compared as `<size>` (`sizes_modelled=False`:
an image's size holds its config's variable-length time).  What is still not modelled
(buildah's output and COPY sums, prune's output, import ids of the CLI, ...) is listed
in docs/dialects/podman.md and, line by line, in replays/ledger/podman-*.txt.
"""
from __future__ import annotations

from .. import fs
from ..errors import ErrorKind
from ..profile import DOCKER_20_10, differs

# -- Podman 4.3 (Debian bookworm's podman) --------------------------------------------------
PODMAN_4_3 = differs(DOCKER_20_10, "podman-4.3", summary="Podman 4.3 (Debian bookworm), rootful, runc", messages={
    # (ENGINES.md's note, rm -f waiting out the stop timeout without -t 0, is a timing the model does not have)
    # exec in a container that is not running: "can only create exec sessions on running containers" (replays/08-exec.sh:4, :14)
    "not_running": "Error: can only create exec sessions on running containers: container state improper",
    # restart of a running --rm container: its exit may be handled as an auto-removal, and the restart fails to
    # save the removed container's state (replays/24-auto-remove-race.sh:19; 14 restarts in 20 by hand on a quiet
    # machine, after a line `time="..." level=error msg="Storage for container ID has been removed"`)
    "restart_marked_for_removal": "Error: saving container {id} state: container has already been removed",
    # ... and restart naming it again once it has exited: the stop finds it stopped (replays/24-auto-remove-race.sh:11,
    # one pass in six; after `time="..." level=error msg="container not running"`)
    "restart_removing": (ErrorKind.NOT_RUNNING, "Error: sending SIGKILL to container {id}: container state improper: stopped"),
    # run/create of a missing image without --pull never: the short name is not resolved (replays/40-podman-refs.sh:3);
    # through the socket "no such image: docker.io/library/REF: image not known" (classified by dockspec.observe)
    # cp out of an --init container's init path while no init is mounted (replays/66-podman-cp-mounts.sh:8, :15)
    "cp_init_not_mounted": 'Error: "{path}" could not be found on container {name}: error in copier subprocess: changing to intended-new-root directory "{source}": chdir {source}: not a directory',
    # rmi by id of an image with several tags, without -f: refused before anything else (replays/64-rmi-id-in-use-tagged.sh:8, :12)
    "image_multiple_repos": 'Error: unable to delete image "{id}" by ID with more than one tag ([{names}]): please force removal',
    "no_such_image_pull": 'Error: short-name "{ref}" did not resolve to an alias and no unqualified-search registries are defined in "/etc/containers/registries.conf"',
},
    # exec in a paused container is refused as in one not running (replays/06-pause.sh:14)
    exec_paused_not_running=True,
    # stop and restart of a paused container are refused; it stays paused (replays/06-pause.sh:24, 20-restart.sh:13)
    stop_refuses_paused=True,
    # pause and unpause answer once the container's state is stored: no late flag (model.live)
    pause_flag_lags=False,
    # rm of several names removes none when one is missing (replays/07-rm.sh:7)
    rm_checks_all_first=True,
    # rmi -f removes the containers that use the image, running ones too (replays/12-rmi-conflicts.sh:8, 15-rmi-in-use-untag.sh:10)
    rmi_force_removes_containers=True,
    # rmi of a parent image untags and deletes it, the child keeps its layers (replays/14-rmi-children.sh:6, :9, :10)
    rmi_refuses_parent_with_children=False,
    rmi_untagged_parent_kept=False,
    # rmi -f of a missing image exits 0 (replays/14-rmi-children.sh:7)
    rmi_force_ignores_missing=True,
    # rmi by id of an image with several tags is refused for them first, a running container's too (replays/64-rmi-id-in-use-tagged.sh:12)
    rmi_multiple_repos_first=True,
    # an image deleted while children hold its layers is reported "Untagged:" only (replays/60-prune-dangling-parent.sh:11,
    # 62-rmi-parent.sh:11, :19, :25)
    rmi_deleted_parent_says_deleted=False,
    # ... and rmi never names the layers it deletes (replays/62-rmi-parent.sh:27)
    rmi_lists_deleted_layers=False,
    # every refusal of the podman CLI exits 125 (replays/01-import-images.sh:17, :18, 03:4, 05:16, ...)
    exit_refused=125,
    # import's history row: buildah's ADD of the archive, "imported from tarball" (replays/01-import-images.sh:2, :8)
    import_created_by="/bin/sh -c #(nop) ADD file:{sum} in /",
    import_comment="imported from tarball",
    # a layer's size is its tar's: the busybox base is 2.13MB (replays/01-import-images.sh:2, 21-history-sizes.sh:2)
    import_size_is_archive=True,
    # An image's size is its layers' tars plus its config and manifest blobs, and the config's JSON holds
    # the commit's time with its nanoseconds' trailing zeros cut: the same container committed twice gives
    # images 2137020 and 2137022 bytes (docs/dialects/podman.md, "Sizes").  Not a function of the commands:
    # sizes are compared as `<size>` (dockspec.snapshot.mask_sizes), as for the containerd image store.
    sizes_modelled=False,
    # history names, per row, the first image whose top layer is that row's layer (replays/40-podman-history.sh)
    history_ids_by_top_layer=True,
    # commit always writes a layer (an empty tar when nothing changed, shared), "/bin/sh", "FROM <ref>"
    # (replays/40-podman-history.sh:5-8, 11-commit.sh:5)
    commit_layer_always=True,
    commit_created_by="/bin/sh",
    commit_comment="FROM {ref}",
    # buildah's rows name what each step was built on; a RUN step always writes a layer (16-build.sh:3, 40-podman-history.sh)
    build_rows_name_their_source=True,
    # ... by the image's first name, the oldest tag still on it (replays/44-podman-prune-build.sh:10, :13)
    from_row_names_first_tag=True,
    # stop -t 0 / restart -t 0: SIGKILL without the stop signal, a TERM trap never runs: 137 (replays/42-podman-stop-zero.sh)
    stop_zero_timeout_kills=True,
    # run --init: catatonit at /run/podman-init (replays/28-init.sh:5, :6, :9)
    init_path="/run/podman-init",
    init_cannot_exec_exit=1,
    # rename to its own name succeeds; a leading "/" is kept, an invalid name (replays/25-rename.sh:5, :10)
    rename_same_name_allowed=True,
    rename_keeps_slash=True,
    # rm of several containers prints them as each removal ends (replays/25-rename.sh:23, 28-init.sh:26)
    rm_prints_in_any_order=True,
    # start writes /etc/hosts, /etc/hostname, /etc/resolv.conf into the container's layer: diff shows C /etc (replays/02-create-start-run.sh:7, 03:5, 23:5)
    start_touches_etc=True,
    # cp out reads Podman's mounts of a live container, and fails on the init's path of one not running
    # (replays/66-podman-cp-mounts.sh:8, :10, :12, :15; bench/soak seed 911 on both Podmans)
    cp_out_reads_podman_mounts=True,
    # ... and cp into them is busy only while they are mounted, while the container runs (replays/74-cp-into-mount-points.sh)
    cp_in_mounts_only_while_running=True,
    # cp out of FILE/ copies the file (replays/68-cp-file-slash.sh; bench/soak podman-5.4 seeds 923, 929 of round 5)
    cp_out_file_slash_ignored=True,
    # diff compares directories by mtime: a directory copied up is C (replays/09-diff.sh:14, :18)
    diff_dirs_by_mtime=True,
    # ... but some refusals exit otherwise: rm of a running or paused container 2, of a missing one 1;
    # rmi of a missing image 1, of one a container uses 2; exec in a container not running 255
    # (replays/07-rm.sh:6, 06-pause.sh:16, 01-import-images.sh:19, 12-rmi-conflicts.sh:4, 08-exec.sh:4, :14)
    exit_refused_by={"rm remove_running": 2, "rm remove_paused": 2, "rm no_such_container": 1,
                     "rmi no_such_image": 1, "rmi image_in_use": 2, "exec not_running": 255,
                     # a failed build step exits with its own status, 1 too (replays/44-podman-prune-build.sh:4)
                     "build build_failed": 1},
    # inspect may read an exited container's state as "stopped", racing with podman's clean-up (replays/02-create-start-run.sh:20
    # on 5.4; 06-pause.sh:21 and 23-inspect.sh:8 on 4.3, pmodel's replay pass of round 5)
    exited_may_read_stopped=True,
    # exec of a command the container lacks exits 127, as run does (replays/08-exec.sh:8)
    exit_exec_not_found=127,
    # image prune removes whole images no container uses, and prints their ids (replays/63-prune-by-id.sh:10, :13, :18,
    # 60-prune-dangling-parent.sh:14, 65-podman-prune.sh)
    prune_whole_images=True,
    # rmi deletes the image only, never its untagged parents (replays/14-rmi-children.sh:12)
    rmi_prunes_parents=False,
    # podman build is buildah: a failed step leaves no container (model/builders/buildah.py; replays/17-build-fail.sh:5, :8)
    builder="buildah",
    # ... whatever DOCKER_BUILDKIT says (replays/61-build-no-shell.sh:13, 63-prune-by-id.sh:17)
    builder_chosen_by_env=False,
    # start of a running container prints nothing (replays/02-create-start-run.sh:17)
    start_running_prints_name=False,
    # a command that could not be run leaves exit code 0; exec's runtime error goes to stderr (replays/03-run-refusals.sh:6, 08-exec.sh:8)
    failed_start_sets_exit_code=False,
    exec_error_on_stdout=False,
    # a container's IMAGE stays the reference it was made with (replays/15-rmi-in-use-untag.sh:5, :8)
    container_image_keeps_ref=True,
    # -- found by `dockspec matrix --verify` (replays/50-matrix-podman.sh) --
    # ... written with its tag: a container made from `img1` shows `img1:latest` (50:5, :7)
    container_image_ref_tagged=True,
    # ... and created by the image's id, its first tag (replays/44-podman-prune-build.sh:16)
    container_by_id_names_tag="first",
    # a name moved from another image is the image's newest (replays/69-tag-order.sh; soak seed 941 of round 5)
    tag_order="moved",
    # ... and a name load gives the image becomes its first (replays/77-load-tag-order.sh)
    load_tag_order="first",
    # commit of a container whose image lost its last name: "FROM " (replays/78-commit-untagged.sh)
    commit_untagged_comment="FROM ",
    # processes see no init layer: no /.dockerenv, /run/.containerenv, no resolv.conf with --network none
    # (replays/81-process-view.sh:5, :6)
    engine_files=fs.PODMAN_FILES,
    # buildah's RUN steps write /etc/hostname and /run in their layer (`podman save` of `RUN true`; bench/soak seed 3108)
    build_run_mount_points=True,
    # rm -f / rmi -f of a missing name: nothing said (replays/07-rm.sh:10, 14-rmi-children.sh:7)
    force_ignores_missing_silently=True,
    # start naming again an exited --rm container not yet removed starts it again (replays/24-auto-remove-race.sh:24)
    start_restarts_exited_rm=True,
    # ... and one finding it removed may fail the whole start, printing nothing (replays/24-auto-remove-race.sh:24)
    start_aborts_on_a_vanished_target=True,
    # restart naming again a container it started whose workload ended at once may fail its SIGKILL (a race;
    # bench/soak seed 2306, replays/76-restart-quick-exit.sh)
    restart_races_a_quick_exit=True,
    # how the podman CLI prints: localhost/ references, "2.13 MB", "...", history's ID column, bare ids,
    # ps oldest first with bare commands and without paused containers (04:9, :11), podman's Status and State words, labels as a Go map
    # (replays/01-import-images.sh:3, :8, :9, :14, 02-create-start-run.sh:6, :13, :14, 04-ps-filters.sh:19, :22, 11-commit.sh:4)
    cli_local_domain="localhost/",
    cli_size_space=True,
    history_size_space=True,
    ps_running_ago=True,
    cli_ellipsis="...",
    history_id_header="ID",
    cli_bare_ids=True,
    ps_oldest_first=True,
    ps_lists_paused=False,
    ps_command_quoted=False,
    ps_status_podman=True,
    ps_state_is_status=True,
    ps_labels_go_map=True,
)

# -- Podman 5.4 (Debian trixie, run in its own mount namespace) -----------------------------
PODMAN_5_4 = differs(PODMAN_4_3, "podman-5.4", summary="Podman 5.4 (Debian trixie), rootful, runc", messages={
    # run / exec of a directory: runc says "is a directory" (replays/03-run-refusals.sh:7, 08-exec.sh:9)
    "exec_denied_start": 'Error: OCI runtime error: runc: runc create failed: unable to start container process: exec: "{cmd}": is a directory',
    "exec_denied_exec": 'Error: OCI runtime error: runc: exec failed: unable to start container process: exec: "{cmd}": is a directory',
    # inspect of a malformed image reference (replays/29-references.sh:23, :24)
    "inspect_invalid_reference": 'Error: parsing reference "{ref}": {detail}',
    # stop of a paused --rm container: refused in its removal's words (replays/06-pause.sh:26)
    "stop_paused_auto_remove": (ErrorKind.REMOVE_PAUSED, "Error: cannot remove container {id} as it is paused - running or paused containers cannot be removed without force: container state improper"),
    # rename to an empty name: the server checks it, an invalid name (replays/25-rename.sh:18)
    "rename_empty": (ErrorKind.INVALID_NAME, "Error: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument"),
    # ... the tags newest first (4.3: in the order given; replays/64-rmi-id-in-use-tagged.sh:12)
    "image_multiple_repos": 'Error: unable to delete image "{id}" by ID with more than one tag ([{names_newest_first}]): please force removal',
},
    # history prints sizes as Docker does, "2.13MB" (images still "2.13 MB") (replays/01-import-images.sh:8, 21-history-sizes.sh:4)
    history_size_space=False,
    # ps: a running container is "Up X" (replays/02-create-start-run.sh:13, 07-rm.sh:8); start of a running one prints its name (02:17)
    ps_running_ago=False,
    start_running_prints_name=True,
    # exec of a directory exits 255, the runtime saying "is a directory" (replays/08-exec.sh:9, 03-run-refusals.sh:7)
    exit_exec_denied=255,
    # FROM rows name the reference typed (replays/44-podman-prune-build.sh:10, :13)
    from_row_names_first_tag=False,
    # ... but commit's FROM row names the image's newest tag, even for a container created by id (replays/44-podman-prune-build.sh:17, :18)
    commit_row_names_newest_tag=True,
    # ... as does a build's FROM row, whatever the FROM line typed (bench/soak seeds 921, 922 of round 5)
    from_row_names_newest_tag=True,
    # ... and a container created by id records the image's newest tag (replays/63-prune-by-id.sh:9)
    container_by_id_names_tag="newest",
    # ... and so is a name given again to the image that has it (replays/69-tag-order.sh; soak seed 928 of round 5)
    tag_order="readded",
    load_tag_order="",  # a loaded name is readded, the newest (replays/77-load-tag-order.sh)
    # ... and commit of a container whose image lost its last name writes no comment (replays/78-commit-untagged.sh)
    commit_untagged_comment="",
    # stop of a --rm container never started removes it (replays/72-stop-created-rm.sh:5)
    stop_removes_created_rm=True,
    # the start that fails as a whole was seen on 4.3 only (0 in 90 passes of replays/24-auto-remove-race.sh:24 under load)
    start_aborts_on_a_vanished_target=False,
    # the restart race of a quick exit was seen on 4.3 only (replays/76-restart-quick-exit.sh)
    restart_races_a_quick_exit=False,
    # rename drops a leading "/" as Docker does (replays/25-rename.sh:10)
    rename_keeps_slash=False,
    # the mount points start makes in the container's layer, the init's too, are 0644 files (4.3: 0755): `export`
    # lists them so (docs/dialects/podman.md, Round 5), `cp` out of an exited container copies them so (bench/soak seed 921)
    mount_point_mode=0o644,
    # ps {{.State}} is the state in lower case, as Docker's (replays/02-create-start-run.sh:6, :13, 04-ps-filters.sh:16)
    ps_state_is_status=False,
)

# Every dialect of this family, each base before the dialects described from it.
DIALECTS = (PODMAN_4_3, PODMAN_5_4)
