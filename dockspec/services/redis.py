"""A private Redis server for a shared Hypothesis example database.

`RedisServer().up()` installs Debian's `redis-server` when it is missing (root,
as the engines do), starts it in its own folder, `$DOCKSPEC_ENGINE_DIR/redis`
(data, pidfile, log), on loopback only (`--bind 127.0.0.1`, protected mode) and
on a port of its own, and returns its URL, `redis://127.0.0.1:PORT/0`, for
`dockspec conform --database`.  The data is kept in an append-only file in that
folder, so what a worker found survives the worker, the server and the next run.
`down()` stops it.  The machine's own Redis service (if any) is never touched.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from ..engines.base import EngineUnavailable, base_dir, stop_pid

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port nobody listens on at the moment, on loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def ping(url: str, timeout: float = 2.0) -> bool:
    """Whether a Redis server answers PING at `url`."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout).ping())
    except (redis.RedisError, OSError, ValueError):
        return False


class RedisServer:
    """One private redis-server: its folder, its port, its pidfile."""

    binary = "redis-server"

    def __init__(self, name: str = "redis", port: int | None = None):
        self.name = name
        self._port = port

    def root(self) -> Path:
        return base_dir() / self.name

    @property
    def port(self) -> int:
        """The port: as given, else the one this folder's server was started on, else a free one."""
        if self._port is None:
            try:
                self._port = int((self.root() / "redis.port").read_text())
            except (OSError, ValueError):
                self._port = free_port()
        return self._port

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def missing(self) -> list[str]:
        return [] if shutil.which(self.binary) else ["redis-server (apt-get install redis-server)"]

    def install(self) -> None:
        if not self.missing():
            return
        if os.geteuid() != 0:
            raise EngineUnavailable("installing redis-server needs root")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        # Debian's package starts the system's own service where there is an init system;
        # policy-rc.d-less containers have none, and dockspec never uses that one anyway.
        p = subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "redis-server"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "redis-server"], env=env,
                           check=True, stdout=subprocess.DEVNULL)

    def args(self) -> list[str]:
        r = self.root()
        return [self.binary, "--bind", LOOPBACK, "--port", str(self.port), "--protected-mode", "yes",
                "--dir", str(r), "--pidfile", str(r / "redis.pid"), "--logfile", str(r / "redis.log"),
                "--daemonize", "yes", "--appendonly", "yes", "--save", "", "--databases", "16"]

    def answers(self, timeout: float = 1.0) -> bool:
        return (self.root() / "redis.port").exists() and ping(self.url, timeout)

    def up(self, wait: float = 15.0) -> str:
        """Start the server unless it already answers; return its URL."""
        if self.answers():
            return self.url
        try:
            self.install()
        except EngineUnavailable:
            raise
        except Exception as e:
            raise EngineUnavailable(f"cannot install redis-server: {e}") from e
        lacking = self.missing()
        if lacking:
            raise EngineUnavailable("redis: missing " + ", ".join(lacking))
        self.root().mkdir(parents=True, exist_ok=True)
        stop_pid(self.root() / "redis.pid", grace=5)  # a server of this folder that no longer answers
        self._port = free_port()
        (self.root() / "redis.port").write_text(str(self._port))
        p = subprocess.run(self.args(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise EngineUnavailable(f"redis-server did not start: {p.stdout.strip()[-1000:]}")
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if ping(self.url, 0.5):
                return self.url
            time.sleep(0.05)
        raise EngineUnavailable(f"redis-server did not answer on {self.url}; its log:\n{self.log_tail()}")

    def down(self) -> bool:
        """Stop the server; True if one ran."""
        return stop_pid(self.root() / "redis.pid", grace=10)

    def log_tail(self, n: int = 20) -> str:
        try:
            return "\n".join((self.root() / "redis.log").read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"
