"""`dockspec engine status|list`, and a private engine URL."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from dockspec import engine as eng
from dockspec import engines


def test_status_of_a_missing_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKSPEC_ENGINE_DIR", str(tmp_path))
    r = CliRunner().invoke(eng.engine, ["status", "docker-20.10"])
    assert r.exit_code == 3 and r.output == "docker-20.10 down\n"


def test_an_unknown_engine_is_named_with_the_choices():
    r = CliRunner().invoke(eng.engine, ["up", "docker-1.0"])
    assert r.exit_code == 2
    assert "no engine called 'docker-1.0'" in r.output and "docker-20.10" in r.output


def test_each_engine_has_a_folder_of_its_own(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCKSPEC_ENGINE_DIR", str(tmp_path))
    roots = {engines.get(n).root() for n in engines.names()}
    assert len(roots) == len(engines.names()) and all(r.parent == tmp_path for r in roots)


@pytest.mark.engine
def test_engine_answers(engine):
    assert eng.answers(engine)
