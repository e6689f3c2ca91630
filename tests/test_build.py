"""Narratives for `docker build` with the legacy builder (model/build.py).

Expected strings come from docs/engine-facts.md (replays 16, 17, 22) and from
a Docker 20.10.24 engine run by hand (noted where so).
"""
from __future__ import annotations

from pathlib import Path

from frozendict import frozendict

from model import commands as cmd
from model import step
from model.build import context_size, go_list, human_size, parse_dockerfile
from model.errors import ErrorKind
from model.listing import image_rows
from model.values import Status
from tests.helpers import based, docker

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "contexts"


def build(world, dockerfile: str, files: dict | None = None, *tags: str, **options):
    context = frozendict({"Dockerfile": dockerfile.encode(), **(files or {})})
    return step(world, cmd.Build(dockerfile, context, tags=tags, **options))


def history(world, ref: str) -> list[str]:
    img = world.images[world.tags[ref]]
    return [h.created_by for h in reversed(img.history)]


THREE = "FROM base:1\nRUN touch /made\nENV A=1\nCMD [\"sh\"]\n"


def test_three_instructions_leave_intermediate_images():
    world = based()
    r = build(world, THREE, None, "three:1")
    assert r.ok, r.stderr
    final = r.world.images[r.world.tags["three:1"]]
    chain, img = [], final
    while img.parent:
        chain.append(img)
        img = r.world.images[img.parent]
    assert img.id == world.tags["base:1"] and len(chain) == 3
    all_rows = image_rows(r.world, all_=True)
    untagged = [row for row in all_rows if row["Repository"] == "<none>"]
    assert len(all_rows) == 4 and len(untagged) == 2
    assert len(image_rows(r.world, all_=False)) == 2  # intermediates have children
    assert not r.world.containers  # every step's container removed after success


def test_history_rows_are_the_engines_created_by_strings():
    r = build(based(), THREE + "LABEL a=b\nWORKDIR /app\nENTRYPOINT [\"sh\", \"-c\"]\n", None, "h:1")
    assert history(r.world, "h:1")[:-1] == [
        '/bin/sh -c #(nop)  ENTRYPOINT ["sh" "-c"]',
        "/bin/sh -c #(nop) WORKDIR /app",
        "/bin/sh -c #(nop)  LABEL a=b",
        '/bin/sh -c #(nop)  CMD ["sh"]',
        "/bin/sh -c #(nop)  ENV A=1",
        "/bin/sh -c touch /made",
    ]
    img = r.world.images[r.world.tags["h:1"]]
    rows = img.history[-6:]
    # metadata steps make no layer; WORKDIR creates /app, so it has one (0 bytes)
    assert [h.empty_layer for h in rows] == [False, True, True, True, False, True]


def test_build_stdout_is_the_legacy_builders():
    r = build(based(), THREE, None, "three:1", "three:2")
    lines = r.stdout.split("\n")
    assert lines[0] == "Sending build context to Docker daemon  2.048kB" and lines[1] == ""
    assert lines[2:4] == ["Step 1/4 : FROM base:1", " ---> " + r.world.tags["base:1"][7:19]]
    assert lines[4] == "Step 2/4 : RUN touch /made"
    assert lines[5].startswith(" ---> Running in ") and lines[6] == "Removing intermediate container " + lines[5][-12:]
    final = r.world.tags["three:1"][7:19]
    assert lines[-4:] == [f"Successfully built {final}", "Successfully tagged three:1", "Successfully tagged three:2", ""]
    assert r.stderr == ""


def test_quiet_prints_only_the_id():
    r = build(based(), THREE, None, "q:1", quiet=True)
    assert r.stdout == r.world.tags["q:1"] + "\n"


def test_run_effects_and_metadata_land_in_the_final_image():
    dockerfile = (
        "FROM base:1\nENV a b  c\nENV x=\"1 2\" y=$a\nLABEL \"k v\"=w z=\"\"\nWORKDIR tmp\nWORKDIR sub/../d\n"
        "RUN echo hi > f\nENTRYPOINT echo \"$x\"\n"
    )
    r = build(based(), dockerfile, None, "m:1")
    assert r.ok, r.stderr
    img = r.world.images[r.world.tags["m:1"]]
    assert img.config.env == ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "a=b  c", "x=1 2", "y=b  c")
    assert dict(img.config.labels) == {"k v": "w", "z": ""}
    assert img.config.working_dir == "/tmp/d"
    assert img.config.entrypoint == ("/bin/sh", "-c", 'echo "$x"') and img.config.cmd is None
    assert r.world.image_view(img)["/tmp/d/f"].data == b"hi\n"
    assert history(r.world, "m:1")[:6] == [
        '/bin/sh -c #(nop)  ENTRYPOINT ["/bin/sh" "-c" "echo \\"$x\\""]',
        "/bin/sh -c echo hi > f",
        "/bin/sh -c #(nop) WORKDIR /tmp/d",
        "/bin/sh -c #(nop) WORKDIR /tmp",
        "/bin/sh -c #(nop)  LABEL k v=w z=",
        "/bin/sh -c #(nop)  ENV x=1 2 y=b  c",
    ]
    # WORKDIR of an existing directory (/tmp) makes no layer; of a new one (/tmp/d) a layer
    rows = img.history[-6:]  # ENV x, LABEL, WORKDIR tmp, WORKDIR d, RUN, ENTRYPOINT
    assert [h.empty_layer for h in rows] == [True, True, True, False, False, True]


def test_entrypoint_keeps_a_cmd_set_earlier_in_the_same_dockerfile():
    r = build(based(), 'FROM base:1\nCMD ["a"]\nENTRYPOINT ["sh"]\n', None, "e:1")
    assert r.world.images[r.world.tags["e:1"]].config.cmd == ("a",)


def test_second_identical_build_is_all_cache_hits():
    first = build(based(), THREE, None, "c:1")
    again = build(first.world, THREE, None, "c:2")
    assert again.ok
    assert again.stdout.count(" ---> Using cache") == 3 and "Running in" not in again.stdout
    assert again.world.tags["c:2"] == first.world.tags["c:1"]
    assert again.world.images == first.world.images


def test_no_cache_makes_new_images():
    first = build(based(), THREE, None, "c:1")
    again = build(first.world, THREE, None, "c:1", no_cache=True)
    assert "Using cache" not in again.stdout
    new, old = again.world.tags["c:1"], first.world.tags["c:1"]
    assert new != old and old in again.world.images  # the old chain stays, untagged
    assert len(again.world.images) == len(first.world.images) + 3


def test_a_changed_step_misses_the_cache_from_there_on():
    first = build(based(), THREE, None, "c:1")
    changed = build(first.world, THREE.replace("ENV A=1", "ENV A=2"), None, "c:1")
    assert changed.stdout.count("Using cache") == 1  # RUN touch /made only
    assert first.world.tags["c:1"] in changed.world.images  # dangling now
    rows = image_rows(changed.world, all_=False, filters=(("dangling", "true"),))
    assert [r["ID"] for r in rows] == [first.world.tags["c:1"][7:19]]


FAIL = "FROM base:1\nRUN touch /ok\nRUN sh -c 'echo failing; exit 7'\nRUN touch /never\n"


def test_failing_run_stops_the_build_and_leaves_what_the_engine_leaves():
    world = based()
    r = build(world, FAIL, None, "bad:1")
    assert r.exit == 7 and r.error.kind is ErrorKind.BUILD_FAILED
    assert r.stderr == "The command '/bin/sh -c sh -c 'echo failing; exit 7'' returned a non-zero code: 7\n"
    assert r.stdout.endswith("Step 3/4 : RUN sh -c 'echo failing; exit 7'\n ---> Running in "
                             + next(iter(r.world.containers))[:12] + "\nfailing\n")
    assert "bad:1" not in r.world.tags
    assert len(r.world.images) == len(world.images) + 1  # RUN touch /ok
    (failed,) = r.world.containers.values()
    assert failed.status is Status.EXITED and failed.exit_code == 7
    assert failed.config.cmd == ("/bin/sh", "-c", "sh -c 'echo failing; exit 7'")
    again = build(r.world, FAIL, None, "bad:1")
    assert again.exit == 7 and again.stdout.count("Using cache") == 1
    assert len(again.world.containers) == 2  # one more failed container per attempt


def test_failing_run_with_quiet_prints_the_progress_on_stderr():
    r = build(based(), FAIL, None, "bad:1", quiet=True)
    assert r.stdout == "" and "Step 3/4" in r.stderr and r.stderr.endswith("returned a non-zero code: 7\n")


def test_run_stderr_is_coloured_in_the_build_stream():
    r = build(based(), 'FROM base:1\nRUN ["sh","-c","cat /nosuch; echo out"]\n', None, "s:1")
    assert r.ok, r.stderr
    assert "out\n\x1b[91mcat: " in r.stdout and "\x1b[0mRemoving intermediate container" in r.stdout
    assert history(r.world, "s:1")[0] == "sh -c cat /nosuch; echo out"


def test_unknown_instruction_names_its_line():
    world = based()
    r = build(world, "FROM base:1\nRUN true\nFOO bar\n", None, "x:1")
    assert r.exit == 1 and r.error.kind is ErrorKind.BAD_DOCKERFILE
    assert r.stderr == "Error response from daemon: dockerfile parse error line 3: unknown instruction: FOO\n"
    assert r.world == world


def test_instruction_outside_the_model_is_refused_with_its_line():
    world = based()
    r = build(world, "FROM base:1\nRUN true\nEXPOSE 80\n", None, "x:1")
    assert r.error.kind is ErrorKind.BAD_DOCKERFILE and "line 3" in r.stderr and "EXPOSE 80" in r.stderr
    assert r.world == world and r.exit == 1


def test_unknown_base_image_is_a_pull_error():
    world = based()
    r = build(world, "FROM nosuch:2\nRUN true\n", None, "x:1")
    assert r.exit == 1 and r.error.kind is ErrorKind.NO_SUCH_IMAGE
    assert r.stderr.startswith("pull access denied for nosuch, repository does not exist")
    assert r.stdout.endswith("Step 1/2 : FROM nosuch:2\n") and r.world == world


def test_dockerfile_without_from():
    r = build(based(), "RUN true\n", None, "x:1")
    assert r.stderr == "Error response from daemon: no build stage in current context\n" and r.exit == 1


def test_invalid_tag_is_refused_by_the_cli():
    world = based()
    r = build(world, THREE, None, "Bad:1")
    assert r.exit == 125 and r.error.kind is ErrorKind.INVALID_REFERENCE and r.world == world


def test_copy_a_file_and_a_directory():
    files = {"f": b"hi\n", "d/a": b"abc", "d/sub/g": b"x\n", "d/empty/": b""}
    dockerfile = "FROM base:1\nWORKDIR /w\nCOPY f rel/\nCOPY d /tmp\nCOPY f /tmp\nCOPY d/sub/g /deep/er/file\nCOPY d /app/d/\n"
    r = build(based(), dockerfile, files, "cp:1")
    assert r.ok, r.stderr
    img = r.world.images[r.world.tags["cp:1"]]
    view = r.world.image_view(img)
    for path, data in {"/w/rel/f": b"hi\n", "/tmp/a": b"abc", "/tmp/sub/g": b"x\n", "/tmp/f": b"hi\n",
                       "/deep/er/file": b"x\n", "/app/d/a": b"abc", "/app/d/sub/g": b"x\n"}.items():
        assert view[path].data == data and view[path].mode == 0o644, path
    assert view["/app/d/empty"].kind.value == "dir" and view["/deep/er"].mode == 0o755
    assert view["/tmp"].mode == r.world.image_view(r.world.images[r.world.tags["base:1"]])["/tmp"].mode
    rows = history(r.world, "cp:1")
    assert rows[-3].startswith("/bin/sh -c #(nop) COPY file:") and rows[-3].endswith(" in rel/ ")
    assert rows[-4].startswith("/bin/sh -c #(nop) COPY dir:") and rows[-4].endswith(" in /tmp ")
    assert "Running in" not in r.stdout.split("COPY f rel/")[1].split("Step 4")[0]


def test_copy_cache_key_includes_the_content():
    first = build(based(), "FROM base:1\nCOPY f /f\n", {"f": b"one"}, "c:1")
    same = build(first.world, "FROM base:1\nCOPY f /f\n", {"f": b"one"}, "c:1")
    other = build(first.world, "FROM base:1\nCOPY f /f\n", {"f": b"two"}, "c:1")
    assert "Using cache" in same.stdout and "Using cache" not in other.stdout
    assert other.world.tags["c:1"] != first.world.tags["c:1"]


def test_copy_of_a_missing_source_fails_after_the_steps_before():
    r = build(based(), "FROM base:1\nENV A=1\nCOPY missing /x\n", None, "x:1")
    assert r.exit == 1 and r.error.kind is ErrorKind.NO_SUCH_FILE
    assert r.stderr == ("COPY failed: file not found in build context or excluded by .dockerignore: "
                        "stat missing: file does not exist\n")
    assert len(r.world.images) == 2  # base and the ENV step


def test_run_of_a_missing_program_leaves_a_created_container():
    r = build(based(), 'FROM base:1\nRUN ["nosuch"]\n', None, "x:1")
    assert r.exit == 1 and r.error.kind is ErrorKind.EXEC_NOT_FOUND
    (c,) = r.world.containers.values()
    assert c.status is Status.CREATED


def test_rmi_of_the_final_image_prunes_the_intermediates():
    r = build(based(), THREE, None, "three:1")
    gone = docker(r.world, "docker rmi three:1")
    assert gone.ok
    assert gone.stdout.count("Deleted: sha256:") >= 3
    assert set(gone.world.images) == set(based().images)


def test_tag_moved_by_a_rebuild_leaves_the_old_image_dangling():
    v1 = build(based(), "FROM base:1\nRUN echo one > /v\n", None, "app:1")
    v2 = build(v1.world, "FROM base:1\nRUN echo two > /v\n", None, "app:1")
    old = v1.world.tags["app:1"]
    assert v2.world.tags["app:1"] != old and not v2.world.image_tags(old)


def test_helpers():
    assert human_size(5120) == "5.12kB" and human_size(2048) == "2.048kB" and human_size(188) == "188B"
    # replays/contexts/basic: Dockerfile, hello.txt, dir/a, dir/empty -> 5.12kB as the engine says
    assert context_size({"Dockerfile": b"x" * 188, "hello.txt": b"hi\n", "dir/a": b"abc", "dir/empty": b""}) == 5120
    assert go_list(("a", "b c")) == '["a" "b c"]'
    (run,) = parse_dockerfile("FROM a\nRUN echo hi \\\n  && touch /x\n")[1:]
    assert run.original == "RUN echo hi   && touch /x" and run.line == 2


def test_example_context_hello_builds_and_runs():
    root = EXAMPLES / "hello"
    context = frozendict({str(f.relative_to(root)): f.read_bytes() for f in sorted(root.rglob("*")) if f.is_file()})
    world = based()
    r = step(world, cmd.Build(context["Dockerfile"].decode(), context, tags=("hello:1",)))
    assert r.ok, r.stderr
    ran = docker(r.world, "docker run --network none hello:1")
    assert ran.stdout == context["greeting.txt"].decode()
