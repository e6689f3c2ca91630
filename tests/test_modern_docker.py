"""The modern Docker dialects (26.1, 28.5, either store) against what docs/dialects/docker-modern.md measured.

Every expected string or outcome below is an engine's, as the record's replay lines show it
(the replay line is named on each test).
"""
from __future__ import annotations

import pytest
from frozendict import frozendict

from dockspec import argv
from dockspec.observe import Classifier
from model import commands as cmd
from model import dialects, step
from model.errors import ErrorKind as K
from model.values import Status
from model.profile import DOCKER_20_10
from tests.helpers import based

D26, D28 = dialects.get("docker-26.1"), dialects.get("docker-28.5")
D26C, D28C = dialects.get("docker-26.1-containerd"), dialects.get("docker-28.5-containerd")
BASIC = ('FROM base:1\nENV GREETING=hello\nWORKDIR /app\nCOPY hello.txt /app/hello.txt\n'
         'RUN echo built > /app/built\nCMD ["cat /app/hello.txt"]\n')
FAIL = "FROM base:1\nRUN touch /ok\nRUN sh -c 'echo failing; exit 7'\nRUN touch /never\n"


def build(world, dockerfile: str, profile, *tags: str, **options):
    context = frozendict({"Dockerfile": dockerfile.encode(), "hello.txt": b"hi\n"})
    return step(world, cmd.Build(dockerfile, context, tags=tags, **options), profile)


# -- wording and classifier (the engine's stderr, as the replays saw it) --------------------

ENGINE_STDERR = [
    # 03-run-refusals.sh:12 on 26.1 and 28.5: start of a missing command; 20.10's classifier read it `usage`
    (D26, 'Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\nError: failed to start containers: r6', K.EXEC_NOT_FOUND),
    (D28, 'Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH\nError: failed to start containers: r6', K.EXEC_NOT_FOUND),
    # 03-run-refusals.sh:7 on 28.5: /tmp is a directory, without ": unknown"
    (D28, "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/tmp\": permission denied\n\nRun 'docker run --help' for more information", K.EXEC_NOT_FOUND),
    # 61-build-no-shell.sh:13 on 28.5 (both stores), the legacy builder FROM an image without /bin/sh: runc stats a
    # path; read no_such_file before the dialect had its wording (bench/soak 28.5-containerd seed 607), by 20.10's classifier too
    (D28C, 'failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory', K.EXEC_NOT_FOUND),
    (DOCKER_20_10, 'failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/bin/sh": stat /bin/sh: no such file or directory', K.EXEC_NOT_FOUND),
    # 61-build-no-shell.sh:14 (BuildKit): the missing shell is the RUN's failure
    (D26C, 'ERROR: failed to solve: process "/bin/sh -c true" did not complete successfully: exit code: 1', K.BUILD_FAILED),
    # 07-rm.sh:6, 06-pause.sh:16
    (D26, 'Error response from daemon: cannot remove container "/m2": container is running: stop the container before removing or force remove', K.REMOVE_RUNNING),
    (D28, 'Error response from daemon: cannot remove container "m2": container is running: stop the container before removing or force remove', K.REMOVE_RUNNING),
    (D26, 'Error response from daemon: cannot remove container "/p2": container is paused and must be unpaused first', K.REMOVE_PAUSED),
    (D28, 'Error response from daemon: cannot remove container "p2": container is paused and must be unpaused first', K.REMOVE_PAUSED),
    # 04-ps-filters.sh:21: 28.5 lists the states, "paused" among them
    (D26, "Error response from daemon: invalid filter 'status=bogus'", K.USAGE),
    (D28, "Error response from daemon: invalid filter 'status=bogus': invalid value for state (bogus): must be one of created, running, paused, restarting, removing, exited, dead", K.USAGE),
    # 17-build-fail.sh:3 (BuildKit)
    (D28, "ERROR: failed to build: failed to solve: process \"/bin/sh -c sh -c 'echo failing; exit 7'\" did not complete successfully: exit code: 7", K.BUILD_FAILED),
    # 01-import-images.sh:7: a modern client's image inspect has no ContainerConfig
    (D26, 'template parsing error: template: :1:69: executing "" at <.ContainerConfig.Cmd>: map has no entry for key "ContainerConfig"', K.USAGE),
]


@pytest.mark.parametrize("profile,stderr,kind", ENGINE_STDERR)
def test_the_dialects_classifier_reads_the_engines_new_wordings(profile, stderr, kind):
    assert Classifier(profile)(stderr) is kind


def test_the_model_words_refusals_as_each_engine_does():
    world = based()
    world = step(world, cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="m2"), detach=True)).world
    assert step(world, cmd.Rm(("m2",)), D26).stderr.startswith('Error response from daemon: cannot remove container "/m2": container is running')
    assert step(world, cmd.Rm(("m2",)), D28).stderr.startswith('Error response from daemon: cannot remove container "m2": container is running')
    # 08-exec.sh:8: 28.5's exec of a missing command exits 127, runc's error without ": unknown"
    r = step(world, cmd.Exec("m2", ("nosuchcmd",)), D28)
    assert (r.exit, r.stdout.strip()[-8:]) == (127, "in $PATH")
    assert step(world, cmd.Exec("m2", ("nosuchcmd",)), D26).exit == 126
    # 03-run-refusals.sh:3: 28.5's refused run, no final period, the new usage hint
    r = step(world, cmd.Run(cmd.Create("nosuch:1", ("true",), pull="never")), D28)
    assert r.stderr == "docker: Error response from daemon: No such image: nosuch:1\n\nRun 'docker run --help' for more information\n"


def test_modern_clients_image_inspect_lacks_container_config_and_28_5_config_image():
    world = based()
    fmt = "{{.Config.Env}}|{{.Config.WorkingDir}}|{{.Architecture}}|{{.Os}}|{{.Size}}|{{.Config.Image}}|{{.Container}}"
    r = step(world, cmd.Inspect(("base:1",), format=fmt), D28)  # 23-inspect.sh:10
    assert (r.exit, r.stderr) == (1, 'template parsing error: template: :1:84: executing "" at <.Config.Image>: map has no entry for key "Image"\n')
    assert step(world, cmd.Inspect(("base:1",), format=fmt), D26).exit == 0
    r = step(world, cmd.Inspect(("base:1",), format="{{.ContainerConfig.Cmd}}"), D26)  # 16-build.sh:10
    assert r.stderr.startswith("template parsing error: template: :1:18: ")


# -- BuildKit --------------------------------------------------------------------------------


def test_buildkit_keeps_one_image_without_parent_and_writes_its_own_history():
    world = based()
    r = build(world, BASIC, D28, "b:1")
    assert r.exit == 0 and r.stdout == ""
    img = r.world.images[r.world.tags["b:1"]]
    assert img.parent == "" and set(r.world.images) == set(world.images) | {img.id}
    assert not r.world.containers
    rows = [h.created_by for h in reversed(img.history)][:5]
    assert rows == ['CMD ["cat /app/hello.txt"]', "RUN /bin/sh -c echo built > /app/built # buildkit",
                    "COPY hello.txt /app/hello.txt # buildkit", "WORKDIR /app", "ENV GREETING=hello"]
    assert {h.comment for h in img.history[-5:]} == {"buildkit.dockerfile.v0"}
    # 16-build.sh:13: a rebuild is the same image on overlay2, a new one on the containerd store
    assert build(r.world, BASIC, D28, "b:2").world.tags["b:2"] == img.id
    r2 = build(world, BASIC, D28C, "b:1")
    assert build(r2.world, BASIC, D28C, "b:2").world.tags["b:2"] != r2.world.tags["b:1"]


def test_a_failed_run_under_buildkit_leaves_nothing_and_exits_1():
    world = based()
    r = build(world, FAIL, D26, "bad:1")  # 17-build-fail.sh:3, :4, :5
    assert (r.exit, r.error.kind) == (1, K.BUILD_FAILED)
    assert r.world.images == world.images and not r.world.containers
    assert r.stderr == "ERROR: failed to solve: process \"/bin/sh -c sh -c 'echo failing; exit 7'\" did not complete successfully: exit code: 7\n"
    classic = build(world, FAIL, D26, "bad:1", builder="classic")
    assert classic.exit == 7 and any(c.status is Status.EXITED for c in classic.world.containers.values())


def test_docker_buildkit_on_a_line_picks_the_builder():
    files = type("Files", (), {"read": None, "tree": lambda self, p: {"Dockerfile": BASIC.encode()},
                               "modes": lambda self, p: {}})()
    assert argv.parse(["DOCKER_BUILDKIT=0", "docker", "build", "."], files)[1].builder == "classic"
    assert argv.parse(["DOCKER_BUILDKIT=1", "docker", "build", "."], files)[1].builder == "buildkit"
    assert argv.parse(["docker", "build", "."], files)[1].builder is None
    with pytest.raises(argv.UsageError, match="expects boolean value"):
        argv.parse(["DOCKER_BUILDKIT=maybe", "docker", "build", "."], files)
    with pytest.raises(argv.UsageError, match="not FOO"):
        argv.parse(["FOO=1", "docker", "ps"], files)


def test_the_containerd_store_drops_the_image_a_tag_leaves():
    world = based()
    first = build(world, BASIC, D28C, "app:1").world
    again = build(first, BASIC.replace("built", "again"), D28C, "app:1").world  # 22-retag-dangling.sh:4
    assert len(again.images) == len(first.images)
    kept = build(first, BASIC.replace("built", "again"), D28, "app:1").world
    assert len(kept.images) == len(first.images) + 1


def test_a_build_from_an_image_without_a_shell():
    """RUN over an image without /bin/sh (replays/61-build-no-shell.sh; bench/soak 28.5-containerd seed 607): the
    legacy builder refuses it as run does, runc stat'ing the path (26.1 and 28.5 wrap it in "failed to create task
    for container"); BuildKit's RUN fails with exit code 1; a command without a slash is looked up in $PATH."""
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("only.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hi\n"))
    nosh = "FROM nosh:1\nRUN true\n"
    for profile in (DOCKER_20_10, D26, D28, D26C, D28C):
        w = step(based(), cmd.Import(buf.getvalue(), "nosh:1"), profile).world
        classic = build(w, nosh, profile, "img1", builder="classic")
        assert classic.error.kind is K.EXEC_NOT_FOUND, profile.name
        assert 'exec: "/bin/sh": stat /bin/sh: no such file or directory' in classic.stderr
        wrapped = profile is not DOCKER_20_10
        assert classic.stderr.startswith("failed to create task for container: ") is wrapped, profile.name
        assert classic.stderr.rstrip().endswith(": unknown") is (profile in (DOCKER_20_10, D26, D26C)), profile.name
        if profile is DOCKER_20_10:
            continue
        kit = build(w, nosh, profile, "img2", builder="buildkit")
        assert kit.error.kind is K.BUILD_FAILED and kit.world == w, profile.name
        assert 'process "/bin/sh -c true" did not complete successfully: exit code: 1' in kit.stderr
    r = step(based(), cmd.Run(cmd.Create("base:1", ("nosuchcmd",), name="r1", network="none")), D28C)
    assert 'exec: "nosuchcmd": executable file not found in $PATH' in r.stderr


def test_stop_t0_of_an_init_container_races_the_relayed_term():
    """`stop -t 0` of an --init container: docker-init relays the TERM that ends its command in user space,
    and the daemon's SIGKILL follows at once: 143 (documented, what an idle engine shows: replay of
    run -d --init; stop -t 0 on 20.10, 26.1 and 28.5) or 137 (seen on docker-28.5-containerd under load,
    bench/soak seed 701); with a timeout, no race."""
    from model.result import outcomes
    from spec import rules

    w = based()
    w = step(w, cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1", network="none", init=True), detach=True),
             D28C).world
    for timeout, codes in ((0, {143, 137}), (1, {143})):
        stop = cmd.Stop(("c1",), timeout=timeout)
        r = step(w, stop, D28C)
        assert {o.world.container_by_name("c1").exit_code for o in outcomes(r)} == codes
        assert rules.races_only_on_auto_removal(w, stop, r, profile=D28C)
