"""Lockstep conformance: the property suite's machine drives the model and a real engine together.

Theory of operation.  `LockstepMachine` subclasses the suite's `DockerMachine`
and overrides its one door, `execute(command)`: the model steps first (with
every step rule of the spec checked, as in `dockspec check`), then the same
command goes to the engine through `dockspec.adapter.Adapter` (SDK calls, names
prefixed `dsk-<run>-`, containers labelled), then the engine is settled (one-shot
workloads the model says have exited are waited for) and observed
(`dockspec.observe`), and both are compared: the outcome (success, or the error
kind) and the snapshot, through the id bijection.  A difference raises
`Divergence`; Hypothesis shrinks it to a short script.  A failing engine raises
`EngineFault`, which is never reported as a divergence (exit status 2).

The base image is the real busybox root file system (`dockspec.rootfs`) on
both sides, imported, never pulled.  Every example runs under a fresh run id
and removes what it made when it ends, whatever happens.
"""
from __future__ import annotations

import functools
import json
import os
import re
import sys
import time
from dataclasses import dataclass, replace
from typing import Callable

import click

from model import commands as cmd
from model.values import Status

from .coverage import cli as edges_cli
from . import host_folder
from .failures import AdapterError, Divergence, DockspecBug, EngineFault, find_failure, name_failure
from .observe import Bijection, Classifier, Observer, engine_snapshot
from .settle import read_settled
from .snapshot import snapshot, without_sizes

__all__ = ["AdapterError", "Divergence", "DockspecBug", "EngineFault", "make_machine", "run_conformance"]


class ShrinkBudgetSpent(KeyboardInterrupt):
    """Shrinking took its time budget: stop Hypothesis, report the shortest divergence seen.

    A KeyboardInterrupt so that Hypothesis lets it through instead of shrinking it."""


SHRINK_SECONDS = float(os.environ.get("DOCKSPEC_SHRINK_SECONDS", "90"))


def _real_base() -> bytes:
    from .rootfs import busybox_rootfs

    global _REAL
    if _REAL is None:
        _REAL = busybox_rootfs()
    return _REAL


_REAL: bytes | None = None


@dataclass(frozen=True)
class Known:
    """Engine behaviour seen and not yet modelled, skipped by `--allow-known` so that a run can look
    for other divergences.  Each entry names the dialects it holds in and the replay script whose
    ledger lines show it on the engine (so CI notices when the engine changes); the README lists them."""

    what: str
    dialects: tuple[str, ...]
    matches: Callable[[object, object], bool]  # (world before, command) -> the command meets it
    replay: str


def _not_a_tar(world, command) -> bool:
    import io
    import tarfile

    return isinstance(command, cmd.Import) and not tarfile.is_tarfile(io.BytesIO(command.data))


def _prune_all(world, command) -> bool:
    return isinstance(command, (cmd.ImagePrune, cmd.SystemPrune)) and command.all and command.force


# Races are not here: they are modelled as sets of allowed outcomes (`model.result.outcomes`).
KNOWN: tuple[Known, ...] = (
    Known("the containerd image store: an import that cannot be unpacked (a file that is not a tar) fails, "
          "and still tags the reference with an image no container can run from",
          ("docker-26.1-containerd", "docker-28.5-containerd"), _not_a_tar, "replays/30-import-garbage.sh"),
    # Not the engine's choice but its Docker-compatible handler's bug: `podman image prune -a` prunes
    # (replays/65-podman-prune-whole.sh agrees on 4.3 through the podman CLI; 26-prune.sh:33, :34, -a with
    # a label filter, still differ there, and only there), the socket refuses every -a (bench/soak podman-4.3
    # seeds 941, 944, 945, 946).  5.4's handler takes -a but keeps the dangling images (the adapter prunes
    # those in a second call: tests/test_conform.py::test_prune_all_deletes_the_untagged_images_too).
    Known("Podman 4.3's Docker-compatible socket: image prune -a and system prune -a are refused, "
          "'specifying \"dangling\" filter more than once with different values is not supported'",
          ("podman-4.3",), _prune_all, "replays/26-prune.sh"),
)


_SUM = re.compile(r"(ADD file:)([0-9a-f]{64})( in /)")


def _own_archives(state: dict) -> dict:
    """The snapshot with the archive sums of imports of archives each side wrote itself masked.

    Podman's import row names the sha256 of the archive (`ADD file:<sum> in /`).  The machine imports
    `base.tar` (the same bytes on both sides: compared) and the archives `save` and `export` wrote,
    which the model and the engine each write in their own bytes: those sums cannot agree."""
    base = _base_sum()

    def mask(text: str) -> str:
        return _SUM.sub(lambda m: m[0] if m[2] == base else m[1] + "<an archive this run wrote>" + m[3], text)

    history = {ref: [[row[0], mask(row[1]), *row[2:]] for row in rows] for ref, rows in state.get("history", {}).items()}
    return {**state, "history": history}


@functools.lru_cache(maxsize=1)
def _base_sum() -> str:
    import hashlib

    return hashlib.sha256(_real_base()).hexdigest()


def make_machine(url: str, stop_timeout: int = 0, allow_known: bool = False, profile=None, edges=None):
    """A lockstep machine class bound to the engine at `url`, the model speaking the dialect `profile`;
    every step the engine confirms is recorded in `edges` (a `dockspec.coverage.edges.EdgeCoverage`)."""
    from spec import fixtures
    from spec.machine import DockerMachine

    from .adapter import Adapter

    if profile is not None and profile.builder == "buildkit":
        # The adapter builds through the Engine API's /build, the legacy builder (as every
        # Docker SDK user does); BuildKit is what the CLI picks, and `replay` checks it.
        profile = replace(profile, builder="classic")
    Base = DockerMachine.for_dialect(profile) if profile is not None else DockerMachine

    class LockstepMachine(Base):
        engine_url = url
        steps = 0
        edge_coverage = edges
        sessions = 0  # sessions begun (each a fresh machine)
        restarts = 0  # runs started again after the engine's races changed a replayed session
        seconds_engine = 0.0

        best: Divergence | None = None
        first_failure_at: float | None = None
        run_ids: list = []  # every run id this class's machines used on the engine

        def __init__(self):
            cls = type(self)
            if cls.first_failure_at is not None and time.monotonic() - cls.first_failure_at > SHRINK_SECONDS:
                raise ShrinkBudgetSpent()
            super().__init__()
            try:
                self.adapter = Adapter(url, stop_timeout=stop_timeout, classify=Classifier(self.profile))
            except Exception as e:
                raise EngineFault(f"cannot reach the engine at {url}: {e}") from e
            cls.run_ids.append(self.adapter.run_id)
            self.started = time.time()
            cls.sessions += 1
            self.observer = Observer(self.adapter.api, self.adapter.owner)
            self.ids = Bijection()
            self.engine_files: dict[str, bytes] = {}
            # `docker cp`'s host side: a folder of this session's own, made from the machine's host files
            self.adapter.host_dir = host_folder.make(self.host)

        def name_of(self, data: bytes) -> str:
            if data == _real_base():
                return fixtures.BASE_TAR_NAME
            return super().name_of(data)

        def _time_passes(self, command: object) -> list[str]:
            """Containers whose blocking PID 1 the model lets finish in this step (`wait`,
            foreground `run`).  The engine cannot let 1000 s pass: the trap workload is
            woken by SIGTERM (its trap exits 0, as when its sleep ends); a plain `sleep`
            or a paused container cannot be hurried, so the example is discarded."""
            from hypothesis import reject
            from spec.workloads import TRAP

            if isinstance(command, cmd.Run) and not command.detach:
                argv = command.create.cmd or ()
                if argv[:1] == ("sleep",):
                    reject()
                if argv == ("sh", "-c", TRAP):
                    reject()  # the container does not exist before the call returns: cannot be woken
                return []
            if not isinstance(command, cmd.Wait):
                return []
            from spec.rules import resolve_container

            wake = []
            for text in command.containers:
                c = resolve_container(self.world, text)
                if c is None or c.status not in (Status.RUNNING, Status.PAUSED):
                    continue
                if c.status is Status.PAUSED or c.config.argv()[:1] == ("sleep",):
                    reject()
                wake.append(c.name)
            return wake

        def _ended_meanwhile(self, before, after, command: object, wake: list[str]) -> list[str]:
            """Other containers the time a `wait` let pass ended in the model (`model.clock`):
            trap workloads are woken on the engine as the waited ones are; anything else
            time changed (a plain `sleep`, a paused container's clock) cannot be hurried."""
            from hypothesis import reject
            from spec.workloads import TRAP

            if not isinstance(command, cmd.Wait):
                return []
            more = []
            for cid, c in before.containers.items():
                if c.name in wake or c.status not in (Status.RUNNING, Status.PAUSED):
                    continue
                now = after.containers.get(cid)
                if now is not None and now.status is c.status and now.processes == c.processes:
                    continue
                if c.status is Status.RUNNING and c.config.argv() == ("sh", "-c", TRAP) and (
                        now is None or now.status is Status.EXITED):
                    more.append(c.name)
                else:
                    reject()
            return more

        def _no_generated_names(self, command: object) -> None:
            """Names the daemon generated (a failed build's container) are random on the engine
            and deterministic in the model: an example that types one is discarded."""
            import dataclasses

            from hypothesis import reject

            generated = {c.name for c in self.world.containers.values()} - set(self.typed_names)
            if not generated:
                return
            inner = command.create if isinstance(command, cmd.Run) else command
            for f in dataclasses.fields(inner):
                v = getattr(inner, f.name)
                if (isinstance(v, str) and v in generated) or (isinstance(v, tuple) and generated & set(
                        x for x in v if isinstance(x, str))):
                    reject()

        def _compared(self, outcome, raw) -> tuple:
            """(outcome, the ids paired under it, the model's snapshot, the engine's) for one allowed outcome."""
            ids = self.ids.fork()
            ids.learn(outcome.world, raw, self.adapter.owner, self.profile.history_ids_by_top_layer)
            m_state = _own_archives(snapshot(outcome.world, self.profile))
            e_state = _own_archives(json.loads(self.adapter.owner.strip(json.dumps(engine_snapshot(raw, ids)))))
            if not self.profile.sizes_modelled:  # the dialect's sizes are the engine's own figures
                m_state, e_state = without_sizes(m_state), without_sizes(e_state)
            return outcome, ids, m_state, e_state

        def _events(self, m_state: dict, e_state: dict) -> list[str]:
            """The engine's events for the containers whose state differs, oldest first: what the
            daemon did to them (a late `pause` from containerd's event is told apart from one the
            run asked for only here)."""
            m, e = m_state.get("containers", {}), e_state.get("containers", {})
            names = sorted(n for n in set(m) | set(e) if m.get(n) != e.get(n))
            if not names:
                return []
            try:
                now = time.time()
                seen = self.adapter.api.events(since=int(self.started), until=int(now) + 1, decode=True,
                                               filters={"container": [self.adapter.prefix + n for n in names]})
                lines = [f"event {ev.get('timeNano', 0) / 1e9 - self.started:8.3f} s  "
                         f"{ev.get('Action')} {ev.get('Actor', {}).get('Attributes', {}).get('name', '')}"
                         for ev in seen if ev.get("Type") == "container"]
            except Exception as ex:  # the note is for the reader; its absence must not hide the divergence
                return [f"(the engine's events could not be read: {ex})"]
            return ["the engine's events for " + ", ".join(names) + " since the session began:"] + lines

        def _engine_id(self, text: str) -> str:
            """A model id (short or full, with or without sha256:) as the engine's id."""
            import re as _re

            if not _re.fullmatch(r"(sha256:)?[0-9a-f]{12,64}", text):
                return text
            bare = text.split(":", 1)[-1]
            for m, e in self.ids.m2e.items():
                mb = m.split(":", 1)[-1]
                if mb.startswith(bare):
                    eb = e.split(":", 1)[-1]
                    return ("sha256:" if text.startswith("sha256:") else "") + eb[: len(bare)]
            return text

        def _engine_command(self, command: object) -> object:
            """The command the engine gets: model ids translated, archives the model wrote
            replaced by the engine's own."""
            import dataclasses

            changes = {}
            for f in dataclasses.fields(command):
                v = getattr(command, f.name)
                if isinstance(v, str):
                    if self._engine_id(v) != v:
                        changes[f.name] = self._engine_id(v)
                elif isinstance(v, tuple) and v and all(isinstance(x, str) for x in v) and f.name in (
                        "containers", "images"):
                    changes[f.name] = tuple(self._engine_id(x) for x in v)
            if changes:
                command = replace(command, **changes)
            if isinstance(command, (cmd.Import, cmd.Load)):
                for path, data in self.files.items():
                    if data is command.data or data == command.data:
                        if path in self.engine_files:
                            return replace(command, data=self.engine_files[path])
            return command

        def execute(self, command: object, comment: str = ""):
            try:
                return self._execute(command, comment)
            except Divergence as d:
                self.divergence = d  # for on_teardown hooks (dockspec.workers)
                cls = type(self)
                if cls.first_failure_at is None:
                    cls.first_failure_at = time.monotonic()
                if cls.best is None or len(d.script) <= len(cls.best.script):
                    cls.best = d
                raise

        def _execute(self, command: object, comment: str = ""):
            before = self.world
            if isinstance(command, cmd.Import) and command.data == fixtures.base_tar():
                command = replace(command, data=_real_base())
            engine_command = self._engine_command(command)
            wake = self._time_passes(command)
            self._no_generated_names(command)
            if allow_known and any(k.matches(self.world, command) for k in KNOWN if self.profile.name in k.dialects):
                from hypothesis import reject

                reject()
            from model.result import outcomes
            from spec.machine import RuleBroken

            before = self.world
            try:
                result = super().execute(command, comment)
            except RuleBroken as e:  # the model broke its own spec: dockspec's bug, whatever the engine does
                raise DockspecBug(f"the model broke a rule of its spec\n--- script ---\n{self.script()}\n{e}", e) from e
            wake += self._ended_meanwhile(before, result.world, command, wake)
            for name in wake:  # the trap workload: time passing = its sleep ends = TERM to the shell
                try:
                    self.adapter.api.kill(self.adapter.prefix + name, signal="TERM")
                except Exception:
                    pass
            verb = type(command).__name__.lower()
            t0 = time.perf_counter()
            try:
                outcome = self.adapter.apply(engine_command)
            except NotImplementedError as e:
                raise AdapterError(str(e), e) from e
            except Exception as e:
                raise name_failure(e, verb) from e
            try:
                for path, data in (outcome.files or {}).items():
                    self.engine_files[path] = data
                if isinstance(engine_command, (cmd.Exec, cmd.Start, cmd.Restart, cmd.Run, cmd.Cp)):
                    self.observer.touched()
                raw, late = read_settled(self.adapter.api, self.adapter.owner, self.observer, self.world,
                                    lambda c: self.adapter.prefix + c.name, profile=self.profile,
                                    execs=isinstance(engine_command, cmd.Exec) and engine_command.detach)
            except Exception as e:
                raise name_failure(e, f"observing the engine after {verb}") from e
            type(self).seconds_engine += time.perf_counter() - t0
            type(self).steps += 1
            e_kind = outcome.kind.value if outcome.kind else None
            engine_side = {"error_kind": e_kind, "exit": outcome.exit, "stderr": self.adapter.owner.strip(outcome.stderr)}
            if outcome.kind is None and outcome.status is not None:
                if outcome.status >= 500:
                    raise EngineFault(f"{verb}: the engine answered {outcome.status}: {engine_side['stderr'].strip()}")
                raise AdapterError(f"{verb}: the engine refused with a message dockspec cannot classify "
                                   f"({outcome.status}): {engine_side['stderr'].strip()}")
            # Where the engine races with itself, any allowed outcome will do; the run goes on
            # from the state of the one the engine showed.
            allowed = outcomes(result)
            same_kind = [r for r in allowed if (r.error.kind.value if r.error else None) == e_kind]
            if not same_kind:
                raise Divergence(self.script(), "outcome",
                                 {"error_kind": result.error.kind.value if result.error else None,
                                  "exit": result.exit, "stderr": result.stderr,
                                  **({"or": [{"error_kind": r.error.kind.value if r.error else None, "exit": r.exit}
                                             for r in allowed[1:]]} if len(allowed) > 1 else {})},
                                 engine_side)
            # Outcomes that differ in state alone (a layer Podman shares or not): the one the engine's
            # state shows, each pairing ids on its own copy, compared only while none agrees; none:
            # the first, reported.
            tried = (self._compared(r, raw) for r in same_kind)
            first = next(tried)
            chosen, ids, m_state, e_state = (first if first[2] == first[3]
                                             else next((t for t in tried if t[2] == t[3]), first))
            self.ids = ids
            if chosen is not result:
                self.world = chosen.world
                result = chosen
            if m_state != e_state:
                diff = {k: (m_state[k], e_state.get(k)) for k in m_state if m_state[k] != e_state.get(k)}
                raise Divergence(self.script(), "state", {k: v[0] for k, v in diff.items()},
                                 {k: v[1] for k, v in diff.items()},
                                 note="\n".join(self.adapter.owner.strip(x) for x in
                                                 late + self._events(m_state, e_state)))
            if isinstance(command, cmd.Cp) and not command.into:  # the host folder, as the model knows it
                m_host, e_host = host_folder.compare(self.host, self.adapter.host_dir)
                if m_host != e_host:
                    raise Divergence(self.script(), "host folder", m_host, e_host)
            if self.edge_coverage is not None:  # the engine confirmed this edge
                self.edge_coverage.record(before, command, result)
            return result

        def teardown(self):
            try:
                super().teardown()
            finally:
                try:
                    self.adapter.cleanup()
                except Exception:
                    pass
                host_folder.remove(self.adapter.host_dir)

    return LockstepMachine


def run_conformance(url: str, examples: int, seed: int | None, steps: int | None = None,
                    allow_known: bool = False, profile=None, database=None, on_teardown=None, edges=None,
                    wrap=None):
    """Run the lockstep machine (the model in dialect `profile`, default docker-20.10);
    return (failure or None, machine class, elapsed seconds).

    `database`: a Hypothesis example database whose examples for this machine are
    replayed first and which keeps what this run finds (`dockspec.services.database`);
    None (the default) runs derandomized without one when no seed is given.
    `on_teardown(machine)`: called with every finished example (`dockspec.workers`).
    `edges` records the edges the engine confirmed; `wrap(Machine)` may return a subclass
    to run instead (the cover's sessions that start from covered states)."""
    from hypothesis import seed as hseed
    from hypothesis.stateful import run_state_machine_as_test

    from spec.settings import suite_settings

    Machine = make_machine(url, allow_known=allow_known, profile=profile, edges=edges)
    if wrap is not None:
        Machine = wrap(Machine)
    if on_teardown is not None:
        Machine.on_teardown = on_teardown
    from hypothesis.errors import FlakyStrategyDefinition

    t0 = time.perf_counter()
    failure = None
    for attempt in range(RESTARTS + 1):
        left = examples - Machine.sessions
        if attempt and left <= 0:
            break
        s = suite_settings(left if attempt else examples, steps, database=database,
                           derandomize=seed is None and database is None and not attempt, print_blob=False)
        try:
            if seed is not None or attempt:
                import random

                now = (seed or 0) + 7919 * attempt
                random.seed(now)
                test = hseed(now)(lambda: run_state_machine_as_test(Machine, settings=s))
                test()
            else:
                run_state_machine_as_test(Machine, settings=s)
        except (Divergence, EngineFault, DockspecBug) as e:
            failure = e
        except ShrinkBudgetSpent:
            failure = Machine.best
        except BaseException as e:  # Hypothesis's own report (groups, flaky, ...) or a plain bug
            if isinstance(e, KeyboardInterrupt):
                raise
            if isinstance(e, FlakyStrategyDefinition) and Machine.best is None and attempt < RESTARTS:
                # Hypothesis ran a session's prefix again and the engine chose another allowed outcome
                # of a race (model.result.outcomes): the model follows the engine, so what is generated
                # next differs and Hypothesis stops.  Nothing disagreed: go on with fresh sessions.
                Machine.restarts += 1
                continue
            # A divergence seen, then Hypothesis gave up shrinking it because the engine did not
            # repeat itself (flaky data generation or test): the divergence is what was found.
            failure = find_failure(e) or Machine.best or _named(e)
        break
    return failure, Machine, time.perf_counter() - t0


# How often a run starts again with fresh sessions after the engine's races made Hypothesis's
# replay of a session differ (not a failure: every step agreed).
RESTARTS = 5


def _named(e: BaseException) -> DockspecBug:
    """What is left once divergences and engine faults are found: the model's spec broken, or a bug."""
    from spec.machine import RuleBroken

    if isinstance(e, RuleBroken):
        return DockspecBug(f"the model broke a rule of its spec: {e}", e)
    return DockspecBug(f"{type(e).__name__}: {e}", e)


def coverage_table() -> str:
    from spec.coverage import COVERAGE

    rows = []
    for verb in COVERAGE.verbs():
        outs = COVERAGE.outcomes(verb)
        rows.append(f"  {verb:<10} {COVERAGE.status(verb):<8} " + ", ".join(f"{k}={v}" for k, v in sorted(outs.items())))
    return "\n".join(rows)


VERDICTS = {None: "conforms", Divergence: "diverges", EngineFault: "engine_fault", DockspecBug: "dockspec_bug"}


def verdict(failure: BaseException | None) -> tuple[str, int]:
    """(verdict word, exit status) of a run: conforms 0, diverges 1, engine_fault 2, dockspec_bug 3."""
    if failure is None:
        return "conforms", 0
    for cls in (Divergence, EngineFault, DockspecBug):
        if isinstance(failure, cls):
            return VERDICTS[cls], cls.exit_status
    return "dockspec_bug", DockspecBug.exit_status


def _junit(path: str, word: str, elapsed: float, message: str, properties: dict | None = None) -> None:
    from xml.sax.saxutils import escape, quoteattr

    # JUnit's two kinds: a failure (the engine diverges from the model), an error (anything else)
    tag = {"conforms": "", "diverges": "failure"}.get(word, "error")
    body = f"<{tag} type={quoteattr(word)} message={quoteattr(word)}>{escape(message)}</{tag}>" if tag else ""
    xml = (f'<?xml version="1.0"?>\n<testsuite name="dockspec.conform" tests="1" failures="{int(tag == "failure")}" '
           f'errors="{int(tag == "error")}" time="{elapsed:.2f}">{_properties(properties)}<testcase classname="dockspec" name="lockstep" '
           f'time="{elapsed:.2f}">{body}</testcase></testsuite>\n')
    open(path, "w").write(xml)


def _properties(properties: dict | None) -> str:
    from xml.sax.saxutils import quoteattr

    if not properties:
        return ""
    return "<properties>" + "".join(f"<property name={quoteattr(k)} value={quoteattr(v)}/>"
                                    for k, v in properties.items()) + "</properties>"


def describe(failure: BaseException) -> str:
    """The text a user reads for a failed run: what kind of failure, then its details."""
    if isinstance(failure, Divergence):
        return f"DIVERGES\n{failure}"
    if isinstance(failure, EngineFault):
        return f"ENGINE FAULT (the engine failed; not a divergence)\n{failure}"
    if isinstance(failure, DockspecBug):
        return f"DOCKSPEC BUG (not the engine, not a divergence)\n{failure.report()}"
    return f"DOCKSPEC BUG\n{failure}"


@click.command()
@click.option("--engine", "urls", multiple=True, metavar="URL",
              help="Engine URL (unix://, tcp://, ssh://); default $DOCKSPEC_DOCKER_HOST.  Repeat it for one "
                   "worker per engine.")
@click.option("--private", "private", default=None, is_flag=False, flag_value="docker-20.10", metavar="[NAME]",
              help="Start (or reuse) the private engine NAME (`dockspec engine list`; default docker-20.10).")
@click.option("--examples", type=int, default=20, show_default=True, help="Hypothesis examples (sessions).")
@click.option("--steps", type=int, default=None, help="Commands per session (default: the profile's).")
@click.option("--seed", type=int, default=None, help="Seed (default: derandomized).")
@click.option("--dialect", default=None, metavar="NAME",
              help="The model's dialect (`dockspec dialects`); default: the private engine's own, else docker-20.10.")
@click.option("--allow-known", is_flag=True, help="Skip divergences reported upstream and not yet modelled (none today).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: verdict, divergence, coverage, timings.")
@click.option("--junit", "junit", type=click.Path(dir_okay=False), default=None, help="Write a JUnit XML report.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Run N workers, each with its own private engine ($DOCKSPEC_ENGINE_DIR/worker-K/NAME); "
                   "the reports merge into one.")
@click.option("--database", default=None, metavar="SPEC",
              help="Example database: redis://HOST:PORT/N (shared), a folder, or none.  Default: none for one "
                   "worker, the local folder .hypothesis/examples for several.")
@edges_cli.options
def conform(urls, private, examples, steps, seed, dialect, allow_known, as_json, junit, workers, database,
            cover, bound, report) -> None:
    """Drive the model and a real engine in lockstep; report any divergence.

    Exit 0: conforms; 1: a divergence (shrunk script, model and engine side by side);
    2: the engine failed (unreachable, died, internal error); 3: a bug of dockspec itself.
    """
    from spec.coverage import COVERAGE

    from . import engines
    from .dialects import dialect_for
    from .engine import EngineUnavailable, resolve

    cover_bound = edges_cli.parse_option(bound)
    if cover and ((workers or 1) > 1 or len(urls) > 1):
        raise click.UsageError("--cover edges runs on one engine: give one --engine or --private, without --workers")
    if (workers or 1) > 1 or len(urls) > 1:  # several workers: dockspec.workers runs and merges them
        from .workers import run_campaign

        sys.exit(run_campaign(workers=workers or 0, urls=tuple(urls), private=private, examples=examples,
                              steps=steps, seed=seed, dialect=dialect, database=database,
                              allow_known=allow_known, as_json=as_json, junit=junit))
    url = urls[0] if urls else None
    db = None
    if database:
        from .services.database import BadDatabase, example_database

        try:
            db = example_database(database)
        except BadDatabase as e:
            raise click.BadParameter(str(e), param_hint="'--database'") from None

    try:
        engine = engines.get(private) if private and not url else None
        url = resolve(url, private)
    except EngineUnavailable as e:
        click.echo(f"dockspec conform: engine unavailable: {e}", err=True)
        sys.exit(2)
    profile = dialect_for(dialect, engine)
    COVERAGE.clear()
    edges = edges_cli.Session(cover_bound, profile)
    restarts = 0
    if cover:
        failure, n_steps, elapsed = edges.cover(url, examples, steps, seed, quiet=as_json)
    else:
        if not as_json:
            click.echo(f"dockspec conform: {examples} sessions against {url}, dialect {profile.name} ...", err=True)
        failure, Machine, elapsed = run_conformance(url, examples, seed, steps, allow_known, profile, database=db,
                                                    edges=edges.coverage)
        n_steps, restarts = Machine.steps, Machine.restarts
    rate = n_steps / elapsed if elapsed else 0.0
    word, status = verdict(failure)
    message = describe(failure) if failure is not None else ""
    edges.write(report, word, elapsed)
    if junit:
        _junit(junit, word, elapsed, message, edges.junit_properties())
    if as_json:
        out = {"verdict": word, "dialect": profile.name, "conforms": failure is None, "steps": n_steps, "seconds": round(elapsed, 2),
               "restarts": restarts, "coverage": COVERAGE.to_json(), **edges.json()}
        if isinstance(failure, Divergence):
            out["divergence"] = {"aspect": failure.aspect, "script": failure.script, "model": failure.model,
                                 "engine": failure.engine, **({"note": failure.note} if failure.note else {})}
        elif failure is not None:
            out["error"] = failure.report() if isinstance(failure, DockspecBug) else str(failure)
        click.echo(json.dumps(out, default=str))
    elif failure is None:
        click.echo(f"conforms: {n_steps} steps in {elapsed:.1f}s ({rate:.0f} steps/s)")
        if restarts:
            click.echo(f"  (started again {restarts}x with fresh sessions: the engine chose another "
                       "allowed outcome of a race when a session was run again)")
        click.echo(edges.text())
        click.echo(coverage_table())
        for w in edges.warnings(COVERAGE.to_json()):
            click.echo(w, err=True)
    else:
        click.echo(message)
        click.echo(edges.text())
    sys.exit(status)
