"""The Podman dialects (4.3, 5.4) against what docs/dialects/podman.md measured.

Every expected string or outcome below is the engine's, as the replay line named on each
test showed it (`dockspec replay --private podman-4.3 replays/NN-*.sh`).
"""
from __future__ import annotations

import hashlib
import shlex
from dataclasses import replace

import pytest

from dockspec.argv import parse
from dockspec.observe import Classifier
from dockspec.snapshot import snapshot
from model import dialects, step
from model.errors import ErrorKind as K
from model.render import human_size
from model.values import Status, World
from tests.helpers import BASE_TAR, NoFiles

P43, P54 = dialects.get("podman-4.3"), dialects.get("podman-5.4")
D20 = dialects.get("docker-20.10")


def run(world: World, line: str, p=P43):
    _, command = parse(shlex.split(line), NoFiles())
    return step(world, command, p)


def session(*lines: str, p=P43, world: World | None = None) -> World:
    world = world or World()
    for line in lines:
        r = run(world, line, p)
        assert r.error is None, f"{line!r} failed: {r.stderr}"
        world = r.world
    return world


def based(*lines: str, p=P43) -> World:
    return session("docker import base.tar base:1", *lines, p=p)


@pytest.mark.parametrize("p", [P43, P54])
def test_import_writes_buildahs_row_and_counts_the_archive(p):
    # 01-import-images.sh:2, :8: "/bin/sh -c #(nop) ADD file:<sha256 of the tar> in /", 2.13MB, "imported from tarball"
    world = based(p=p)
    state = snapshot(world, p)
    (row,) = state["history"]["base:1"]
    assert row[1:] == [f"/bin/sh -c #(nop) ADD file:{hashlib.sha256(BASE_TAR).hexdigest()} in /",
                       human_size(len(BASE_TAR)), "imported from tarball"]
    assert snapshot(based(p=D20))["history"]["base:1"][0][1:] != row[1:]


def test_the_cli_prints_localhost_references_spaced_sizes_and_podmans_history():
    world = based("docker tag base:1 base:2")
    # 01-import-images.sh:3, :12 (4.3: "2.13 MB"), 5.4 prints sizes as Docker does
    assert run(world, "docker images").stdout.splitlines()[1].split()[:2] == ["localhost/base", "1"]
    assert run(world, "docker images --format '{{.Size}}'").stdout.split("\n")[0].endswith(" kB")
    assert run(world, "docker images --format '{{.Size}}'", P54).stdout.split("\n")[0].endswith(" kB")
    # 5.4's history prints sizes without the space (01:8, 21-history-sizes.sh:4)
    assert run(world, "docker history --format '{{.Size}}' base:1", P54).stdout.endswith("5kB\n")
    # 01:14: rmi's Untagged names localhost/
    assert run(world, "docker rmi base:2").stdout == "Untagged: localhost/base:2\n"
    # 01:8, :9: history's header says ID, cuts with "...", and --no-trunc ids are bare
    h = run(world, "docker history base:1").stdout.splitlines()
    assert h[0].split()[0] == "ID" and "ADD file:3b0a" not in h[1] or "..." in h[1]
    full = run(world, "docker history --no-trunc base:1").stdout.splitlines()[1]
    assert full.startswith(world.tags["base:1"][7:])


def test_commit_prints_the_bare_id():
    # 11-commit.sh:4
    world = based("docker run --network none --name k1 base:1 touch /f")
    r = run(world, "docker commit k1 com:1")
    assert r.stdout.strip() == r.world.tags["com:1"][7:]


def test_ps_lists_oldest_first_with_bare_commands_and_podmans_words():
    world = based("docker create --network none --name c1 base:1 true",
                  "docker run -d --network none --name c2 --label role=web base:1 sleep 1000")
    # 02-create-start-run.sh:14, :16: oldest first
    assert run(world, "docker ps -a --format '{{.Names}}'").stdout == "c1\nc2\n"
    # 04-ps-filters.sh:22: COMMAND bare; 04:19 labels as a Go map; 02:13 "Up X ago", State the status text on 4.3
    assert run(world, "docker ps --format '{{.Command}}|{{.Labels}}|{{.Status}}|{{.State}}'").stdout == \
        "sleep 1000|map[role:web]|Up Less than a second ago|Up Less than a second ago\n"
    assert run(world, "docker ps --format '{{.Status}}|{{.State}}'", P54).stdout == "Up Less than a second|running\n"  # 5.4: 02:13
    # 04:9: the IMAGE column qualifies the reference
    assert "localhost/base:1" in run(world, "docker ps").stdout


def test_start_changes_etc_and_diff_compares_directories_by_mtime():
    # 02-create-start-run.sh:6, :7: created, nothing; started, C /etc (03:5: even when the command is not found)
    world = based("docker create --network none --name c1 base:1 true")
    assert snapshot(world, P43)["diff"]["c1"] == []
    world = session("docker start c1", p=P43, world=world)
    assert snapshot(world, P43)["diff"]["c1"] == ["C /etc"]
    r = run(run(based(), "docker run --network none --name r3 base:1 nosuchcmd").world, "docker diff r3")
    assert r.stdout == "C /etc\n"
    # 09-diff.sh:14: `touch /etc` is C /etc on Podman; 20.10 lists nothing for a directory whose mode stayed
    w20 = session("docker import base.tar base:1", "docker run --network none --name d1 base:1 touch /etc", p=D20)
    assert run(w20, "docker diff d1", D20).stdout == ""
    w43 = session("docker run --network none --name d1 base:1 touch /etc", p=P43, world=based())
    assert run(w43, "docker diff d1").stdout == "C /etc\n"


def test_refusals_exit_as_the_podman_cli_does():
    world = based("docker run -d --network none --name m2 base:1 sleep 1000",
                  "docker create --network none --name e0 base:1 true")
    cases = [
        ("docker tag nosuch:1 x:1", 125, K.NO_SUCH_IMAGE),   # 01-import-images.sh:18
        ("docker rmi nosuch:1", 1, K.NO_SUCH_IMAGE),          # 01:19
        ("docker rm m2", 2, K.REMOVE_RUNNING),                # 07-rm.sh:6
        ("docker kill e0", 125, K.NOT_RUNNING),               # 05-stop-kill-wait.sh:16
        ("docker exec e0 true", 255, K.NOT_RUNNING),          # 08-exec.sh:4
        ("docker exec m2 nosuchcmd", 127, K.EXEC_NOT_FOUND),  # 08:8
        ("docker rmi base:1", 2, K.IMAGE_IN_USE),             # 12-rmi-conflicts.sh:4
    ]
    for line, code, kind in cases:
        r = run(world, line)
        assert (r.exit, r.error.kind) == (code, kind), line
        assert run(world, line, D20).exit in (1, 126)


def test_paused_containers_refuse_exec_stop_and_restart():
    world = based("docker run -d --network none --name p4 base:1 sleep 1000", "docker pause p4")
    # 06-pause.sh:14: exec, not_running, 255
    r = run(world, "docker exec p4 true")
    assert (r.exit, r.error.kind) == (255, K.NOT_RUNNING)
    # 06:24, 20-restart.sh:13: refused, kind paused, exit 125, still paused
    for line in ("docker stop -t 1 p4", "docker restart -t 1 p4"):
        r = run(world, line)
        assert (r.exit, r.error.kind, r.world) == (125, K.PAUSED, world)
    assert run(world, "docker stop -t 1 p4", D20).world.container_by_name("p4").status is Status.EXITED


def test_rm_of_several_names_removes_none_when_one_is_missing():
    # 07-rm.sh:7
    world = based("docker create --network none --name m1 base:1 true", "docker create --network none --name m3 base:1 true")
    r = run(world, "docker rm m1 nosuch m3")
    assert (r.exit, r.error.kind, r.world, r.stdout) == (1, K.NO_SUCH_CONTAINER, world, "")
    assert set(c.name for c in run(world, "docker rm m1 nosuch m3", D20).world.containers.values()) == set()


def test_rmi_force_removes_the_containers_using_the_image():
    # 12-rmi-conflicts.sh:8, :10
    world = based("docker run -d --network none --name u2 base:1 sleep 1000",
                  "docker create --network none --name u1 base:1 true")
    r = run(world, "docker rmi -f base:1")
    assert r.exit == 0 and not r.world.containers and not r.world.images
    assert run(world, "docker rmi -f base:1", D20).world.containers


def test_rmi_of_a_parent_deletes_it_and_keeps_the_child_without_pruning():
    # 14-rmi-children.sh:6, :7, :9, :12
    world = based("docker run --network none --name k1 base:1 touch /f", "docker commit k1 child:1", "docker rm k1")
    base = world.tags["base:1"]
    r = run(world, f"docker rmi {base[7:19]}")
    assert r.exit == 0 and base not in r.world.images and "child:1" in r.world.tags
    assert run(r.world, f"docker rmi -f {base[7:19]}").exit == 0
    assert run(world, f"docker rmi {base[7:19]}", D20).error.kind is K.IMAGE_HAS_CHILDREN


ENGINE_STDERR = [
    # 06-pause.sh:24: stop of a paused container
    "Error: container 5e0c0f1b5ff8a1e2 is running or paused, refusing to clean up: container state improper",
    # 08-exec.sh:4
    "Error: can only create exec sessions on running containers: container state improper",
]


@pytest.mark.parametrize("stderr,kind", list(zip(ENGINE_STDERR, [K.PAUSED, K.NOT_RUNNING])))
def test_the_classifier_reads_podmans_words(stderr, kind):
    assert Classifier(P43)(stderr) is kind


def test_a_failed_buildah_step_leaves_its_images_but_no_container():
    # 17-build-fail.sh:3, :4, :5: exit 7, the RUN touch /ok step's image stays, no container
    from frozendict import frozendict

    from model import commands as cmd

    world = based()
    fail = "FROM base:1\nRUN touch /ok\nRUN sh -c 'echo failing; exit 7'\nRUN touch /never\n"
    build = cmd.Build(fail, frozendict({"Dockerfile": fail.encode()}), tags=("bad:1",))
    r = step(world, build, P43)
    assert (r.exit, r.error.kind) == (7, K.BUILD_FAILED)
    assert not r.world.containers and len(r.world.images) == len(world.images) + 1
    assert step(world, build, D20).world.containers  # the legacy builder keeps the failed step's container


def test_podman_5_4_exec_of_a_directory_exits_255_and_the_classifier_reads_it():
    # 08-exec.sh:9 on 5.4 (4.3: 126), 03-run-refusals.sh:7
    world = based("docker run -d --network none --name e1 base:1 sleep 1000", p=P54)
    r = run(world, "docker exec e1 /tmp", P54)
    assert (r.exit, r.error.kind) == (255, K.EXEC_NOT_FOUND) and run(world, "docker exec e1 /tmp").exit == 126
    engine = 'Error: OCI runtime error: runc: exec failed: unable to start container process: exec: "/tmp": is a directory'
    assert Classifier(P54)(engine) is K.EXEC_NOT_FOUND


def test_ps_leaves_paused_containers_out_and_prints_arguments_bare():
    # 04-ps-filters.sh:9, :11 (f4 paused: listed by ps -a only), :22 (sh -c exit 2)
    world = based("docker run --network none --name f2 base:1 sh -c 'exit 2'",
                  "docker run -d --network none --name f4 base:1 sleep 1000", "docker pause f4")
    assert run(world, "docker ps -q").stdout == ""
    assert run(world, "docker ps -a --format '{{.Names}} {{.Command}}'").stdout == "f2 sh -c exit 2\nf4 sleep 1000\n"
    assert run(world, "docker ps -q", D20).stdout.strip() == world.container_by_name("f4").short_id


@pytest.mark.parametrize("p", [P43, P54])
def test_podman_inspect_may_read_an_exited_container_as_stopped(p):
    # 02-create-start-run.sh:20 on 5.4, in one replay pass of two: "stopped 3 0" (the other: "exited 3 0");
    # on 4.3 06-pause.sh:21 and 23-inspect.sh:8 in round 5's pass: "stopped 137 false", "stopped|137|0"
    from model.result import outcomes

    world = based("docker run --network none --name c2 base:1 sh -c 'exit 3'", p=p)
    r = run(world, "docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' c2", p)
    assert [o.stdout for o in outcomes(r)] == ["exited 3\n", "stopped 3\n"]
    assert not run(world, "docker inspect --format '{{.State.Status}}' c2", D20).alternatives


@pytest.mark.parametrize("p", [P43, P54])
def test_a_missing_image_is_no_such_image_in_both_of_podmans_words(p):
    # conform --private podman-4.3 --seed 501: `run` of an image just removed, through the socket; the
    # CLI (without --pull never) says the short name does not resolve.  Docker's inspect wording
    # "no such image: REF: DETAIL" must not read the socket's words as an invalid reference.
    classify = Classifier(p)
    assert classify("Error response from daemon: no such image: docker.io/library/base:1: image not known\n") is K.NO_SUCH_IMAGE
    assert classify('Error: short-name "base:1" did not resolve to an alias and no unqualified-search registries '
                    'are defined in "/etc/containers/registries.conf"\n') is K.NO_SUCH_IMAGE


@pytest.mark.parametrize("p", [P43, P54])
def test_history_names_the_first_image_on_each_top_layer(p):
    # replays/40-podman-history.sh: two never-started containers commit the same empty tar; c:2's row names c:1
    world = based("docker create --network none --name n1 base:1 true",
                  "docker create --network none --name n2 base:1 true",
                  "docker commit n1 c:1", "docker commit n2 c:2", p=p)
    state = snapshot(world, p)
    c1, c2, base = (world.tags[t][7:19] for t in ("c:1", "c:2", "base:1"))
    assert [r[0] for r in state["history"]["c:2"]] == [c1, base]
    assert [r[1] for r in state["history"]["c:2"]][0] == "/bin/sh" and state["history"]["c:2"][0][3] == "FROM base:1"
    assert snapshot(world, D20)["history"]["c:2"][0][0] == c2
    # a started container's layer is its own (its tar holds its /etc/hostname): c:3 and c:4 of r1 share, r2's not
    world = session("docker run --network none --name r1 base:1 true", "docker run --network none --name r2 base:1 true",
                    "docker commit r1 c:3", "docker commit r1 c:4", "docker commit r2 c:5", p=p, world=world)
    state = snapshot(world, p)
    assert state["history"]["c:4"][0][0] == world.tags["c:3"][7:19]
    assert state["history"]["c:5"][0][0] == world.tags["c:5"][7:19]


@pytest.mark.parametrize("p", [P43, P54])
def test_exec_in_a_paused_container_is_not_running_in_both_front_ends(p):
    # 43-podman-exec-paused.sh:4, :5 (CLI: 255 attached, 125 detached); conform --seed 501 on 4.3 (the socket's words)
    world = based("docker run -d --network none --name p1 base:1 sleep 1000", "docker pause p1", p=p)
    assert run(world, "docker exec p1 true", p).exit == 255
    r = run(world, "docker exec -d p1 true", p)
    assert (r.exit, r.error.kind) == (125, K.NOT_RUNNING)
    socket = "Error response from daemon: cannot create exec session as container " + "ab" * 32 + " is paused\n"
    assert Classifier(p)(socket) is K.NOT_RUNNING


@pytest.mark.parametrize("p", [P43, P54])
def test_stop_at_zero_kills_and_init_is_catatonit(p):
    # 42-podman-stop-zero.sh:4 (137, the TERM trap never runs); 28-init.sh:5, :21 (no /sbin/docker-init; exec failure exits 1)
    world = based("docker run -d --network none --name t1 base:1 sh -c \"trap 'exit 0' TERM; sleep 1000 & wait\"",
                  "docker stop -t 0 t1", "docker run --init --network none --name j1 base:1 true", p=p)
    assert world.container_by_name("t1").exit_code == 137
    assert snapshot(world, p)["diff"]["j1"] == ["C /etc"]
    assert run(world, "docker run --init --network none --name j2 base:1 nosuchcmd", p).exit == 1


@pytest.mark.parametrize("p", [P43, P54])
def test_rmi_by_id_of_an_image_with_two_tags_is_refused_for_the_tags_before_its_running_container(p):
    # 64-rmi-id-in-use-tagged.sh:12: "unable to delete image ... by ID with more than one tag", exit 125,
    # where Docker names the running container first
    world = based("docker run -d --name ctr2 --network none base:1 sleep 1000", "docker tag base:1 base:v2", p=p)
    img = world.images[world.tags["base:1"]]
    r = run(world, f"docker rmi {img.short_id}", p)
    assert r.error.kind is K.IMAGE_MULTIPLE_REPOS and r.exit == 125 and r.world == world
    names = "localhost/base:v2 localhost/base:1" if p is P54 else "localhost/base:1 localhost/base:v2"
    assert r.stderr.strip() == f'Error: unable to delete image "{img.id[7:]}" by ID with more than one tag ([{names}]): please force removal'
    assert run(world, f"docker rmi {img.short_id}", D20).error.kind is K.IMAGE_IN_USE


@pytest.mark.parametrize("p", [P43, P54])
def test_rmi_of_an_image_with_children_says_untagged_only(p):
    # 62-rmi-parent.sh:11, :25 and 60-prune-dangling-parent.sh:11: the image goes, its child keeps its layers,
    # and only "Untagged:" is printed
    world = based("docker run --name ctr1 --network none base:1 sh -c 'echo 1 > /tmp/a'",
                  "docker commit ctr1 img1:latest", "docker rm ctr1", p=p)
    parent = world.tags["base:1"]
    for line in ("docker rmi -f base:1", "docker rmi base:1", "docker rmi -f --no-prune base:1"):
        r = run(world, line, p)
        assert r.error is None and parent not in r.world.images
        assert r.stdout == "Untagged: localhost/base:1\n"
    r = run(world, "docker rmi img1:latest", p)  # no children: reported removed
    assert r.stdout.splitlines()[-1] == "Deleted: " + world.tags["img1:latest"][7:]



@pytest.mark.parametrize("p", [P43, P54])
def test_docker_buildkit_on_the_line_does_not_change_podmans_builder(p):
    # 61-build-no-shell.sh:13, 63-prune-by-id.sh:17: `DOCKER_BUILDKIT=0 docker build` on podman is buildah's
    # build: a failed RUN exits 1 and leaves no container (the legacy builder's step container stays)
    from frozendict import frozendict
    from model.commands import Build

    world = based(p=p)
    text = "FROM base:1\nRUN sh -c 'exit 3'\n"
    for builder in (None, "classic", "buildkit"):
        r = step(world, Build(text, frozendict({"Dockerfile": text.encode()}), tags=("img3:latest",), builder=builder), p)
        assert (r.error.kind, r.exit, r.world.containers) == (K.BUILD_FAILED, 3, world.containers), builder
    r = step(world, Build(text, frozendict({"Dockerfile": text.encode()}), tags=("img3:latest",), builder="classic"), D20)
    assert len(r.world.containers) == 1


def _cp_out(world: World, name: str, path: str, p) -> object:
    from model.commands import Cp

    return step(world, Cp(name, path, "out", into=False, host={}, host_parent=True), p)


@pytest.mark.parametrize("p", [P43, P54])
def test_cp_out_reads_podmans_mounts_while_the_container_runs(p):
    # replays/66-podman-cp-mounts.sh:8, :10, :12, :15 and, by hand, the modes: a running container's
    # /run/.containerenv is an empty 0644 file; its layer's is 0755 (4.3) or 0644 (5.4), and so is the
    # init's mount point (bench/soak podman-5.4 seed 921); the init's path fails unless it is mounted
    world = based("docker create --init --name c1 --network none base:1 sleep 1000", p=p)
    r = _cp_out(world, "c1", "/run/podman-init", p)
    assert r.error.kind is K.NO_SUCH_FILE and "chdir /usr/libexec/podman/catatonit: not a directory" in r.stderr
    running = session("docker start c1", p=p, world=world)
    assert _cp_out(running, "c1", "/run/.containerenv", p).files == {"out": fs_file(b"", 0o644)}
    for path in ("/run/podman-init", "/etc/hosts", "/etc/hostname"):  # the engine's own files
        assert _cp_out(running, "c1", path, p).error.kind is K.UNSUPPORTED_WORKLOAD, path
    # ... and so are they in a folder of a running container (bench/soak podman-5.4 seed 1006: the init's binary)
    for path in ("/run", "/etc", "/"):
        assert _cp_out(running, "c1", path, p).error.kind is K.UNSUPPORTED_WORKLOAD, path
    plain = session("docker run -d --name c2 --network none base:1 sleep 1000", p=p, world=world)
    assert _cp_out(plain, "c2", "/run", p).files["out/.containerenv"] == fs_file(b"", 0o644)  # replays/66:21
    mode = 0o644 if p is P54 else 0o755
    # a folder is read from the container's storage, its mount points the layer's files (soak 4.3 seed 941)
    paused = session("docker pause c1", p=p, world=running)
    assert _cp_out(paused, "c1", "/run", p).files["out/.containerenv"] == fs_file(b"", mode)
    assert _cp_out(paused, "c1", "/run/.containerenv", p).files == {"out": fs_file(b"", mode)}  # soak 4.3 seed 942
    stopped = session("docker stop -t 0 c1", p=p, world=running)
    assert _cp_out(stopped, "c1", "/run/.containerenv", p).files == {"out": fs_file(b"", mode)}
    assert _cp_out(stopped, "c1", "/etc/hosts", p).files == {"out": fs_file(b"", mode)}
    assert _cp_out(stopped, "c1", "/run/podman-init", p).error.kind is K.NO_SUCH_FILE
    folder = _cp_out(stopped, "c1", "/run", p).files
    assert folder["out/.containerenv"] == folder["out/podman-init"] == fs_file(b"", mode)


def fs_file(data: bytes, mode: int):
    from model import fs

    return fs.file(data, mode)


@pytest.mark.parametrize("p", [P43, P54])
def test_rm_force_of_a_container_named_twice_removes_it_once_and_says_nothing_more(p):
    # bench/soak podman-5.4 seed 922, podman-4.3 seed 943, and by hand on both (docs/dialects/podman.md, Round 5)
    world = based("docker create --name c1 --network none base:1 true", p=p)
    r = run(world, "docker rm -f c1 c1", p)
    assert (r.exit, r.stdout, r.stderr, r.error) == (0, "c1\n", "", None) and r.world.container_by_name("c1") is None


def test_podman_5_4_build_from_row_names_the_newest_tag():
    # bench/soak podman-5.4 seeds 921, 922 (round 5): `FROM base:1` after `tag base:1 base:v2` is "FROM base:v2"
    from frozendict import frozendict
    from model.commands import Build

    text = "FROM base:1\nRUN true\n"
    for p, want in ((P54, "FROM base:v2"), (P43, "FROM base:1")):
        world = based("docker tag base:1 base:v2", p=p)
        r = step(world, Build(text, frozendict({"Dockerfile": text.encode()}), tags=("img2:latest",)), p)
        top = r.world.images[r.world.tags["img2:latest"]]
        assert top.history[-1].comment == want, p.name


@pytest.mark.parametrize("p", [P43, P54, dialects.get("docker-20.10")])
def test_a_folder_copied_onto_a_mount_point_of_a_container_never_started(p):
    """Docker's init layer gives a created container an empty /etc/hosts, so the CLI refuses a folder copied
    there ("cannot copy directory").  Podman has no init layer: the engine takes the folder, and the start
    then fails to mount its file onto it (both Podmans, by hand; bench/soak podman-5.4 seed 927 of
    round 5): not modelled, so the machine does not type it.  A file lands there on every engine."""
    from model.commands import Cp
    from spec.host import HOST_FILES, entries

    world = based("docker create --name c1 --network none base:1 sleep 1000", p=p)
    for path in ("/etc/hosts", "/etc/hostname/", "/etc/resolv.conf"):
        r = step(world, Cp("c1", path, "dir", into=True, host=entries(HOST_FILES, "dir")), p)
        want = K.UNSUPPORTED_WORKLOAD if p.start_touches_etc else K.FILE_CONFLICT
        assert r.error is not None and r.error.kind is want and r.world == world, (path, r.stderr)
    r = step(world, Cp("c1", "/etc/hosts", "hello.txt", into=True, host=entries(HOST_FILES, "hello.txt")), p)
    assert r.error is None and r.world.container_by_name("c1").rw["/etc/hosts"].data == HOST_FILES["hello.txt"].data
    started = session("docker start c1", p=p, world=world)
    r = step(started, Cp("c1", "/etc/hosts", "dir", into=True, host=entries(HOST_FILES, "dir")), p)
    assert r.error is not None and r.error.kind is not K.UNSUPPORTED_WORKLOAD


@pytest.mark.parametrize("p, rows", [(P43, ["base:1", "img1:2", "base:1", "img1:2", "zz:9"]),
                                     (P54, ["base:latest", "img1:latest", "base:latest", "img1:latest", "zz:9"])])
def test_a_builds_from_row_names_the_image_by_the_repository_typed(p, rows):
    """replays/70-from-row-repo.sh: the image named base:1, base:v1, img1:2, base:latest, img1:latest, zz:9 (in
    that order); FROM lines typing base:v1, img1:2, base:latest, img1:latest, zz:9.  4.3 names the first of its
    names in that repository, 5.4 the newest; a commit's row looks at every name (4.3 base:1, 5.4 zz:9)."""
    from model import commands as cmd

    world = based(*(f"docker tag base:1 {t}" for t in ("base:v1", "img1:2", "base:latest", "img1:latest", "zz:9")), p=p)
    got = []
    for n, typed in enumerate(("base:v1", "img1:2", "base:latest", "img1:latest", "zz:9")):
        world = step(world, cmd.Build(f"FROM {typed}\nRUN mkdir -p /a/{n}\n", tags=(f"o{n}:1",)), p).world
        got.append(world.images[world.tags[f"o{n}:1"]].history[-1].comment.removeprefix("FROM "))
    assert got == rows
    world = session("docker run --network none --name k1 img1:latest true", "docker commit k1 c1:1", p=p, world=world)
    assert world.images[world.tags["c1:1"]].history[-1].comment == "FROM " + ("base:1" if p is P43 else "zz:9")


@pytest.mark.parametrize("p, comment", [(P43, "FROM "), (P54, ""), (D20, "")])
def test_commit_of_a_container_whose_image_lost_its_name_names_none(p, comment):
    """The container's image untagged (its tag moved): Podman's FROM row names no image, 4.3 "FROM ", 5.4
    no comment (replays/78-commit-untagged.sh; bench/soak podman-5.4 seeds 2404, 2406)."""
    world = based("docker run -d --name ctr1 --network none base:1 sleep 1000", "docker commit ctr1 img1:latest",
                  "docker tag img1:latest base:1", "docker commit ctr1 img2:latest", p=p)
    assert world.images[world.tags["img2:latest"]].history[-1].comment == comment
    tagged = based("docker run -d --name ctr1 --network none base:1 sleep 1000", "docker commit ctr1 img2:latest", p=p)
    assert tagged.images[tagged.tags["img2:latest"]].history[-1].comment == ("" if p is D20 else "FROM base:1")


@pytest.mark.parametrize("p", [P43, P54])
def test_an_export_imported_is_a_layer_of_its_own_counted_as_its_archive(p):
    """The import of an export: a layer of its own (keyed by the archive, which the engine's exporter writes
    in its own bytes), its size the archive's length; the invariants hold (bench/soak podman-5.4 seed 2703
    met a layer stored under another id)."""
    from spec.invariants import first_violation

    world = based("docker run -d --name c1 --network none base:1 sleep 1000", p=p)
    exported = run(world, "docker export -o e.tar c1", p)
    _, command = parse(shlex.split("docker import base.tar img1:latest"), NoFiles())
    imported = step(exported.world, replace(command, data=exported.files["e.tar"]), p).world
    assert first_violation(imported, p) is None
    base, img = (imported.images[imported.tags[t]] for t in ("base:1", "img1:latest"))
    assert img.layers[0] != base.layers[0]
    assert imported.layers[img.layers[0]].size == len(exported.files["e.tar"])


@pytest.mark.parametrize("p", [P43, P54])
def test_start_of_a_one_shot_rm_container_named_again_may_fail_as_a_whole_on_4_3(p):
    # replays/24-auto-remove-race.sh:24; by hand under load: 4.3 printed nothing, exit 125, in 7 passes of 30
    # ("container ID does not exist in database"); 5.4 never (0 in 90), naming the target it could not start
    from model.result import outcomes

    world = based("docker create --name xx --network none base:1 sleep 100",
                  "docker create --rm --name r6 --network none base:1 false", p=p)
    r = run(world, "docker start r6 r6 xx", p)
    whole = [o for o in outcomes(r) if o.exit == 125 and o.stdout == ""]
    if p is P54:
        assert whole == []
        return
    (o,) = whole  # at the second r6: xx is never started
    assert o.error.kind is K.NO_SUCH_CONTAINER and "does not exist in database" in o.stderr
    assert o.world.container_by_name("xx").status is Status.CREATED and o.world.container_by_name("r6") is None
    assert r.world.container_by_name("xx").status is Status.RUNNING  # the documented outcome starts it


@pytest.mark.parametrize("p", [D20, P43, P54])
def test_processes_see_the_engines_files_docker_s_init_layer_or_podman_s_mounts(p):
    # replays/81-process-view.sh, agreeing on all seven engines
    world = based(p=p)
    r = run(world, "docker run --rm --network none base:1 sh -c 'ls /etc; test -e /.dockerenv && echo docker; "
                   "test -e /run/.containerenv && echo podman; test -e /etc/resolv.conf && echo resolv'", p)
    if p is D20:
        assert r.stdout.split() == ["hostname", "hosts", "mtab", "passwd", "resolv.conf", "docker", "resolv"]
    else:
        assert r.stdout.split() == ["hostname", "hosts", "mtab", "passwd", "podman"] and r.exit == 1
    r = run(world, "docker run --network none --name v1 base:1 sh -c 'rm /run/.containerenv; echo $?'", p)
    assert r.stdout == "1\n" and ("busy" in r.stderr) == (p is not D20)  # Docker: no such file


@pytest.mark.parametrize("p", [P43, P54, D20])
def test_a_podman_build_step_may_share_an_earlier_steps_layer_made_in_the_same_second(p):
    # bench/soak podman-5.4 seed 3108: `FROM img7 | RUN true` after `FROM img2 | RUN true`, img2 and img7 one
    # image: the engine's second step had the first one's layer (history names img4's image), as commit's may
    from frozendict import frozendict
    from model.commands import Build
    from model.result import outcomes

    world = session("docker import base.tar img2:latest", "docker import base.tar img7:latest", p=p)

    def build(w, base, tag):
        text = f"FROM {base}\nRUN true\n"
        return step(w, Build(text, frozendict({"Dockerfile": text.encode()}), tags=(tag,)), p)

    first = build(world, "img2:latest", "img4:latest")
    assert first.error is None and not first.alternatives  # no earlier layer to share
    r = build(first.world, "img7:latest", "img9:latest")
    top = lambda o, tag: o.world.images[o.world.tags[tag]].layers[-1]
    shared = [o for o in outcomes(r) if top(o, "img9:latest") == top(o, "img4:latest")]
    if p is D20:  # no layer of the legacy builder's holds a time
        assert not r.alternatives
        return
    assert top(r, "img9:latest") != top(r, "img4:latest")  # the documented outcome: a layer of its own
    (o,) = shared
    assert o.world.containers == r.world.containers and set(o.world.tags) == set(r.world.tags)
    # buildah's RUN writes the mount points its image lacks in the layer: /etc/hostname and /run (`podman save`)
    assert set(r.world.layers[top(r, "img9:latest")].changes) == {"/etc", "/etc/hostname", "/run"}
    again = build(r.world, "img7:latest", "img10:latest")  # the cache: the same step on the same image
    assert again.world.tags["img10:latest"] == r.world.tags["img9:latest"] and not again.alternatives


@pytest.mark.parametrize("p", [D20, P43, P54])
def test_diff_of_a_file_replaced_by_a_directory_is_d_on_podman(p):
    # replays/82-diff-file-to-dir.sh, agreeing on all seven engines; bench/soak podman-5.4 seed 3409
    world = based("docker run -d --name x1 --network none base:1 sleep 1000",
                  "docker exec x1 sh -c 'rm /etc/passwd; mkdir -p /etc/passwd; rm -rf /var; touch /var'", p=p)
    want = "C /etc\nC /etc/passwd\nC /var\n" if p is D20 else "C /etc\nD /etc/passwd\nC /var\n"
    assert run(world, "docker diff x1", p).stdout == want
