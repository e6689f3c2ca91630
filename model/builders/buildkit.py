"""BuildKit, the default builder of the Docker 23+ clients, as docs/dialects/docker-modern.md measured it.

Theory of operation
-------------------
BuildKit runs the same steps as the legacy builder (model/build.py: the same
file systems, configurations and layers), so this builder lets the legacy one
do the steps, on a private copy of the world and without its cache (BuildKit
never reuses the legacy builder's intermediate images), and keeps only what
BuildKit leaves (docs/dialects/docker-modern.md, replays/16, 17, 18, 21, 22):

* one image, the last step's: no intermediate images (`images -a` lists only
  the tagged one), no parent (`.Parent` is empty, so `history` shows the image's
  id on the top row and `<missing>` on every row below, the base's included);
* its history rows, one per instruction as before, say the instruction:
  `RUN /bin/sh -c <line> # buildkit`, `COPY <src> <dst> # buildkit`, and
  `ENV a=b`, `LABEL k=v`, `WORKDIR /d`, `ENTRYPOINT ["a" "b"]`, `CMD [...]`
  as the legacy builder words them after `#(nop) `; every row's COMMENT is
  `buildkit.dockerfile.v0`; the rows below (the base's) are unchanged;
* the image id does not depend on when it was built, so building the same
  Dockerfile on the same base again gives the same image (overlay2 store:
  replays/16-build.sh:13, `b:2` is `b:1`); on the containerd store it does
  (policy `buildkit_rebuild_same_image`): every build makes a new image;
* no containers left, whatever happens;
* nothing on stdout (the progress goes to stderr; `-q` prints the id);
* a RUN that exits non-zero fails the build with exit status 1 and
  `ERROR: failed to solve: process "<argv>" did not complete successfully:
  exit code: N`, leaving nothing behind (replays/17-build-fail.sh:3, :6);
* a tag that is not a valid reference: exit 1, `ERROR: invalid tag "<t>": <why>`
  (replays/17-build-fail.sh:10);
* the build flags (docs/build.md): `--rm=false` and `--force-rm` change nothing
  (no step leaves a container); `--no-cache` gives a new image id; a RUN's row
  names the stage's ARGs in declaration order, unset ones too, `RUN |2 A=x B=
  /bin/sh -c ...`; `COPY --from=s a b`'s row is `COPY a b`; only the stages the
  target needs run, and only the target's image is left.

Not measured, so kept as the legacy builder does them but with nothing left
behind and exit 1: the other failures (a COPY source missing, a RUN command not
found, an unknown instruction).
"""
from __future__ import annotations

from dataclasses import replace

from .. import build as legacy
from .. import commands as cmd
from .. import refs
from ..errors import ErrorKind
from ..images import image_id, move_tag
from ..profile import Profile
from ..result import Result, refused
from ..values import History, Image, World

COMMENT = "buildkit.dockerfile.v0"
_NOP = " ".join(legacy.SHELL) + " #(nop) "


def history_row(ins: legacy.Instruction, legacy_row: History, args: tuple[tuple[str, str | None], ...] = (),
                value_rows: bool = False) -> History:
    """The legacy builder's history row of `ins`, as BuildKit writes it; `args`: the stage's ARGs as the RUN saw
    them, in declaration order, each `K=V` (an unset one `K=`)."""
    if ins.keyword == "RUN":
        words = [f"{k}={'' if v is None else v}" for k, v in args]
        prefix = f"|{len(words)} " + " ".join(words) + " " if words else ""
        created_by = "RUN " + prefix + " ".join(legacy._command_line(ins.rest)) + " # buildkit"
    elif ins.keyword == "ARG" and value_rows:
        # 28.5's BuildKit writes the value the build gave the arg (`--build-arg` or default), `ARG K` when unset
        key = legacy._words(ins.rest)[0].partition("=")[0]
        value = dict(args).get(key)
        created_by = "ARG " + key + ("" if value is None else "=" + value)
    elif ins.keyword == "COPY":
        created_by = "COPY " + legacy._flags(ins)[1] + " # buildkit"  # `--from=` is not in the row
    else:
        created_by = legacy_row.created_by.removeprefix(_NOP).lstrip(" ")
    return replace(legacy_row, created_by=created_by, comment=COMMENT)


def _progress(stages, tags) -> str:
    """BuildKit's plain progress on stderr, in outline (stderr is not compared)."""
    lines = ['#0 building with "default" instance using docker driver']
    steps = [i for s in stages for i in (s.from_,) + s.body if i.keyword in ("FROM", "RUN", "COPY", "WORKDIR")]
    for k, ins in enumerate(steps, 1):
        lines.append(f"#{k} [{k}/{len(steps)}] {ins.original}")
    lines.append(f"#{len(steps) + 1} exporting to image")
    lines.extend(f"#{len(steps) + 1} naming to docker.io/library/{t} done" for t in tags)
    return "\n".join(lines) + "\n"


def build(world: World, c: cmd.Build, p: Profile) -> Result:
    """`docker build` with BuildKit: one image, no parent, BuildKit's history; nothing left on failure.

    Only the stages the target needs run (`legacy.needed`); `--rm` and `--force-rm` change nothing,
    as no step leaves a container anyway (replays/36-build-rm.sh)."""
    tags = []
    for text in c.tags:
        try:
            tags.append(refs.parse(text))
        except refs.InvalidReference as e:
            why = str(e).removeprefix("invalid reference format: ")
            return refused(world, p.error("buildkit_invalid_tag", ref=text, detail=why), exit=1)
    ins = None
    try:
        b = legacy._Builder(world, replace(c, no_cache=True, quiet=False, rm=True, force_rm=False), p)
        instructions = legacy.parse_dockerfile(c.dockerfile)
        legacy._validate(instructions, p)
        meta, run = legacy.plan(instructions, c.target, p, only_needed=True)
        steps = legacy.steps_of(b)

        def step(i):
            nonlocal ins
            ins = i
            steps[i.keyword](i)
        legacy.dispatch(b, meta, run, {k: step for k in steps})
    except legacy._Unsupported as e:
        where = e.instruction
        error = p.error("build_unsupported", line=where.line if where else 1,
                        instruction=where.original if where else "", detail=e.detail)
        return refused(world, error, exit=1)
    except legacy._Stop as e:
        error = e.error
        if error.kind is ErrorKind.BUILD_FAILED and ins is not None:
            error = p.error("buildkit_run_failed", cmd=" ".join(legacy._command_line(ins.rest)), code=e.exit)
        elif error.kind is ErrorKind.EXEC_NOT_FOUND and ins is not None:
            # a RUN whose command (or /bin/sh) the image lacks: runc's refusal is the step's failure, exit
            # code 1 (replays/61-build-no-shell.sh:14, :16 on 26.1 and 28.5, both stores)
            error = p.error("buildkit_run_failed", cmd=" ".join(legacy._command_line(ins.rest)), code=1)
        return refused(world, error, exit=1)
    last: Image = b.image
    ours = len(b.trail)  # one history row per instruction of the stages since the base image
    base_rows, rows = last.history[: len(last.history) - ours], last.history[len(last.history) - ours:]
    history = base_rows + tuple(history_row(i, h, seen, p.buildkit_arg_row_value) for (i, seen), h in zip(b.trail, rows))
    timeless = tuple(replace(h, created=0) for h in history)
    # The graph-driver store gives a fully cached rebuild the image it gave before; the containerd
    # store a new one (replays/16-build.sh:13), as if the build's time were part of the image; so
    # does --no-cache on either store (replays/37-build-args.sh), every step being run again.
    # A RUN's cache key holds the args it sees as set (an unset ARG is not `K=`, whatever the row says:
    # replays/37-build-args.sh:10), so a build that sets one differently is run again: another image.
    runs = tuple((i.original, tuple((k, v) for k, v in seen if v is not None))
                 for i, seen in b.trail if i.keyword == "RUN" and any(v is not None for _, v in seen))
    same = p.buildkit_rebuild_same_image and not c.no_cache
    stamp = (0 if not runs else ["args", runs]) if same else b.world.clock
    iid = image_id(last.config, last.layers, timeless, "", stamp)
    out = replace(world, clock=b.world.clock)
    if iid not in out.images:
        image = Image(iid, last.layers, last.config, history, "", b.world.clock)
        new_layers = tuple(b.world.layers[l] for l in last.layers if l not in world.layers)
        out = out.put_image(image, new_layers)
    for ref in tags:
        out = move_tag(out, ref, iid, keep_replaced=p.buildkit_keeps_replaced_image, order=p.tag_order)
    if c.quiet:
        return Result(out, iid + "\n")
    return Result(out, "", _progress(run, tags))
