"""The worker pool: N conformance workers, each in a process of its own, each with its own engine.

A worker is a `python -m dockspec.workers.worker` process (see `worker.py`):
processes, not threads, because Hypothesis, the lockstep machine's class
counters and the coverage table are per process, and because the model's
steps are Python work that threads would serialize.  Each worker gets either
a private engine in its own folder, `$DOCKSPEC_ENGINE_DIR/worker-K/NAME` (its
own data-root, exec-root, pidfile and socket: `dockspec.engines` puts every
engine under `base_dir()`, which the worker points there), or one of the
engines given by URL.  Workers share only the example database.

A worker that fails (its engine died, it diverged) does not stop the others:
the pool waits for every worker, then stops the private engines the workers
started, then merges the reports (`report.merge`).
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..engines import base_dir
from ..engines.base import leftovers, reap


def worker_dir(k: int, base: Path | None = None) -> Path:
    """The folder under which worker `k` keeps its private engines (`worker-K/NAME`)."""
    return (base or base_dir()) / f"worker-{k}"


@contextmanager
def engine_dir(path: Path | str):
    """`dockspec.engines` rooted at `path` for the duration (the process's engine folder)."""
    old = os.environ.get("DOCKSPEC_ENGINE_DIR")
    os.environ["DOCKSPEC_ENGINE_DIR"] = str(path)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DOCKSPEC_ENGINE_DIR", None)
        else:
            os.environ["DOCKSPEC_ENGINE_DIR"] = old


@dataclass(frozen=True)
class WorkerSpec:
    """What one worker runs: an engine (a private one by name in `engine_dir`, or `url`), and a campaign."""

    index: int
    examples: int
    seed: int | None
    engine: str | None = None          # a private engine's name (`dockspec engine list`)
    engine_dir: str | None = None      # that engine's base folder: worker-K under $DOCKSPEC_ENGINE_DIR
    url: str | None = None             # or an engine given by URL (unix://, tcp://, ssh://)
    steps: int | None = None
    dialect: str | None = None         # a dialect name, or module:attribute naming a Profile
    database: str | None = None        # --database: redis://HOST:PORT/N, a folder, or none
    allow_known: bool = False

    def __post_init__(self):
        if (self.engine is None) == (self.url is None):
            raise ValueError("a worker needs exactly one of a private engine name or an engine URL")
        if self.examples < 1:
            raise ValueError(f"a worker needs at least one example (got {self.examples})")


def plan(workers: int, examples: int, seed: int | None, *, urls: tuple[str, ...] = (), engine: str | None = None,
         steps: int | None = None, dialect: str | None = None, database: str | None = None,
         allow_known: bool = False, base: Path | None = None) -> list[WorkerSpec]:
    """The workers of a campaign: `examples` split between them, worker K seeded `seed + K`.

    With `urls`, one worker per URL (`workers` must be their number or 0); else `workers`
    private engines `engine` (default docker-20.10), each in `worker_dir(K)`.  Without a
    seed the campaign draws one (reported), so the workers never run the same examples.
    """
    if urls:
        if workers and workers != len(urls):
            raise ValueError(f"--workers {workers} with {len(urls)} --engine URLs: give one --engine per worker, "
                             "or leave --workers out")
        workers = len(urls)
    if workers < 1:
        raise ValueError(f"--workers must be at least 1 (got {workers})")
    if examples < workers:
        raise ValueError(f"--examples {examples} cannot be split between {workers} workers")
    base_seed = seed if seed is not None else secrets.randbits(31)
    share = [examples // workers + (1 if k < examples % workers else 0) for k in range(workers)]
    specs = []
    for k in range(workers):
        where = {"url": urls[k]} if urls else {"engine": engine or "docker-20.10",
                                               "engine_dir": str(worker_dir(k + 1, base))}
        specs.append(WorkerSpec(index=k + 1, examples=share[k], seed=base_seed + k, steps=steps, dialect=dialect,
                                database=database, allow_known=allow_known, **where))
    return specs


@dataclass
class Running:
    spec: WorkerSpec
    process: subprocess.Popen
    result: Path
    log: Path
    started: float
    exit: int | None = None
    cpu_user: float = 0.0
    cpu_sys: float = 0.0
    ended: float | None = None


@dataclass
class Pool:
    """Start with `start()`, then `wait()` for the merged report (`run_pool` does both)."""

    specs: list[WorkerSpec]
    keep_engines: bool = False        # leave the private engines the workers started running
    folder: Path | None = None        # where worker specs, reports and logs go (a temporary folder by default)
    running: list[Running] = field(default_factory=list)
    t0: float = 0.0
    own_folder: bool = False

    def start(self) -> "Pool":
        self.own_folder = self.folder is None
        self.folder = Path(self.folder or tempfile.mkdtemp(prefix="dockspec-workers-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.t0 = time.perf_counter()
        for spec in self.specs:
            k = spec.index
            result = self.folder / f"worker-{k}.json"
            result.unlink(missing_ok=True)
            spec_file = self.folder / f"worker-{k}.spec.json"
            spec_file.write_text(json.dumps({**asdict(spec), "result": str(result)}))
            log = self.folder / f"worker-{k}.log"
            with open(log, "wb") as out:
                p = subprocess.Popen([sys.executable, "-m", "dockspec.workers.worker", str(spec_file)],
                                     stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=os.getcwd(), start_new_session=True)
            self.running.append(Running(spec, p, result, log, time.perf_counter()))
        return self

    def poll(self) -> bool:
        """Reap the workers that ended (with their CPU times); True when all have."""
        for r in self.running:
            if r.exit is not None:
                continue
            pid, status, usage = os.wait4(r.process.pid, os.WNOHANG)
            if pid == 0:
                continue
            r.exit = os.waitstatus_to_exitcode(status)
            r.process.returncode = r.exit
            r.cpu_user, r.cpu_sys = usage.ru_utime, usage.ru_stime
            r.ended = time.perf_counter()
        return all(r.exit is not None for r in self.running)

    def wait(self, timeout: float | None = None):
        """Wait for every worker (killing those still running after `timeout` s), stop the engines
        they started, and merge their reports."""
        from .report import merge

        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while not self.poll():
                if deadline is not None and time.monotonic() > deadline:
                    self.terminate()
                    deadline = None
                time.sleep(0.1)
        except BaseException:  # interrupted: the workers go, and so do the engines they started
            self.terminate()
            while not self.poll():
                time.sleep(0.1)
            self._stop_engines([self._report(r) for r in self.running])
            raise
        wall = time.perf_counter() - self.t0
        reports = [self._report(r) for r in self.running]
        self._stop_engines(reports)
        merged = merge(reports, wall)
        if merged.exit == 0 and self.own_folder:  # logs are kept only when something failed
            import shutil

            shutil.rmtree(self.folder, ignore_errors=True)
        return merged

    def _stop_engines(self, reports: list[dict]) -> None:
        if self.keep_engines:
            return
        for rep in reports:
            if rep.get("started_engine") and rep.get("engine_dir") and rep.get("engine"):
                try:
                    stop_engine(rep["engine"], rep["engine_dir"])
                except Exception as e:  # say so, and go on with the others
                    rep.setdefault("warnings", []).append(f"stopping {rep['engine']} in {rep['engine_dir']}: {e}")

    def terminate(self) -> None:
        for r in self.running:
            if r.exit is None:
                try:
                    os.killpg(r.process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass

    def _report(self, r: Running) -> dict:
        try:
            rep = json.loads(r.result.read_text())
        except (OSError, ValueError):
            tail = r.log.read_text(errors="replace")[-2000:] if r.log.exists() else ""
            rep = {"index": r.spec.index, "verdict": "dockspec_bug", "exit": 3, "steps": 0, "examples": 0,
                   "seconds": round((r.ended or time.perf_counter()) - r.started, 2),
                   "error": f"worker {r.spec.index} ended (status {r.exit}) without a report; its log:\n{tail}",
                   "engine": r.spec.engine, "engine_dir": r.spec.engine_dir, "url": r.spec.url,
                   "started_engine": r.spec.engine is not None}
        rep.update(cpu_user=round(r.cpu_user, 2), cpu_sys=round(r.cpu_sys, 2), log=str(r.log),
                   wall=round((r.ended or time.perf_counter()) - r.started, 2))
        return rep


def run_pool(specs: list[WorkerSpec], keep_engines: bool = False, timeout: float | None = None):
    """Run every worker to its end; the merged report (`report.Merged`)."""
    return Pool(specs, keep_engines=keep_engines).start().wait(timeout)


def stop_engine(name: str, folder: str | Path) -> None:
    """Stop the private engine `name` kept under `folder`, even one whose daemon died.

    A dockerd that was killed leaves its containerd, shims and containers running;
    started again, it takes that containerd back and removes its containers, and
    stopped, it takes everything down with it (Docker without live-restore)."""
    from .. import engines

    with engine_dir(folder):
        e = engines.get(name)
        if not e.answers() and leftovers(e.root()):
            try:
                e.up()
            except engines.EngineUnavailable:
                pass
        e.down()
        if leftovers(e.root()):
            # shims the restarted daemon did not reap (seen with 20.10): kill what each runs, then it
            reap(e.root(), after=10)
            e.down()  # and unmount what they held
