"""A private Docker engine: start, stop, ask (`dockspec engine up|down|status`).

The same engine as `scripts/engine.sh`: its own data-root, exec-root, pidfile and
socket under `$DOCKSPEC_ENGINE_DIR` (default /tmp/dockspec-engine), no bridge and
no iptables rules, so containers must use `--network none`.  dockerd starts its
own containerd under the exec-root.  Nothing here reads `$DOCKER_HOST`.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

DEFAULT_DIR = "/tmp/dockspec-engine"


class EngineUnavailable(RuntimeError):
    """No engine could be had (not installed, not root, did not answer)."""


def engine_dir(path: str | None = None) -> Path:
    return Path(path or os.environ.get("DOCKSPEC_ENGINE_DIR") or DEFAULT_DIR)


def url_of(d: Path) -> str:
    return f"unix://{d / 'docker.sock'}"


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether the engine at `url` answers `GET /_ping` with OK."""
    if not url.startswith("unix://"):
        try:
            import docker

            docker.APIClient(base_url=url, timeout=timeout).ping()
            return True
        except Exception:
            return False
    path = url[len("unix://"):]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(path)
            s.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            data = s.recv(1024)
        return data.startswith(b"HTTP/1.") and b" 200 " in data.split(b"\r\n", 1)[0] + b" "
    except OSError:
        return False


def missing() -> list[str]:
    """What a private engine needs and this machine lacks."""
    out = []
    if shutil.which("dockerd") is None:
        out.append("dockerd (apt-get install docker.io)")
    if not os.path.exists("/bin/busybox"):
        out.append("/bin/busybox (apt-get install busybox-static)")
    return out


def up(path: str | None = None, wait: float = 20.0) -> str:
    """Start the private engine (if it is not already up); return its unix:// URL."""
    d = engine_dir(path)
    url = url_of(d)
    if answers(url):
        return url
    lacking = missing()
    if lacking:
        raise EngineUnavailable("missing: " + ", ".join(lacking))
    if os.geteuid() != 0:
        raise EngineUnavailable("starting a private dockerd needs root")
    d.mkdir(parents=True, exist_ok=True)
    log = open(d / "dockerd.log", "ab")
    subprocess.Popen(
        ["dockerd", "--data-root", str(d / "data"), "--exec-root", str(d / "exec"), "--pidfile", str(d / "docker.pid"),
         "-H", url, "--bridge=none", "--iptables=false", "--ip6tables=false", "--storage-driver", "overlay2"],
        stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if answers(url, 0.5):
            return url
        time.sleep(0.05)
    tail = (d / "dockerd.log").read_text(errors="replace").splitlines()[-20:]
    raise EngineUnavailable(f"dockerd did not answer on {url}; last lines of {d / 'dockerd.log'}:\n" + "\n".join(tail))


def down(path: str | None = None) -> bool:
    """Stop the private engine; True if one was running."""
    d = engine_dir(path)
    pidfile = d / "docker.pid"
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pidfile.unlink(missing_ok=True)
        return False
    for _ in range(150):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    pidfile.unlink(missing_ok=True)
    return True


def resolve(url: str | None, private: bool) -> str:
    """The engine to talk to: --engine URL, else a private one (started when needed)."""
    if url:
        if not answers(url):
            raise EngineUnavailable(f"no engine answers at {url}")
        return url
    if private or not os.environ.get("DOCKSPEC_DOCKER_HOST"):
        return up()
    url = os.environ["DOCKSPEC_DOCKER_HOST"]
    if not answers(url):
        raise EngineUnavailable(f"no engine answers at DOCKSPEC_DOCKER_HOST={url}")
    return url


@click.group()
def engine() -> None:
    """Run a private Docker engine for dockspec ($DOCKSPEC_ENGINE_DIR, default /tmp/dockspec-engine)."""


@engine.command("up")
def up_cmd() -> None:
    """Start the private engine; print its unix:// URL."""
    try:
        click.echo(up())
    except EngineUnavailable as e:
        click.echo(f"dockspec engine: {e}", err=True)
        sys.exit(2)


@engine.command("down")
def down_cmd() -> None:
    """Stop the private engine."""
    click.echo("stopped" if down() else "not running")


@engine.command("status")
def status_cmd() -> None:
    """Say whether the private engine answers (exit 3 when it does not)."""
    url = url_of(engine_dir())
    if answers(url):
        click.echo(f"up {url}")
    else:
        click.echo("down")
        sys.exit(3)
