"""One interface for every real engine dockspec can run privately.

An `Engine` is a named, private instance of one container engine on this
machine: its own folder (`root`: data, state, socket, log), never the system's
service.  `install()` brings what it needs into the project's cache folder
(downloads are kept in `cache_dir()`; a fresh machine fetches them once),
`start()` launches the daemon, `up()` does both when the engine does not
already answer, and returns the URL a Docker SDK client talks to.  `cli()`
is the command line a user would type for that engine (`docker -H ...`, or
`podman` inside its namespace), so `dockspec replay` sees the engine's own
client's output.

Each engine names the model dialect that describes it (`dialect`); by default
the dialect has the engine's name.
"""
from __future__ import annotations

import os
import signal
import socket
import time
from abc import ABC, abstractmethod
from pathlib import Path

DEFAULT_BASE = "/tmp/dockspec-engine"


# Where an engine would reach a registry (a `run` or `build FROM` of an image it does not have),
# it goes through this proxy: a closed port on loopback, so the pull fails at once and no name is
# ever looked up or contacted off the machine (Go's HTTP client, Docker's and Podman's, asks the
# proxy instead of resolving the registry's name).
NO_REGISTRY = "http://127.0.0.1:9"


def offline(env: dict[str, str]) -> dict[str, str]:
    """`env` for an engine's daemon or client: every registry request goes to the closed loopback proxy."""
    out = {k: v for k, v in env.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy", "all_proxy")}
    for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        out[k] = NO_REGISTRY
    return out


class EngineUnavailable(RuntimeError):
    """No engine could be had (not installed, not root, did not answer)."""


def base_dir() -> Path:
    """The folder under which every private engine has a folder of its own."""
    return Path(os.environ.get("DOCKSPEC_ENGINE_DIR") or DEFAULT_BASE)


def cache_dir() -> Path:
    """Where downloaded engine packages are kept between runs ($DOCKSPEC_CACHE)."""
    d = Path(os.environ.get("DOCKSPEC_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
             / "dockspec" / "engines")
    d.mkdir(parents=True, exist_ok=True)
    return d


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether the engine at `url` answers `GET /_ping` with OK."""
    if not url.startswith("unix://"):
        try:
            import docker

            docker.APIClient(base_url=url, timeout=timeout, use_ssh_client=url.startswith("ssh://")).ping()
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


def _running(pid: int) -> bool:
    """Whether `pid` still runs; an exited one awaiting its parent's wait (a zombie) does not.

    A daemon started by this very process stays a zombie until it is waited
    for, and `kill(pid, 0)` succeeds on zombies: reap it when it is our child.
    """
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def stop_pid(pidfile: Path, grace: float = 15.0) -> bool:
    """SIGTERM the process named in `pidfile`, SIGKILL after `grace` s; True if one ran."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pidfile.unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _running(pid):
            break
        time.sleep(0.1)
    else:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    pidfile.unlink(missing_ok=True)
    return True


def kill_tree(pid: int) -> list[int]:
    """SIGKILL `pid`'s descendants, deepest first, then `pid` (a container's processes under its shim);
    the pids signalled."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(d.name))

    killed: list[int] = []

    def kill(p: int) -> None:
        for c in children.get(p, ()):
            kill(c)
        try:
            os.kill(p, signal.SIGKILL)
            killed.append(p)
        except ProcessLookupError:
            pass

    kill(pid)
    return killed


def _alive(pid: int) -> bool:
    """The process `pid` exists and is not a zombie (a killed one takes a moment to die)."""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except (OSError, IndexError):
        return False


def leftovers(*roots: Path) -> list[int]:
    """Processes still running whose command line names one of the engine folders `roots` (containerd,
    shims, conmon)."""
    found = []
    needles = [str(r).encode() for r in roots]
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmdline = (d / "cmdline").read_bytes()
            if any(n in cmdline for n in needles):
                found.append(int(d.name))
        except OSError:
            continue
    return [p for p in found if p != os.getpid()]


def reap(*roots: Path, grace: float = 0.0, after: float = 5.0) -> None:
    """Wait up to `grace` seconds for the processes naming the engine folders `roots` to end by
    themselves, SIGKILL what is left with what it runs, then wait up to `after` seconds for them
    to be gone, what they ran too (a killed shim, conmon or workload takes a moment to die)."""
    killed: list[int] = []

    def gone_within(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (leftovers(*roots) or any(map(_alive, killed))) and time.monotonic() < deadline:
            time.sleep(0.05)

    gone_within(grace)
    for pid in leftovers(*roots):
        killed += kill_tree(pid)
    gone_within(after)


class Engine(ABC):
    """A private engine, by name."""

    name: str
    kind: str = "docker"  # "docker" or "podman": the family of its CLI

    @property
    def dialect(self) -> str:
        """The model dialect that describes this engine."""
        return self.name

    def root(self) -> Path:
        return base_dir() / self.name

    @property
    def url(self) -> str:
        return f"unix://{self.root() / 'docker.sock'}"

    def missing(self) -> list[str]:
        """What this engine needs and the machine (or the cache) lacks; empty when ready."""
        return []

    @abstractmethod
    def install(self) -> None:
        """Bring what the engine needs (idempotent; needs root for system packages)."""

    @abstractmethod
    def start(self) -> None:
        """Launch the daemon in the background (the engine does not answer yet)."""

    @abstractmethod
    def down(self) -> bool:
        """Stop the engine and release what it mounted; True if it was running."""

    @abstractmethod
    def cli(self) -> list[str]:
        """The client argv prefix a user would type for this engine (talking to `url`)."""

    def cli_env(self) -> dict[str, str]:
        """Extra environment for `cli()` (plugin folders, builder choice)."""
        return {}

    def answers(self, timeout: float = 2.0) -> bool:
        return answers(self.url, timeout)

    def up(self, wait: float = 30.0) -> str:
        """Start the engine unless it already answers; return its URL."""
        if self.answers():
            return self.url
        if os.geteuid() != 0:
            raise EngineUnavailable(f"starting {self.name} needs root")
        try:
            self.install()
        except EngineUnavailable:
            raise
        except Exception as e:
            raise EngineUnavailable(f"cannot install {self.name}: {e}") from e
        lacking = self.missing()
        if lacking:
            raise EngineUnavailable(f"{self.name}: missing " + ", ".join(lacking))
        self.root().mkdir(parents=True, exist_ok=True)
        self.start()
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.answers(0.5):
                return self.url
            time.sleep(0.05)
        raise EngineUnavailable(f"{self.name} did not answer on {self.url}; last lines of its log:\n" + self.log_tail())

    def log_path(self) -> Path:
        return self.root() / "daemon.log"

    def log_tail(self, n: int = 20) -> str:
        try:
            return "\n".join(self.log_path().read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"
