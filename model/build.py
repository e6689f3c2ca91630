"""`docker build` with the legacy builder, Docker 20.10's default (`DOCKER_BUILDKIT=0`).

Theory of operation
-------------------
The legacy builder (moby `builder/dockerfile`) turns every instruction after
FROM into one more image whose parent is the image before it, so a build leaves
a chain of *intermediate images*: `images -a` lists them as `<none>`, `images`
hides them (they have children), `history` walks them, and `rmi` of the final
image prunes them back to the first tagged one.

Each step is a commit of a temporary container, with the step written into the
container's Cmd (`ContainerConfig.Cmd`), which is also the history row:

* ENV, LABEL, CMD, ENTRYPOINT: a container that never runs, committed with the
  Cmd `["/bin/sh", "-c", "#(nop) ", "ENV a=b"]`; joined by spaces that is the
  row `/bin/sh -c #(nop)  ENV a=b` (two spaces).  Its read-write layer is empty,
  so the image gets an empty-layer history row.  Exec-form arrays are printed
  with Go's `%q` of a string slice: `CMD ["a" "b c"]`.
* WORKDIR: the Cmd is ONE word, `#(nop) WORKDIR /app` (one space), and the
  engine creates the directory in the container first, so a missing directory
  gives a real (0-byte) layer and an existing one an empty layer.
* COPY: no container at all (the builder writes into a fresh read-write layer),
  Cmd `#(nop) COPY file:<sha256> in /dst ` (one word, a trailing space); the
  hash is `dir:` for a directory and `multi:` for several sources.
* RUN: a container with Cmd `/bin/sh -c <line>` (or the exec-form array) and no
  entrypoint, started and waited for; its read-write layer becomes the layer.

A step is a *cache hit* (daemon/images/cache.go, `getLocalCachedImage`) when a
child of the current image has a container configuration equal to the one the
step would commit: same Cmd (so COPY's content hash counts), Env, Labels and
Entrypoint; WorkingDir is NOT compared, as in the engine.  The newest match
wins.  `--no-cache` never looks.

A failing RUN stops the build: the images of the steps before stay, the failed
container stays (`Exited (N)`, the builder's `--rm` only removes containers of
steps that succeeded), nothing is tagged, the CLI prints `The command '...'
returned a non-zero code: N` on stderr and exits with N.

The build flags (docs/build.md; replays/36-39):

* `--rm=false`: every step's container stays (a RUN's `Exited (0)`, a `#(nop)`
  step's `Created`), and no "Removing intermediate container" line is printed;
  `--force-rm` removes every step's container, the failed one too (it wins over
  `--rm=false`).
* `ARG K[=default]`: a `#(nop)  ARG K=default` step; from there on the stage's
  RUN steps see K (the `--build-arg` value, else the default; an ARG with
  neither is unset) in their environment, and their Cmd (history row, cache key)
  starts `|N K=V ...`, the set args ENV does not override, sorted.  ARGs before
  the first FROM are meta args: only FROM lines see them.  A `--build-arg` no
  ARG declares gives `[Warning] One or more build-args [K] were not consumed`.
* `FROM image AS name` starts a stage; `FROM name` and `COPY --from=name|N` use
  an earlier stage's image; every stage's images stay (untagged intermediates);
  `--target name` builds the stages up to that one and tags its image.
* `.dockerignore` (model/dockerignore.py): the client leaves excluded files out
  of the context it sends.

What the model leaves out, refusing rather than guessing: instructions other
than FROM, RUN, COPY, ENV, LABEL, CMD, ENTRYPOINT, WORKDIR and ARG, `FROM
scratch`, instruction flags other than `COPY --from` (`COPY --chown`), a
directory or several sources copied `--from` another stage, wildcards in COPY
sources, an ARG naming several args, and parameter expansions other than `$V`,
`${V}`, `${V:-w}` and `${V:+w}`.  The context arrives as `path -> bytes` (a key ending
in `/` is an empty directory); every file is copied with mode 0644.  The
"Sending build context" size is the size of the tar the CLI would send (one
512-byte header per entry, contents padded to 512, 1024 bytes of trailer);
paths over 100 bytes, which need extra headers, are not counted.
"""
from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
from dataclasses import dataclass, replace
from typing import Mapping

from dockerfile_parse import DockerfileParser
from frozendict import frozendict

from . import commands as cmd
from . import dockerignore, fs, names, refs, workload
from .errors import EngineError, UnsupportedWorkload
from .images import find as find_image
from .images import make_image, set_tag, shared_layers, source_name
from .profile import Profile, lookpath_error
from .result import Result, refused
from .values import Config, Container, History, Image, Status, World, sha256

# Functions the mutation bench may patch (bench/mutant_table.py): the transitions call them by name.
MUTATION_SEAMS = ("needed", "unused_args")

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SHELL = ("/bin/sh", "-c")

# Every instruction the 20.10 parser knows; the model runs only MODELLED.
KNOWN = frozenset({
    "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
    "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
})
MODELLED = frozenset({"FROM", "RUN", "CMD", "LABEL", "ENV", "COPY", "ENTRYPOINT", "WORKDIR", "ARG"})

_STDERR_ON, _STDERR_OFF = "\x1b[91m", "\x1b[0m"  # how the build stream colours a RUN's stderr


@dataclass(frozen=True, slots=True)
class Instruction:
    """One Dockerfile instruction: its keyword, its line (1-based), the text as written and its arguments."""

    keyword: str
    line: int
    original: str
    rest: str


class _Stop(Exception):
    """The build ends here with an engine error (the world keeps what was done so far)."""

    def __init__(self, error: EngineError, exit: int = 1):
        self.error = error
        self.exit = exit


class _Unsupported(Exception):
    """Outside what the model interprets: the whole build is refused, the world unchanged."""

    def __init__(self, instruction: Instruction | None, detail: str):
        super().__init__(detail)
        self.instruction = instruction
        self.detail = detail


# -- the Dockerfile ------------------------------------------------------------------


def _original(content: str) -> str:
    """The instruction as the engine echoes it: continuation lines joined, comments inside dropped."""
    out = ""
    for k, part in enumerate(content.rstrip("\n").split("\n")):
        if k and part.lstrip().startswith("#"):
            continue
        out += part[:-1] if part.endswith("\\") else part
    return out.strip()


def parse_dockerfile(text: str) -> tuple[Instruction, ...]:
    """The instructions of a Dockerfile, comments left out.

    >>> [i.keyword for i in parse_dockerfile("FROM a\\n# hi\\nRUN true \\\\\\n  && true\\n")]
    ['FROM', 'RUN']
    """
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()))
    out = []
    for item in parser.structure:
        if item["instruction"] == "COMMENT":
            continue
        original = _original(item["content"])
        word, _, rest = original.partition(" ")
        if "\t" in word:
            word, _, more = word.partition("\t")
            rest = more + " " + rest
        out.append(Instruction(item["instruction"].upper(), item["startline"] + 1, original, rest.strip()))
    return tuple(out)


def _flags(ins: Instruction) -> tuple[dict[str, str], str]:
    """An instruction's leading `--name=value` flags and the rest of its line."""
    flags, rest = {}, ins.rest
    while rest.startswith("--"):
        word, _, rest = rest.partition(" ")
        name, eq, value = word[2:].partition("=")
        if not eq:
            raise _Unsupported(ins, f"flag --{name} without a value is not modelled")
        flags[name.lower()] = value
        rest = rest.lstrip()
    return flags, rest


def _validate(instructions: tuple[Instruction, ...], p: Profile) -> None:
    """Refuse up front what the engine would refuse at parse time, or the model cannot run."""
    for ins in instructions:
        if ins.keyword not in KNOWN:
            raise _Stop(p.error("build_unknown_instruction", line=ins.line, instruction=ins.keyword))
    if not instructions:
        raise _Unsupported(None, "empty Dockerfile")
    first = next((k for k, i in enumerate(instructions) if i.keyword == "FROM"), None)
    if first is None:
        raise _Stop(p.error("bad_dockerfile", detail="no build stage in current context"))
    for ins in instructions[:first]:
        if ins.keyword != "ARG":
            raise _Unsupported(ins, "instructions before FROM other than ARG")
    for ins in instructions:
        if ins.keyword not in MODELLED:
            raise _Unsupported(ins, "instruction not modelled")
        if not ins.rest:
            raise _Unsupported(ins, "missing arguments")
        if ins.rest.startswith("--"):
            flags, _ = _flags(ins)
            if ins.keyword != "COPY" or set(flags) != {"from"}:
                raise _Unsupported(ins, "instruction flags other than COPY --from are not modelled")
        if ins.keyword == "ARG" and len(_words(ins.rest)) != 1:
            raise _Unsupported(ins, "an ARG naming several args is not modelled")
        if ins.keyword == "FROM":
            words = ins.rest.split()
            if len(words) not in (1, 3) or len(words) == 3 and words[1].lower() != "as":
                raise _Unsupported(ins, "FROM takes an image and an optional AS name")
            if words[0] == "scratch":
                raise _Unsupported(ins, "FROM scratch is not modelled")


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of a Dockerfile: its FROM, its name (lower case, or None) and the instructions after it."""

    index: int
    name: str | None
    from_: Instruction
    body: tuple[Instruction, ...]

    def deps(self) -> set[str]:
        """Names (or indices) of the stages this one reads: its FROM, its COPY --from."""
        out = {self.from_.rest.split()[0].lower()}
        for ins in self.body:
            if ins.keyword == "COPY" and ins.rest.startswith("--"):
                out.add(_flags(ins)[0]["from"].lower())
        return out


def stages(instructions: tuple[Instruction, ...]) -> tuple[tuple[Instruction, ...], tuple[Stage, ...]]:
    """The meta ARGs (before the first FROM) and the stages of a validated Dockerfile."""
    first = next(k for k, i in enumerate(instructions) if i.keyword == "FROM")
    starts = [k for k, i in enumerate(instructions) if i.keyword == "FROM"] + [len(instructions)]
    out = []
    for n, (a, b) in enumerate(zip(starts, starts[1:])):
        words = instructions[a].rest.split()
        out.append(Stage(n, words[2].lower() if len(words) == 3 else None, instructions[a], instructions[a + 1 : b]))
    return instructions[:first], tuple(out)


def find_stage(all_stages: tuple[Stage, ...], name: str) -> Stage | None:
    """The stage `name` names: its AS name, or its index."""
    for s in all_stages:
        if s.name == name.lower() or name.isdigit() and int(name) == s.index:
            return s
    return None


def needed(all_stages: tuple[Stage, ...], target: Stage) -> tuple[Stage, ...]:
    """The stages `target` depends on, itself included, in Dockerfile order (what BuildKit runs)."""
    want, todo = set(), [target]
    while todo:
        s = todo.pop()
        if s.index in want:
            continue
        want.add(s.index)
        for d in s.deps():
            dep = find_stage(all_stages[: s.index], d)
            if dep is not None:
                todo.append(dep)
    return tuple(s for s in all_stages if s.index in want)


def exec_form(rest: str) -> tuple[str, ...] | None:
    """The JSON (exec) form's words, or None for the shell form (as the engine's parseMaybeJSON).

    >>> exec_form('["sh", "-c"]'), exec_form('echo [x]')
    (('sh', '-c'), None)
    """
    if not rest.startswith("["):
        return None
    try:
        value = json.loads(rest)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return tuple(value)


def _command_line(rest: str) -> tuple[str, ...]:
    words = exec_form(rest)
    return words if words is not None else SHELL + (rest,)


def go_quote(s: str) -> str:
    """Go's `strconv.Quote`.

    >>> print(go_quote('echo "$x"\\n'))
    "echo \\"$x\\"\\n"
    """
    escapes = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n",
               "\r": "\\r", "\t": "\\t", "\v": "\\v"}
    out = []
    for ch in s:
        if ch in escapes:
            out.append(escapes[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def go_list(words: tuple[str, ...]) -> str:
    """A string slice as Go's `%q` prints it: `["sh" "-c"]`."""
    return "[" + " ".join(go_quote(w) for w in words) + "]"


# -- words, quotes and variables (the engine's shell lexer, for ENV, LABEL, WORKDIR, COPY) --


def _words(rest: str) -> list[str]:
    """Split on blanks outside quotes, keeping quotes and escapes (the parser's parseWords)."""
    words, word, quote, k = [], "", "", 0
    while k < len(rest):
        ch = rest[k]
        if ch == "\\" and quote != "'" and k + 1 < len(rest):
            word += rest[k : k + 2]
            k += 2
            continue
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch.isspace():
            if word:
                words.append(word)
            word = ""
            k += 1
            continue
        word += ch
        k += 1
    if word:
        words.append(word)
    return words


def _lookup(env: tuple[str, ...], name: str) -> str | None:
    for item in env:
        key, _, value = item.partition("=")
        if key == name:
            return value
    return None


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def expand(word: str, env: tuple[str, ...], ins: Instruction | None = None) -> str:
    """Quote removal and `$VAR` expansion of one word, as the engine's ProcessWord.

    >>> expand('"a b"$X\\\\ ${Y:-d}', ("X=1",))
    'a b1 d'
    """
    out, k, quote = [], 0, ""
    while k < len(word):
        ch = word[k]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                out.append(ch)
            k += 1
        elif ch == "\\":
            if k + 1 >= len(word):
                k += 1
                continue
            nxt = word[k + 1]
            if quote == '"' and nxt not in '"\\$':
                out.append(ch)
                k += 1
                continue
            out.append(nxt)
            k += 2
        elif ch == "'" and not quote:
            quote = "'"
            k += 1
        elif ch == '"':
            quote = "" if quote else '"'
            k += 1
        elif ch == "$":
            text, k = _variable(word, k, env, ins)
            out.append(text)
        else:
            out.append(ch)
            k += 1
    if quote:
        raise _Unsupported(ins, f"unterminated {quote} quote")
    return "".join(out)


def _variable(word: str, k: int, env: tuple[str, ...], ins: Instruction | None) -> tuple[str, int]:
    m = _NAME.match(word, k + 1)
    if m is not None:
        return _lookup(env, m.group()) or "", m.end()
    if not word.startswith("${", k):
        return "$", k + 1
    end = word.find("}", k)
    m = _NAME.match(word, k + 2)
    if end < 0 or m is None:
        raise _Unsupported(ins, f"unsupported expansion in {word!r}")
    value = _lookup(env, m.group())
    op = word[m.end() : end]
    if op == "":
        return value or "", end + 1
    if op.startswith(":-") and "$" not in op:
        return (value if value else op[2:]), end + 1
    if op.startswith(":+") and "$" not in op:
        return (op[2:] if value else ""), end + 1
    raise _Unsupported(ins, f"unsupported expansion in {word!r}")


def _pairs(ins: Instruction, env: tuple[str, ...]) -> list[tuple[str, str]]:
    """ENV/LABEL arguments: `k=v ...`, or the old `ENV k v...` form (the rest of the line is the value)."""
    words = _words(ins.rest)
    if "=" not in words[0]:
        if ins.keyword != "ENV":
            raise _Unsupported(ins, "LABEL needs key=value")
        parts = re.split(r"\s+", ins.rest, maxsplit=1)
        if len(parts) < 2:
            raise _Unsupported(ins, "ENV needs a value")
        return [(expand(parts[0], env, ins), expand(parts[1], env, ins))]
    out = []
    for w in words:
        if "=" not in w:
            raise _Unsupported(ins, f"can't find = in {w!r}")
        key, _, value = w.partition("=")
        out.append((expand(key, env, ins), expand(value, env, ins)))
    return out


# -- the build context -----------------------------------------------------------------


def _context_entries(context) -> tuple[dict[str, bytes], set[str]]:
    """Files (normalised relative path -> bytes) and directories of the context."""
    files: dict[str, bytes] = {}
    dirs: set[str] = set()
    for path, data in context.items():
        rel = posixpath.normpath(path).lstrip("/")
        if path.endswith("/"):
            dirs.add(rel)
        else:
            files[rel] = data
        d = posixpath.dirname(rel)
        while d:
            dirs.add(d)
            d = posixpath.dirname(d)
    dirs.discard(".")
    return files, dirs


def context_size(context) -> int:
    """Bytes of the tar the CLI sends: a header per entry, contents padded to 512, a 1024-byte trailer.

    >>> context_size({"Dockerfile": b"FROM a\\n"})
    2048
    """
    files, dirs = _context_entries(context)
    return 1024 + 512 * len(dirs) + sum(512 + -(-len(d) // 512) * 512 for d in files.values())


def human_size(size: int) -> str:
    """`units.HumanSize`: decimal units, 4 significant digits (`5.12kB`, `2.048kB`)."""
    units = ["B", "kB", "MB", "GB", "TB"]
    value, i = float(size), 0
    while value >= 1000.0 and i < len(units) - 1:
        value, i = value / 1000.0, i + 1
    return f"{value:.4g}{units[i]}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tarsum(name: str, mode: int, size: int, typeflag: str, data: bytes = b"", owner: str = "") -> str:
    """The legacy builder's sum of one context entry: tar header fields (no mtime), then content.

    Owner ids count as 0 (root), as for a context checked out by root; `owner` is the user and
    group name the header carries (none in a context the client sent; `root` for a file the daemon
    reads from an image, `COPY --from`).

    >>> tarsum("three.txt", 0o100644, 3, "0", b"abc")[:12]
    '340661e2d25c'
    """
    h = hashlib.sha256()
    for key, value in (("name", name), ("mode", str(mode)), ("uid", "0"), ("gid", "0"), ("size", str(size)),
                       ("typeflag", typeflag), ("linkname", ""), ("uname", owner), ("gname", owner),
                       ("devmajor", "0"), ("devminor", "0")):
        h.update((key + value).encode())
    h.update(data)
    return h.hexdigest()


# -- the build -------------------------------------------------------------------------


def sent_context(c: cmd.Build) -> dict:
    """The context the client sends: `c.context` without what `.dockerignore` excludes."""
    try:
        return dockerignore.apply(c.context, c.dockerfile_name)
    except dockerignore.BadPattern as e:
        raise _Unsupported(None, f".dockerignore: {e}") from None


class _Builder:
    """The state of one build between steps: the world, the current image and run configuration, the output.

    Per stage: `image`, `config`, `args` (the stage's ARGs, in order, with their values: None when
    unset) and `trail` (the instructions whose steps the stage added above its base image, each with
    the args a RUN saw, for BuildKit's history rows).  `done` keeps each finished stage by name and index.
    """

    def __init__(self, world: World, c: cmd.Build, p: Profile, share: dict[int, str] | None = None,
                 sharable: list | None = None):
        self.world = world
        self.c = c
        self.p = p
        # Podman's RUN steps whose layer an earlier layer's changes match (`commit`): the keys of the layers
        # each such step may share, in order; `share` chooses one for some of them (a race with the clock)
        self.share = share or {}
        self.sharable: list[tuple[str, ...]] = [] if sharable is None else sharable
        self.out: list[str] = []
        self.image: Image | None = None
        self.config = Config()
        self.cmd_set = False
        self.files, self.dirs = _context_entries(sent_context(c))
        self.build_args = dict(c.build_args)
        self.meta: dict[str, str | None] = {}
        self.args: dict[str, str | None] = {}
        self.referenced: set[str] = set()
        self.trail: tuple[tuple[Instruction, tuple[tuple[str, str | None], ...]], ...] = ()
        self.done: dict[str, tuple[Image, tuple]] = {}
        self.from_ref = ""  # the stage's FROM reference, as the engine normalises it (buildah's history comment)
        self.from_id = ""

    def say(self, line: str) -> None:
        self.out.append(line + "\n")

    # -- args --------------------------------------------------------------------------

    def arg_pairs(self) -> list[str]:
        """`K=V` for each set arg of the stage that ENV does not override (the engine's FilterAllowed)."""
        env = {e.partition("=")[0] for e in self.config.env}
        return [f"{k}={v}" for k, v in self.args.items() if v is not None and k not in env]

    def expand_env(self) -> tuple[str, ...]:
        """What `$V` sees in ENV, LABEL, WORKDIR, COPY and ARG: the environment, then the set args."""
        return self.config.env + tuple(self.arg_pairs())

    def meta_arg(self, ins: Instruction) -> None:
        key, eq, default = _words(ins.rest)[0].partition("=")
        self.referenced.add(key)
        env = tuple(f"{k}={v}" for k, v in self.meta.items() if v is not None)
        self.meta[key] = self.build_args.get(key, expand(default, env, ins) if eq else None)

    def arg(self, ins: Instruction) -> None:
        key, eq, default = _words(ins.rest)[0].partition("=")
        default = expand(default, self.expand_env(), ins) if eq else None
        self.referenced.add(key)
        self.args[key] = self.build_args.get(key, default)
        self.nop("ARG " + key + ("=" + default if default is not None else ""))

    # -- cache and commits -------------------------------------------------------------

    def cached(self, container_cmd: tuple[str, ...]) -> bool:
        """Reuse a child of the current image committed from the same container configuration."""
        if self.c.no_cache:
            return False
        want = _cache_key(container_cmd, self.config)
        hits = [i for i in self.world.children(self.image.id)
                if i.container_cmd is not None and _cache_key(i.container_cmd, i.config) == want]
        if not hits:
            return False
        self.image = max(hits, key=lambda i: (i.created, i.id))
        self.say(" ---> Using cache")
        return True

    def container(self, argv: tuple[str, ...], env: tuple[str, ...] | None = None) -> Container:
        """A build step's temporary container on the current image (` ---> Running in ...`)."""
        self.world = self.world.tick()
        cid = sha256("build-container", self.world.clock, self.image.id, argv)
        taken = {x.name for x in self.world.containers.values()}
        config = replace(self.config, cmd=argv, entrypoint=None, env=self.config.env if env is None else env)
        self.say(f" ---> Running in {cid[:12]}")
        return Container(id=cid, name=names.generate(cid, taken), image=self.image.id, image_ref=self.image.id,
                         config=config, layers=self.image.layers, labels=config.labels, created=self.world.clock)

    def finish(self, container: Container, failed: bool = False) -> None:
        """A step's container after its step: removed (`--rm` after a success, `--force-rm` always) or kept."""
        if self.c.force_rm or (self.c.rm and not failed):
            if container.id in self.world.containers:
                self.world = self.world.drop_container(container.id)
            self.say(self.p.build_removed_container.format(short=container.short_id))
        else:
            self.world = self.world.put_container(container)

    def commit(self, changes: fs.Changes, container_cmd: tuple[str, ...], container: Container | None,
               run_step: bool = False) -> None:
        comment = ""
        if self.p.build_rows_name_their_source:  # buildah: "FROM base:1", then "FROM <previous step's id>"
            comment = "FROM " + (self.from_ref if self.image.id == self.from_id else self.image.short_id)
        always = run_step and self.p.commit_layer_always
        owner = container.id if always and container else ""
        if owner and changes:
            # as Podman's commit (model.images.commit): the step's layer tar holds whole-second file times, so a
            # step whose changes an earlier layer on the same parent has may have made its files in the same
            # second and share that layer (bench/soak podman-5.4 seed 3108: two builds `RUN true` on one image)
            self.sharable.append(shared_layers(self.world, self.image, changes, owner))
            owner = self.share.get(len(self.sharable) - 1, owner)
        self.world, self.image = make_image(self.world, self.image, changes, self.config,
                                            History(" ".join(container_cmd), comment), container_cmd=container_cmd,
                                            always_layer=always, layer_owner=owner)
        if container is not None:
            self.finish(container)

    def nop(self, comment: str, one_word: bool = False, changes=None) -> None:
        """Commit a container that never runs, its Cmd naming the step (`#(nop) `)."""
        container_cmd = SHELL + (("#(nop) " + comment,) if one_word else ("#(nop) ", comment))
        if self.cached(container_cmd):
            return
        container = self.container(container_cmd)
        upper = changes(self.view()) if changes else fs.EMPTY
        self.commit(upper, container_cmd, replace(container, rw=upper))

    def view(self) -> fs.Rootfs:
        return fs.Rootfs(self.world.image_view(self.image))

    # -- instructions ------------------------------------------------------------------

    def from_(self, ins: Instruction) -> None:
        """FROM: an earlier stage's image, or an image of the engine (its reference may use meta args)."""
        text = ins.rest.split()[0]
        stage = self.done.get(text.lower())
        if stage is not None:
            self.image, self.trail = stage
        else:
            meta = tuple(f"{k}={v}" for k, v in self.meta.items() if v is not None)
            text = expand(text, meta, ins)
            image = find_image(self.world, text)
            if image is None:
                try:
                    repo = refs.parse(text).repo
                except refs.InvalidReference:
                    raise _Unsupported(ins, f"invalid reference {text!r}") from None
                raise _Stop(self.p.error("build_pull_denied", repo=repo))
            self.image, self.trail = image, ()
            self.from_ref = source_name(self.world, image.id, text, self.p, in_typed_repo=True)
        self.from_id = self.image.id if stage is None else ""
        env = self.image.config.env
        if not any(e.partition("=")[0] == "PATH" for e in env):
            env = env + (DEFAULT_PATH,)  # the builder's setDefaultPath
        self.config = replace(self.image.config, env=env)
        self.cmd_set = False
        self.args = {}

    def end_stage(self, stage: "Stage") -> None:
        for key in ((stage.name, str(stage.index)) if stage.name else (str(stage.index),)):
            self.done[key] = (self.image, self.trail)

    def env(self, ins: Instruction) -> None:
        env = list(self.config.env)
        shown = []
        for key, value in _pairs(ins, self.expand_env()):
            item = f"{key}={value}"
            shown.append(item)
            at = [k for k, e in enumerate(env) if e.partition("=")[0] == key]
            if at:
                env[at[0]] = item
            else:
                env.append(item)
        self.config = replace(self.config, env=tuple(env))
        self.nop("ENV " + " ".join(shown))

    def label(self, ins: Instruction) -> None:
        labels = dict(self.config.labels)
        pairs = _pairs(ins, self.expand_env())
        labels.update(pairs)
        self.config = replace(self.config, labels=frozendict(labels))
        self.nop("LABEL " + " ".join(f"{k}={v}" for k, v in pairs))

    def cmd(self, ins: Instruction) -> None:
        argv = _command_line(ins.rest)
        self.config = replace(self.config, cmd=argv)
        self.cmd_set = True
        self.nop("CMD " + go_list(argv))

    def entrypoint(self, ins: Instruction) -> None:
        argv = _command_line(ins.rest)
        # An ENTRYPOINT drops the base image's CMD unless this Dockerfile set one before it.
        self.config = replace(self.config, entrypoint=argv, cmd=self.config.cmd if self.cmd_set else None)
        self.nop("ENTRYPOINT " + go_list(argv))

    def workdir(self, ins: Instruction) -> None:
        path = fs.normpath(expand(ins.rest, self.expand_env(), ins), self.config.working_dir or "/")
        self.config = replace(self.config, working_dir=path)

        def mkdir(rootfs: fs.Rootfs) -> fs.Changes:
            try:
                return rootfs.mkdir(path, parents=True).upper
            except fs.FsError as e:
                raise _Unsupported(ins, f"WORKDIR over a non-directory ({e})") from None

        self.nop("WORKDIR " + path, one_word=True, changes=mkdir)

    def run(self, ins: Instruction) -> None:
        argv = _command_line(ins.rest)
        pairs = self.arg_pairs()
        # The step's Cmd (history row, cache key) names the args the RUN sees: `|N K=V ... argv`.
        saved = (f"|{len(pairs)}", *sorted(pairs), *argv) if pairs else argv
        if self.cached(saved):
            return
        env = self.config.env + tuple(pairs)
        container = self.container(argv, env)
        # A RUN step is a container: it sees the init layer and the bind mounts too.
        rootfs = fs.Rootfs(fs.union(self.world.layer_stack(self.image) + (fs.INIT_LAYER,)), fs.EMPTY, fs.BIND_MOUNTS)
        if self.p.build_run_mount_points:
            rootfs = _buildah_mount_points(rootfs, self.world.image_view(self.image), self.p.mount_point_mode)
        try:
            proc = workload.spawn(argv, rootfs, env, self.config.working_dir or "/", pid1=True)
        except workload.ExecNotFound as e:
            # The runtime cannot exec: the container stays, never started (unless --force-rm).
            self.finish(replace(container, exit_code=self.p.exit_not_found), failed=True)
            raise _Stop(self.p.error("build_exec_not_found", cmd=e.name, why=lookpath_error(e.name))) from None
        except UnsupportedWorkload as e:
            raise _Unsupported(ins, str(e)) from None
        step = workload.elapse(proc, rootfs)
        if step.stdout:
            self.out.append(step.stdout)
        if step.stderr:
            self.out.append(_STDERR_ON + step.stderr + _STDERR_OFF)
        ran = replace(container, rw=step.fs.upper, status=Status.EXITED, exit_code=step.exit_code, started=True)
        if step.exit_code:
            # `--rm` (the default) removes a step's container only when the step succeeded.
            self.finish(ran, failed=True)
            raise _Stop(self.p.error("build_failed", cmd=" ".join(argv), code=step.exit_code), step.exit_code)
        self.commit(step.fs.upper, saved, ran, run_step=True)

    def copy(self, ins: Instruction) -> None:
        flags, rest = _flags(ins)
        words = exec_form(rest)
        words = [expand(w, self.expand_env(), ins) for w in (words if words is not None else rest.split())]
        if len(words) < 2:
            raise _Unsupported(ins, "COPY needs a source and a destination")
        sources, dest = words[:-1], words[-1]
        if "from" in flags:
            self._copy_from(ins, flags["from"], sources, dest)
            return
        if len(sources) > 1 and not dest.endswith("/"):
            raise _Unsupported(ins, "several sources need a destination ending in /")
        found = []
        for src in sources:
            if any(ch in src for ch in "*?["):
                raise _Unsupported(ins, "wildcards in COPY sources are not modelled")
            rel = posixpath.normpath(src).lstrip("/")
            if rel.startswith(".."):
                raise _Unsupported(ins, "sources outside the context")
            if rel in self.files:
                found.append((rel, False))
            elif rel == "." or rel in self.dirs:
                found.append((rel, True))
            else:
                raise _Stop(self.p.error("build_copy_missing", path=src))
        hashes = [self._hash(rel, is_dir) for rel, is_dir in found]
        digest = hashes[0] if len(hashes) == 1 else "multi:" + _digest(" ".join(hashes).encode())
        container_cmd = SHELL + (f"#(nop) COPY {digest} in {dest} ",)
        if self.cached(container_cmd):
            return
        target = fs.normpath(dest, self.config.working_dir or "/")
        rootfs = self.view()
        try:
            for rel, is_dir in found:
                rootfs = self._copy_dir(rootfs, rel, target) if is_dir else self._copy_file(rootfs, rel, target, dest)
        except fs.FsError as e:
            raise _Unsupported(ins, f"COPY over a non-directory ({e})") from None
        self.commit(rootfs.upper, container_cmd, None)

    def _copy_from(self, ins: Instruction, name: str, sources: list[str], dest: str) -> None:
        """COPY --from=STAGE (an earlier stage's name or index, or an image): one file of that image."""
        stage = self.done.get(name.lower())
        image = stage[0] if stage is not None else find_image(self.world, name)
        if image is None:
            raise _Unsupported(ins, f"COPY --from={name}: no earlier stage or image of that name")
        if len(sources) != 1:
            raise _Unsupported(ins, "several sources copied --from another stage are not modelled")
        path = fs.normpath(sources[0], "/")
        entry = fs.Rootfs(self.world.image_view(image)).lookup(path)
        if entry is None:
            raise _Stop(self.p.error("build_copy_missing", path=sources[0]))
        if entry.kind is not fs.Kind.FILE:
            raise _Unsupported(ins, "a directory or link copied --from another stage is not modelled")
        # The sum of a file read from an image's file system: its header as the daemon's own stat gives
        # it, owner names looked up (root), then the content (builder/remotecontext/lazycontext.go).
        bits = 0o177777 if self.p.copy_sum_type_bits else 0o7777
        digest = "file:" + tarsum(path.lstrip("/"), (0o100000 | entry.mode) & bits, len(entry.data), "0",
                                  entry.data, owner="root")
        container_cmd = SHELL + (f"#(nop) COPY {digest} in {dest} ",)
        if self.cached(container_cmd):
            return
        target = fs.normpath(dest, self.config.working_dir or "/")
        rootfs = self.view()
        if dest.endswith("/") or rootfs.is_dir(target):
            target = fs.normpath(posixpath.basename(path), target)
        try:
            rootfs = rootfs.mkdir(fs.parent(target), parents=True).write(target, fs.file(entry.data, entry.mode))
        except fs.FsError as e:
            raise _Unsupported(ins, f"COPY over a non-directory ({e})") from None
        self.commit(rootfs.upper, container_cmd, None)

    def _below(self, rel: str) -> tuple[list[str], list[str]]:
        if rel == ".":
            return sorted(self.dirs), sorted(self.files)
        return (sorted(d[len(rel) + 1 :] for d in self.dirs if d.startswith(rel + "/")),
                sorted(f[len(rel) + 1 :] for f in self.files if f.startswith(rel + "/")))

    def _sum(self, rel: str, is_dir: bool) -> str:
        """The engine's per-entry context sum (tarsum v1): header fields but mtime, then content."""
        # 20.10 hashes st_mode with its file-type bits; the 26.1 and 28.5 daemons only the permission bits.
        bits = 0o177777 if self.p.copy_sum_type_bits else 0o7777
        if is_dir:
            return tarsum(rel + "/", self.c.modes.get(rel + "/", 0o40755) & bits, 0, "5")
        data = self.files[rel]
        return tarsum(rel, self.c.modes.get(rel, 0o100644) & bits, len(data), "0", data)

    def _hash(self, rel: str, is_dir: bool) -> str:
        """What COPY's history row names: `file:<sum>`, or `dir:` + a hash of every sum below."""
        if not is_dir:
            return "file:" + self._sum(rel, False)
        dirs, files = self._below(rel)
        join = (lambda x: x) if rel == "." else (lambda x: f"{rel}/{x}")
        sums = ([] if rel == "." else [self._sum(rel, True)]) + [self._sum(join(d), True) for d in dirs] + \
            [self._sum(join(f), False) for f in files]
        return "dir:" + _digest(",".join(sorted(sums)).encode())

    def _copy_file(self, rootfs: fs.Rootfs, rel: str, target: str, dest: str) -> fs.Rootfs:
        if dest.endswith("/") or rootfs.is_dir(target):
            target = fs.normpath(posixpath.basename(rel), target)
        rootfs = rootfs.mkdir(fs.parent(target), parents=True)
        return rootfs.write(target, fs.file(self.files[rel], 0o644))

    def _copy_dir(self, rootfs: fs.Rootfs, rel: str, target: str) -> fs.Rootfs:
        rootfs = rootfs.mkdir(target, parents=True)
        dirs, files = self._below(rel)
        for d in dirs:
            rootfs = rootfs.mkdir(fs.normpath(d, target), parents=True)
        for f in files:
            rootfs = rootfs.write(fs.normpath(f, target), fs.file(self.files[f if rel == "." else rel + "/" + f], 0o644))
        return rootfs


def _cache_key(container_cmd: tuple[str, ...], config: Config) -> tuple:
    """What the legacy cache compares (image/cache/compare.go): Cmd, Env, Labels, Entrypoint."""
    return (tuple(container_cmd), tuple(config.env), dict(config.labels), config.entrypoint)


def plan(instructions: tuple[Instruction, ...], target: str | None, p: Profile,
         only_needed: bool) -> tuple[tuple[Instruction, ...], tuple[Stage, ...]]:
    """The meta ARGs and the stages a build runs: up to `--target` (every stage before it, or, with
    `only_needed` as BuildKit, only those it depends on); the last stage's when no target is given."""
    meta, all_stages = stages(instructions)
    last = all_stages[-1]
    if target is not None:
        last = next((s for s in all_stages if s.name == target.lower()), None)
        if last is None:
            raise _Stop(p.error("buildkit_target_missing" if only_needed else "build_target_missing", target=target))
    if only_needed:
        return meta, needed(all_stages, last)
    return meta, all_stages[: last.index + 1]


def dispatch(b: _Builder, meta: tuple[Instruction, ...], run: tuple[Stage, ...], steps: dict) -> None:
    """Run the meta ARGs, then each stage's FROM and instructions, printing the classic builder's steps."""
    total = len(meta) + sum(1 + len(s.body) for s in run)
    n = 0
    for ins in meta:
        n += 1
        b.say(f"Step {n}/{total} : {ins.original}")
        b.meta_arg(ins)  # no image yet: no ` ---> ` line
    for stage in run:
        for ins in (stage.from_,) + stage.body:
            n += 1
            b.say(f"Step {n}/{total} : {ins.original}")
            steps[ins.keyword](ins)
            if ins is not stage.from_:  # the stage's args as this step left them (a RUN does not change them)
                b.trail += ((ins, tuple(b.args.items())),)
            b.say(f" ---> {b.image.short_id}")
        b.end_stage(stage)


def steps_of(b: _Builder) -> dict:
    return {"FROM": b.from_, "RUN": b.run, "COPY": b.copy, "ENV": b.env, "LABEL": b.label,
            "CMD": b.cmd, "ENTRYPOINT": b.entrypoint, "WORKDIR": b.workdir, "ARG": b.arg}


def _buildah_mount_points(rootfs: fs.Rootfs, image: Mapping[str, fs.Entry], mode: int) -> fs.Rootfs:
    """A buildah RUN step's file system with what buildah's mounts leave in its layer: /etc/hostname where
    the image lacks it (an empty file, the dialect's mount point mode, /etc copied up) and /run, always (made
    or copied up: the mount point under it comes and goes).  Their times make the step's layer tar differ
    from second to second (`podman save` of `RUN true` on busybox: etc/, etc/hostname, run/; on an image
    that has them: run/ alone; both Podmans)."""
    upper = dict(rootfs.upper)
    if "/etc/hostname" not in image and rootfs.is_dir("/etc"):
        fs.copy_up(rootfs.lower, upper, "/etc/hostname")
        upper["/etc/hostname"] = fs.file(b"", mode)
    if image.get("/run", fs.DIR).kind is fs.Kind.DIR:
        upper["/run"] = image.get("/run", fs.DIR)
    return fs.Rootfs(rootfs.lower, frozendict(upper), rootfs.mounts)


def unused_args(b: _Builder) -> list[str]:
    """The `--build-arg`s no ARG of the stages run (nor a meta ARG) declares, sorted."""
    return sorted(k for k in b.build_args if k not in b.referenced)


def build(world: World, c: cmd.Build, p: Profile) -> Result:
    """`docker build` (legacy builder): one intermediate image per instruction, then the tags; where a RUN
    step's layer may be shared with an earlier layer (Podman), each such sharing is another outcome (one
    step at a time)."""
    sharable: list[tuple[str, ...]] = []
    result = _build(world, c, p, {}, sharable)
    others: list[Result] = []
    for step, keys in enumerate(sharable):
        for key in keys:
            other = _build(world, c, p, {step: key}, [])
            if other != result and other not in others:
                others.append(other)
    return replace(result, alternatives=tuple(others)) if others else result


def _build(world: World, c: cmd.Build, p: Profile, share: dict[int, str], sharable: list) -> Result:
    """The build, the RUN steps `share` names (by their order) sharing the layer given; `sharable` gets the
    layers each RUN step could share."""
    tags = []
    for text in c.tags:
        try:
            tags.append(refs.parse(text))
        except refs.InvalidReference as e:
            return refused(world, p.error("build_invalid_tag", ref=text, detail=e), exit=125)
    try:
        b = _Builder(world, c, p, share, sharable)
        # The CLI's progress line ends "\r\r\n"; read as text that is the line and an empty one.
        b.say(f"Sending build context to Docker daemon {human_size(context_size(sent_context(c))):>8}\n")
        instructions = parse_dockerfile(c.dockerfile)
        _validate(instructions, p)
        meta, run = plan(instructions, c.target, p, only_needed=False)
        dispatch(b, meta, run, steps_of(b))
    except _Unsupported as e:
        where = e.instruction
        error = p.error("build_unsupported", line=where.line if where else 1,
                        instruction=where.original if where else "", detail=e.detail)
        return refused(world, error, exit=1)
    except _Stop as e:
        text = "".join(b.out)
        if c.quiet:
            return Result(b.world, "", text + e.error.message + "\n", e.exit, e.error)
        return Result(b.world, text, e.error.message + "\n", e.exit, e.error)
    left = unused_args(b)
    if left:
        b.say(f"[Warning] One or more build-args [{' '.join(left)}] were not consumed")
    b.say(f"Successfully built {b.image.short_id}")
    for ref in tags:
        b.world = set_tag(b.world, ref, b.image.id, p.tag_order)
        b.say(f"Successfully tagged {ref}")
    if c.quiet:
        return Result(b.world, b.image.id + "\n")
    return Result(b.world, "".join(b.out))
