"""Docker command lines -> model commands.

`parse(words, files)` reads one docker command line (already split like a
shell splits it, `docker` first) into a command value of `model.commands`.
Flags are declared per verb in `VERBS`, the way the docker CLI declares them
(short and long names, booleans, repeatable values); combined short booleans
(`-aq`, `-it`) and `--flag=value` work as in docker.  Files that a command
reads (`import`, `load -i`, `build`) come through `files`, so the parser
stays pure and the caller decides where files live.

Errors are `UsageError`s worded as the docker CLI words them, with the exit
status docker uses (125 for flag errors, 1 for a wrong number of arguments).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Protocol

from frozendict import frozendict

from model import commands as cmd


class UsageError(ValueError):
    """A command line docker itself would reject before talking to the engine.

    `kind` is the error kind reported for it: "usage" for a malformed line,
    "no_such_file" when a file the command reads is missing.
    """

    def __init__(self, message: str, exit: int = 125, kind: str = "usage"):
        super().__init__(message)
        self.exit = exit
        self.kind = kind


class Files(Protocol):
    def read(self, path: str) -> bytes: ...
    def tree(self, path: str) -> dict[str, bytes]: ...
    # `docker cp`: what the host has at a path (relative path -> model.fs.Entry, "" the path itself)
    def entries(self, path: str) -> dict: ...


@dataclass(frozen=True)
class Flag:
    names: tuple[str, ...]  # "-a", "--all"
    dest: str
    kind: str = "bool"  # bool | value | list | int
    default: object = None


def F(*names: str, dest: str | None = None, kind: str = "bool", default: object = None) -> Flag:
    long = [n for n in names if n.startswith("--")]
    d = dest or (long[0][2:] if long else names[0][1:]).replace("-", "_")
    if default is None:
        default = {"bool": False, "list": ()}.get(kind)
    return Flag(names, d, kind, default)


RUN_FLAGS = (
    F("--rm"), F("--name", kind="value"), F("--network", "--net", kind="value", default="default"),
    F("-e", "--env", kind="list"), F("-l", "--label", kind="list"), F("-w", "--workdir", kind="value"),
    F("--entrypoint", kind="value"), F("-i", "--interactive"), F("-t", "--tty"), F("--init"),
    F("--pull", kind="value"), F("--stop-timeout", kind="int"),
)


@dataclass(frozen=True)
class Verb:
    flags: tuple[Flag, ...]
    usage: str
    min_args: int = 0
    max_args: int | None = None
    exact: bool = False
    interspersed: bool = True  # flags after the first positional (run/exec stop at the image)


VERBS: dict[str, Verb] = {
    "create": Verb(RUN_FLAGS, "docker create [OPTIONS] IMAGE [COMMAND] [ARG...]", 1, interspersed=False),
    "run": Verb(RUN_FLAGS + (F("-d", "--detach"),), "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]", 1, interspersed=False),
    "start": Verb((F("-a", "--attach"), F("-i", "--interactive")), "docker start [OPTIONS] CONTAINER [CONTAINER...]", 1),
    "stop": Verb((F("-t", "--time", kind="int"),), "docker stop [OPTIONS] CONTAINER [CONTAINER...]", 1),
    "restart": Verb((F("-t", "--time", kind="int"),), "docker restart [OPTIONS] CONTAINER [CONTAINER...]", 1),
    "kill": Verb((F("-s", "--signal", kind="value", default="KILL"),), "docker kill [OPTIONS] CONTAINER [CONTAINER...]", 1),
    "pause": Verb((), "docker pause CONTAINER [CONTAINER...]", 1),
    "unpause": Verb((), "docker unpause CONTAINER [CONTAINER...]", 1),
    "rm": Verb((F("-f", "--force"), F("-v", "--volumes"), F("-l", "--link")), "docker rm [OPTIONS] CONTAINER [CONTAINER...]", 1),
    "rmi": Verb((F("-f", "--force"), F("--no-prune")), "docker rmi [OPTIONS] IMAGE [IMAGE...]", 1),
    "exec": Verb((F("-d", "--detach"), F("-i", "--interactive"), F("-t", "--tty"), F("-w", "--workdir", kind="value"),
                  F("-e", "--env", kind="list")), "docker exec [OPTIONS] CONTAINER COMMAND [ARG...]", 2, interspersed=False),
    "wait": Verb((), "docker wait CONTAINER [CONTAINER...]", 1),
    "rename": Verb((), "docker rename CONTAINER NEW_NAME", 2, 2, exact=True),
    "container prune": Verb((F("-f", "--force"), F("--filter", kind="list")), "docker container prune [OPTIONS]", 0, 0),
    "image prune": Verb((F("-a", "--all"), F("-f", "--force"), F("--filter", kind="list")), "docker image prune [OPTIONS]", 0, 0),
    "system prune": Verb((F("-a", "--all"), F("-f", "--force"), F("--filter", kind="list"), F("--volumes")),
                         "docker system prune [OPTIONS]", 0, 0),
    "diff": Verb((), "docker diff CONTAINER", 1, 1, exact=True),
    "logs": Verb((), "docker logs [OPTIONS] CONTAINER", 1, 1, exact=True),
    "export": Verb((F("-o", "--output", kind="value"),), "docker export [OPTIONS] CONTAINER", 1, 1, exact=True),
    "commit": Verb((F("-m", "--message", kind="value", default=""), F("-a", "--author", kind="value", default=""),
                    F("-p", "--pause", default=True)), "docker commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]", 1, 2),
    "ps": Verb((F("-a", "--all"), F("-q", "--quiet"), F("--no-trunc"), F("-f", "--filter", kind="list"),
                F("--format", kind="value"), F("-n", "--last", kind="int"), F("-l", "--latest"), F("-s", "--size")),
               "docker ps [OPTIONS]", 0, 0),
    "images": Verb((F("-a", "--all"), F("-q", "--quiet"), F("--no-trunc"), F("-f", "--filter", kind="list"),
                    F("--format", kind="value"), F("--digests")), "docker images [OPTIONS] [REPOSITORY[:TAG]]", 0, 1),
    "history": Verb((F("--no-trunc"), F("-q", "--quiet"), F("--format", kind="value"), F("-H", "--human", default=True)),
                    "docker history [OPTIONS] IMAGE", 1, 1, exact=True),
    "inspect": Verb((F("-f", "--format", kind="value"), F("--type", kind="value"), F("-s", "--size")),
                    "docker inspect [OPTIONS] NAME|ID [NAME|ID...]", 1),
    "tag": Verb((), "docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]", 2, 2, exact=True),
    "save": Verb((F("-o", "--output", kind="value"),), "docker save [OPTIONS] IMAGE [IMAGE...]", 1),
    "load": Verb((F("-i", "--input", kind="value"), F("-q", "--quiet")), "docker load [OPTIONS]", 0, 0),
    "import": Verb((F("-m", "--message", kind="value", default=""), F("-c", "--change", kind="list"), F("--platform", kind="value")),
                   "docker import [OPTIONS] file|URL|- [REPOSITORY[:TAG]]", 1, 2),
    "cp": Verb((F("-a", "--archive"), F("-L", "--follow-link")),
               "docker cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH", 2, 2, exact=True),
    "build": Verb((F("-t", "--tag", kind="list"), F("-f", "--file", kind="value"), F("--no-cache"), F("-q", "--quiet"),
                   F("--network", kind="value", default="default"), F("--rm", default=True), F("--force-rm"),
                   F("--build-arg", kind="list"), F("--target", kind="value")),
                  "docker build [OPTIONS] PATH | URL | -", 1, 1, exact=True),
}
ALIASES = {"container": None, "image": None, "system": None}
SUBCOMMANDS = {("container", "ls"): "ps", ("container", "list"): "ps", ("image", "ls"): "images", ("image", "list"): "images",
               ("image", "rm"): "rmi", ("container", "rm"): "rm", ("image", "history"): "history",
               ("image", "tag"): "tag", ("image", "save"): "save", ("image", "load"): "load", ("image", "import"): "import",
               ("image", "build"): "build", ("image", "inspect"): "inspect", ("container", "inspect"): "inspect",
               ("container", "rename"): "rename", ("container", "prune"): "container prune",
               ("image", "prune"): "image prune", ("system", "prune"): "system prune",
               ("container", "cp"): "cp"}


def _bool_value(text: str, flag: str) -> bool:
    if text.lower() in ("true", "1", "t"):
        return True
    if text.lower() in ("false", "0", "f"):
        return False
    raise UsageError(f'invalid argument "{text}" for "{flag}" flag: strconv.ParseBool: parsing "{text}": invalid syntax')


def parse_flags(verb: str, spec: Verb, words: list[str]) -> tuple[dict, list[str]]:
    by_name = {n: f for f in spec.flags for n in f.names}
    values = {f.dest: f.default for f in spec.flags}
    positional: list[str] = []
    i = 0
    see = f"See 'docker {verb} --help'."

    def take(f: Flag, name: str, inline: str | None) -> None:
        nonlocal i
        if f.kind == "bool":
            values[f.dest] = True if inline is None else _bool_value(inline, name)
            return
        if inline is None:
            i += 1
            if i >= len(words):
                raise UsageError(f"flag needs an argument: {name}\n{see}")
            inline = words[i]
        if f.kind == "int":
            try:
                values[f.dest] = int(inline)
            except ValueError:
                raise UsageError(f'invalid argument "{inline}" for "{name}" flag: strconv.ParseInt: parsing "{inline}": invalid syntax\n{see}') from None
        elif f.kind == "list":
            values[f.dest] = tuple(values[f.dest]) + (inline,)
        else:
            values[f.dest] = inline

    while i < len(words):
        w = words[i]
        if w == "--":
            positional.extend(words[i + 1 :])
            break
        if w.startswith("--") and len(w) > 2:
            name, eq, inline = w.partition("=")
            f = by_name.get(name)
            if f is None:
                raise UsageError(f"unknown flag: {name}\n{see}")
            take(f, name, inline if eq else None)
        elif w.startswith("-") and len(w) > 1:
            letters = w[1:]
            for k, ch in enumerate(letters):
                f = by_name.get("-" + ch)
                if f is None:
                    raise UsageError(f"unknown shorthand flag: '{ch}' in {w}\n{see}")
                rest = letters[k + 1 :]
                if f.kind != "bool" and rest:
                    take(f, "-" + ch, rest.removeprefix("="))
                    break
                take(f, "-" + ch, None)
        else:
            positional.append(w)
            if not spec.interspersed:
                positional.extend(words[i + 1 :])
                break
        i += 1
    n = len(positional)
    bad = (n < spec.min_args) or (spec.max_args is not None and n > spec.max_args)
    if bad:
        if spec.exact:
            need = f"exactly {spec.min_args} argument" + ("s" if spec.min_args != 1 else "")
        elif spec.max_args == 0:
            need = "no arguments"
        elif n < spec.min_args:
            need = f"at least {spec.min_args} argument" + ("s" if spec.min_args != 1 else "")
        else:
            need = f"at most {spec.max_args} argument" + ("s" if spec.max_args != 1 else "")
        raise UsageError(f'"docker {verb}" requires {need}.\n{see}\n\nUsage:  {spec.usage}', exit=1)
    return values, positional


def _filters(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise UsageError(f"Error response from daemon: Invalid filter '{item}'", exit=1)
        out.append((key.strip().lower(), value))
    return tuple(out)


def _prune_filters(items: tuple[str, ...], image: bool = False) -> tuple[tuple[str, str], ...]:
    """`--filter` of prune: `label!=k` is the key `label!` (as the daemon's filter args read it).
    `dangling=` is image prune's own switch (what -a sets), not modelled as a filter there; container
    and system prune pass it to the daemon, which rejects it."""
    out = []
    for key, value in _filters(items):
        if key == "dangling" and image:
            raise UsageError("dockspec: prune --filter dangling= is not modelled (image prune's -a says it)", exit=125)
        else:
            out.append((key, value))
    return tuple(out)


def _import_changes(items: tuple[str, ...]) -> tuple[str, ...]:
    """`import -c`: the model honours LABEL instructions only."""
    for item in items:
        if item.split(None, 1)[0].upper() != "LABEL":
            raise UsageError(f"dockspec: import --change {item!r} is not modelled (LABEL only)", exit=125)
    return tuple(items)


def _labels(items: tuple[str, ...]) -> frozendict:
    return frozendict((k, v) for k, _, v in (i.partition("=") for i in items))


ENV_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*", re.S)
# The client's environment a line may set before `docker` (`DOCKER_BUILDKIT=0 docker build ...`).
LINE_ENV = ("DOCKER_BUILDKIT",)


def split_env(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """A line's leading `NAME=value` words (the client's environment, as a shell reads them) and the rest."""
    env: dict[str, str] = {}
    k = 0
    while k < len(words) and ENV_WORD.fullmatch(words[k]):
        name, _, value = words[k].partition("=")
        env[name] = value
        k += 1
    return env, list(words[k:])


def builder_choice(value: str) -> str:
    """`DOCKER_BUILDKIT`'s value -> the builder it selects, as the CLI reads it (Go's strconv.ParseBool)."""
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return "buildkit"
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return "classic"
    raise UsageError(f'DOCKER_BUILDKIT environment variable expects boolean value: strconv.ParseBool: parsing "{value}": invalid syntax', exit=1)


def parse(words: list[str], files: Files) -> tuple[str, object]:
    """One docker command line -> (verb, command value); `DOCKER_BUILDKIT=0|1` before it picks build's builder."""
    env, words = split_env(list(words))
    unknown = sorted(set(env) - set(LINE_ENV))
    if unknown:
        raise UsageError(f"dockspec: a line may set only {', '.join(LINE_ENV)} before 'docker', not {', '.join(unknown)}", exit=2)
    if not words or words[0] != "docker":
        raise UsageError(f"not a docker command line: {' '.join(words)!r} (lines start with 'docker')", exit=127)
    words = words[1:]
    if not words:
        raise UsageError("docker: 'docker' needs a command.\nSee 'docker --help'", exit=1)
    verb, rest = words[0], words[1:]
    scope = None  # `image inspect` / `container inspect`: inspect of that type only
    if verb in ALIASES and rest:
        key = (verb, rest[0])
        scope = verb if rest[0] == "inspect" else None
        if key in SUBCOMMANDS:
            verb, rest = SUBCOMMANDS[key], rest[1:]
        elif rest[0] in VERBS:
            verb, rest = rest[0], rest[1:]
    spec = VERBS.get(verb)
    if spec is None:
        raise UsageError(f"docker: '{verb}' is not a docker command.\nSee 'docker --help'", exit=1)
    v, args = parse_flags(verb, spec, rest)
    command = BUILDERS[verb](v, args, files)
    if scope is not None and isinstance(command, cmd.Inspect) and command.type is None:
        command = replace(command, type=scope)
    if "DOCKER_BUILDKIT" in env and isinstance(command, cmd.Build):
        command = replace(command, builder=builder_choice(env["DOCKER_BUILDKIT"]))
    return verb, command


def _create(v: dict, args: list[str]) -> cmd.Create:
    entry = v["entrypoint"]
    return cmd.Create(
        image=args[0],
        cmd=tuple(args[1:]) or None,
        name=v["name"],
        entrypoint=(tuple(entry.split()) if entry else ()) if entry is not None else None,
        env=v["env"],
        labels=_labels(v["label"]),
        workdir=v["workdir"],
        auto_remove=v["rm"],
        network=v["network"],
        pull=v["pull"] or "missing",
        init=v["init"],
        stop_timeout=v["stop_timeout"],
    )


def _build(v: dict, args: list[str], files: Files) -> cmd.Build:
    context = files.tree(args[0])
    name = v["file"] or "Dockerfile"
    if name not in context:
        raise UsageError(f"unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {args[0]}/{name}: no such file or directory", exit=1)
    modes = files.modes(args[0]) if hasattr(files, "modes") else {}
    return cmd.Build(dockerfile=context[name].decode(), context=frozendict(context), tags=v["tag"], no_cache=v["no_cache"],
                     quiet=v["quiet"], dockerfile_name=name, network=v["network"], modes=frozendict(modes),
                     rm=v["rm"], force_rm=v["force_rm"], build_args=_build_args(v["build_arg"]), target=v["target"])


def _build_args(items: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`--build-arg K=V`; `K` alone (the client's own environment variable K) is not modelled."""
    out = []
    for item in items:
        key, eq, value = item.partition("=")
        if not eq:
            raise UsageError(f"dockspec: build --build-arg {item!r} without a value (taken from the client's "
                             "environment) is not modelled; write --build-arg NAME=VALUE", exit=125)
        out.append((key, value))
    return tuple(out)


def split_cp_arg(arg: str) -> tuple[str | None, str]:
    """The CLI's splitCpArg: `CONTAINER:PATH`, or a host path (absolute, or starting with ".")."""
    if arg.startswith("/"):
        return None, arg
    container, colon, path = arg.partition(":")
    if not colon or container.startswith("."):
        return None, arg
    return container, path


def _cp(v: dict, args: list[str], files: Files) -> cmd.Cp:
    """`docker cp`: the host side read through `files` (docs/cp.md says what is modelled)."""
    import posixpath

    for flag in ("archive", "follow_link"):
        if v[flag]:
            raise UsageError(f"dockspec: docker cp --{flag.replace('_', '-')} is not modelled (docs/cp.md)", exit=125)
    (src_ctr, src), (dst_ctr, dst) = split_cp_arg(args[0]), split_cp_arg(args[1])
    if src_ctr is None and dst_ctr is None:
        raise UsageError("must specify at least one container source", exit=1)
    if src_ctr is not None and dst_ctr is not None:
        raise UsageError("copying between containers is not supported", exit=1)
    host_path = dst if src_ctr is not None else src
    if host_path == "-":
        raise UsageError("dockspec: docker cp of a tar stream ('-') is not modelled (docs/cp.md)", exit=125)
    if not hasattr(files, "entries"):
        raise UsageError("dockspec: docker cp needs the script's files", exit=125)
    bare = host_path.rstrip("/") or "/"
    if bare.endswith("/.") or bare == ".":
        bare = posixpath.dirname(bare) or "."
    host = frozendict(files.entries(bare))
    if src_ctr is not None:
        folder = posixpath.dirname(posixpath.normpath(host_path)) or "."
        parent = folder == "." or files.entries(folder).get("") is not None
        return cmd.Cp(src_ctr, src, host_path, into=False, host=host, host_parent=parent)
    return cmd.Cp(dst_ctr, dst, host_path, into=True, host=host)


BUILDERS: dict[str, Callable[[dict, list[str], Files], object]] = {
    "create": lambda v, a, f: _create(v, a),
    "run": lambda v, a, f: cmd.Run(_create(v, a), detach=v["detach"]),
    "start": lambda v, a, f: cmd.Start(tuple(a), v["attach"]),
    "stop": lambda v, a, f: cmd.Stop(tuple(a), v["time"]),
    "restart": lambda v, a, f: cmd.Restart(tuple(a), v["time"]),
    "kill": lambda v, a, f: cmd.Kill(tuple(a), v["signal"]),
    "pause": lambda v, a, f: cmd.Pause(tuple(a)),
    "unpause": lambda v, a, f: cmd.Unpause(tuple(a)),
    "rm": lambda v, a, f: cmd.Rm(tuple(a), v["force"]),
    "rmi": lambda v, a, f: cmd.Rmi(tuple(a), v["force"], v["no_prune"]),
    "exec": lambda v, a, f: cmd.Exec(a[0], tuple(a[1:]), v["detach"], v["workdir"], v["env"]),
    "wait": lambda v, a, f: cmd.Wait(tuple(a)),
    "rename": lambda v, a, f: cmd.Rename(a[0], a[1]),
    "container prune": lambda v, a, f: cmd.ContainerPrune(v["force"], _prune_filters(v["filter"])),
    "image prune": lambda v, a, f: cmd.ImagePrune(v["all"], v["force"], _prune_filters(v["filter"], image=True)),
    "system prune": lambda v, a, f: cmd.SystemPrune(v["all"], v["force"], _prune_filters(v["filter"])),
    "diff": lambda v, a, f: cmd.Diff(a[0]),
    "logs": lambda v, a, f: cmd.Logs(a[0]),
    "export": lambda v, a, f: cmd.Export(a[0], v["output"]),
    "commit": lambda v, a, f: cmd.Commit(a[0], a[1] if len(a) > 1 else None, v["message"], v["author"], v["pause"]),
    "ps": lambda v, a, f: cmd.Ps(v["all"], v["quiet"], v["no_trunc"], _filters(v["filter"]), v["format"],
                                 1 if v["latest"] else v["last"], v["size"]),
    "images": lambda v, a, f: cmd.Images(v["all"], v["quiet"], v["no_trunc"], _filters(v["filter"]), v["format"],
                                         a[0] if a else None),
    "history": lambda v, a, f: cmd.History(a[0], v["no_trunc"], v["quiet"], v["format"]),
    "inspect": lambda v, a, f: cmd.Inspect(tuple(a), v["format"], v["type"]),
    "tag": lambda v, a, f: cmd.Tag(a[0], a[1]),
    "save": lambda v, a, f: cmd.Save(tuple(a), v["output"]),
    "load": lambda v, a, f: cmd.Load(f.read(v["input"] or "-"), v["quiet"]),
    "import": lambda v, a, f: cmd.Import(f.read(a[0]), a[1] if len(a) > 1 else None, "-", v["message"],
                                         _import_changes(v["change"])),
    "build": _build,
    "cp": _cp,
}
