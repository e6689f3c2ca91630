"""The modern Docker engines (26.1, 28.5; overlay2 and the containerd image store), started privately.

Each test starts its engine (installing it into the cache folder when needed),
checks the server version and the storage driver the engine reports, runs a
container of an imported busybox image through the engine's own client, and
stops the engine, which must leave nothing mounted under its folder.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from dockspec import engines
from dockspec.engines.docker import Modern, debian_mirror, upstream
from dockspec.rootfs import busybox_rootfs

from .conftest import need_engine

EXPECTED = {  # name: (server version prefix, driver, driver-type or None)
    "docker-26.1": ("26.1.5", "overlay2", None),
    "docker-26.1-containerd": ("26.1.5", "overlayfs", "io.containerd.snapshotter.v1"),
    "docker-28.5": ("28.5.2", "overlay2", None),
    "docker-28.5-containerd": ("28.5.2", "overlayfs", "io.containerd.snapshotter.v1"),
}


def test_the_modern_engines_are_registered():
    assert set(EXPECTED) <= set(engines.names())
    for name in EXPECTED:
        e = engines.get(name)
        assert isinstance(e, Modern) and e.containerd_store == name.endswith("-containerd")


def test_versions_are_pinned_by_upstream_version():
    assert upstream("28.5.2+dfsg4-5") == "28.5.2" and upstream("26.1.5+dfsg1-9+deb13u1+b1") == "26.1.5"


def test_the_mirror_comes_from_the_machines_sources(monkeypatch):
    monkeypatch.setenv("DOCKSPEC_DEBIAN_MIRROR", "http://mirror.invalid/debian/")
    assert debian_mirror() == "http://mirror.invalid/debian"


def _mounted_under(root: Path) -> list[str]:
    prefix = str(root) + "/"
    return [line.split()[1] for line in Path("/proc/self/mounts").read_text().splitlines()
            if line.split()[1].startswith(prefix)]


@pytest.mark.engine
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_modern_engine_runs_a_container_and_stops_clean(name, tmp_path):
    import docker

    version, driver, driver_type = EXPECTED[name]
    url, started = need_engine(name)
    e = engines.get(name)
    try:
        api = docker.APIClient(base_url=url, version="1.41", timeout=60)
        assert api.version()["Version"].startswith(version)
        info = api.info()
        assert info["Driver"] == driver
        assert dict(info["DriverStatus"] or []).get("driver-type") == driver_type
        env = dict(os.environ, **e.cli_env())
        assert e.cli()[0].startswith(str(e.tree)) and Path(env["DOCKER_CONFIG"], "config.json").exists()
        tar = tmp_path / "base.tar"
        tar.write_bytes(busybox_rootfs())
        image = "dsk-enginetest-busybox:1"

        def docker_cli(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run([*e.cli(), *args], env=env, capture_output=True, text=True, timeout=60)

        assert docker_cli("import", str(tar), image).returncode == 0
        p = docker_cli("run", "--rm", "--network", "none", image, "echo", "hello from", name)
        assert (p.returncode, p.stdout) == (0, f"hello from {name}\n"), p.stderr
        assert docker_cli("ps", "-aq").stdout == ""
        p = docker_cli("version", "--format", "{{.Client.Version}}")
        assert p.stdout.startswith(version), p.stderr
        assert docker_cli("rmi", image).returncode == 0
    finally:
        if started:
            assert e.down()
    if started:
        assert not e.answers() and _mounted_under(e.root()) == []


def test_replay_runs_a_named_engine_through_its_own_client(tmp_path, monkeypatch):
    from dockspec.replay import CliEngine

    monkeypatch.setenv("DOCKSPEC_ENGINE_DIR", str(tmp_path))
    monkeypatch.delenv("DOCKER_BUILDKIT", raising=False)
    e = engines.get("docker-28.5")
    cli = CliEngine("unix:///elsewhere.sock", tmp_path, e)
    assert cli.argv == [str(e.tree / "usr/bin/docker"), "-H", "unix:///elsewhere.sock"]
    assert "DOCKER_BUILDKIT" not in cli.env  # the client's own default builder
    config = Path(cli.env["DOCKER_CONFIG"], "config.json").read_text()
    assert str(e.tree / "usr/libexec/docker/cli-plugins") in config
    monkeypatch.setenv("DOCKER_BUILDKIT", "0")
    assert CliEngine("unix:///x.sock", tmp_path, e).env["DOCKER_BUILDKIT"] == "0"
    assert CliEngine("unix:///x.sock", tmp_path).env["DOCKER_BUILDKIT"] == "0"  # 20.10's legacy builder


def test_replay_names_the_engines_when_the_private_one_is_unknown():
    from click.testing import CliRunner

    from dockspec.replay import replay

    script = Path(__file__).parent.parent / "replays" / "01-import-images.sh"
    r = CliRunner().invoke(replay, ["--private", "docker-1.0", str(script)])
    assert r.exit_code == 2 and "no engine called 'docker-1.0'" in r.output and "docker-28.5" in r.output
