"""build's flags on the model: --rm/--force-rm, ARG/--build-arg, multi-stage and --target, .dockerignore (docs/build.md).

Each narrative states what replays/36-39 showed on the engines; the replays compare model and engines line by line.
"""
from __future__ import annotations

import pytest
from frozendict import frozendict

from dockspec import argv
from model import commands as cmd
from model import dialects
from model.dockerignore import Matcher, apply
from model.engine import step
from model.errors import ErrorKind
from model.values import Status
from spec.fixtures import base_world

D20, D26, D28 = dialects.get("docker-20.10"), dialects.get("docker-26.1"), dialects.get("docker-28.5")
STEPS = "FROM base:1\nENV A=1\nRUN echo one > /one\nWORKDIR /app\nRUN echo two > two\nCMD [\"sh\"]\n"
FAIL = "FROM base:1\nRUN echo ok > /ok\nRUN echo bad; exit 3\n"
STAGES = ("FROM base:1 AS builder\nRUN echo built > /artifact\nFROM builder AS tester\nRUN test -f /artifact\n"
          "FROM base:1\nCOPY --from=builder /artifact /artifact\nCMD [\"cat\", \"/artifact\"]\n")
ARGS = ("ARG TAG=1\nFROM base:$TAG\nARG WHO=world\nARG EMPTY\nENV GREETING=hello-$WHO\n"
        "RUN echo \"[$WHO][$EMPTY][$TAG]\" > /who\n")


def build(text, p=D20, context=None, **kw):
    world = base_world()
    files = frozendict({"Dockerfile": text.encode(), **(context or {})})
    return world, step(world, cmd.Build(text, context=files, tags=("t:1",), network="none", **kw), p)


def new_containers(world, r):
    return [c for cid, c in r.world.containers.items() if cid not in world.containers]


def test_rm_false_keeps_one_container_per_step_that_made_one():
    world, r = build(STEPS, rm=False)
    assert r.exit == 0 and "Removing intermediate container" not in r.stdout
    kept = sorted((c.status.value, c.exit_code) for c in new_containers(world, r))
    assert kept == [("created", None)] * 3 + [("exited", 0)] * 2  # ENV, WORKDIR, CMD never run; the RUNs did


def test_force_rm_removes_the_failed_steps_container_too_and_wins_over_rm_false():
    world, r = build(FAIL, force_rm=True)
    assert r.exit == 3 and new_containers(world, r) == []
    assert r.stdout.count("Removing intermediate container") == 2
    world, r = build(STEPS, force_rm=True, rm=False)
    assert new_containers(world, r) == []
    world, r = build(FAIL, rm=False)
    (failed,) = [c for c in new_containers(world, r) if c.exit_code == 3]
    assert failed.status is Status.EXITED and len(new_containers(world, r)) == 2


def test_buildkit_ignores_rm_and_force_rm():
    for kw in ({"rm": False}, {"force_rm": True}):
        world, r = build(STEPS, D26, **kw)
        assert r.exit == 0 and new_containers(world, r) == []


def test_args_reach_run_and_env_and_name_themselves_in_the_rows():
    world, r = build(ARGS, build_args=(("WHO", "you"), ("ZED", "1")))
    img = r.world.images[r.world.tags["t:1"]]
    assert r.world.image_view(img)["/who"].data == b"[you][][]\n"  # TAG is a meta arg: FROM only
    assert "GREETING=hello-you" in img.config.env and not any(e.startswith("WHO=") for e in img.config.env)
    rows = [h.created_by for h in img.history]
    assert rows[-1].startswith("|1 WHO=you /bin/sh -c ") and "/bin/sh -c #(nop)  ARG WHO=world" in rows
    assert "[Warning] One or more build-args [ZED] were not consumed\n" in r.stdout
    assert "Step 1/6 : ARG TAG=1\nStep 2/6 : FROM base:$TAG\n" in r.stdout


def test_buildkit_rows_name_every_declared_arg_in_order():
    _, r26 = build(ARGS, D26, build_args=(("WHO", "you"),))
    rows = [h.created_by for h in r26.world.images[r26.world.tags["t:1"]].history]
    assert rows[-1] == 'RUN |2 WHO=you EMPTY= /bin/sh -c echo "[$WHO][$EMPTY][$TAG]" > /who # buildkit'
    assert "ARG WHO=world" in rows
    _, r28 = build(ARGS, D28, build_args=(("WHO", "you"),))
    assert "ARG WHO=you" in [h.created_by for h in r28.world.images[r28.world.tags["t:1"]].history]


def test_buildkit_no_cache_gives_a_new_image_and_an_unset_arg_is_not_an_empty_one():
    world, first = build(STEPS, D26)
    again = step(first.world, cmd.Build(STEPS, context=frozendict({"Dockerfile": STEPS.encode()}), tags=("t:2",),
                                        network="none"), D26)
    fresh = step(first.world, cmd.Build(STEPS, context=frozendict({"Dockerfile": STEPS.encode()}), tags=("t:2",),
                                        network="none", no_cache=True), D26)
    assert again.world.tags["t:2"] == first.world.tags["t:1"] != fresh.world.tags["t:2"]
    _, unset = build(ARGS, D26)
    _, empty = build(ARGS, D26, build_args=(("EMPTY", ""),))
    assert unset.world.tags["t:1"] != empty.world.tags["t:1"]


def test_classic_target_builds_every_stage_up_to_it_and_keeps_their_images():
    world, r = build(STAGES, target="tester")
    assert "Step 4/4 : RUN test -f /artifact" in r.stdout
    img = r.world.images[r.world.tags["t:1"]]
    assert [h.created_by for h in img.history][-2:] == ["/bin/sh -c echo built > /artifact", "/bin/sh -c test -f /artifact"]
    world, full = build(STAGES)
    untagged = [i for i in full.world.images.values() if i.id not in full.world.tags.values() and i.id not in world.images]
    assert len(untagged) == 3  # the builder's RUN, the tester's RUN, the final stage's COPY (its CMD is tagged)


def test_copy_from_names_the_file_as_the_daemon_sums_it():
    _, r = build(STAGES)
    rows = [h.created_by for h in r.world.images[r.world.tags["t:1"]].history]
    # measured on docker-20.10 (replays/38-multistage.sh): owner names looked up (root), type bits in the mode
    assert rows[-2].startswith("/bin/sh -c #(nop) COPY file:07d9b52d2ecb75a1")
    _, bk = build(STAGES, D26)
    assert [h.created_by for h in bk.world.images[bk.world.tags["t:1"]].history][-2] == "COPY /artifact /artifact # buildkit"


def test_a_target_naming_no_stage_is_refused_in_each_builders_words():
    world, r = build(STAGES, target="nosuch")
    assert (r.exit, r.error.kind) == (1, ErrorKind.BAD_DOCKERFILE) and r.world == world
    assert r.stderr == "Error response from daemon: failed to reach build target nosuch in Dockerfile\n"
    _, bk = build(STAGES, D28, target="nosuch")
    assert bk.stderr == 'ERROR: failed to build: failed to solve: target stage "nosuch" could not be found\n'


def test_dockerignore_patterns_exceptions_and_directories():
    m = Matcher.parse("# c\n*.log\n!keep.log\nlogs\n**/*.o\n!keep/*.o\n.env\n/abs/\n")
    out = {p: m.excluded(p) for p in ("a.log", "keep.log", "logs", "logs/x.log", "src/sub/t.o", "keep/k.o",
                                      ".env", "abs/f", "a.txt", "sub/a.log")}
    assert out == {"a.log": True, "keep.log": False, "logs": True, "logs/x.log": True, "src/sub/t.o": True,
                   "keep/k.o": False, ".env": True, "abs/f": True, "a.txt": False, "sub/a.log": False}
    sent = apply({"Dockerfile": b"", ".dockerignore": b"*\n", "src/sub/t.o": b"t", "a": b"a"})
    assert sent == {".dockerignore": b"*\n", "Dockerfile": b""}  # always sent, whatever the patterns say
    sent = apply({"Dockerfile": b"", ".dockerignore": b"**/*.o\n", "src/sub/t.o": b"t"})
    assert sent == {".dockerignore": b"**/*.o\n", "Dockerfile": b"", "src/sub/": b""}  # the directory stays


def test_dockerignore_shrinks_the_context_the_client_sends():
    ctx = {".dockerignore": b"big\n", "big": b"x" * 5000}
    _, r = build("FROM base:1\nCOPY . /c\n", context=ctx)
    assert "Sending build context to Docker daemon  3.072kB" in r.stdout
    assert "/c/big" not in r.world.image_view(r.world.images[r.world.tags["t:1"]])


class _Files:
    def __init__(self, tree):
        self._tree = tree

    def read(self, path):
        raise FileNotFoundError(path)

    def tree(self, path):
        return self._tree


def test_the_command_line_reads_the_flags_and_refuses_a_build_arg_from_the_environment():
    files = _Files({"Dockerfile": b"FROM base:1\n"})
    _, c = argv.parse(["docker", "build", "--rm=false", "--force-rm", "--build-arg", "A=1", "--build-arg=B=",
                       "--target", "t", "--no-cache", "."], files)
    assert (c.rm, c.force_rm, c.build_args, c.target, c.no_cache) == (False, True, (("A", "1"), ("B", "")), "t", True)
    with pytest.raises(argv.UsageError, match="--build-arg 'A' without a value"):
        argv.parse(["docker", "build", "--build-arg", "A", "."], files)


def test_buildah_refuses_the_flags_not_seen_on_podman():
    p = dialects.get("podman-4.3")
    for kw, flag in (({"rm": False}, "--rm=false"), ({"force_rm": True}, "--force-rm"),
                     ({"build_args": (("A", "1"),)}, "--build-arg"), ({"target": "x"}, "--target")):
        world, r = build(STAGES, p, **kw)
        assert r.exit == 125 and flag in r.stderr and r.world == world


def test_unmodelled_instruction_flags_are_refused_naming_them():
    world, r = build("FROM base:1\nCOPY --chown=1:1 a /a\n", context={"a": b"a"})
    assert r.exit == 1 and "COPY --from" in r.stderr and r.world == world
    world, r = build("FROM base:1\nARG A=1 B=2\n")
    assert "several args" in r.stderr and r.world == world


def test_buildkit_fails_a_run_whose_image_has_no_shell_as_a_failed_step():
    """docker-28.5-containerd (replays/44-podman-prune-build.sh:5): a RUN on an image without /bin/sh is a failed
    step, `did not complete successfully: exit code: 1`, not the legacy builder's runc message."""
    world = base_world()
    for c in (cmd.Run(cmd.Create("base:1", ("rm", "/bin/sh"), name="k1", network="none")), cmd.Commit("k1", "nosh:1")):
        world = step(world, c, D28).world
    files = frozendict({"Dockerfile": b"FROM nosh:1\nRUN true\n"})
    r = step(world, cmd.Build("FROM nosh:1\nRUN true\n", context=files, tags=("n:1",), network="none"), D28)
    assert (r.exit, r.error.kind) == (1, ErrorKind.BUILD_FAILED)
    assert 'process "/bin/sh -c true" did not complete successfully: exit code: 1' in r.error.message
    assert step(world, cmd.Build("FROM nosh:1\nRUN true\n", context=files, tags=("n:1",), network="none")).error.kind \
        is ErrorKind.EXEC_NOT_FOUND  # the legacy builder (20.10)
