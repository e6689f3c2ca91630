"""Replay a docker script on a real engine and on the model; report where they differ.

Theory of operation.  Each line runs on the engine through Debian's Docker
20.10 CLI (`/usr/bin/docker`, the client the model mirrors: its stdout, stderr
and exit statuses are what a user sees), with the legacy builder, and on the
model through `dockspec.script.run_lines`.  Before either side sees the script
it is rewritten once: container names and image references get this run's
prefix `dsk-<run>-` (so runs never collide, and a shared engine's own objects
are never named), `create`/`run` get the label `dockspec.run=<run>`, and
Dockerfiles of the build contexts say `FROM dsk-<run>-...`.  Both sides read
the same rewritten copy of the script's folder, where `base.tar` is provided
from `dockspec.rootfs.busybox_rootfs()` when the folder lacks it.  `{id:REF}`
stands for the 12-character id of REF, resolved on each side.

After every line, compared: the exit status; the error kind (the engine's
stderr classified by `dockspec.observe.Classifier` with the dialect's wording); the snapshot (the engine's
read through the API, ids translated through the learnt `Bijection`); and
stdout, after ids, ages and table padding are normalised, for every verb but
those whose output is not deterministic or not modelled:
`inspect` without `--format` (whole JSON documents with timestamps), `logs`,
`export`/`save` to stdout (tar bytes with mtimes).  The label and the prefix are
removed from every text shown.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from model.profile import DOCKER_20_10, Profile
from model.values import Status

from . import argv as argv_mod
from .engines import faults
from .failures import DockspecBug, EngineFault, name_failure
from .dialects import dialect_for
from .dockerfile import prefix_from
from .settle import read_settled
from .observe import LABEL, Bijection, Classifier, Observer, Owner, engine_snapshot, full_id, normalise
from .script import Line, ScriptFiles, run_lines, split_lines
from .snapshot import mask_sizes, snapshot, without_sizes

DOCKER_CLI = os.environ.get("DOCKSPEC_DOCKER_CLI", "/usr/bin/docker")
ID_LIKE = re.compile(r"(sha256:)?[0-9a-f]{12,64}")
PLACEHOLDER = re.compile(r"\{id:([^}]+)\}")
NOT_COMPARED_STDOUT = {"logs"}

# which positional words of each verb name a container (c), an image (i), or neither (-)
ROLES = {
    "create": "i-", "run": "i-", "exec": "c-",
    "start": "c*", "stop": "c*", "restart": "c*", "kill": "c*", "pause": "c*", "unpause": "c*", "rm": "c*",
    "wait": "c*", "diff": "c*", "export": "c*", "logs": "c*",
    "commit": "ci", "rmi": "i*", "history": "i*", "save": "i*", "tag": "i*", "inspect": "i*", "images": "i*",
    "import": "-i", "build": "-", "load": "-", "ps": "-",
    "rename": "cn",  # n: a new container name, prefixed as `--name` is (only when valid)
    "cp": "pp",  # p: `CONTAINER:PATH` (the container prefixed) or a host path (left alone)
}
NAME_FLAGS = {"create": {"--name"}, "run": {"--name"}, "build": {"-t", "--tag"}}
FILTER_KEYS = {"name", "ancestor", "reference", "before", "since"}


def _role(verb: str, k: int) -> str:
    r = ROLES.get(verb, "-")
    if k < len(r) and r[k] != "*":
        return r[k]
    if r.endswith("*"):
        return r[-2] if len(r) > 1 else "-"
    return "-" if k >= len(r) else r[k]


class UnsafeLine(ValueError):
    """A script line replay will not run on an engine: it would touch what is not this run's."""


def refuse_unsafe(number: int, words: list[str], refused: bool) -> None:
    """A forced `system prune` also deletes build cache and unused networks: the build cache has no
    label to scope it to this run, so on a shared engine it would delete other people's.  Only one
    the model says the engine refuses (`refused`: a bad filter) is run."""
    forced = any(w == "--force" or (w[:1] == "-" and w[:2] != "--" and "f" in w) for w in words[3:])  # -f, -af
    if not refused and words[1:3] == ["system", "prune"] and forced:
        raise UnsafeLine(f"line {number}: replay does not run a forced `docker system prune` on an engine: it "
                         "would also delete build cache, which no label scopes to this run; use "
                         "`docker container prune -f` and `docker image prune -f`")


def rewrite(words: list[str], prefix: str, label: str | None = None) -> list[str]:
    """A docker command line with names and references moved into the run's namespace."""

    def name(w: str) -> str:
        if not w or ID_LIKE.fullmatch(w):
            return w
        m = PLACEHOLDER.fullmatch(w)
        if m:
            return "{id:" + prefix + m.group(1) + "}"
        return prefix + w

    if len(words) < 2 or words[0] != "docker":
        return list(words)
    out, rest = ["docker"], list(words[1:])
    verb = rest[0]
    if verb in ("container", "image", "system") and len(rest) > 1:
        sub = argv_mod.SUBCOMMANDS.get((verb, rest[1])) or (rest[1] if rest[1] in argv_mod.VERBS else None)
        out += rest[:2]
        rest = rest[2:]
        verb = sub or verb
    else:
        out.append(verb)
        rest = rest[1:]
    spec = argv_mod.VERBS.get(verb)
    if spec is None:
        if verb in ROLES:  # a verb the model does not know (logs): positionals only
            return out + [name(w) if not w.startswith("-") else w for w in rest]
        return list(words)
    if label and verb in ("create", "run"):
        out += ["--label", f"{LABEL}={label}"]
    if label and verb == "import":
        # labelled, so that a prune line can be scoped to this run's images (a shared engine's are not ours)
        out += ["-c", f"LABEL {LABEL}={label}"]
    if label and verb.endswith(" prune"):
        # prune only ever touches this run's objects: its containers carry the label, its imports too
        # (and what is committed or built from them inherits it)
        out += ["--filter", f"label={LABEL}={label}"]
    by_name = {n: f for f in spec.flags for n in f.names}
    k, i = 0, 0
    while i < len(rest):
        w = rest[i]
        if w == "--":
            out += rest[i:]
            break
        if w.startswith("-") and len(w) > 1:
            flag, eq, inline = w.partition("=")
            f = by_name.get(flag) if flag.startswith("--") or len(flag) == 2 else None
            if f is None or f.kind == "bool":
                out.append(w)
                i += 1
                continue
            value = inline if eq else (rest[i + 1] if i + 1 < len(rest) else None)
            if value is not None:
                if flag in NAME_FLAGS.get(verb, ()):
                    valid = flag != "--name" or re.fullmatch(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+", value)
                    value = name(value) if valid else value
                elif flag in ("-f", "--filter") and verb in ("ps", "images"):
                    key, e2, v = value.partition("=")
                    if e2 and key.strip().lower() in FILTER_KEYS:
                        value = f"{key}={name(v)}"
            out += [f"{flag}={value}"] if eq else [w] + ([value] if value is not None else [])
            i += 1 if eq else 2
            continue
        role = _role(verb, k)
        if role == "p":
            ctr, path = argv_mod.split_cp_arg(w)
            out.append(w if ctr is None else f"{name(ctr)}:{path}")
        elif role == "n":
            valid = re.fullmatch(r"/?[a-zA-Z0-9][a-zA-Z0-9_.-]+", w)
            out.append(("/" if w.startswith("/") else "") + name(w.removeprefix("/")) if valid else w)
        else:
            out.append(name(w) if role in "ci" and role != "-" else w)
        k += 1
        i += 1
        if not spec.interspersed:
            out += rest[i:]
            break
    return out


def prepare_folder(src: Path, dst: Path, prefix: str) -> None:
    """Copy the script's folder, with FROM lines prefixed and base.tar provided: the real busybox root when
    the folder has none, or only the model's placeholder (examples/base.tar), which no engine can run."""
    from .rootfs import busybox_rootfs, holds_placeholder

    for dirpath, dirnames, names in os.walk(src):
        rel = Path(dirpath).relative_to(src)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for n in names:
            s, d = Path(dirpath) / n, dst / rel / n
            if n.startswith("Dockerfile"):
                text = s.read_text()
                text = prefix_from(text, lambda ref: prefix + ref)
                d.write_text(text)
            elif n.endswith(".sh"):
                continue
            else:
                shutil.copy2(s, d)
    if not (dst / "base.tar").exists() or holds_placeholder(dst / "base.tar"):
        (dst / "base.tar").write_bytes(busybox_rootfs())


@dataclass
class LineReport:
    line: int
    text: str
    model: dict
    engine: dict
    differs: list = field(default_factory=list)  # which aspects differ: exit, error_kind, stdout, state
    # where the line differs and the engine's own log admitted a fault while it ran (`dockspec.engines.faults`):
    # what the log said.  The difference is then the engine's fault, not a divergence.
    fault: str = ""

    @property
    def diverges(self) -> bool:
        return bool(self.differs) and not self.fault

    def to_json(self) -> dict:
        return {"line": self.line, "text": self.text, "differs": self.differs, "model": self.model,
                "engine": self.engine, **({"engine_fault": self.fault} if self.fault else {})}


class CliEngine:
    """Runs docker command lines through /usr/bin/docker against one engine.

    Given a private engine (`dockspec.engines`), through that engine's own
    client and environment instead, with the builder that client picks by
    default (BuildKit from Docker 23) unless `DOCKER_BUILDKIT` is set here.
    """

    def __init__(self, url: str, cwd: Path, engine=None):
        self.url = url
        self.cwd = cwd
        self.argv = [DOCKER_CLI]
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DOCKER_HOST": url, "DOCKER_BUILDKIT": "0",
                    "DOCKER_CONFIG": str(cwd / ".docker-config"), "HOME": str(cwd), "LANG": "C.UTF-8"}
        if engine is not None:
            cli = engine.cli()
            self.argv = [url if before == "-H" else w for before, w in zip([None, *cli], cli)]
            if engine.kind == "podman":
                # its own settings only (podman reads DOCKER_CONFIG as an auth file that must exist)
                self.env = {**os.environ, "LANG": "C.UTF-8"}
            else:
                del self.env["DOCKER_BUILDKIT"]
            self.env.update(engine.cli_env())
            if "DOCKER_BUILDKIT" in os.environ:
                self.env["DOCKER_BUILDKIT"] = os.environ["DOCKER_BUILDKIT"]

    def run(self, words: list[str], timeout: float = 30, env: dict | None = None) -> tuple[int, str, str]:
        """`words` (`docker ...`) through the client, `env` (the line's own `NAME=value`s) added to its environment."""
        try:
            p = subprocess.run([*self.argv, *words[1:]], cwd=self.cwd, env={**self.env, **(env or {})}, capture_output=True,
                               timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise EngineFault(f"timed out after {timeout}s: {' '.join(words)}") from None
        err = p.stderr.decode(errors="replace")
        if ("Cannot connect to the Docker daemon" in err or "connection refused" in err.lower()
                or "reassociate to namespace" in err):
            raise EngineFault(err.strip())
        return p.returncode, p.stdout.decode(errors="replace"), err


LISTING = {"ps", "images", "ls", "list"}
# Verbs whose line order is not deterministic on the engine: `images` sorts by a
# creation time in whole seconds and lists one image's repositories from a Go map;
# `diff` lists in the order the storage driver walks the upper directory.
UNORDERED = {"images", "diff", "prune"}


def _drop_layer_lines(text: str) -> str:
    """rmi's `Deleted: <layer>` lines (prune's `deleted: `): whether a layer goes depends on every other
    image of the engine sharing it (other runs, other users), so they are not compared."""
    return "\n".join(l for l in text.splitlines() if l.lower() != "deleted: sha256:<id64>")


def _sorted_body(text: str) -> str:
    lines = text.splitlines()
    head = lines[:1] if lines and lines[0].startswith(HEADERS) else []
    return "\n".join(head + sorted(lines[len(head):]))
HEADERS = ("CONTAINER ID", "REPOSITORY", "IMAGE ")


def _verb(words: list[str]) -> str:
    verb = words[1] if len(words) > 1 else ""
    if verb in ("container", "image", "system") and len(words) > 2:
        verb = words[2]
    return verb


def own_lines(text: str, owned: set | None, prefix: str) -> str:
    """The lines of a listing that show this run's objects (and the table header).

    A line is ours when every id it shows is ours (`owned`: 12-character ids;
    None: every id is), or, showing no id, when it shows our prefix.  The same
    filter runs on the model's side, so a line dropped for want of a name or an
    id is dropped on both sides.
    """
    keep = []
    for k, line in enumerate(text.splitlines()):
        if k == 0 and line.startswith(HEADERS):
            keep.append(line)
            continue
        found = [m.group(1)[:12] for m in re.finditer(r"(?<![0-9a-f])([0-9a-f]{12}(?:[0-9a-f]{52})?)(?![0-9a-f])", line)]
        if found:
            if owned is None or all(i in owned for i in found):
                keep.append(line)
        elif prefix in line:
            keep.append(line)
    return "".join(l + "\n" for l in keep)


def _stdout_compared(words: list[str]) -> bool:
    verb = _verb(words)
    if verb in NOT_COMPARED_STDOUT:
        return False
    if verb == "inspect" and not any(w in ("-f", "--format") or w.startswith("--format=") for w in words):
        return False
    if verb in ("export", "save") and not any(w in ("-o", "--output") or w.startswith("--output=") for w in words):
        return False
    return True


def replay_text(text: str, folder: Path, url: str, run_id: str | None = None, engine=None,
                profile: Profile = DOCKER_20_10) -> list[LineReport]:
    """Replay one script; one report per line (compare `differs` to see divergences).

    `engine`: a private engine whose own client runs the lines (default: $DOCKSPEC_DOCKER_CLI).
    The model side speaks the dialect `profile` (the engine's own, for a fair comparison).
    """
    import docker

    run_id = run_id or secrets.token_hex(4)
    from .adapter import Adapter

    adapter = Adapter(url, run_id)  # ownership, journal, clean-up
    owner = adapter.owner
    prefix = owner.prefix
    lab = f"{LABEL}=" + run_id
    lab_map = f"{LABEL}:" + run_id

    def strip(s: str) -> str:
        for a, b in ((lab + ",", ""), ("," + lab, ""), (lab, ""), (lab_map + " ", ""), (" " + lab_map, ""),
                     (lab_map, ""), (prefix, "")):
            s = s.replace(a, b)
        return s
    observer = Observer(adapter.api, owner)
    classify = Classifier(profile)  # the engine's stderr read with its own dialect's wording
    ids = Bijection()
    seen_containers: set[str] = set()
    reports: list[LineReport] = []
    tmp = Path(tempfile.mkdtemp(prefix="dockspec-replay-"))
    try:
        prepare_folder(folder, tmp, prefix)
        files = ScriptFiles(tmp)
        cli = CliEngine(url, tmp, engine)
        log = faults.watch(engine) if engine is not None and url == engine.url else None
        world = None
        from model.values import World

        world = World()
        for line in split_lines(text):
            if line.words is None:
                continue
            # `DOCKER_BUILDKIT=0 docker build ...`: the line's environment goes to the client, and the
            # model sees the client's builder setting (its environment's, unless the line sets it).
            line_env, bare = argv_mod.split_env(list(line.words))
            model_env = {k: v for k, v in cli.env.items() if k in argv_mod.LINE_ENV} | line_env
            words = rewrite(bare, prefix, run_id)
            m_words = [f"{k}={v}" for k, v in model_env.items()] + [PLACEHOLDER.sub(lambda m: _model_id(world, m.group(1)), w) for w in words]
            e_words = [PLACEHOLDER.sub(lambda m: _engine_id(adapter.api, m.group(1)), w) for w in words]
            (documented,) = list(run_lines([Line(line.number, line.text, tuple(m_words))], files, world, profile))
            refuse_unsafe(line.number, bare, documented.error_kind is not None)
            if log is not None:
                log.mark()
            code, out, err = cli.run(e_words, env=line_env)
            verb = _verb(bare)
            adapter.own_printed(verb, out)  # the ids the line printed of images it made
            observer.touched()  # any CLI line may have changed any file system
            e_kind = classify(err) or (classify(out) if code in (126, 127) else None)
            # Where the engine races with itself, the line agrees when any allowed outcome
            # does, and the replay goes on from that one.
            compared = []
            before = ids
            for mr in documented.outcomes():
                world = mr.world
                raw, _ = read_settled(adapter.api, owner, observer, world, lambda c: c.name, execs=verb == "exec",
                                 profile=profile)
                ids = before.fork()  # each outcome pairs ids on its own; the replay keeps the chosen one's
                ids.learn(world, raw, owner, profile.history_ids_by_top_layer)
                e_state = engine_snapshot(raw, ids)
                m_state = snapshot(world, profile)
                e_out = out
                if verb in LISTING:
                    seen_containers.update(c["Id"][:12] for c in raw.containers)
                    owned = seen_containers | {i[7:19] for i in owner.images}
                    e_out = own_lines(out, owned, prefix)
                    m_stdout = own_lines(mr.stdout, None, prefix)
                else:
                    m_stdout = mr.stdout
                e_out = normalise(strip(ids.engine_text(e_out)))
                m_out = normalise(strip(ids.model_text(m_stdout)))
                if verb in ("rmi", "prune"):
                    e_out, m_out = _drop_layer_lines(e_out), _drop_layer_lines(m_out)
                if verb in UNORDERED or (verb == "rm" and profile.rm_prints_in_any_order):
                    e_out, m_out = _sorted_body(e_out), _sorted_body(m_out)
                if not profile.sizes_modelled:  # the dialect's sizes are the engine's own figures
                    e_out, m_out = mask_sizes(e_out), mask_sizes(m_out)
                    e_state, m_state = without_sizes(e_state), without_sizes(m_state)
                model = {"exit": mr.exit, "error_kind": mr.error_kind, "stdout": m_out, "stderr": strip(mr.stderr),
                         "state": _strip_state(m_state, strip)}
                engine = {"exit": code, "error_kind": e_kind.value if e_kind else None, "stdout": e_out,
                          "stderr": strip(ids.engine_text(err)), "state": _strip_state(e_state, strip)}
                differs = [k for k in ("exit", "error_kind") if model[k] != engine[k]]
                if _stdout_compared(bare) and m_out != e_out:
                    differs.append("stdout")
                if m_state != e_state:
                    differs.append("state")
                compared.append((mr.world, model, engine, differs, ids))
                if not differs:
                    break
            world, model, engine, differs, ids = compared[-1] if not compared[-1][3] else compared[0]
            fault = "; ".join(log.faults()) if differs and log is not None else ""
            reports.append(LineReport(line.number, line.text, model, engine, differs, fault))
    except docker.errors.DockerException as e:
        raise name_failure(e, "replaying") from e
    finally:
        try:
            adapter.cleanup()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return reports


def _strip_state(state: dict, strip) -> dict:
    return json.loads(strip(json.dumps(state)))


def _model_id(world, ref: str) -> str:
    mid = world.tags.get(ref if ":" in ref.rsplit("/", 1)[-1] else ref + ":latest")
    return mid.split(":", 1)[1][:12] if mid else ref


def _engine_id(api, ref: str) -> str:
    try:
        return full_id(api.inspect_image(ref)["Id"]).split(":", 1)[1][:12]
    except Exception:
        return ref


def render(reports: list[LineReport], only_differences: bool = True) -> str:
    """The differing lines, each with what differs.  A state difference already shown at an earlier line
    (the same objects, the same two values: a standing difference, such as every line after a dialect's
    first unmodelled effect) is not shown again: "as at line N" stands for it, and only what is new is."""
    out = []
    shown: dict[str, tuple[int, dict]] = {}  # state key -> (line, {object: (model, engine)}) last shown
    for r in reports:
        if only_differences and not r.differs:
            continue
        out.append(f"line {r.line}: {r.text}\n  differs: {', '.join(r.differs) or '-'}")
        if r.fault:
            out.append(f"  engine fault, not a divergence: {r.fault}")
        for aspect in r.differs:
            if aspect == "state":
                m, e = r.model["state"], r.engine["state"]
                for k in m:
                    if m[k] != e.get(k):
                        out.extend(_state_lines(k, m[k], e.get(k), r.line, shown))
            else:
                out.append(f"  {aspect}:\n    model:  {r.model[aspect]!r}\n    engine: {r.engine[aspect]!r}")
        if "error_kind" in r.differs or "exit" in r.differs:
            out.append(f"  stderr:\n    model:  {r.model['stderr']!r}\n    engine: {r.engine['stderr']!r}")
    return "\n".join(out)


def _state_lines(key: str, model, engine, line: int, shown: dict) -> list[str]:
    """How `render` shows one differing state key: the objects whose two values are new since it was last shown."""
    if isinstance(model, dict) and isinstance(engine, dict):
        now = {o: (model.get(o), engine.get(o)) for o in sorted(set(model) | set(engine)) if model.get(o) != engine.get(o)}
    else:
        now = {"": (model, engine)}
    before_line, before = shown.get(key, (0, {}))
    new = {o: v for o, v in now.items() if before.get(o) != v}
    shown[key] = (line, now)
    if not new:
        return [f"  state.{key}: as at line {before_line}"]
    if list(new) == [""]:
        return [f"  state.{key}:\n    model:  {json.dumps(model)}\n    engine: {json.dumps(engine)}"]
    lines = [f"  state.{key}:" + (f" (the rest as at line {before_line})" if len(new) < len(now) else "")]
    for o, (mv, ev) in new.items():
        lines.append(f"    {o}:\n      model:  {json.dumps(mv)}\n      engine: {json.dumps(ev)}")
    return lines


@click.command()
@click.argument("script", type=click.Path(exists=True, dir_okay=False), nargs=-1)
@click.option("--engine", "url", default=None, help="Engine URL (unix:///path/docker.sock); default $DOCKSPEC_DOCKER_HOST.")
@click.option("--private", metavar="[NAME]", is_flag=False, flag_value="", default=None,
              help="Start (or reuse) the private engine NAME (`dockspec engine list`; alone: the default engine); "
                   "with a NAME, lines run through that engine's own client.")
@click.option("--dialect", default=None, metavar="NAME",
              help="The model's dialect (`dockspec dialects`); default: the private engine's own, else docker-20.10.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line: model and engine side by side.")
def replay(script: tuple[str, ...], url: str | None, private: str | None, dialect: str | None, as_json: bool) -> None:
    """Run docker SCRIPTs on a real engine and on the model; report where they differ.

    Exit 0: every line agrees; 1: some line differs; 2: the engine failed (a line differs only where the
    engine's own log admitted a fault: `dockspec.engines.faults`); 3: a bug of dockspec.
    """
    from . import engines
    from .engine import EngineUnavailable, resolve

    if private and private not in engines.names() and Path(private).is_file():
        script, private = (private, *script), ""  # `--private SCRIPT...`: the default engine
    if not script:
        raise click.UsageError("no SCRIPT given")
    try:
        engine = engines.get(private or None) if private is not None and not url else None
        url = resolve(url, private is not None and (private or True))
    except EngineUnavailable as e:
        click.echo(f"dockspec replay: engine unavailable: {e}", err=True)
        sys.exit(2)
    profile = dialect_for(dialect, engine)
    status = 0
    for s in script:
        path = Path(s)
        try:
            reports = replay_text(path.read_text(), path.resolve().parent, url, engine=engine, profile=profile)
        except UnsafeLine as e:
            raise click.UsageError(f"{s}: {e}") from None
        except EngineFault as e:
            click.echo(f"dockspec replay: engine failed: {e}", err=True)
            sys.exit(e.exit_status)
        except DockspecBug as e:
            click.echo(f"dockspec replay: DOCKSPEC BUG (not the engine, not a divergence)\n{e.report()}", err=True)
            sys.exit(e.exit_status)
        bad = [r for r in reports if r.differs]
        # a line that differs where the engine admitted a fault is the engine's failure (2), not a divergence (1)
        status = status or (1 if any(r.diverges for r in reports) else 2 if bad else 0)
        if as_json:
            for r in reports:
                click.echo(json.dumps({"script": s, **r.to_json()}))
            continue
        if bad:
            click.echo(f"{s}: {len(bad)} of {len(reports)} lines differ")
            click.echo(render(reports))
        else:
            click.echo(f"{s}: {len(reports)} lines agree")
    sys.exit(status)
