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
  (replays/17-build-fail.sh:10).

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


def history_row(ins: legacy.Instruction, legacy_row: History) -> History:
    """The legacy builder's history row of `ins`, as BuildKit writes it."""
    if ins.keyword == "RUN":
        created_by = "RUN " + " ".join(legacy._command_line(ins.rest)) + " # buildkit"
    elif ins.keyword == "COPY":
        created_by = "COPY " + ins.rest + " # buildkit"
    else:
        created_by = legacy_row.created_by.removeprefix(_NOP).lstrip(" ")
    return replace(legacy_row, created_by=created_by, comment=COMMENT)


def _progress(instructions, tags) -> str:
    """BuildKit's plain progress on stderr, in outline (stderr is not compared)."""
    lines = ['#0 building with "default" instance using docker driver']
    steps = [i for i in instructions if i.keyword in ("FROM", "RUN", "COPY", "WORKDIR")]
    for k, ins in enumerate(steps, 1):
        lines.append(f"#{k} [{k}/{len(steps)}] {ins.original}")
    lines.append(f"#{len(steps) + 1} exporting to image")
    lines.extend(f"#{len(steps) + 1} naming to docker.io/library/{t} done" for t in tags)
    return "\n".join(lines) + "\n"


def build(world: World, c: cmd.Build, p: Profile) -> Result:
    """`docker build` with BuildKit: one image, no parent, BuildKit's history; nothing left on failure."""
    tags = []
    for text in c.tags:
        try:
            tags.append(refs.parse(text))
        except refs.InvalidReference as e:
            why = str(e).removeprefix("invalid reference format: ")
            return refused(world, p.error("buildkit_invalid_tag", ref=text, detail=why), exit=1)
    b = legacy._Builder(world, replace(c, no_cache=True, quiet=False), p)
    ins = None
    try:
        instructions = legacy.parse_dockerfile(c.dockerfile)
        legacy._validate(instructions, p)
        steps = {"FROM": b.from_, "RUN": b.run, "COPY": b.copy, "ENV": b.env, "LABEL": b.label,
                 "CMD": b.cmd, "ENTRYPOINT": b.entrypoint, "WORKDIR": b.workdir}
        for ins in instructions:
            steps[ins.keyword](ins)
    except legacy._Unsupported as e:
        where = e.instruction
        error = p.error("build_unsupported", line=where.line if where else 1,
                        instruction=where.original if where else "", detail=e.detail)
        return refused(world, error, exit=1)
    except legacy._Stop as e:
        error = e.error
        if error.kind is ErrorKind.BUILD_FAILED and ins is not None:
            error = p.error("buildkit_run_failed", cmd=" ".join(legacy._command_line(ins.rest)), code=e.exit)
        return refused(world, error, exit=1)
    last: Image = b.image
    ours = len(instructions) - 1  # one history row per instruction after FROM
    base_rows, rows = last.history[: len(last.history) - ours], last.history[len(last.history) - ours:]
    history = base_rows + tuple(history_row(i, h) for i, h in zip(instructions[1:], rows))
    timeless = tuple(replace(h, created=0) for h in history)
    # The graph-driver store gives a fully cached rebuild the image it gave before; the containerd
    # store a new one (replays/16-build.sh:13), as if the build's time were part of the image.
    iid = image_id(last.config, last.layers, timeless, "", 0 if p.buildkit_rebuild_same_image else b.world.clock)
    out = replace(world, clock=b.world.clock)
    if iid not in out.images:
        image = Image(iid, last.layers, last.config, history, "", b.world.clock)
        new_layers = tuple(b.world.layers[l] for l in last.layers if l not in world.layers)
        out = out.put_image(image, new_layers)
    for ref in tags:
        out = move_tag(out, ref, iid, keep_replaced=p.buildkit_keeps_replaced_image)
    if c.quiet:
        return Result(out, iid + "\n")
    return Result(out, "", _progress(instructions, tags))
