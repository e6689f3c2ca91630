"""Laws of `docker build`'s flags (docs/build.md; replays/36-39), for each builder a dialect picks.

Each law builds from the base image with a drawn Dockerfile and states what the
flag decides, in every dialect: the classic builder, BuildKit and buildah each
say what they do, and a dialect whose builder does not model a flag refuses it.
They join `spec.laws.LAWS`.
"""
from __future__ import annotations

from frozendict import frozendict
from hypothesis import strategies as st

from model import commands as cmd
from model import fs
from model.engine import step
from model.profile import DOCKER_20_10, Profile
from model.values import Status, World

from .fixtures import BASE_REF, base_world

# Steps of a Dockerfile: (instruction, makes a container in the classic builder)
STEPS = (("ENV a=1", True), ("LABEL k=v", True), ("WORKDIR /w", True), ("RUN touch /tmp/x", True),
         ("RUN true", True), ("COPY f /f", False), ("ARG A=d", True))


def _build(world: World, text: str, p: Profile, context: dict | None = None, **flags) -> object:
    files = {"Dockerfile": text.encode(), "f": b"f\n", **(context or {})}
    return step(world, cmd.Build(text, context=frozendict(files), tags=("law:1",), network="none", **flags), p)


def _new_containers(before: World, after: World):
    return [c for cid, c in after.containers.items() if cid not in before.containers]


def _refuses_flags(p: Profile) -> bool:
    return p.builder == "buildah"


def rm_flags_decide_which_step_containers_stay(world: World, steps: tuple[int, ...], fail: bool,
                                               p: Profile = DOCKER_20_10) -> None:
    """Classic: `--rm=false` keeps one container per step (RUN exited 0, #(nop) created), `--force-rm` none, the failed one stays unless forced; BuildKit none."""
    chosen = [STEPS[k] for k in steps]
    text = f"FROM {BASE_REF}\n" + "".join(ins + "\n" for ins, _ in chosen) + ("RUN false\n" if fail else "")
    for rm in (True, False):
        for force_rm in (False, True):
            r = _build(world, text, p, rm=rm, force_rm=force_rm, no_cache=True)
            new = _new_containers(world, r.world)
            if _refuses_flags(p) and (not rm or force_rm):
                assert r.error is not None and r.world == world, "a flag the builder does not model is refused"
                continue
            if p.builder != "classic":
                assert new == [], "BuildKit and buildah leave no step container"
                continue
            ran = sum(makes for _, makes in chosen)
            want = (0 if rm or force_rm else ran) + (1 if fail and not force_rm else 0)
            assert len(new) == want, (rm, force_rm, fail, len(new), want)
            for c in new:
                if c.config.cmd[-1] == "false":
                    assert c.status is Status.EXITED and c.exit_code == 1
                elif "#(nop) " in " ".join(c.config.cmd):
                    assert c.status is Status.CREATED and not c.started
                else:
                    assert c.status is Status.EXITED and c.exit_code == 0
            assert (r.exit == 0) == (not fail)


def _stages_text(parts: dict[str, str]) -> str:
    return "".join(parts.values())


# Three stages: `a`, `b` (independent of a, and failing when run), `c` (from a, copying from a).
STAGES = {
    "a": f"FROM {BASE_REF} AS a\nRUN echo a > /tmp/a\n",
    "b": f"FROM {BASE_REF} AS b\nRUN echo b > /tmp/b; exit 5\n",
    "c": "FROM a AS c\nCOPY --from=a /tmp/a /copied\nRUN echo c > /tmp/c\n",
}
NEEDS = {"a": ("a",), "b": ("b",), "c": ("a", "c")}


def _builders(p: Profile) -> tuple[str, ...]:
    """The builders a dialect's `docker build` may use: Docker's CLI picks classic or BuildKit by
    `DOCKER_BUILDKIT`; podman has buildah only."""
    return (p.builder,) if p.builder == "buildah" else ("classic", "buildkit")


def target_builds_the_stages_it_needs(world: World, target: str, p: Profile = DOCKER_20_10) -> None:
    """`--target S` equals building alone the stages S needs (BuildKit: S and what it reads; classic: every stage up to S)."""
    full = _stages_text(STAGES)
    for builder in _builders(p):
        r = _build(world, full, p, target=target, builder=builder)
        if builder == "buildah":
            assert r.error is not None and r.world == world
            return
        order = list(STAGES)
        keep = NEEDS[target] if builder == "buildkit" else order[: order.index(target) + 1]
        alone = _build(world, "".join(STAGES[s] for s in keep), p, builder=builder)
        assert (r.exit, r.stdout.count("Step ") > 0) == (alone.exit, alone.stdout.count("Step ") > 0), builder
        assert r.world.tags == alone.world.tags and r.world.images.keys() == alone.world.images.keys(), builder
        assert len(r.world.containers) == len(alone.world.containers), builder
        assert (r.error is None) == ("b" not in keep), (builder, target, r.stderr)
        if r.error is None:
            view = r.world.image_view(r.world.images[r.world.tags["law:1"]])
            assert f"/tmp/{target}" in view
            if target == "c":
                assert view["/copied"].data == b"a\n"


def build_arg_reaches_run_and_unused_ones_are_named(world: World, value: str, extra: bool,
                                                    p: Profile = DOCKER_20_10) -> None:
    """A RUN sees an ARG's `--build-arg` value, else its default; an undeclared build-arg is only warned about."""
    text = f"FROM {BASE_REF}\nARG A=d\nRUN echo \"[$A]\" > /tmp/a\n"
    args = (("A", value),) + ((("ZED", "1"),) if extra else ())
    r = _build(world, text, p, build_args=args)
    if _refuses_flags(p):
        assert r.error is not None and r.world == world
        return
    assert r.error is None, r.stderr
    img = r.world.images[r.world.tags["law:1"]]
    assert r.world.image_view(img)["/tmp/a"].data == f"[{value}]\n".encode()
    if p.builder == "classic":
        assert ("One or more build-args [ZED] were not consumed" in r.stdout) == extra
        assert img.history[-1].created_by.startswith(f"|1 A={value} ")
    plain = _build(world, text, p)
    assert plain.world.image_view(plain.world.images[plain.world.tags["law:1"]])["/tmp/a"].data == b"[d]\n"
    if p.builder != "buildah":  # BuildKit's ARG row: the default as written, or (28.5) the value the build gave
        bk = _build(world, text, p, build_args=args, builder="buildkit")
        rows = [h.created_by for h in bk.world.images[bk.world.tags["law:1"]].history]
        assert ("ARG A=" + (value if p.buildkit_arg_row_value else "d")) in rows, rows
        assert rows[-1].startswith(f"RUN |1 A={value} "), rows
    if p.builder == "classic":
        assert "were not consumed" not in plain.stdout


IGNORED = {"a.log": b"a", "keep.log": b"k", "logs/x": b"x", "src/t.o": b"t", "src/m.c": b"m", "ok.txt": b"o"}
PATTERNS = ("*.log", "!keep.log", "logs", "**/*.o", "src", "!src/m.c")


def dockerignore_leaves_excluded_files_out(world: World, patterns: tuple[str, ...], p: Profile = DOCKER_20_10) -> None:
    """`COPY .` copies exactly the files `.dockerignore` keeps (the last matching pattern wins), Dockerfile and .dockerignore always."""
    from model.dockerignore import Matcher

    ignore = "".join(x + "\n" for x in patterns).encode()
    text = f"FROM {BASE_REF}\nCOPY . /ctx\n"
    r = _build(world, text, p, context={".dockerignore": ignore, **IGNORED})
    assert r.error is None, r.stderr
    view = r.world.image_view(r.world.images[r.world.tags["law:1"]])
    copied = {path.removeprefix("/ctx/") for path, e in view.items()
              if path.startswith("/ctx/") and e.kind is fs.Kind.FILE}
    m = Matcher.parse(ignore.decode())
    # the law's own reading of the rules: the last pattern matching the path or a parent directory decides
    def excluded(path: str) -> bool:
        verdict = False
        for pat in patterns:
            neg = pat.startswith("!")
            body = pat[1:] if neg else pat
            parts = path.split("/")
            hit = any(_glob(body, "/".join(parts[:k])) for k in range(1, len(parts) + 1))
            if hit:
                verdict = not neg
        return verdict
    want = {"Dockerfile", ".dockerignore", "f"} | {f for f in IGNORED if not excluded(f)}
    want = {w for w in want if not (w == "f" and excluded("f"))}
    assert copied == want, (patterns, sorted(copied), sorted(want))
    assert all(m.excluded(f) == excluded(f) for f in IGNORED)


def _glob(pattern: str, path: str) -> bool:
    """`**` any run of characters, `*` any run without `/` (fnmatch per path segment)."""
    import fnmatch
    import re

    if "**" in pattern:
        rx = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*")
        return re.fullmatch(rx, path) is not None
    a, b = pattern.split("/"), path.split("/")
    return len(a) == len(b) and all(fnmatch.fnmatchcase(y, x) for x, y in zip(a, b))


def a_run_steps_layer_holds_what_it_changed(world: World, twice: bool, p: Profile = DOCKER_20_10) -> None:
    """A RUN step's layer holds what the step changed, and buildah's what its mounts leave (/etc/hostname where the image lacks it, /run always: `build_run_mount_points`); built again on the same image by another name, that layer may be shared (Podman: the same second) but is otherwise the same changes."""
    from model.result import outcomes

    text = "FROM {}\nRUN true\n"
    r = step(world, cmd.Build(text.format(BASE_REF), context=frozendict({"Dockerfile": text.format(BASE_REF).encode()}),
                              tags=("law:1",), network="none"), p)
    assert r.error is None and not r.alternatives  # nothing to share yet
    new = [l for k, l in r.world.layers.items() if k not in world.layers]
    assert [set(l.changes) for l in new] == ([{"/etc", "/etc/hostname", "/run"}] if p.build_run_mount_points else [])
    if p.build_run_mount_points:  # on an image that has them, /run alone
        text2 = "FROM law:1\nRUN true\n"
        on = step(r.world, cmd.Build(text2, context=frozendict({"Dockerfile": text2.encode()}), tags=("law:3",),
                                     network="none"), p)
        assert set(on.world.layers[on.world.images[on.world.tags["law:3"]].layers[-1]].changes) == {"/run"}
    if not twice:
        return
    tagged = step(r.world, cmd.Tag(BASE_REF, "law:base"), p).world
    again = step(tagged, cmd.Build(text.format("law:base"), context=frozendict({"Dockerfile": text.format("law:base").encode()}),
                                   tags=("law:2",), network="none"), p)
    if again.world.tags["law:2"] == again.world.tags["law:1"]:
        return  # the builder's cache took the first build's step (podman 4.3 names `FROM base:1` in both)
    tops = {o.world.images[o.world.tags["law:2"]].layers[-1] == o.world.images[o.world.tags["law:1"]].layers[-1]
            for o in outcomes(again)}
    assert tops == ({False, True} if p.build_run_mount_points else {True}), tops


_WORLD = st.builds(base_world)

LAWS = {
    "rm_flags_decide_which_step_containers_stay": (
        rm_flags_decide_which_step_containers_stay,
        lambda p: (_WORLD, st.lists(st.integers(0, len(STEPS) - 1), max_size=4).map(tuple), st.booleans())),
    "target_builds_the_stages_it_needs": (target_builds_the_stages_it_needs,
                                          lambda p: (_WORLD, st.sampled_from(sorted(STAGES)))),
    "build_arg_reaches_run_and_unused_ones_are_named": (
        build_arg_reaches_run_and_unused_ones_are_named,
        lambda p: (_WORLD, st.sampled_from(("d", "x", "")), st.booleans())),
    "a_run_steps_layer_holds_what_it_changed": (a_run_steps_layer_holds_what_it_changed,
                                                lambda p: (_WORLD, st.booleans())),
    "dockerignore_leaves_excluded_files_out": (
        dockerignore_leaves_excluded_files_out,
        lambda p: (_WORLD, st.lists(st.sampled_from(PATTERNS), max_size=4).map(tuple))),
}

__all__ = ["LAWS", "rm_flags_decide_which_step_containers_stay", "target_builds_the_stages_it_needs",
           "build_arg_reaches_run_and_unused_ones_are_named", "dockerignore_leaves_excluded_files_out"]
