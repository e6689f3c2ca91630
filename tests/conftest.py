"""The `engine` fixture: a real Docker engine for the tests marked `@pytest.mark.engine`.

It connects to `DOCKSPEC_DOCKER_HOST` (set by `make test` / scripts/with-engine.sh),
or starts a private engine itself when it can (root, docker.io installed).  When no
engine can be had, the test fails in CI (`CI` set) and is skipped elsewhere, with
the reason.
"""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def engine() -> str:
    """The URL of a Docker 20.10 engine that answers."""
    from dockspec import engine as eng

    url = os.environ.get("DOCKSPEC_DOCKER_HOST")
    reason = None
    started = None
    if url:
        if not eng.answers(url):
            reason = f"DOCKSPEC_DOCKER_HOST={url} does not answer"
    else:
        started = os.environ.get("DOCKSPEC_ENGINE_DIR") or "/tmp/dockspec-engine-test"
        was_up = eng.answers(eng.url_of(eng.engine_dir(started)))
        try:
            url = eng.up(started)
            if was_up:
                started = None  # someone else's: leave it running
        except eng.EngineUnavailable as e:
            started = None
            reason = f"no Docker engine: {e}"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"engine tests must run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    yield url
    if started:
        eng.down(started)  # the engine this session started


@pytest.fixture
def adapter(engine):
    """An adapter for one test; everything it made is removed afterwards, even on failure."""
    from dockspec.adapter import Adapter

    a = Adapter(engine)
    yield a
    a.cleanup()
