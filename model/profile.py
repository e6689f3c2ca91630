"""Engine-specific choices, in one place: refusal wordings, exit statuses, policies.

The model's transitions never spell an error message or an exit status
themselves; they ask the profile.  Another engine (Podman, Docker with the
containerd image store) is then described as a `Profile` that differs from
`DOCKER_20_10` in a few entries (`differs`), not as a fork of the model.
The named profiles, one per engine the project checks, are the *dialects* of
`model.dialects`; this module holds the type and the base wording.

Where engines behave differently (not only word things differently), a
transition consults a *named policy*, a field of the profile such as
`rmi_refuses_parent_with_children`, never an engine name or a version.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields

from frozendict import frozendict

from . import fs
from .errors import EngineError, ErrorKind

# Each entry: key -> (error kind, message template).  Templates use str.format
# fields named after what they print: {name} as typed, {id} a full container id,
# {short} a 12-character id, {ref} a reference as typed, and so on.
_DOCKER_20_10_MESSAGES = {
    "no_such_container": (ErrorKind.NO_SUCH_CONTAINER, "Error: No such container: {name}"),
    "no_such_container_daemon": (ErrorKind.NO_SUCH_CONTAINER, "Error response from daemon: No such container: {name}"),
    "no_such_object": (ErrorKind.NO_SUCH_CONTAINER, "Error: No such object: {name}"),
    "no_such_image": (ErrorKind.NO_SUCH_IMAGE, "Error: No such image: {ref}"),
    "no_such_image_daemon": (ErrorKind.NO_SUCH_IMAGE, "Error response from daemon: No such image: {ref}"),
    # rmi of a missing image ({tagged}: the reference with its tag, `img1` -> `img1:latest`; 20.10's CLI says
    # the reference as typed, the 26.1 and 28.5 daemons the tagged one: `dockspec matrix --wording --verify`)
    "rmi_no_such_image": (ErrorKind.NO_SUCH_IMAGE, "Error: No such image: {ref}"),
    # Without --pull never the CLI tries to pull; offline, the wording after the
    # first line depends on the machine's resolver, so only the kind is compared.
    "no_such_image_pull": (ErrorKind.NO_SUCH_IMAGE, "Unable to find image '{ref}' locally\nError response from daemon: pull access denied for {repo}, repository does not exist or may require 'docker login'"),
    "name_in_use": (ErrorKind.NAME_IN_USE, 'Error response from daemon: Conflict. The container name "/{name}" is already in use by container "{id}". You have to remove (or rename) that container to be able to reuse that name.'),
    "invalid_name": (ErrorKind.INVALID_NAME, "Error response from daemon: Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"),
    "invalid_reference": (ErrorKind.INVALID_REFERENCE, "Error response from daemon: {detail}"),
    "invalid_reference_cli": (ErrorKind.INVALID_REFERENCE, "{detail}"),
    "invalid_reference_tag": (ErrorKind.INVALID_REFERENCE, "Error parsing reference: \"{ref}\" is not a valid repository/tag: {detail}"),
    # `inspect --type image` / `image inspect` of a malformed reference (replays/29-references.sh)
    "inspect_invalid_reference": (ErrorKind.INVALID_REFERENCE, "Error response from daemon: no such image: {ref}: {detail}"),
    "invalid_reference_run": (ErrorKind.INVALID_REFERENCE, "docker: {detail}.\nSee 'docker run --help'."),
    # rename (replays/25-rename.sh): the daemon's refusal, then the CLI's own line
    "rename_empty": (ErrorKind.USAGE, "Error: Neither old nor new names may be empty"),
    "rename_same_name": (ErrorKind.SAME_NAME, "Error response from daemon: Renaming a container with the same name as its current name"),
    "rename_name_in_use": (ErrorKind.NAME_IN_USE, 'Error response from daemon: Error when allocating new name: Conflict. The container name "/{name}" is already in use by container "{id}". You have to remove (or rename) that container to be able to reuse that name.'),
    "rename_invalid_name": (ErrorKind.INVALID_NAME, "Error response from daemon: Error when allocating new name: Invalid container name (/{name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"),
    "rename_failed": (ErrorKind.USAGE, "Error: failed to rename container named {name}"),
    "remove_running": (ErrorKind.REMOVE_RUNNING, "Error response from daemon: You cannot remove a running container {id}. Stop the container before attempting removal or force remove"),
    "remove_paused": (ErrorKind.REMOVE_PAUSED, "Error response from daemon: You cannot remove a paused container {id}. Unpause and then stop the container before attempting removal or force remove"),
    "not_running": (ErrorKind.NOT_RUNNING, "Error response from daemon: Container {id} is not running"),
    "kill_not_running": (ErrorKind.NOT_RUNNING, "Error response from daemon: Cannot kill container: {name}: Container {id} is not running"),
    # restart of a running auto-remove container whose exit is handled as an auto-removal (a race: containers.restart)
    "restart_marked_for_removal": (ErrorKind.REMOVAL_IN_PROGRESS, "Error response from daemon: Cannot restart container {name}: container is marked for removal and cannot be started"),
    # restart naming again an auto-remove container that exited and is being removed (a race: containers.each)
    "restart_removing": (ErrorKind.REMOVAL_IN_PROGRESS, "Error response from daemon: Cannot restart container {name}: container is marked for removal and cannot be started"),
    "already_paused": (ErrorKind.ALREADY_PAUSED, "Error response from daemon: Container {id} is already paused"),
    "not_paused": (ErrorKind.NOT_PAUSED, "Error response from daemon: Container {id} is not paused"),
    "start_paused": (ErrorKind.PAUSED, "Error response from daemon: cannot start a paused container, try unpause instead"),
    "exec_paused": (ErrorKind.PAUSED, "Error response from daemon: Container {name} is paused, unpause the container before exec"),
    "commit_paused": (ErrorKind.PAUSED, "Error response from daemon: Container {id} is paused"),
    # {why}: Go's exec.LookPath, which runc calls: a command with a slash is stat'ed ("stat /bin/sh: no such file
    # or directory"), one without is looked up in $PATH ("executable file not found in $PATH"); `lookpath_error`
    # (replays/61-build-no-shell.sh:4, :5 on every Docker engine)
    "exec_not_found_start": (ErrorKind.EXEC_NOT_FOUND, 'Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "{cmd}": {why}: unknown'),
    "exec_denied_start": (ErrorKind.EXEC_NOT_FOUND, 'Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "{cmd}": permission denied: unknown'),
    "exec_not_found_exec": (ErrorKind.EXEC_NOT_FOUND, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "{cmd}": {why}: unknown'),
    "exec_denied_exec": (ErrorKind.EXEC_NOT_FOUND, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "{cmd}": permission denied: unknown'),
    "kill_no_such_container": (ErrorKind.NO_SUCH_CONTAINER, "Error response from daemon: Cannot kill container: {name}: No such container: {name}"),
    "start_marked_for_removal": (ErrorKind.REMOVAL_IN_PROGRESS, "Error response from daemon: container is marked for removal and cannot be started"),
    "start_vanished": (ErrorKind.NO_SUCH_CONTAINER, "Error: container {id} does not exist in database: no such container"),
    "start_failed": (ErrorKind.USAGE, "Error: failed to start containers: {names}"),
    "image_in_use_by_ref": (ErrorKind.IMAGE_IN_USE, 'Error response from daemon: conflict: unable to remove repository reference "{ref}" (must force) - container {container} is using its referenced image {short}'),
    "image_in_use_running": (ErrorKind.IMAGE_IN_USE, "Error response from daemon: conflict: unable to delete {short} (cannot be forced) - image is being used by running container {container}"),
    "image_in_use_stopped": (ErrorKind.IMAGE_IN_USE, "Error response from daemon: conflict: unable to delete {short} (must be forced) - image is being used by stopped container {container}"),
    "image_has_children": (ErrorKind.IMAGE_HAS_CHILDREN, "Error response from daemon: conflict: unable to delete {short} (cannot be forced) - image has dependent child images"),
    "image_multiple_repos": (ErrorKind.IMAGE_MULTIPLE_REPOS, "Error response from daemon: conflict: unable to delete {short} (must be forced) - image is referenced in multiple repositories"),
    "no_command": (ErrorKind.USAGE, "Error response from daemon: No command specified"),
    # stop/restart of a paused container where the dialect refuses it (`stop_refuses_paused`; not 20.10)
    "stop_paused": (ErrorKind.PAUSED, "Error: container {id} is running or paused, refusing to clean up: container state improper"),
    # stop of a paused --rm container, where stop refuses a paused one: as stop_paused (podman 5.4: its removal's words)
    "stop_paused_auto_remove": (ErrorKind.PAUSED, "Error: container {id} is running or paused, refusing to clean up: container state improper"),
    "wait_paused": (ErrorKind.PAUSED, "dockspec: waiting on paused container {id} would never return"),
    "bad_archive": (ErrorKind.NO_SUCH_FILE, "{detail}"),
    # load of a tar that holds no image (an `export`): as a broken archive (replays/56-load-export.sh)
    "load_not_an_image": (ErrorKind.NO_SUCH_FILE, "Error processing tar file(exit status 1): unexpected EOF"),
    "bad_import": (ErrorKind.NO_SUCH_FILE, "Error response from daemon: {detail}"),
    "save_no_such_image": (ErrorKind.NO_SUCH_IMAGE, "Error response from daemon: reference does not exist"),
    # prune (replays/26-prune.sh): a filter the daemon rejects; until= of a time the model cannot place
    "prune_refused": (ErrorKind.USAGE, "{detail}"),
    "prune_invalid_filter": (ErrorKind.USAGE, "Error response from daemon: Invalid filter '{filter}'"),
    "prune_bad_until": (ErrorKind.USAGE, 'Error response from daemon: failed to parse value as time or duration: "{value}"'),
    "prune_until_timestamp": (ErrorKind.UNSUPPORTED_WORKLOAD, "dockspec: prune --filter until={value}: a point in time is not modelled (the model has no wall clock; give a duration)"),
    "invalid_filter": (ErrorKind.USAGE, "Error response from daemon: Invalid filter '{filter}'"),
    # inspect --format naming a key the object lacks (Go's missingkey=error); 20.10's objects have every
    # key the replays ask for, the modern clients' lack ContainerConfig (replays/01-import-images.sh:7)
    "template_missing_key": (ErrorKind.USAGE, "template parsing error: {detail}"),
    "unsupported_workload": (ErrorKind.UNSUPPORTED_WORKLOAD, "dockspec: unsupported workload: {detail}"),
    # commit of a container whose image was removed with `rmi -f`: the engine fails to
    # read the image's config from its data-root (which the model writes as <data-root>).
    "commit_image_gone": (ErrorKind.NO_SUCH_IMAGE, "Error response from daemon: failed to get digest {id}: open {root}/image/overlay2/imagedb/content/sha256/{hex}: no such file or directory"),
    "no_such_file": (ErrorKind.NO_SUCH_FILE, "open {path}: no such file or directory"),
    # docker cp (replays/33-cp.sh, docs/cp.md).  20.10's client words the daemon's 404 the same for a
    # missing container and a missing path in one ("No such container:path"), so both convey one kind.
    "cp_no_such_container": (ErrorKind.NO_SUCH_CONTAINER, "Error: No such container:path: {name}:{path}"),
    "cp_no_such_path": (ErrorKind.NO_SUCH_CONTAINER, "Error: No such container:path: {name}:{path}"),
    "cp_no_such_host_path": (ErrorKind.NO_SUCH_FILE, "lstat {path}: no such file or directory"),
    "cp_output_dir_missing": (ErrorKind.NO_SUCH_FILE, 'invalid output path: directory "{path}" does not exist'),
    "cp_no_such_directory": (ErrorKind.NO_SUCH_FILE, "no such directory"),
    "cp_not_a_directory": (ErrorKind.NO_SUCH_FILE, "not a directory"),
    "cp_extraction_not_directory": (ErrorKind.NO_SUCH_FILE, "Error response from daemon: extraction point is not a directory"),
    "cp_source_not_directory": (ErrorKind.NO_SUCH_FILE, "Error response from daemon: lstat {root}{path}: not a directory"),
    "cp_cannot_copy_directory": (ErrorKind.FILE_CONFLICT, "cannot copy directory"),
    "cp_overwrite_directory": (ErrorKind.FILE_CONFLICT, 'Error response from daemon: Error processing tar file(exit status 1): cannot overwrite directory "{path}" with non-directory "{dest}"'),
    "cp_overwrite_non_directory": (ErrorKind.FILE_CONFLICT, 'Error response from daemon: Error processing tar file(exit status 1): cannot overwrite non-directory "{path}" with directory "{dest}"'),
    "cp_busy": (ErrorKind.BUSY, "Error response from daemon: Error processing tar file(exit status 1): unlinkat {path}: device or resource busy"),
    "cp_empty_path": (ErrorKind.USAGE, "Error response from daemon: bad parameter: pathcannot be empty"),
    # cp out of a Podman --init container's init path while no init is mounted (`cp_out_reads_podman_mounts`)
    "cp_init_not_mounted": (ErrorKind.NO_SUCH_FILE, 'Error response from daemon: error in copier subprocess: changing to intended-new-root directory "{source}": chdir {source}: not a directory'),
    "cp_not_modelled": (ErrorKind.UNSUPPORTED_WORKLOAD, "dockspec: docker cp: {detail} is not modelled (docs/cp.md)"),
    "bad_dockerfile": (ErrorKind.BAD_DOCKERFILE, "Error response from daemon: {detail}"),
    "build_failed": (ErrorKind.BUILD_FAILED, "The command '{cmd}' returned a non-zero code: {code}"),
    "build_pull_denied": (ErrorKind.NO_SUCH_IMAGE, "pull access denied for {repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"),
    "build_invalid_tag": (ErrorKind.INVALID_REFERENCE, "invalid argument \"{ref}\" for \"-t, --tag\" flag: {detail}\nSee 'docker build --help'."),
    "build_unknown_instruction": (ErrorKind.BAD_DOCKERFILE, "Error response from daemon: dockerfile parse error line {line}: unknown instruction: {instruction}"),
    "build_unsupported": (ErrorKind.BAD_DOCKERFILE, "dockspec: unsupported Dockerfile instruction at line {line}: {instruction} ({detail})"),
    # --target naming no stage (replays/38-multistage.sh): the classic builder, BuildKit
    "build_target_missing": (ErrorKind.BAD_DOCKERFILE, "Error response from daemon: failed to reach build target {target} in Dockerfile"),
    "buildkit_target_missing": (ErrorKind.BAD_DOCKERFILE, 'ERROR: failed to solve: target stage "{target}" could not be found'),
    # a build flag the dialect's builder does not model (not seen on its engine): refused, not guessed
    "build_flag_unsupported": (ErrorKind.USAGE, "dockspec: build {flag} is not modelled for the {builder} builder"),
    "build_copy_missing": (ErrorKind.NO_SUCH_FILE, "COPY failed: file not found in build context or excluded by .dockerignore: stat {path}: file does not exist"),
    # BuildKit (model/builders/buildkit.py; not 20.10's default builder): a RUN that exits non-zero, a bad tag
    # (the wording of the 23+ clients' BuildKit: replays/17-build-fail.sh:3, :10 on Docker 26.1)
    "buildkit_run_failed": (ErrorKind.BUILD_FAILED, 'ERROR: failed to solve: process "{cmd}" did not complete successfully: exit code: {code}'),
    "buildkit_invalid_tag": (ErrorKind.INVALID_REFERENCE, 'ERROR: invalid tag "{ref}": {detail}'),
    "build_exec_not_found": (ErrorKind.EXEC_NOT_FOUND, 'failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "{cmd}": {why}: unknown'),
}


@dataclass(frozen=True)
class Profile:
    """How one engine words its refusals and chooses where engines differ."""

    name: str
    messages: frozendict = field(default_factory=lambda: frozendict(_DOCKER_20_10_MESSAGES))
    # CLI exit statuses (docker run's documented codes).
    exit_refused: int = 1
    # Where the CLI exits otherwise for some verb, or for one refusal of a verb: "VERB" or
    # "VERB KIND" (an `ErrorKind` value) -> status; podman's rm of a running container exits 2.
    exit_refused_by: frozendict = frozendict()
    exit_run_failed: int = 125  # the daemon refused before the container started
    exit_cannot_invoke: int = 126
    exit_not_found: int = 127
    exit_unsupported: int = 125  # the model cannot interpret the workload (not an engine refusal)
    exit_killed: int = 137  # 128 + SIGKILL
    # exec of a command the container lacks: 20.10's CLI exits 126 (as for one it cannot
    # invoke); 28.5's exits 127, as run does (replays/08-exec.sh:8).
    exit_exec_not_found: int = 126
    # exec of something that cannot be executed (a directory): 126 (Docker, podman 4.3); podman 5.4 255 (08-exec.sh:9).
    exit_exec_denied: int = 126
    # How `docker run` words a refusal: the last line of the error as {message} (its final
    # period dropped), then the CLI's usage hint.
    run_refusal: str = "docker: {message}.\nSee 'docker run --help'."
    # rmi of an image with child images: 20.10 refuses even with -f; the
    # containerd image store (Docker 25+) deletes the parent and keeps the child.
    rmi_refuses_parent_with_children: bool = True
    # rmi -f of an image that does not exist: the client prints the daemon's "No such image" and
    # exits 0 unless another image failed otherwise; 20.10's CLI as well as the 23+ ones (seen by
    # `dockspec matrix --verify` on docker-20.10: `rmi -f img1` with no img1 exits 0; tests/test_matrix.py).
    rmi_force_ignores_missing: bool = True
    # rmi (-f) of the last tag of an image a container uses: 20.10 deletes it under a stopped
    # container (a running one holds it, dangling); the containerd store keeps it, dangling, under
    # any container (replays/57-rmi-force-in-use.sh:6).
    rmi_keeps_image_in_use: bool = False
    # rmi without --no-prune also deletes untagged parents nobody uses.
    rmi_prunes_parents: bool = True
    # rmi by id of an image a stopped container uses that has other tags too: 20.10 says "referenced in
    # multiple repositories"; the containerd store names the stopped container first (replays/64-rmi-id-in-use-tagged.sh:8).
    rmi_in_use_before_multiple_repos: bool = False
    # ... and Podman refuses by id an image with several tags before it looks at containers, a running one
    # too ("unable to delete image ... by ID with more than one tag", replays/64-rmi-id-in-use-tagged.sh:12).
    rmi_multiple_repos_first: bool = False
    # image inspect shows ContainerConfig (the committing container's config); the API
    # versions of the 26.1 and 28.5 clients drop it (replays/01-import-images.sh:7, 11-commit.sh:6).
    inspect_container_config: bool = True
    # image inspect shows Config.Image; 28.5's client's API version drops it (replays/23-inspect.sh:10).
    inspect_config_image: bool = True
    # The legacy builder's COPY sum (history `COPY file:<sum>`) hashes the entry's mode with its
    # file-type bits (0o100644); the 26.1 and 28.5 daemons hash only the permission bits (0o644).
    copy_sum_type_bits: bool = True
    # The legacy builder's line after a step's container is removed ({short}: its 12-character id).
    build_removed_container: str = "Removing intermediate container {short}"
    # `import ... REF` / a BuildKit build tagged REF, when REF named another image that nothing else
    # holds now: 20.10 keeps that image (dangling, `<none>`); the containerd image store of 26.1
    # deletes it on import, of 26.1 and 28.5 on a BuildKit build (replays/22-retag-dangling.sh).
    import_keeps_replaced_image: bool = True
    buildkit_keeps_replaced_image: bool = True
    # A BuildKit build of what an image already holds (a fully cached rebuild) gives that image
    # again; the containerd image store makes a new one (replays/16-build.sh:13).
    buildkit_rebuild_same_image: bool = True
    # BuildKit's history row of `ARG K=default`: the default as written (26.1), or the value the build gave
    # K, a --build-arg's or the default, `ARG K` when unset (28.5; replays/37-build-args.sh:8, :11).
    buildkit_arg_row_value: bool = False
    # The builder `docker build` uses when the line does not say (DOCKER_BUILDKIT=0|1): "classic" (the
    # legacy builder, 20.10's default) or "buildkit" (the 23+ clients' default); model/builders/.
    builder: str = "classic"
    # ... and whether `DOCKER_BUILDKIT=0|1` on the line picks another (Docker's clients); podman's CLI
    # ignores it and builds with buildah (replays/61-build-no-shell.sh:13, 63-prune-by-id.sh:17).
    builder_chosen_by_env: bool = True
    # image prune: 20.10 prunes images, deleting each candidate's tags one at a time as rmi would and
    # skipping an image a container uses; the containerd image store prunes *names*
    # (daemon/containerd/image_prune.go): it keeps the name a container was created from, the dangling
    # image of a container's image, and the last name of an image a container was created from by id,
    # and deletes every other name, even the last one of an image a container uses (replays/55-prune-names.sh).
    prune_by_name: bool = False
    # ... and there, an image a container was created from by id (a short id as typed, or the legacy
    # builder's step container): 28.5's store keeps its last name; 26.1's deletes every name and keeps
    # the image, dangling (replays/63-prune-by-id.sh; bench/soak 26.1-containerd seed 702).
    prune_by_id_keeps_a_name: bool = True
    # Podman prunes whole images (libimage's RemoveImages with the filters containers=false and, without -a,
    # dangling=true): an image no container uses goes with all its tags, even a parent whose children stay
    # (they keep its layers); one a container uses keeps every tag; without -a, a dangling image (no tag, no
    # child) goes, and again until none is left; `image prune` prints each image's id, nothing when none went
    # (replays/63-prune-by-id.sh:10, :13, :18, :20, 60-prune-dangling-parent.sh:14; replays/65-podman-prune.sh).
    prune_whole_images: bool = False
    # prune without -f, answered "N": 20.10's client still prints "Total reclaimed space: 0B" (container
    # and image prune); 28.5's prints nothing more (replays/26-prune.sh:9, :27).
    prune_declined_total: bool = True
    # system prune's warning names the build cache it removes without -a (replays/26-prune.sh:37).
    prune_system_cache: str = "all dangling build cache"
    # commit of a paused container: 20.10 commits it (the engine pauses anyway).
    commit_paused_allowed: bool = True
    # The daemon's pause flag lags containerd: a `commit` of a running container or an `unpause` sets it
    # off, and containerd's "paused" event, handled late, may set it on again until its "resumed" event
    # follows; a command meanwhile may be refused as for a paused container (`model.live`).
    pause_flag_lags: bool = True
    # Whether the model predicts the engine's size figures (`images` SIZE, `history` SIZE).  The
    # containerd image store counts compressed blobs (the daemon's gzip output) plus the unpacked
    # snapshot's disk usage in 4 KiB blocks: figures of the machine's file system and compressor,
    # not of the commands.  There sizes are compared as `<size>` (docs/dialects/docker-modern.md).
    sizes_modelled: bool = True
    # `rmi REF` of the last tag of a parent with children, where parents with children may be
    # deleted (`rmi_refuses_parent_with_children` False): the containerd store only untags it
    # (dockspec matrix --verify; replays/62-rmi-parent.sh:25); Podman deletes it, the children keep their layers.
    rmi_untagged_parent_kept: bool = True
    # ... and `rmi -f REF` there: the containerd store deletes it (--no-prune or not), the children keeping
    # their layers (replays/62-rmi-parent.sh:11, :19; bench/soak 26.1-containerd seed 604).
    rmi_force_deletes_untagged_parent: bool = False
    # ... and where it keeps it, the containerd store still says "Deleted: <id>" after "Untagged: REF"
    # (replays/62-rmi-parent.sh:25, 60-prune-dangling-parent.sh).
    rmi_kept_parent_says_deleted: bool = False
    # An image deleted while child images hold its layers: "Deleted: <id>" (Docker), or nothing after the
    # "Untagged:" lines (Podman: only an image without children is reported removed; replays/60-prune-
    # dangling-parent.sh:11, 62-rmi-parent.sh:11, :19, :25).
    rmi_deleted_parent_says_deleted: bool = True
    # rmi names each layer it deletes, "Deleted: sha256:<layer>" (Docker); Podman names the image only
    # (rmi of a commit with its own layer: "Untagged:", "Deleted: <image id>"; replays/62-rmi-parent.sh:27).
    rmi_lists_deleted_layers: bool = True
    # What the engine shows a container's processes besides the layers: Docker's init layer (/.dockerenv, empty
    # /etc files with hostname, hosts and resolv.conf mounted over them), or Podman's mounts alone (no
    # /.dockerenv, /run/.containerenv, no resolv.conf with `--network none`; replays/81-process-view.sh).
    engine_files: fs.EngineFiles = fs.DOCKER_FILES
    # A RUN step of the dialect's builder writes the mount points its image lacks in the step's layer, /etc/hostname
    # and /run (buildah: `podman save` of `FROM base:1 | RUN true`), so two such layers differ by their files' times.
    build_run_mount_points: bool = False
    # Where `run --init` mounts its init (docker-init; Podman's catatonit at /run/podman-init, which its
    # diff leaves out: replays/28-init.sh:5).
    init_path: str = "/sbin/docker-init"
    # How the init exits when it cannot exec the command: None, as the runtime would (127, 126: tini);
    # Podman's catatonit exits 1 ("failed to exec pid1", replays/28-init.sh:21).
    init_cannot_exec_exit: int | None = None
    # rename to the container's own name: refused, kind same_name (Docker), or done, nothing changes
    # (Podman: replays/25-rename.sh:5); a leading "/" of the new name dropped (Docker, Podman 5.4) or
    # kept, so the name is invalid (Podman 4.3: 25:10).
    rename_same_name_allowed: bool = False
    rename_keeps_slash: bool = False
    # rm of several containers prints each name in the order given (Docker), or as each removal ends
    # (Podman removes them in parallel: replays/25-rename.sh:23, 28-init.sh:26, 26-prune.sh:36): the
    # model prints the given order, and replay compares the names as a set.
    rm_prints_in_any_order: bool = False
    # stop / restart with a timeout of 0: SIGTERM, then SIGKILL at once (Docker: a TERM trap may still
    # run, replays/05); Podman sends SIGKILL alone, so a trap never runs: 137 (replays/42-podman-stop-zero.sh).
    stop_zero_timeout_kills: bool = False
    # stop or restart of a paused container: 20.10 stops it (thawed, SIGTERM then SIGKILL); podman
    # refuses it, kind paused, and it stays paused (replays/06-pause.sh:24, 20-restart.sh:13).
    stop_refuses_paused: bool = False
    # rm of several names: 20.10 removes each it finds; podman looks every name up first and, when one
    # is missing, removes none (replays/07-rm.sh:7).
    rm_checks_all_first: bool = False
    # rmi -f of an image containers use (running ones too): 20.10 untags or refuses; podman removes those
    # containers, then the image (replays/12-rmi-conflicts.sh:8, 15-rmi-in-use-untag.sh:10).
    rmi_force_removes_containers: bool = False
    # start of a running container prints its name (Docker) or nothing (podman: replays/02-create-start-run.sh:17).
    start_running_prints_name: bool = True
    # A container whose command could not be run keeps exit code 127/126 (Docker) or 0 (podman:
    # replays/03-run-refusals.sh:6, :8); exec's runtime error goes to stdout (Docker) or stderr (podman: 08-exec.sh:8).
    failed_start_sets_exit_code: bool = True
    exec_error_on_stdout: bool = True
    # A container's IMAGE (ps, the snapshot) is the reference it was made with while that still names its
    # image, else the image's id (Docker); podman keeps the reference for good (replays/15-rmi-in-use-untag.sh:5, :8).
    container_image_keeps_ref: bool = False
    # ... and writes it with its tag: `create ... img1` shows `img1:latest` (podman: replays/50-matrix-podman.sh:5, :7).
    container_image_ref_tagged: bool = False
    # ... and a container created by the image's id records one of its tags at creation, where the image
    # has one: "" (Docker: the id as typed), "first" (the oldest tag: podman 4.3, replays/44-podman-prune-
    # build.sh:16), "newest" (the last tag given: podman 5.4, whose store lists names newest first,
    # replays/63-prune-by-id.sh:9).
    container_by_id_names_tag: str = ""
    # rm -f / rmi -f of a name that does not exist: Docker's CLI says "No such ..." on stderr (exit 0);
    # podman says nothing at all (replays/07-rm.sh:10, 14-rmi-children.sh:7, 15-rmi-in-use-untag.sh:11, :12).
    force_ignores_missing_silently: bool = False
    # start naming again a --rm container that has exited and is not yet removed: Docker refuses it ("marked
    # for removal"); Podman starts it again and prints its name (podman 4.3: `start r6 r6 r6` of a one-shot
    # printed "r6" twice, replays/24-auto-remove-race.sh:24).  A race with the removal either way.
    start_restarts_exited_rm: bool = False
    # ... and a later target finding it removed may fail the whole command: nothing printed, not even the names
    # started before, "container ID does not exist in database" (podman 4.3, 7 passes in 30 under load; 5.4 names
    # that target only, 0 in 90; replays/24-auto-remove-race.sh:24).  A race: offered.
    start_aborts_on_a_vanished_target: bool = False
    # stop of a --rm container never started (created, or its start refused): Docker and podman 4.3 leave
    # it alone; podman 5.4 cleans it up as if it had run, and removes it (replays/72-stop-created-rm.sh;
    # bench/soak podman-5.4 seed 1018).
    stop_removes_created_rm: bool = False
    # `restart X X` of a container whose workload ends at once: the second target may still find it running,
    # and its SIGKILL finds it stopped, "sending SIGKILL to container ID: container state improper: stopped"
    # (podman 4.3 through its socket, bench/soak seed 2306; replays/76-restart-quick-exit.sh).  A race: offered.
    restart_races_a_quick_exit: bool = False
    # inspect of an exited container may read its state "stopped": podman 5.4 reports a container that
    # has exited but is not yet cleaned up so, a race with its own clean-up (replays/02-create-start-run.sh:20,
    # one pass in two).  The documented outcome is "exited"; "stopped" is offered as the race's other.
    exited_may_read_stopped: bool = False
    # exec in a paused container: 20.10 says it is paused (kind paused); podman refuses it as in a
    # container that is not running (kind not_running, replays/06-pause.sh:14).
    exec_paused_not_running: bool = False
    # import: the history row's CREATED BY ({sum}: the archive's sha256) and COMMENT ({source}: "-" or
    # the file); Podman writes "/bin/sh -c #(nop) ADD file:{sum} in /", "imported from tarball"
    # (replays/01-import-images.sh:2).
    import_created_by: str = ""
    import_comment: str = "Imported from {source}"
    # import: the layer's size is the archive's length (Podman counts a layer as its tar: 2129920
    # bytes, 2.13MB, for the busybox base), not the bytes of its files (20.10: 1.98MB).
    import_size_is_archive: bool = False
    # Starting a container writes /etc/hosts, /etc/hostname and /etc/resolv.conf into its read-write
    # layer (Podman has no init layer), so /etc is changed from then on (replays/02-create-start-run.sh:7).
    start_touches_etc: bool = False
    # The mount points a start makes in the container's layer (Podman's, and `--init`'s) are empty files of mode
    # 0755 (Docker, podman 4.3) or 0644 (podman 5.4): `export`, or `cp` out of a stopped container, shows them
    # (docs/dialects/podman.md, Round 5; bench/soak podman-5.4 seed 921: `cp ctr1:/run` of an exited --init container).
    mount_point_mode: int = 0o755
    # `cp` out of a path that is one of Podman's bind mounts reads the mount while the container runs (or is
    # paused): /run/.containerenv the engine's empty 0644 file (a running one's only), /etc/hosts and /etc/hostname the engine's text
    # and the init (`--init`) its binary (not modelled); a folder is read from the container's storage, its
    # mount points the layer's files; a container not running has no init mounted, and the copier fails on
    # the init's path ("chdir ...: not a directory", replays/66-podman-
    # cp-mounts.sh:8, :15; bench/soak podman-5.4 seed 911, podman-4.3 seed 911).
    cp_out_reads_podman_mounts: bool = False
    # `cp CTR:FILE/ HOST`: a trailing "/" on a file the container has is ignored, the file copied as
    # without it (Podman's CLI and socket); Docker refuses, "lstat ...: not a directory" (replays/68-cp-file-slash.sh).
    # "FILE/." is not modelled there (Podman's CLI wrote nothing to a new host path, exit 0).
    cp_out_file_slash_ignored: bool = False
    # `cp` into /etc/hosts, /etc/hostname, /etc/resolv.conf: Docker mounts them for the copy into any
    # container once started, so the copy is busy; Podman has them, and /run/.containerenv, mounted only
    # while the container runs: into an exited or paused one the file lands in its layer (replays/74-cp-into-mount-points.sh).
    cp_in_mounts_only_while_running: bool = False
    # `diff` lists a directory of the read-write layer as changed (C) whenever the image has it too
    # (Podman compares directories by mtime: replays/09-diff.sh:14, :18); 20.10 only when its mode changed.
    diff_dirs_by_mtime: bool = False
    # `history`'s ID column: each row names the image its layer belongs to by walking parent
    # pointers (Docker), or the first image (oldest still present) whose *top* layer is that row's
    # layer, each image named once, later rows on a named layer `<missing>` (Podman's layer tree:
    # replays/40-podman-history.sh:4, 11-commit.sh:8, 16-build.sh:3).
    history_ids_by_top_layer: bool = False
    # commit writes a layer even when the container changed nothing (Podman: an empty tar, shared by
    # every such commit on the same layer, 40-podman-history.sh:7, :8); a started container's tar holds
    # its own /etc/hostname, so its layer is its own (never shared with another container's).
    commit_layer_always: bool = False
    # commit's history row: CREATED BY ("" : the container's Cmd) and COMMENT ("" : the message;
    # {ref}: the container's image, as `from_row_names_first_tag` says): Podman writes "/bin/sh", "FROM {ref}" (11-commit.sh:5).
    # A build step's history comment: none (Docker), or what the step was built on (buildah): "FROM <the
    # FROM line's reference>" for the first step, then "FROM <the previous step's image id>" (16-build.sh:3).
    build_rows_name_their_source: bool = False
    # A FROM row names the reference typed (podman 5.4) or the image's first name (podman 4.3: 44:10, :13);
    # a build's, the first of its names in the repository the FROM line typed (replays/70-from-row-repo.sh).
    from_row_names_first_tag: bool = False
    # commit's FROM row names the newest of the image's tags (the last name given), whatever the
    # container was created from, by id too (podman 5.4: 44-podman-prune-build.sh:17, :18); a build's
    # FROM row still names the reference typed.
    commit_row_names_newest_tag: bool = False
    # ... and so does a build's FROM row, the newest of the image's names in the repository the FROM line typed
    # (podman 5.4: bench/soak seeds 921, 922 of round 5, `FROM base:1` after `tag base:1 base:v2` gives
    # "FROM base:v2"; 44-podman-prune-build.sh:10; replays/70-from-row-repo.sh)
    from_row_names_newest_tag: bool = False
    # An image's names in the order they were given, the newest last (`world.tags`), as the "first" and
    # "newest" name policies read them: a name given again keeps its place ("kept": Docker, whose lists sort
    # names anyway); a name moved from another image becomes the newest ("moved": podman 4.3); any name
    # given, even one the image has, becomes the newest ("readded": podman 5.4).  Seen through the socket
    # (RepoTags, 5.4 newest first, 4.3 oldest first) and as `commit`'s FROM row (replays/69-tag-order.sh;
    # bench/soak podman-5.4 seed 928, podman-4.3 seed 941 of round 5).
    tag_order: str = "kept"
    # ... and `load`'s names: "" as `tag_order` says; "first": each name the archive gives the image becomes
    # its first (podman 4.3: RepoTags [base:1, base:v2], load of base:v2's archive, [base:v2, base:1];
    # replays/77-load-tag-order.sh, bench/soak podman-4.3 seed 2302).
    load_tag_order: str = ""
    commit_created_by: str = ""
    commit_comment: str = ""
    # ... and that comment where the container's image has no name left (its tag moved away): None, as
    # `commit_comment` says (naming the image by id); podman 4.3 "FROM ", podman 5.4 "" (replays/78-commit-untagged.sh;
    # bench/soak podman-5.4 seeds 2404, 2406).
    commit_untagged_comment: str | None = None

    # -- how the CLI prints (stdout only; the snapshot reads the engine's API) --
    # A reference without a registry, as `images`, `ps` and `rmi` print it: podman qualifies it,
    # "localhost/base:1" (replays/01-import-images.sh:3, :14, 04-ps-filters.sh:9).
    cli_local_domain: str = ""
    # Sizes with a space before the unit, "2.13 MB": in `images` (podman: replays/01-import-images.sh:3, :6),
    # in `history` (podman 4.3 only: 01:8).
    cli_size_space: bool = False
    history_size_space: bool = False
    # How a long cell is cut: Docker ends it with "…" (width kept), podman with "..." (01:8).
    cli_ellipsis: str = "…"
    # history's id column header; full ids (--no-trunc, commit's output, rmi's Deleted:) with
    # "sha256:" or bare (podman: "ID", bare; replays/01-import-images.sh:8, :9, 11-commit.sh:4, 13:9).
    history_id_header: str = "IMAGE"
    cli_bare_ids: bool = False
    # ps: newest first (Docker) or oldest first (podman: replays/02-create-start-run.sh:14, :16);
    # COMMAND quoted as a JSON string (Docker) or bare (podman: 04-ps-filters.sh:22);
    # {{.Status}} of a running / paused container "Up X" / "Up X (Paused)" (Docker) or
    # "Up X ago" / "Paused" (podman: 02:13, 04:16); {{.State}} the state (Docker, podman 5.4) or the
    # status text (podman 4.3: 02:6); {{.Labels}} "k=v,..." (Docker) or a Go map (podman: 04:19).
    ps_oldest_first: bool = False
    # ps without -a lists running and paused containers (Docker) or running ones only (podman: 04-ps-filters.sh:9, :11).
    ps_lists_paused: bool = True
    ps_command_quoted: bool = True
    ps_status_podman: bool = False
    ps_running_ago: bool = False  # "Up X ago" (podman 4.3) rather than "Up X" (Docker, podman 5.4: 02:13)
    ps_state_is_status: bool = False
    ps_labels_go_map: bool = False

    # One line that says which engine this is (`dockspec dialects`).
    summary: str = ""
    # The name of the profile this one is described from ("" for the reference).
    base: str = ""

    def error(self, key: str, **fields: object) -> EngineError:
        kind, template = self.messages[key]
        return EngineError(kind, template.format(**fields))

    @classmethod
    def policies(cls) -> tuple[str, ...]:
        """The names of the choices a dialect can make (exit statuses and policies)."""
        return tuple(f.name for f in dataclass_fields(cls) if f.name not in _NOT_CHOICES)


_NOT_CHOICES = ("name", "messages", "summary", "base")

DOCKER_20_10 = Profile(
    "docker-20.10",
    summary="Docker Engine 20.10 (Debian bookworm's docker.io), overlay2 store: the reference wording and policies",
)


def lookpath_error(cmd: str) -> str:
    """runc's reason when it cannot find `cmd` (Go's exec.LookPath): a path is stat'ed, a name looked up in $PATH."""
    return f"stat {cmd}: no such file or directory" if "/" in cmd else "executable file not found in $PATH"


class BadDifference(ValueError):
    """A table of differences names a message or a choice the model does not have."""


def differs(base: Profile, name: str, messages: dict | None = None, *, summary: str = "",
            **choices: object) -> Profile:
    """A profile described as its differences from `base`.

    `messages` maps a message key of `base` to its new template (the error kind
    stays), or to a new (kind, template) pair; `choices` set exit statuses and
    policies by name.  A key or a choice `base` does not have is a typo, not a
    difference: it raises `BadDifference` naming it.
    """
    changed = {}
    for key, value in (messages or {}).items():
        if key not in base.messages:
            raise BadDifference(f"{name}: no message {key!r} in {base.name} to differ from")
        changed[key] = (base.messages[key][0], value) if isinstance(value, str) else tuple(value)
    unknown = sorted(set(choices) - set(Profile.policies()))
    if unknown:
        raise BadDifference(f"{name}: no choice named {', '.join(unknown)}; the choices are: "
                            + ", ".join(Profile.policies()))
    merged = frozendict({**base.messages, **changed})
    if "exit_refused_by" in choices:
        choices["exit_refused_by"] = frozendict({**base.exit_refused_by, **choices["exit_refused_by"]})
    return replace(base, name=name, messages=merged, summary=summary, base=base.name, **choices)
