"""The `engine` fixture: a real engine for the tests marked `@pytest.mark.engine`.

It connects to `DOCKSPEC_DOCKER_HOST` (set by `make test` / scripts/with-engine.sh),
or starts the private engine `docker-20.10` itself when it can (root, docker.io
installed).  When no engine can be had, the test fails in CI (`CI` set) and is
skipped elsewhere, with the reason.
"""
from __future__ import annotations

import os

import pytest


def pytest_configure(config):
    """Under pytest-xdist (`-n N`) each worker process keeps its private engines in a folder of its
    own, `$DOCKSPEC_ENGINE_DIR/gwK/NAME`, and starts them itself: two workers never share an engine's
    data-root, exec-root or socket, nor stop each other's engines."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and not os.environ.get("DOCKSPEC_XDIST_WORKER_DIR"):
        from dockspec.engines import base_dir

        folder = base_dir() / worker
        os.environ["DOCKSPEC_ENGINE_DIR"] = os.environ["DOCKSPEC_XDIST_WORKER_DIR"] = str(folder)
        os.environ.pop("DOCKSPEC_DOCKER_HOST", None)  # the engine make test started is the controller's


def pytest_collection_modifyitems(config, items):
    """Engine tests of one named engine (a `name` parameter naming a known engine) form one xdist group:
    under `--dist loadgroup` (scripts/with-engine.sh --workers N) they run in one worker, which
    starts that engine once, and the engines' tests spread over the workers."""
    from dockspec import engines

    known = set(engines.names())
    group = {}
    for item in items:
        name = getattr(item, "callspec", None) and item.callspec.params.get("name")
        needs = item.get_closest_marker("engine") or "named_engine" in getattr(item, "fixturenames", ())
        if isinstance(name, str) and name in known and needs:  # a model-only test of a dialect runs anywhere
            item.add_marker(pytest.mark.xdist_group(name))
            group[item.nodeid] = name
    # The slowest engines' groups first: scripts/with-engine.sh runs xdist with --no-loadscope-reorder,
    # so each worker takes the next group in this order as it frees up (the longest first, then the
    # rest fill in), instead of xdist's order by number of tests, which is about the same for every engine.
    order = {n: k for k, n in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda i: order.get(group.get(i.nodeid), len(order)))


# Engines by the time their group of tests takes (a replay pass most of it), as measured in a
# seven-engine run (`--durations=0`, summed by engine): podman-4.3 400 s, podman-5.4 398 s,
# docker-28.5-containerd 391 s, docker-26.1-containerd 348 s, docker-20.10 338 s, docker-28.5 321 s,
# docker-26.1 306 s; the tests of no engine took 375 s.
SLOWEST_FIRST = ("podman-4.3", "podman-5.4", "docker-28.5-containerd", "docker-26.1-containerd", "docker-20.10",
                 "docker-28.5", "docker-26.1")


def need_engine(name: str | None = None):
    """(url, engine started here or None); fails in CI, skips elsewhere, when none can be had."""
    from dockspec import engines

    url = None if name else os.environ.get("DOCKSPEC_DOCKER_HOST")
    reason = None
    started = None
    if url:
        if not engines.answers(url):
            reason = f"DOCKSPEC_DOCKER_HOST={url} does not answer"
    else:
        try:
            e = engines.get(name)
            was_up = e.answers()
            url = e.up()
            started = None if was_up else e  # someone else's: leave it running
        except engines.EngineUnavailable as err:
            reason = f"no engine {name or engines.DEFAULT}: {err}"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"engine tests must run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return url, started


@pytest.fixture(scope="session")
def engine() -> str:
    """The URL of a Docker 20.10 engine that answers."""
    url, started = need_engine()
    yield url
    if started:
        started.down()  # the engine this session started


@pytest.fixture
def adapter(engine):
    """An adapter for one test; everything it made is removed afterwards, even on failure."""
    from dockspec.adapter import Adapter

    a = Adapter(engine)
    yield a
    a.cleanup()


@pytest.fixture(scope="session")
def named_engine():
    """`named_engine(NAME)`: the URL of the private engine NAME, started when needed (and stopped
    at the end of the session when started here); fails in CI, skips elsewhere, when it cannot be had."""
    started = []

    def get(name: str) -> str:
        url, s = need_engine(name)
        if s:
            started.append(s)
        return url

    yield get
    for s in started:
        s.down()
