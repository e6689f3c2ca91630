"""Conformance with several workers (`dockspec.workers`): private engines per worker, a shared
Redis example database, a dead engine that faults only its own worker, pytest-xdist folders.

Every test here needs real engines and `redis-server`: in CI (`CI` set) a missing one fails the
test, elsewhere it is skipped with the reason.  Each test keeps its engines under a folder of
its own in `$DOCKSPEC_ENGINE_DIR` and stops what it started.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dockspec.workers import Pool, merge, plan, stop_engine
from dockspec.workers.report import merge_counts

ROOT = Path(__file__).resolve().parent.parent
BROKEN = "tests.broken_dialect:BROKEN"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"worker tests must run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def need_docker():
    """docker-20.10 can be started here (root, dockerd, busybox)."""
    from dockspec import engines

    e = engines.get("docker-20.10")
    if os.geteuid() != 0:
        _unavailable("private engines need root")
    try:
        e.install()
    except engines.EngineUnavailable as err:
        _unavailable(str(err))
    if e.missing():
        _unavailable("docker-20.10: missing " + ", ".join(e.missing()))


@pytest.fixture(scope="module")
def redis_url():
    """A private redis-server on loopback, in its own folder; stopped at the end."""
    from dockspec.engines import EngineUnavailable
    from dockspec.services import RedisServer

    server = RedisServer("redis-test-workers")
    try:
        url = server.up()
    except EngineUnavailable as e:
        _unavailable(f"no redis-server: {e}")
    yield url.rsplit("/", 1)[0] + "/3"  # a database of its own on that server
    server.down()


@pytest.fixture
def base(request):
    """This test's folder for its workers' engines; every engine left there is stopped afterwards."""
    from dockspec.engines import base_dir

    # short: under pytest-xdist the base is already `.../gwK`, and a longer folder put dockerd's
    # containerd socket past what a unix socket path may hold (containerd then never starts)
    folder = base_dir() / f"tw-{hashlib.sha1(request.node.name.encode()).hexdigest()[:6]}"
    yield folder
    for w in sorted(folder.glob("worker-*")):
        stop_engine("docker-20.10", w)


def _run(specs, folder, timeout=900):
    return Pool(specs, folder=folder).start().wait(timeout)


@pytest.mark.engine
def test_a_counterexample_found_by_one_worker_is_the_first_example_of_the_next(redis_url, base, monkeypatch,
                                                                                tmp_path):
    import redis

    need_docker()
    monkeypatch.setenv("DOCKSPEC_SHRINK_SECONDS", "20")  # the workers inherit it: a short shrink is enough
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    # the engine's races (a `run --rm` container gone or not) steer later draws: seed 4 usually finds the
    # broken choice within 60 examples, but once under CI's load did not; the first divergence ends the run
    a_spec, b_spec = plan(2, 400, 4, engine="docker-20.10", steps=20, dialect=BROKEN, database=redis_url, base=base)
    b_spec = type(b_spec)(**{**b_spec.__dict__, "seed": 9001})

    a = _run([a_spec], tmp_path / "a").workers[0]
    assert a["verdict"] == "diverges", a.get("error") or a
    assert a["engine_dir"].endswith("worker-1") and a["url"].startswith(f"unix://{base}/worker-1/docker-20.10/")
    keys = [k for k in client.keys(b"hypothesis-example:*")]
    assert keys, "worker A kept nothing in the Redis database"
    stored = sum(client.scard(k) for k in keys)

    merged = _run([b_spec], tmp_path / "b")
    b = merged.workers[0]
    assert b["url"].startswith(f"unix://{base}/worker-2/docker-20.10/") and b["url"] != a["url"]
    # B's very first example is one A found diverging, read from Redis, and it diverges on B's own engine.
    assert b["first_diverged"] is True
    assert b["first_script"] in a["divergent_scripts"]
    assert b["verdict"] == "diverges" and merged.exit == 1
    # a broken choice ends both (which container B's shrink names may differ: `commit ctr2` for A's `ctr1`;
    # and the dialect has two, so B's shrink, from A's script, may end on the other: CI once saw A end on
    # `commit`, B on `import`)
    last = lambda w: w["divergence"]["script"].splitlines()[-1].split()[:2]  # noqa: E731
    assert last(a)[1] in ("commit", "import") and last(b)[1] in ("commit", "import")
    assert sum(client.scard(k) for k in client.keys(b"hypothesis-example:*")) >= 1 and stored >= 1


@pytest.mark.engine
def test_a_killed_engine_is_an_engine_fault_of_its_worker_only(base, tmp_path):
    import docker

    need_docker()
    a_spec, b_spec = plan(2, 2, 21, engine="docker-20.10", steps=8, database="none", base=base)
    b_spec = type(b_spec)(**{**b_spec.__dict__, "examples": 400, "steps": 20})
    pool = Pool([a_spec, b_spec], folder=tmp_path).start()
    b_root = Path(b_spec.engine_dir) / "docker-20.10"
    deadline = time.monotonic() + 300
    while True:  # B's engine is up and B has made its first objects there
        assert time.monotonic() < deadline, "worker B never got going"
        assert pool.running[1].process.poll() is None, "worker B ended before its engine was killed"
        sock = b_root / "docker.sock"
        if sock.exists():
            try:
                api = docker.APIClient(base_url=f"unix://{sock}", timeout=5)
                if api.containers(all=True, filters={"label": "dockspec.run"}):
                    break
            except Exception:
                pass
        time.sleep(0.5)
    os.kill(int((b_root / "docker.pid").read_text()), signal.SIGKILL)
    merged = pool.wait(timeout=600)
    a, b = merged.workers
    assert a["verdict"] == "conforms", a.get("error") or a.get("message")
    assert b["verdict"] == "engine_fault", b.get("error") or b
    assert merged.verdict == "engine_fault" and merged.exit == 2
    assert "ENGINE FAULT" in merged.text() and "worker 2" in merged.text()
    assert merged.steps == a["steps"] + b["steps"] and a["steps"] > 0
    # the pool took the dead engine down with what it left (its containerd, shims, mounts); a shim
    # signalled may take a moment to exit: wait for the process table, up to 20 s
    deadline = time.monotonic() + 20
    while True:
        left = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _cmdline_has(p, str(b_root))]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not left, f"processes left in {b_root}: {[_cmdline(p) for p in left]}"
    mounts = Path("/proc/self/mounts").read_text()
    assert str(b_root) not in mounts


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return f"{proc.name} (gone)"


def _cmdline_has(proc: Path, text: str) -> bool:
    try:
        return text.encode() in (proc / "cmdline").read_bytes()
    except OSError:
        return False


@pytest.mark.engine
def test_pytest_xdist_workers_start_engines_in_folders_of_their_own(tmp_path):
    need_docker()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DOCKSPEC_XDIST"))}
    env["DOCKSPEC_XDIST_PROBE"] = str(tmp_path)
    env.pop("DOCKSPEC_DOCKER_HOST", None)
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "xdist", "-n", "2", "--dist", "each",
                        "tests/xdist_probe.py", "-o", "addopts="], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    seen = [json.loads(f.read_text()) for f in sorted(tmp_path.glob("gw*.json"))]
    assert [s["worker"] for s in seen] == ["gw0", "gw1"]
    assert seen[0]["url"] != seen[1]["url"] and seen[0]["base"] != seen[1]["base"]
    for s in seen:  # stopped by the worker that started it
        assert not Path(s["url"][len("unix://"):]).exists() or not _answers(s["url"])


def _answers(url: str) -> bool:
    from dockspec.engines import answers

    return answers(url)


def test_reports_merge_gravest_verdict_and_summed_coverage():
    reports = [
        {"index": 2, "verdict": "engine_fault", "steps": 3, "error": "cannot reach",
         "coverage": {"rm": {"outcomes": {"ok": 1}, "status": "never refused"}}},
        {"index": 1, "verdict": "diverges", "steps": 10,
         "divergence": {"aspect": "outcome", "script": "docker import base.tar base:1\n", "model": {}, "engine": {}},
         "coverage": {"rm": {"outcomes": {"no_such_container": 2}, "status": "never succeeded"},
                      "ps": {"outcomes": {"ok": 1}, "status": "exempt: cannot be refused"}}},
        {"index": 3, "verdict": "diverges", "steps": 5,
         "divergence": {"aspect": "outcome", "script": "docker import base.tar base:1\n", "model": {}, "engine": {}}},
    ]
    m = merge(reports, wall=2.0)
    assert (m.verdict, m.exit, m.steps, m.rate) == ("engine_fault", 2, 18, 9.0)
    assert [w["index"] for w in m.workers] == [1, 2, 3]
    assert m.coverage["rm"] == {"outcomes": {"ok": 1, "no_such_container": 2}, "status": "ok"}
    assert m.coverage["ps"]["status"] == "exempt: cannot be refused"
    assert len(m.divergences) == 1 and m.divergences[0]["workers"] == [1, 3]
    assert merge([{"index": 1, "verdict": "conforms", "steps": 1}], 1.0).exit == 0
    assert merge_counts({"a": [1]}, {"a": [1, 2]}) == {"a": [1, 2]}


def test_plan_gives_each_worker_its_folder_seed_and_share(tmp_path):
    specs = plan(3, 10, 7, engine="docker-20.10", base=tmp_path)
    assert [s.examples for s in specs] == [4, 3, 3]
    assert [s.seed for s in specs] == [7, 8, 9]
    assert [s.engine_dir for s in specs] == [str(tmp_path / f"worker-{k}") for k in (1, 2, 3)]
    by_url = plan(0, 4, 1, urls=("unix:///a.sock", "ssh://u@h"))
    assert [s.url for s in by_url] == ["unix:///a.sock", "ssh://u@h"] and all(s.engine is None for s in by_url)
    with pytest.raises(ValueError, match="one --engine per worker"):
        plan(3, 10, 1, urls=("unix:///a.sock", "unix:///b.sock"))
    with pytest.raises(ValueError, match="cannot be split"):
        plan(4, 2, 1)


def test_database_spec_errors_name_what_was_wrong(tmp_path):
    from dockspec.services.database import BadDatabase, example_database

    assert example_database("none") is None
    with pytest.raises(BadDatabase, match="redis://HOST:PORT/N"):
        example_database("http://127.0.0.1:1/0")
    with pytest.raises(BadDatabase, match="no Redis server answers"):
        example_database("redis://127.0.0.1:1/0")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(BadDatabase, match="not a folder"):
        example_database(str(f))


@pytest.mark.engine
def test_engines_given_by_url_one_over_ssh_merge_into_one_report(base, tmp_path):
    """`conform --engine unix://... --engine ssh://...`: one worker per engine.  The ssh:// worker goes
    through the Docker SDK's ssh transport and the machine's `ssh` client; here that client is a
    stand-in that runs the remote side's command (`docker system dial-stdio`) on this machine
    against the second private engine, as sshd would on the engine's host."""
    from dockspec import engines
    from dockspec.workers import engine_dir, worker_dir

    need_docker()
    urls = []
    for k in (1, 2):
        with engine_dir(worker_dir(k, base)):
            urls.append(engines.get("docker-20.10").up())
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "ssh").write_text('#!/bin/sh\necho "$@" >> "$FAKE_SSH_LOG"\n'
                              'exec /usr/bin/docker -H "$FAKE_SSH_DOCKER_HOST" system dial-stdio\n')
    (fake / "ssh").chmod(0o755)
    env = dict(os.environ, PATH=f"{fake}:{os.environ['PATH']}", FAKE_SSH_DOCKER_HOST=urls[1],
               FAKE_SSH_LOG=str(tmp_path / "ssh.log"))
    p = subprocess.run([str(ROOT / ".venv/bin/dockspec"), "conform", "--engine", urls[0], "--engine",
                        "ssh://tester@engine-host:2222", "--examples", "2", "--steps", "6", "--seed", "5",
                        "--database", "none", "--json", "--junit", str(tmp_path / "j.xml")],
                       cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert p.returncode == 0 and out["verdict"] == "conforms", p.stdout[-3000:] + p.stderr[-3000:]
    assert [w["url"] for w in out["per_worker"]] == [urls[0], "ssh://tester@engine-host:2222"]
    assert all(w["steps"] > 0 for w in out["per_worker"]) and out["steps"] == sum(w["steps"] for w in out["per_worker"])
    assert "-l tester -p 2222 -- engine-host docker system dial-stdio" in (tmp_path / "ssh.log").read_text()
    junit = (tmp_path / "j.xml").read_text()
    assert 'tests="2"' in junit and 'name="worker-2"' in junit and "<failure" not in junit


def test_reap_waits_then_kills_what_names_the_engine_folder_and_what_it_runs(tmp_path):

    from dockspec.engines.base import leftovers, reap

    root = tmp_path / "engine-root"
    quick = subprocess.Popen(["sh", "-c", "sleep 0.2", str(root / "quick")])
    stuck = subprocess.Popen(["sh", "-c", "sleep 300; true", str(root / "stuck")])  # a shell with a child
    children = Path(f"/proc/{stuck.pid}/task/{stuck.pid}/children")
    deadline = time.monotonic() + 5  # until both have exec'd and the shell has started its sleep
    while not (stuck.pid in leftovers(root) and children.read_text().split()) and time.monotonic() < deadline:
        time.sleep(0.01)
    (sleep_pid,) = map(int, children.read_text().split())
    reap(root, grace=1.0)
    assert quick.wait(5) == 0  # ended by itself within the grace
    # killed, with its sleep (its children go first, so the shell may yet end by itself: `; true`)
    assert stuck.wait(5) in (0, -9)
    assert leftovers(root) == []
    assert not Path(f"/proc/{sleep_pid}").exists() or "Z" in Path(f"/proc/{sleep_pid}/stat").read_text().split(")")[1][:3]
