"""Podman 4.3 and 5.4 as private engines: they answer, they are safe, they leave nothing behind.

The safety test is the one that matters: what a container writes (`run`,
`exec`), what a build's RUN step writes and what `cp` copies into a container
lands in the container, and nowhere on the machine — neither on its `/` nor,
for Podman 5.4, on the `/` of the trixie tree it runs from.  (Under a plain
chroot, Podman 5.4's `exec` writes the machine's `/`: see
dockspec/engines/podman.py.)  Docker 20.10 is held to the same test.
"""
from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from dockspec import engines
from dockspec.rootfs import busybox_rootfs

pytestmark = pytest.mark.engine

PODMANS = ["podman-4.3", "podman-5.4"]


def _cli(engine, cwd: Path):
    env = {**os.environ, **engine.cli_env()}
    if engine.kind == "docker":
        env.update(DOCKER_BUILDKIT="0", DOCKER_CONFIG=str(cwd / ".docker"))
    else:  # podman 4.3 reads DOCKER_CONFIG as its auth file's folder, and fails when config.json is missing
        env.pop("DOCKER_CONFIG", None)

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        p = subprocess.run([*engine.cli(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        if check:
            assert p.returncode == 0, f"{' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}"
        return p
    return run


@pytest.mark.parametrize("name", PODMANS)
def test_engine_answers_through_its_socket_with_its_version(named_engine, name):
    import docker

    url = named_engine(name)
    assert url == engines.get(name).url and url.endswith("/docker.sock")
    v = docker.APIClient(base_url=url, version="1.41").version()
    want = engines.get(name).version
    assert v["Version"].startswith(want + "."), v["Version"]
    assert "Podman Engine" in [c["Name"] for c in v.get("Components") or ()]


@pytest.mark.parametrize("name", PODMANS)
def test_engine_storage_is_private(named_engine, name, tmp_path):
    """The engine's images live under its own root, and the machine's podman folders stay untouched."""
    named_engine(name)
    e = engines.get(name)
    run = _cli(e, tmp_path)
    info = run("info", "--format", "{{.Store.GraphRoot}} {{.Store.RunRoot}} {{.Host.OCIRuntime.Name}}").stdout.split()
    assert info == [str(e.root() / "storage"), str(e.root() / "run"), "runc"]
    assert not Path("/var/lib/containers/storage").exists() or not (e.root() / "storage").samefile(
        "/var/lib/containers/storage")


@pytest.mark.parametrize("name", ["docker-20.10", *PODMANS])
def test_writes_land_in_the_container_and_nowhere_on_the_machine(named_engine, name, tmp_path):
    named_engine(name)
    e = engines.get(name)
    tag = f"dsk-safety-{secrets.token_hex(4)}"
    markers = {how: f"/{tag}-{how}" for how in ("run", "exec", "build", "cp")}
    roots = [Path("/")] + ([e.tree] if getattr(e, "tree", None) else [])
    (tmp_path / "base.tar").write_bytes(busybox_rootfs())
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(f"FROM {tag}-base:1\nRUN touch {markers['build']}\n")
    (tmp_path / "payload").write_text("payload\n")
    run = _cli(e, tmp_path)
    ran, sleeper = f"{tag}-ran", f"{tag}-sleeper"
    try:
        run("import", "base.tar", f"{tag}-base:1")
        run("run", "--network", "none", "--name", ran, f"{tag}-base:1", "touch", markers["run"])
        run("run", "-d", "--network", "none", "--name", sleeper, f"{tag}-base:1", "sleep", "1000")
        run("exec", sleeper, "touch", markers["exec"])
        run("cp", "payload", f"{sleeper}:{markers['cp']}")
        run("build", "--network", "none", "-t", f"{tag}-built:1", "ctx")
        # each write is in its container (or image) ...
        assert f"A {markers['run']}" in run("diff", ran).stdout.splitlines()
        changed = run("diff", sleeper).stdout.splitlines()
        assert f"A {markers['exec']}" in changed and f"A {markers['cp']}" in changed
        assert run("exec", sleeper, "cat", markers["cp"]).stdout == "payload\n"
        run("run", "--rm", "--network", "none", f"{tag}-built:1", "test", "-f", markers["build"])
        # ... and nowhere on the machine
        for root in roots:
            leaked = [m for m in markers.values() if (root / m.lstrip("/")).exists()]
            assert not leaked, f"{name}: written on the machine under {root}: {leaked}"
    finally:
        run("kill", sleeper, check=False)
        run("rm", "-f", ran, sleeper, check=False)
        run("rmi", f"{tag}-built:1", f"{tag}-base:1", check=False)
        for root in roots:  # never leave a leaked marker behind, even when the test failed
            for m in markers.values():
                (root / m.lstrip("/")).unlink(missing_ok=True)


@pytest.mark.parametrize("name", PODMANS)
def test_down_leaves_nothing_mounted_or_running(named_engine, name, tmp_path):
    named_engine(name)
    e = engines.get(name)
    run = _cli(e, tmp_path)
    (tmp_path / "base.tar").write_bytes(busybox_rootfs())
    tag = f"dsk-down-{secrets.token_hex(4)}"
    run("import", "base.tar", f"{tag}:1")
    run("run", "-d", "--network", "none", "--name", tag, f"{tag}:1", "sleep", "1000")
    try:
        assert e.down()
        assert not e.answers()
        marks = [str(e.root())] + ([str(e.tree)] if getattr(e, "tree", None) else [])
        mounted = [l for l in Path("/proc/self/mounts").read_text().splitlines() if any(m in l for m in marks)]
        assert not mounted, mounted
        running = []
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    cmdline = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                except OSError:
                    continue
                if any(m in cmdline for m in marks):
                    running.append(cmdline)
        assert not running, running
    finally:
        e.up()
        run("rm", "-f", "-t", "0", tag, check=False)
        run("rmi", f"{tag}:1", check=False)
