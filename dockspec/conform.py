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

from .observe import Bijection, Observer, engine_snapshot
from .snapshot import snapshot


class Divergence(AssertionError):
    """The engine and the model disagree on one step."""

    def __init__(self, script: str, aspect: str, model: object, engine: object):
        self.script, self.aspect, self.model, self.engine = script, aspect, model, engine
        super().__init__(f"{aspect} differs\n--- script ---\n{script}\n--- model ---\n"
                         f"{json.dumps(model, indent=1, default=str)}\n--- engine ---\n"
                         f"{json.dumps(engine, indent=1, default=str)}")


class EngineFault(RuntimeError):
    """The engine failed (unreachable, died, timed out): not a divergence."""


class AdapterError(RuntimeError):
    """The adapter met an engine answer it does not map (a bug of dockspec, not of the model)."""


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


def _repeated_auto_remove(world, command) -> bool:
    """D15: one `stop`/`kill`/`restart` naming the same `--rm` container twice: the engine removes
    it asynchronously, so whether a repeated target still finds it is a race, not decidable."""
    from spec.rules import resolve_container

    if not isinstance(command, (cmd.Stop, cmd.Kill, cmd.Restart)):
        return False
    seen = []
    for text in command.containers:
        c = resolve_container(world, text)
        if c is not None and c.auto_remove:
            if c.id in seen:
                return True
            seen.append(c.id)
    return False


# Engine behaviour no model can decide (docs/divergences.md), skipped by `--allow-known`
# so that a run can look for real divergences: predicate (world before, command) -> bool.
KNOWN = (_repeated_auto_remove,)


def make_machine(url: str, stop_timeout: int = 0, allow_known: bool = False):
    """A lockstep machine class bound to the engine at `url`."""
    from spec import fixtures
    from spec.machine import DockerMachine

    from .adapter import Adapter

    class LockstepMachine(DockerMachine):
        engine_url = url
        steps = 0
        seconds_engine = 0.0

        best: Divergence | None = None
        first_failure_at: float | None = None

        def __init__(self):
            cls = type(self)
            if cls.first_failure_at is not None and time.monotonic() - cls.first_failure_at > SHRINK_SECONDS:
                raise ShrinkBudgetSpent()
            super().__init__()
            try:
                self.adapter = Adapter(url, stop_timeout=stop_timeout)
            except Exception as e:
                raise EngineFault(f"cannot reach the engine at {url}: {e}") from e
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
            result = super().execute(command, comment)
            for name in wake:  # the trap workload: time passing = its sleep ends = TERM to the shell
                try:
                    self.adapter.api.kill(self.adapter.prefix + name, signal="TERM")
                except Exception:
                    pass
            t0 = time.perf_counter()
            try:
                outcome = self.adapter.apply(engine_command)
                for path, data in (outcome.files or {}).items():
                    self.engine_files[path] = data
                if isinstance(engine_command, (cmd.Exec, cmd.Start, cmd.Restart, cmd.Run)):
                    self.observer.touched()
                _settle(self)
                raw = self.observer.raw()
            except Divergence:
                raise
            except NotImplementedError as e:
                raise AdapterError(str(e)) from e
            except Exception as e:
                if getattr(getattr(e, "response", None), "status_code", None) is None:
                    raise EngineFault(f"{type(e).__name__}: {e}") from e
                raise AdapterError(f"{type(command).__name__}: unhandled engine refusal: {e}") from e
            type(self).seconds_engine += time.perf_counter() - t0
            type(self).steps += 1
            self.ids.learn(self.world, raw, self.adapter.owner)
            m_kind = result.error.kind.value if result.error else None
            e_kind = outcome.kind.value if outcome.kind else None
            if m_kind != e_kind:
                raise Divergence(self.script(), "outcome",
                                 {"error_kind": m_kind, "exit": result.exit, "stderr": result.stderr},
                                 {"error_kind": e_kind, "exit": outcome.exit,
                                  "stderr": self.adapter.owner.strip(outcome.stderr)})
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


def _settle(m, timeout: float = 20) -> None:
    """Wait for the engine's containers the model says have exited, or are gone (`--rm`)."""
    names = {m.adapter.prefix + c.name for c in m.world.containers.values()}
    exited = {m.adapter.prefix + c.name for c in m.world.containers.values() if c.status is Status.EXITED}
    deadline = time.monotonic() + timeout
    for c in m.adapter.api.containers(filters={"status": "running", "label": f"dockspec.run={m.adapter.run_id}"}):
        name = (c.get("Names") or ["/"])[0].lstrip("/")
        if name in exited or name not in names:
            try:
                m.adapter.api.wait(c["Id"], timeout=max(1, int(deadline - time.monotonic())),
                                   condition="not-running" if name in names else "removed")
            except Exception:
                pass
    for c in m.adapter.api.containers(all=True, filters={"status": "exited", "label": f"dockspec.run={m.adapter.run_id}"}):
        name = (c.get("Names") or ["/"])[0].lstrip("/")
        if name not in names and c.get("HostConfig", {}).get("AutoRemove", True):
            try:  # exited, auto-removal under way (slow when the machine is loaded)
                m.adapter.api.wait(c["Id"], timeout=max(1, int(deadline - time.monotonic())), condition="removed")
            except Exception:
                pass


def run_conformance(url: str, examples: int, seed: int | None, steps: int | None = None,
                    allow_known: bool = False):
    """Run the lockstep machine; return (failure or None, machine class, elapsed seconds)."""
    from hypothesis import seed as hseed
    from hypothesis.stateful import run_state_machine_as_test

    from spec.settings import suite_settings

    Machine = make_machine(url, allow_known=allow_known)
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
    except (Divergence, EngineFault) as e:
        failure = e
    except ShrinkBudgetSpent:
        failure = Machine.best
    except BaseException as e:  # a spec rule broken on the model side, or Hypothesis's own report
        if isinstance(e, KeyboardInterrupt):
            raise
        failure = _find(e) or e
    return failure, Machine, time.perf_counter() - t0


def _find(e: BaseException | None, seen=None) -> BaseException | None:
    """The Divergence, EngineFault or AdapterError inside what Hypothesis raised (groups, causes)."""
    seen = seen or set()
    if e is None or id(e) in seen:
        return None
    seen.add(id(e))
    if isinstance(e, (Divergence, EngineFault, AdapterError)):
        return e
    for sub in getattr(e, "exceptions", ()) or ():
        found = _find(sub, seen)
        if found:
            return found
    return _find(e.__cause__, seen) or _find(e.__context__, seen)


def coverage_table() -> str:
    from spec.coverage import COVERAGE

    rows = []
    for verb in COVERAGE.verbs():
        outs = COVERAGE.outcomes(verb)
        rows.append(f"  {verb:<10} {COVERAGE.status(verb):<8} " + ", ".join(f"{k}={v}" for k, v in sorted(outs.items())))
    return "\n".join(rows)


def _junit(path: str, ok: bool, elapsed: float, message: str) -> None:
    from xml.sax.saxutils import escape

    failure = "" if ok else f'<failure message="divergence">{escape(message)}</failure>'
    xml = (f'<?xml version="1.0"?>\n<testsuite name="dockspec.conform" tests="1" failures="{0 if ok else 1}" '
           f'time="{elapsed:.2f}"><testcase classname="dockspec" name="lockstep" time="{elapsed:.2f}">{failure}'
           f"</testcase></testsuite>\n")
    open(path, "w").write(xml)


@click.command()
@click.option("--engine", "url", default=None, help="Engine URL; default $DOCKSPEC_DOCKER_HOST.")
@click.option("--private", is_flag=True, help="Start (or reuse) the private engine of `dockspec engine up`.")
@click.option("--examples", type=int, default=20, show_default=True, help="Hypothesis examples (sessions).")
@click.option("--steps", type=int, default=None, help="Commands per session (default: the profile's).")
@click.option("--seed", type=int, default=None, help="Seed (default: derandomized).")
@click.option("--allow-known", is_flag=True, help="Skip the divergences already reported (docs/divergences.md).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: conforms, divergence, coverage, timings.")
@click.option("--junit", "junit", type=click.Path(dir_okay=False), default=None, help="Write a JUnit XML report.")
def conform(url, private, examples, steps, seed, allow_known, as_json, junit) -> None:
    """Drive the model and a real engine in lockstep; report any divergence.

    Exit 0: conforms; 1: a divergence (shrunk script, model and engine side by side);
    2: the engine failed.
    """
    from spec.coverage import COVERAGE

    from .engine import EngineUnavailable, resolve

    try:
        url = resolve(url, private)
    except EngineUnavailable as e:
        click.echo(f"dockspec conform: engine unavailable: {e}", err=True)
        sys.exit(2)
    COVERAGE.clear()
    if not as_json:
        click.echo(f"dockspec conform: {examples} sessions against {url} ...", err=True)
    failure, Machine, elapsed = run_conformance(url, examples, seed, steps, allow_known)
    rate = Machine.steps / elapsed if elapsed else 0.0
    if isinstance(failure, EngineFault):
        click.echo(f"dockspec conform: engine failed: {failure}", err=True)
        sys.exit(2)
    ok = failure is None
    message = str(failure) if failure else ""
    if junit:
        _junit(junit, ok, elapsed, message)
    if as_json:
        out = {"conforms": ok, "steps": Machine.steps, "seconds": round(elapsed, 2), "coverage": COVERAGE.to_json()}
        if isinstance(failure, Divergence):
            out["divergence"] = {"aspect": failure.aspect, "script": failure.script, "model": failure.model,
                                 "engine": failure.engine}
        elif failure is not None:
            out["error"] = message
        click.echo(json.dumps(out, default=str))
    elif ok:
        click.echo(f"conforms: {Machine.steps} steps in {elapsed:.1f}s ({rate:.0f} steps/s)")
        click.echo(coverage_table())
    else:
        click.echo("DIVERGES" if isinstance(failure, Divergence) else "FAILED (model side)")
        click.echo(message)
    sys.exit(0 if ok else 1)
