"""The cover on a real engine: planned sequences in lockstep, then random sessions from covered states.

Theory of operation
-------------------
`run_cover` builds the bounded edge set (`edges.edge_set`), plans a cover
(`planner.plan`), and runs each sequence through the same lockstep machine
as `dockspec conform` (`conform.make_machine`): a fresh session (run id,
`docker import base.tar base:1`), then the planned commands, each checked
against the model (outcome and snapshot) and, once confirmed, recorded as an
edge.  The engine may take another allowed outcome of a race than the documented one
the plan assumed; the session then ends (the container's removal may still be
under way on the engine, a stage the model does not follow) and the cover plans
again, from a fresh session, for the edges still to do.  An edge the plan
tried `MAX_ATTEMPTS` times without the engine confirming it
is left: it stays unreachable in the report (for the races, the engine chose
otherwise every time).

Then random Hypothesis sessions (`conform.run_conformance`) continue: each
starts from a state the cover reached (a prefix of one of its sequences,
drawn by Hypothesis) and goes on with the suite's rules, so combinations
beyond the bound are sampled too; their edges are recorded in the same
coverage.
"""
from __future__ import annotations

import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from model.profile import DOCKER_20_10, Profile

from .classes import outcome
from .edges import DEFAULT_BOUND, CoverBound, EdgeCoverage, EdgeSet, edge_set
from .planner import Plan, plan

__all__ = ["CoverResult", "run_cover", "Progress", "progress_for"]

MAX_ATTEMPTS = 3  # planned tries of one edge before the cover leaves it
MAX_REPLANS = 100  # a race that keeps going the other way cannot keep the cover going forever
PREFIX_EVERY = 5  # the random sessions start from every 5th state of every planned sequence


@dataclass
class CoverResult:
    failure: BaseException | None
    coverage: EdgeCoverage
    plan: Plan
    cover_steps: int = 0  # commands the cover ran on the engine (imports not counted)
    sessions: int = 0  # engine sessions the cover used
    replans: int = 0  # times the engine took another outcome of a race than the plan's
    cover_seconds: float = 0.0
    random_steps: int = 0
    random_seconds: float = 0.0
    timeline: list = field(default_factory=list)  # (seconds since start, edges exercised) after each step

    def as_dict(self) -> dict:
        return {"planned_steps": self.plan.steps, "planned_sequences": len(self.plan.sequences),
                "cover_steps": self.cover_steps, "sessions": self.sessions, "replans": self.replans,
                "cover_seconds": round(self.cover_seconds, 2), "random_steps": self.random_steps,
                "random_seconds": round(self.random_seconds, 2)}


class Progress:
    """Edges covered so far: a rich bar on a terminal, plain lines elsewhere (CI logs)."""

    def __init__(self, total: int, stream=None, bar: bool | None = None, every: int = 25):
        self.total = total
        self.stream = stream or sys.stderr
        if bar is None:
            bar = self.stream.isatty() and not os.environ.get("CI")
        self.every = every
        self._last = -every
        self._bar = None
        if bar:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn, \
                TimeElapsedColumn

            self._bar = RichProgress(TextColumn("edges"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
                                     TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
            self._task = self._bar.add_task("edges", total=total, note="")
            self._bar.start()

    def update(self, done: int, note: str = "") -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=done, note=note)
            return
        if done != self._last and (done - self._last >= self.every or done == self.total):
            print(f"edges {done}/{self.total} {note}".rstrip(), file=self.stream, flush=True)
            self._last = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def progress_for(total: int, quiet: bool) -> Progress | None:
    return None if quiet else Progress(total)


def _close(machine) -> None:
    if machine is not None:
        try:
            machine.teardown()
        except Exception:
            pass


def run_cover(url: str, bound: CoverBound = DEFAULT_BOUND, profile: Profile = DOCKER_20_10, examples: int = 0,
              steps: int | None = None, seed: int | None = None, progress: Progress | None = None,
              es: EdgeSet | None = None, time_limit: float | None = None) -> CoverResult:
    """Run the cover of `bound` on the engine at `url`, then `examples` random sessions from covered states."""
    from spec.fixtures import import_base

    from ..conform import DockspecBug, Divergence, EngineFault, make_machine, run_conformance
    from ..failures import name_failure

    es = es or edge_set(bound, profile)
    cov = EdgeCoverage(es)
    first = plan(es)
    result = CoverResult(None, cov, first)
    Machine = make_machine(url, profile=profile, edges=cov)
    attempts: Counter = Counter()
    t0 = time.perf_counter()
    machine = None
    cur: int | None = None

    def done() -> int:
        return len(cov.exercised())

    try:
        p = first
        while True:
            deviated = False
            for i, seq in enumerate(p.sequences):
                if not (i == 0 and p.continues and machine is not None):
                    _close(machine)
                    machine = None
                    machine = Machine()
                    machine.typed_names.extend(bound.bounds.container_names)  # the names the cover types
                    machine.execute(import_base())
                    result.sessions += 1
                    cur = 0
                for s in seq:
                    if time_limit is not None and time.perf_counter() - t0 > time_limit:
                        raise TimeoutError
                    attempts[s.edge] += 1
                    r = machine.execute(es.moves[s.move].command)
                    result.cover_steps += 1
                    result.timeline.append((time.perf_counter() - t0, done()))
                    if progress is not None:
                        progress.update(done(), f"step {result.cover_steps}/{first.steps}")
                    got = outcome(r)
                    if got == s.edge.outcome:
                        cur = s.v
                        continue
                    # The engine took another allowed outcome of a race.  Its auto-removal may
                    # still be under way, which the model does not follow step by step: the
                    # session ends here, and the plan goes on from a fresh one.
                    cur = None
                    deviated = True
                    break
                if deviated:
                    break
            if not deviated:
                break
            result.replans += 1
            if result.replans > MAX_REPLANS:
                break
            todo = frozenset(e for e in es.edges if e not in cov.exercised() and attempts[e] < MAX_ATTEMPTS)
            if cur is None:
                _close(machine)
                machine = None
            p = plan(es, todo, current=cur if machine is not None else None)
            if not p.sequences:
                break
    except TimeoutError:
        pass
    except EngineFault as e:  # say where: the commands of the session so far
        script = machine.script() if machine is not None else ""
        result.failure = EngineFault(f"{e}\n--- script ---\n{script}") if script else e
    except (Divergence, DockspecBug) as e:
        result.failure = e
    except Exception as e:  # noqa: BLE001 - named like conform names it: the engine's fault or dockspec's bug
        result.failure = name_failure(e, "the cover")
    finally:
        _close(machine)
        result.cover_seconds = time.perf_counter() - t0
    if progress is not None:
        progress.update(done(), "cover done")
    if result.failure is None and examples > 0:
        prefixes = _prefixes(es, first)
        t1 = time.perf_counter()
        before = cov.steps
        failure, _, _ = run_conformance(url, examples, seed, steps, profile=profile, edges=cov,
                                        wrap=lambda M: _from_covered(M, prefixes, bound))
        result.failure = failure
        result.random_seconds = time.perf_counter() - t1
        result.random_steps = cov.steps - before
        if progress is not None:
            progress.update(done(), "random sessions done")
    if progress is not None:
        progress.close()
    return result


def _prefixes(es: EdgeSet, p: Plan) -> tuple[tuple[object, ...], ...]:
    """Command prefixes of the planned sequences: every PREFIX_EVERY-th state each reaches before
    its first race (after one, the engine may be elsewhere)."""
    out = [()]
    racing = {e for e in es.nondeterministic}
    for seq in p.sequences:
        commands = []
        for s in seq:
            if s.edge in racing:
                break
            commands.append(es.moves[s.move].command)
        commands = tuple(commands)
        out.extend(commands[:n] for n in range(PREFIX_EVERY, len(commands) + 1, PREFIX_EVERY))
    return tuple(out)


def _from_covered(Machine, prefixes, bound: CoverBound):
    """The lockstep machine, starting each session from a state the cover reached."""
    from hypothesis import strategies as st
    from hypothesis.stateful import initialize
    from spec.fixtures import BASE_REF, import_base

    class FromCovered(Machine):
        @initialize(target=Machine.images, prefix=st.sampled_from(prefixes))
        def import_base(self, prefix):
            self.execute(import_base())
            for command in prefix:
                self.execute(command)
            # the cover's names are ctr1..ctrN and img1..imgM: new ones go on after them
            self.n_containers = max(self.n_containers, bound.containers)
            self.typed_names.extend(n for n in bound.bounds.container_names if n not in self.typed_names)
            self.n_images = max(self.n_images, bound.images)
            return BASE_REF

    FromCovered.__name__ = Machine.__name__
    return FromCovered
