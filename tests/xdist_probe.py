"""Run by tests/test_workers.py under `pytest -n 2 --dist each` (not collected on its own: no `test_` prefix).

Each xdist worker gets the `engine` fixture's private engine and writes where it
lives to `$DOCKSPEC_XDIST_PROBE/<worker>.json`; the outer test checks that the
two workers had two engines in two folders.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


@pytest.mark.engine
def test_engine_folder_is_the_workers_own(engine):
    from dockspec.engines import answers, base_dir

    worker = os.environ["PYTEST_XDIST_WORKER"]
    assert base_dir().name == worker
    assert engine.startswith(f"unix://{base_dir()}/"), engine
    assert answers(engine)
    out = Path(os.environ["DOCKSPEC_XDIST_PROBE"]) / f"{worker}.json"
    out.write_text(json.dumps({"worker": worker, "url": engine, "base": str(base_dir()), "pid": os.getpid()}))
