"""Commands: one immutable value per docker verb, carrying the flags the model honours.

A command says what the user typed, already parsed (`dockspec.argv` turns a
docker command line into one of these).  Files a command reads (`import`,
`load`, `build`) are carried as bytes, and files it writes (`save`, `export`)
come back in the result as bytes: the model itself never touches a disk.
"""
from __future__ import annotations

from dataclasses import dataclass

from frozendict import frozendict


@dataclass(frozen=True, slots=True)
class Create:
    image: str
    cmd: tuple[str, ...] | None = None
    name: str | None = None
    entrypoint: tuple[str, ...] | None = None
    env: tuple[str, ...] = ()
    labels: frozendict = frozendict()
    workdir: str | None = None
    auto_remove: bool = False  # --rm
    network: str = "none"
    pull: str = "missing"  # --pull: with "never" a missing image is plainly "No such image"
    init: bool = False  # --init: docker-init (tini) is PID 1 and the command its child
    stop_timeout: int | None = None  # --stop-timeout: seconds `stop` waits before SIGKILL (default 10)


@dataclass(frozen=True, slots=True)
class Run:
    create: Create
    detach: bool = False


@dataclass(frozen=True, slots=True)
class Start:
    containers: tuple[str, ...]
    attach: bool = False  # -a: print the process's output and exit with its code


@dataclass(frozen=True, slots=True)
class Stop:
    containers: tuple[str, ...]
    timeout: int | None = None


@dataclass(frozen=True, slots=True)
class Restart:
    containers: tuple[str, ...]
    timeout: int | None = None


@dataclass(frozen=True, slots=True)
class Kill:
    containers: tuple[str, ...]
    signal: str = "KILL"


@dataclass(frozen=True, slots=True)
class Pause:
    containers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unpause:
    containers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Rm:
    containers: tuple[str, ...]
    force: bool = False


@dataclass(frozen=True, slots=True)
class Rename:
    container: str
    new_name: str


@dataclass(frozen=True, slots=True)
class Exec:
    container: str
    argv: tuple[str, ...]
    detach: bool = False
    workdir: str | None = None
    env: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Wait:
    containers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Logs:
    container: str


@dataclass(frozen=True, slots=True)
class Diff:
    container: str


@dataclass(frozen=True, slots=True)
class Export:
    container: str
    output: str | None = None  # -o FILE; None means stdout


@dataclass(frozen=True, slots=True)
class Cp:
    """`docker cp`: host -> container (`into`) or container -> host.

    `path` is the container's side as typed after `CONTAINER:`, `host_path` the
    host's side as typed.  `host` is what the host has at `host_path` (the
    parser reads it: the script's folder, or what earlier lines wrote there):
    relative path -> `model.fs.Entry`, "" for `host_path` itself, "a/b" for
    what lies beneath a directory; empty when nothing is there.  For a copy
    out, `host_parent` says whether the folder `host_path` would go in exists.
    """

    container: str
    path: str
    host_path: str
    into: bool
    host: frozendict = frozendict()
    host_parent: bool = True


@dataclass(frozen=True, slots=True)
class Commit:
    container: str
    ref: str | None = None
    message: str = ""
    author: str = ""
    pause: bool = True


@dataclass(frozen=True, slots=True)
class Ps:
    all: bool = False
    quiet: bool = False
    no_trunc: bool = False
    filters: tuple[tuple[str, str], ...] = ()
    format: str | None = None
    last: int | None = None  # -n / -l
    size: bool = False  # -s: add the SIZE column (read-write layer, and virtual with the image)


@dataclass(frozen=True, slots=True)
class Images:
    all: bool = False
    quiet: bool = False
    no_trunc: bool = False
    filters: tuple[tuple[str, str], ...] = ()
    format: str | None = None
    repository: str | None = None  # `docker images REPO[:TAG]`


@dataclass(frozen=True, slots=True)
class ContainerPrune:
    force: bool = False  # -f: without it the CLI asks, and a script's answer is "N"
    filters: tuple[tuple[str, str], ...] = ()  # label=, label!=, until=


@dataclass(frozen=True, slots=True)
class ImagePrune:
    all: bool = False  # -a: every image no container uses, not only dangling ones
    force: bool = False
    filters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SystemPrune:
    all: bool = False
    force: bool = False
    filters: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Rmi:
    images: tuple[str, ...]
    force: bool = False
    no_prune: bool = False


@dataclass(frozen=True, slots=True)
class Tag:
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class History:
    image: str
    no_trunc: bool = False
    quiet: bool = False
    format: str | None = None


@dataclass(frozen=True, slots=True)
class Inspect:
    targets: tuple[str, ...]
    format: str | None = None
    type: str | None = None  # "container" | "image" | None (either)


@dataclass(frozen=True, slots=True)
class Import:
    data: bytes
    ref: str | None = None
    source: str = "-"  # what "Imported from" names
    message: str = ""
    changes: tuple[str, ...] = ()  # -c: Dockerfile instructions for the config (LABEL only)


@dataclass(frozen=True, slots=True)
class Save:
    images: tuple[str, ...]
    output: str | None = None


@dataclass(frozen=True, slots=True)
class Load:
    data: bytes
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Build:
    dockerfile: str  # the Dockerfile's text
    context: frozendict = frozendict()  # relative path -> bytes (files of the build context)
    tags: tuple[str, ...] = ()
    no_cache: bool = False
    quiet: bool = False
    dockerfile_name: str = "Dockerfile"
    network: str = "none"
    # st_mode of context entries (directories keyed "path/"); missing ones count
    # as 0644 files and 0755 directories.  COPY's cache hash covers them.
    modes: frozendict = frozendict()
    # "classic" or "buildkit" (`DOCKER_BUILDKIT=0|1` on the line); None: the dialect's `builder`.
    builder: str | None = None
    # --rm (default true): remove a step's container after the step succeeded; --force-rm: always.
    rm: bool = True
    force_rm: bool = False
    # --build-arg K=V, in the order given (a later K wins); --target STAGE.
    build_args: tuple[tuple[str, str], ...] = ()
    target: str | None = None
