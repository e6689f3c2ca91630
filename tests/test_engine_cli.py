"""`dockspec engine status`, and a private engine URL."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from dockspec import engine as eng


def test_status_of_a_missing_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKSPEC_ENGINE_DIR", str(tmp_path))
    r = CliRunner().invoke(eng.engine, ["status"])
    assert r.exit_code == 3 and r.output == "down\n"


@pytest.mark.engine
def test_engine_answers(engine):
    assert eng.answers(engine)
