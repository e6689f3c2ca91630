"""Buildah, the builder of `podman build`, as docs/dialects/podman.md measured it.

Theory of operation
-------------------
Buildah runs the same steps as the legacy builder (model/build.py: the same file
systems, configurations, layers and intermediate images, which `images -a` lists
untagged), with its own choices where replays/16, 17, 21 and 22 showed them:

* a step that fails (a RUN exiting non-zero) leaves no container (replays/
  17-build-fail.sh:5, :8); the images of the steps before it stay, untagged, as
  the legacy builder's do (17:4, :7: `--> bc85db3d752`, the `RUN touch /ok` step);
  the exit status is the failing command's, as the legacy builder's;
* a RUN the runtime cannot start (no /bin/sh) is a failed step too, kind build_failed,
  exit 1 (replays/44-podman-prune-build.sh:4); the legacy builder says exec_not_found;
* its output, `STEP 1/2: FROM base:1 ... COMMIT ... --> <id>`, and its history
  rows (`FROM base:1` in the comment, sizes of tar archives) are not modelled:
  the legacy builder's stand in, and the replays' ledger lists those lines;
* the build flags replays/36-39 measured on Docker (`--rm=false`, `--force-rm`,
  `--build-arg`, `--target`) have not been seen on Podman: a build that uses one
  is refused (exit 125, naming the flag), never guessed.
"""
from __future__ import annotations

from dataclasses import replace

from .. import commands as cmd
from ..errors import EngineError, ErrorKind
from ..profile import Profile
from ..result import Result, refused
from ..values import World


def unmodelled_flag(c: cmd.Build) -> str | None:
    """The first build flag this builder does not model, as typed, or None."""
    if not c.rm:
        return "--rm=false"
    if c.force_rm:
        return "--force-rm"
    if c.build_args:
        return "--build-arg"
    if c.target is not None:
        return "--target"
    return None


def build(world: World, c: cmd.Build, p: Profile) -> Result:
    """`podman build`: the legacy builder's steps; on failure, without the failed step's container."""
    from .. import build as legacy

    flag = unmodelled_flag(c)
    if flag is not None:
        return refused(world, p.error("build_flag_unsupported", flag=flag, builder="buildah"), exit=125)

    r = legacy.build(world, c, p)
    if r.error is None:
        return r
    # a failed build's other outcomes (an earlier RUN step's layer shared) are not offered: the containers
    # below are dropped from the documented one only
    r = replace(r, alternatives=())
    out = r.world
    for cid in set(out.containers) - set(world.containers):
        out = out.drop_container(cid)
    if r.error.kind is ErrorKind.EXEC_NOT_FOUND:
        # a RUN the runtime cannot start is a failed step to buildah, status 1 (replays/44-podman-prune-build.sh:4)
        error = EngineError(ErrorKind.BUILD_FAILED, f"error running container: {r.error.message}: exit status 1")
        return replace(r, world=out, error=error, exit=1, stderr=r.stderr.replace(r.error.message, error.message))
    return replace(r, world=out)
