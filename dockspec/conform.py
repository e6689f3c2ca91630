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

import json
import os
import sys
import time
from dataclasses import replace

import click

from model import commands as cmd
from model.values import Status

from .failures import AdapterError, Divergence, DockspecBug, EngineFault, find_failure, name_failure
from .observe import Bijection, Observer, engine_snapshot
from .settle import settle
from .snapshot import snapshot

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


# Engine behaviour reported upstream and not yet modelled, skipped by `--allow-known` so that a
# run can look for other divergences: predicates (world before, command) -> bool.  Empty today:
# the one engine race seen (a `--rm` container's removal against a repeated target) is modelled
# as a set of allowed outcomes (`model.result.outcomes`).  Each entry is listed in the README.
KNOWN: tuple = ()


def make_machine(url: str, stop_timeout: int = 0, allow_known: bool = False, profile=None):
    """A lockstep machine class bound to the engine at `url`, the model speaking the dialect `profile`."""
    from spec import fixtures
    from spec.machine import DockerMachine

    from .adapter import Adapter

    Base = DockerMachine.for_dialect(profile) if profile is not None else DockerMachine

    class LockstepMachine(Base):
        engine_url = url
        steps = 0
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
                self.adapter = Adapter(url, stop_timeout=stop_timeout)
            except Exception as e:
                raise EngineFault(f"cannot reach the engine at {url}: {e}") from e
            cls.run_ids.append(self.adapter.run_id)
            self.observer = Observer(self.adapter.api, self.adapter.owner)
            self.ids = Bijection()
            self.engine_files: dict[str, bytes] = {}

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
                cls = type(self)
                if cls.first_failure_at is None:
                    cls.first_failure_at = time.monotonic()
                if cls.best is None or len(d.script) <= len(cls.best.script):
                    cls.best = d
                raise

        def _execute(self, command: object, comment: str = ""):
            if isinstance(command, cmd.Import) and command.data == fixtures.base_tar():
                command = replace(command, data=_real_base())
            engine_command = self._engine_command(command)
            wake = self._time_passes(command)
            self._no_generated_names(command)
            if allow_known and any(k(self.world, command) for k in KNOWN):
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
                if isinstance(engine_command, (cmd.Exec, cmd.Start, cmd.Restart, cmd.Run)):
                    self.observer.touched()
                settle(self.adapter.api, self.adapter.owner, self.world, lambda c: self.adapter.prefix + c.name,
                       execs=isinstance(engine_command, cmd.Exec) and engine_command.detach)
                raw = self.observer.raw()
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
            chosen = next((r for r in allowed if (r.error.kind.value if r.error else None) == e_kind), None)
            if chosen is None:
                raise Divergence(self.script(), "outcome",
                                 {"error_kind": result.error.kind.value if result.error else None,
                                  "exit": result.exit, "stderr": result.stderr,
                                  **({"or": [{"error_kind": r.error.kind.value if r.error else None, "exit": r.exit}
                                             for r in allowed[1:]]} if len(allowed) > 1 else {})},
                                 engine_side)
            if chosen is not result:
                self.world = chosen.world
                result = chosen
            self.ids.learn(self.world, raw, self.adapter.owner)
            m_state = snapshot(self.world)
            e_state = json.loads(self.adapter.owner.strip(json.dumps(engine_snapshot(raw, self.ids))))
            if m_state != e_state:
                diff = {k: (m_state[k], e_state.get(k)) for k in m_state if m_state[k] != e_state.get(k)}
                raise Divergence(self.script(), "state", {k: v[0] for k, v in diff.items()},
                                 {k: v[1] for k, v in diff.items()})
            return result

        def teardown(self):
            try:
                super().teardown()
            finally:
                try:
                    self.adapter.cleanup()
                except Exception:
                    pass

    return LockstepMachine


def run_conformance(url: str, examples: int, seed: int | None, steps: int | None = None,
                    allow_known: bool = False, profile=None):
    """Run the lockstep machine (the model in dialect `profile`, default docker-20.10);
    return (failure or None, machine class, elapsed seconds)."""
    from hypothesis import seed as hseed
    from hypothesis.stateful import run_state_machine_as_test

    from spec.settings import suite_settings

    Machine = make_machine(url, allow_known=allow_known, profile=profile)
    s = suite_settings(examples, steps, database=None, derandomize=seed is None, print_blob=False)
    t0 = time.perf_counter()
    failure = None
    try:
        if seed is not None:
            import random

            random.seed(seed)
            test = hseed(seed)(lambda: run_state_machine_as_test(Machine, settings=s))
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
        failure = find_failure(e) or _named(e)
    return failure, Machine, time.perf_counter() - t0


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


def _junit(path: str, word: str, elapsed: float, message: str) -> None:
    from xml.sax.saxutils import escape, quoteattr

    # JUnit's two kinds: a failure (the engine diverges from the model), an error (anything else)
    tag = {"conforms": "", "diverges": "failure"}.get(word, "error")
    body = f"<{tag} type={quoteattr(word)} message={quoteattr(word)}>{escape(message)}</{tag}>" if tag else ""
    xml = (f'<?xml version="1.0"?>\n<testsuite name="dockspec.conform" tests="1" failures="{int(tag == "failure")}" '
           f'errors="{int(tag == "error")}" time="{elapsed:.2f}"><testcase classname="dockspec" name="lockstep" '
           f'time="{elapsed:.2f}">{body}</testcase></testsuite>\n')
    open(path, "w").write(xml)


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
@click.option("--engine", "url", default=None, help="Engine URL; default $DOCKSPEC_DOCKER_HOST.")
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
def conform(url, private, examples, steps, seed, dialect, allow_known, as_json, junit) -> None:
    """Drive the model and a real engine in lockstep; report any divergence.

    Exit 0: conforms; 1: a divergence (shrunk script, model and engine side by side);
    2: the engine failed (unreachable, died, internal error); 3: a bug of dockspec itself.
    """
    from spec.coverage import COVERAGE

    from . import engines
    from .dialects import dialect_for
    from .engine import EngineUnavailable, resolve

    try:
        engine = engines.get(private) if private and not url else None
        url = resolve(url, private)
    except EngineUnavailable as e:
        click.echo(f"dockspec conform: engine unavailable: {e}", err=True)
        sys.exit(2)
    profile = dialect_for(dialect, engine)
    COVERAGE.clear()
    if not as_json:
        click.echo(f"dockspec conform: {examples} sessions against {url}, dialect {profile.name} ...", err=True)
    failure, Machine, elapsed = run_conformance(url, examples, seed, steps, allow_known, profile)
    rate = Machine.steps / elapsed if elapsed else 0.0
    word, status = verdict(failure)
    message = describe(failure) if failure is not None else ""
    if junit:
        _junit(junit, word, elapsed, message)
    if as_json:
        out = {"verdict": word, "dialect": profile.name, "conforms": failure is None, "steps": Machine.steps, "seconds": round(elapsed, 2),
               "coverage": COVERAGE.to_json()}
        if isinstance(failure, Divergence):
            out["divergence"] = {"aspect": failure.aspect, "script": failure.script, "model": failure.model,
                                 "engine": failure.engine}
        elif failure is not None:
            out["error"] = failure.report() if isinstance(failure, DockspecBug) else str(failure)
        click.echo(json.dumps(out, default=str))
    elif failure is None:
        click.echo(f"conforms: {Machine.steps} steps in {elapsed:.1f}s ({rate:.0f} steps/s)")
        click.echo(coverage_table())
    else:
        click.echo(message)
    sys.exit(status)
