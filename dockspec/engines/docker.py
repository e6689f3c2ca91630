"""Docker engines: dockerd started privately, with its own containerd.

`docker-20.10` is Debian bookworm's `docker.io` (installed with apt-get, the
system's package, as on the machines users have).
"""
from __future__ import annotations

import os
import shutil
import subprocess

from .base import Engine, EngineUnavailable, stop_pid


class Dockerd(Engine):
    """A private dockerd: its own data-root, exec-root, pidfile and socket, no bridge, no iptables."""

    kind = "docker"
    dockerd = "dockerd"
    client = "/usr/bin/docker"

    def __init__(self, name: str):
        self.name = name

    def daemon_args(self) -> list[str]:
        r = self.root()
        return ["--data-root", str(r / "data"), "--exec-root", str(r / "exec"), "--pidfile", str(r / "docker.pid"),
                "-H", self.url, "--bridge=none", "--iptables=false", "--ip6tables=false"]

    def daemon_env(self) -> dict[str, str]:
        return dict(os.environ)

    def start(self) -> None:
        log = open(self.log_path(), "ab")
        subprocess.Popen([self.dockerd, *self.daemon_args()], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                         env=self.daemon_env(), start_new_session=True)

    def down(self) -> bool:
        return stop_pid(self.root() / "docker.pid")

    def cli(self) -> list[str]:
        return [self.client, "-H", self.url]


class Bookworm(Dockerd):
    """Docker 20.10 from Debian bookworm's `docker.io` (system package)."""

    def missing(self) -> list[str]:
        out = []
        if shutil.which("dockerd") is None:
            out.append("dockerd (apt-get install docker.io)")
        if not os.path.exists(self.client):
            out.append(f"{self.client} (apt-get install docker.io)")
        if not os.path.exists("/bin/busybox"):
            out.append("/bin/busybox (apt-get install busybox-static)")
        return out

    def install(self) -> None:
        if not self.missing():
            return
        if os.geteuid() != 0:
            raise EngineUnavailable("installing docker.io needs root")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "docker.io", "busybox-static"],
                       env=env, check=True, stdout=subprocess.DEVNULL)

    def daemon_args(self) -> list[str]:
        return [*super().daemon_args(), "--storage-driver", "overlay2"]
