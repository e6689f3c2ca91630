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


def test_engines_reach_registries_only_through_a_closed_loopback_proxy():
    from dockspec.engines.base import NO_REGISTRY, offline

    env = offline({"PATH": "/bin", "NO_PROXY": "*", "https_proxy": "http://proxy.example:3128"})
    assert env["PATH"] == "/bin" and "NO_PROXY" not in env
    assert env["HTTPS_PROXY"] == env["https_proxy"] == env["HTTP_PROXY"] == NO_REGISTRY == "http://127.0.0.1:9"


@pytest.mark.engine
def test_a_pull_fails_on_the_loopback_proxy_without_leaving_the_machine(engine):
    """`run` of an image the engine lacks tries a pull: the private daemon's proxy refuses it at once."""
    import subprocess

    p = subprocess.run(["docker", "-H", engine, "run", "--rm", "--network", "none", "dsk-nosuch-pull:1", "true"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 125
    assert "proxyconnect tcp: dial tcp 127.0.0.1:9" in p.stderr, p.stderr
