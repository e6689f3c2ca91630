"""Docker engines: dockerd started privately, with its own containerd.

`docker-20.10` is Debian bookworm's `docker.io` (installed with apt-get, the
system's package, as on the machines users have).

`docker-26.1` (Debian trixie) and `docker-28.5` (Debian sid) are never
installed into the system: their packages are fetched with a private apt state
(its own sources file, lists and cache under `cache_dir()/apt/SUITE`, so the
machine's sources stay as they are), unpacked with `dpkg-deb -x` into
`cache_dir()/docker-VERSION`, and run from there.  Their dockerd starts its own
containerd, found first on its PATH with the shim, bookworm's runc (Debian's
newer runc needs glibc 2.38, the others at most 2.34) and `docker-init`
(tini-static).  Each comes with the overlay2 graph driver or, in its
`-containerd` variant, with the containerd image store (the daemon.json feature
`containerd-snapshotter`).  Their own client (`cli()`) finds the buildx plugin
through a `DOCKER_CONFIG` folder (`cli_env()`), so BuildKit builds work as on a
user's machine.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .base import Engine, EngineUnavailable, cache_dir, offline, stop_pid


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
        return offline(dict(os.environ))

    def start(self) -> None:
        log = open(self.log_path(), "ab")
        subprocess.Popen([self.dockerd, *self.daemon_args()], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                         env=self.daemon_env(), start_new_session=True)

    def down(self) -> bool:
        stopped = stop_pid(self.root() / "docker.pid")
        release_mounts(self.root())
        return stopped

    def cli(self) -> list[str]:
        return [self.client, "-H", self.url]


def release_mounts(root: Path) -> list[str]:
    """Unmount what is still mounted under `root` (deepest first); the mount points released.

    A dockerd that was killed (or whose containers' shims outlived it) can leave
    overlay and shm mounts behind; they are this engine's, under its own folder.
    """
    prefix = str(root).rstrip("/") + "/"
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return []
    points = [p.encode().decode("unicode_escape") for p in (ln.split()[1] for ln in lines if len(ln.split()) > 1)]
    mine = sorted({p for p in points if p.startswith(prefix) or p == prefix.rstrip("/")}, key=len, reverse=True)
    for p in mine:
        subprocess.run(["umount", "-l", p], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return mine


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


# ---------------------------------------------------------------------------
# Docker 26.1 and 28.5 from Debian's newer suites, unpacked into the cache folder

@dataclass(frozen=True)
class Release:
    """One Docker release as a Debian suite serves it: the only place versions are pinned.

    `pins` are exact Debian versions; when the suite no longer serves one, the
    newest version it serves with the same upstream version is taken (and
    recorded in the unpacked tree's `dockspec-packages.json`).  Unpinned
    packages are the suite's candidates.
    """

    version: str                 # upstream Docker version, as `docker version` reports the server
    suite: str                   # Debian suite the packages come from
    pins: tuple[tuple[str, str], ...]
    unpinned: tuple[str, ...]

    @property
    def tree(self) -> Path:
        return cache_dir() / f"docker-{self.version}"

    @property
    def apt_dir(self) -> Path:
        return cache_dir() / "apt" / self.suite


TRIXIE_26 = Release("26.1.5", "trixie",
                    (("docker.io", "26.1.5+dfsg1-9+deb13u1+b1"), ("docker-cli", "26.1.5+dfsg1-9+deb13u1+b1"),
                     ("containerd", "1.7.24~ds1-6+deb13u1")),
                    ("tini", "docker-buildx"))  # trixie's tini ships tini-static
SID_28 = Release("28.5.2", "sid",
                 (("docker.io", "28.5.2+dfsg4-5"), ("docker-cli", "28.5.2+dfsg4-5"), ("containerd", "2.1.9+ds1-5")),
                 ("tini-static", "docker-buildx"))

SYSTEM_RUNC = "/usr/sbin/runc"  # bookworm's runc (package runc, which docker.io pulls in)
STAMP = "dockspec-packages.json"


def debian_mirror() -> str:
    """The Debian mirror the machine's own apt sources name ($DOCKSPEC_DEBIAN_MIRROR overrides)."""
    env = os.environ.get("DOCKSPEC_DEBIAN_MIRROR")
    if env:
        return env.rstrip("/")
    files = sorted(Path("/etc/apt/sources.list.d").glob("*.sources")) + [Path("/etc/apt/sources.list")]
    for f in files:
        try:
            text = f.read_text()
        except OSError:
            continue
        if f.suffix == ".sources":  # deb822 stanzas: URIs: ... / Suites: ...
            for stanza in re.split(r"\n\s*\n", text):
                uris = re.search(r"(?im)^URIs:\s*(\S+)", stanza)
                suites = re.search(r"(?im)^Suites:\s*(.+)$", stanza)
                enabled = not re.search(r"(?im)^Enabled:\s*no", stanza)
                if uris and suites and enabled and re.search(r"\bbookworm\b(?!-)", suites.group(1)) \
                        and "security" not in uris.group(1):
                    return uris.group(1).rstrip("/")
        else:
            for line in text.splitlines():
                m = re.match(r"\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+bookworm\s", line + " ")
                if m and "security" not in m.group(1):
                    return m.group(1).rstrip("/")
    raise EngineUnavailable("no Debian mirror found in the machine's apt sources; set DOCKSPEC_DEBIAN_MIRROR")


class PrivateApt:
    """apt-get with a state of its own: sources, lists and cache under `folder`, the system's untouched."""

    def __init__(self, suite: str, folder: Path):
        self.suite = suite
        self.folder = folder

    def options(self) -> list[str]:
        f = self.folder
        return ["-o", f"Dir::Etc::sourcelist={f / 'sources.list'}", "-o", "Dir::Etc::sourceparts=/dev/null",
                "-o", f"Dir::State::lists={f / 'lists'}", "-o", f"Dir::Cache={f / 'cache'}",
                "-o", "APT::Sandbox::User=root", "-q"]

    def _run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", LC_ALL="C")
        p = subprocess.run([tool, *self.options(), *args], cwd=cwd, env=env, capture_output=True, text=True)
        if p.returncode != 0:
            raise EngineUnavailable(f"{tool} {' '.join(args)} ({self.suite}) failed:\n{p.stderr.strip()[-2000:]}")
        return p.stdout

    def update(self) -> None:
        (self.folder / "lists" / "partial").mkdir(parents=True, exist_ok=True)
        (self.folder / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
        (self.folder / "sources.list").write_text(f"deb {debian_mirror()} {self.suite} main\n")
        self._run("apt-get", "update")

    def served(self, package: str) -> list[str]:
        """The versions of `package` the suite serves, newest first."""
        out = self._run("apt-cache", "madison", package)
        return [parts[1].strip() for parts in (line.split("|") for line in out.splitlines()) if len(parts) >= 3]

    def download(self, specs: list[str], into: Path) -> None:
        into.mkdir(parents=True, exist_ok=True)
        self._run("apt-get", "download", *specs, cwd=into)


def upstream(version: str) -> str:
    """The upstream part of a Debian version: `28.5.2+dfsg4-5` -> `28.5.2`.

    >>> upstream("1.7.24~ds1-6+deb13u1")
    '1.7.24'
    """
    return re.split(r"[+~-]", version.split(":", 1)[-1], maxsplit=1)[0]


def choose(package: str, pinned: str, served: list[str]) -> str:
    """The pinned version when served, else the newest served one with the same upstream version.

    >>> choose("containerd", "2.1.9+ds1-5", ["2.1.9+ds1-6", "2.1.9+ds1-5"])
    '2.1.9+ds1-5'
    >>> choose("containerd", "2.1.9+ds1-5", ["2.1.9+ds1-6"])
    '2.1.9+ds1-6'
    """
    if pinned in served:
        return pinned
    same = [v for v in served if upstream(v) == upstream(pinned)]
    if same:
        return same[0]
    raise EngineUnavailable(f"{package} {pinned} is no longer served (serves: {', '.join(served) or 'nothing'}); "
                            "update the pin in dockspec/engines/docker.py")


def install_release(rel: Release) -> Path:
    """Fetch and unpack `rel` into the cache folder (once; later calls return at once); its tree."""
    tree = rel.tree
    if (tree / STAMP).exists():
        return tree
    cache_dir()
    rel.apt_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / f"docker-{rel.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be installing the same release
        if (tree / STAMP).exists():
            return tree
        apt = PrivateApt(rel.suite, rel.apt_dir)
        debs = rel.apt_dir / "debs"
        wanted = {p: v for p, v in rel.pins}
        have = {p: sorted(debs.glob(f"{p}_{v.replace(':', '%3a')}_*.deb")) for p, v in wanted.items()}
        have.update({p: sorted(debs.glob(f"{p}_*.deb")) for p in rel.unpinned})
        if not all(have.values()):
            apt.update()
            chosen = {p: choose(p, v, apt.served(p)) for p, v in wanted.items()}
            specs = [f"{p}={v}" for p, v in chosen.items()] + list(rel.unpinned)
            if debs.exists():
                shutil.rmtree(debs)
            apt.download(specs, debs)
            for state in ("lists", "cache"):  # some 100 MB of package lists, fetched anew when needed
                shutil.rmtree(rel.apt_dir / state, ignore_errors=True)
        files = sorted(debs.glob("*.deb"))
        tmp = Path(tempfile.mkdtemp(prefix=f".docker-{rel.version}-", dir=cache_dir()))
        try:
            record = {}
            for f in files:
                subprocess.run(["dpkg-deb", "-x", str(f), str(tmp)], check=True)
                fields = subprocess.run(["dpkg-deb", "-f", str(f), "Package", "Version"], check=True,
                                        capture_output=True, text=True).stdout
                info = dict(line.split(": ", 1) for line in fields.splitlines() if ": " in line)
                record[info["Package"]] = info["Version"]
            _lay_out_bin(tmp)
            (tmp / STAMP).write_text(json.dumps({"suite": rel.suite, "packages": record}, indent=1) + "\n")
            if tree.exists():
                shutil.rmtree(tree)
            tmp.rename(tree)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return tree


def _lay_out_bin(tree: Path) -> None:
    """`dockspec-bin/`: what dockerd must find first on its PATH (its containerd, shim, runc, docker-init)."""
    b = tree / "dockspec-bin"
    b.mkdir()
    for name in ("containerd", "containerd-shim-runc-v2", "ctr"):
        if (tree / "usr/bin" / name).exists():
            (b / name).symlink_to(Path("..") / "usr/bin" / name)
    (b / "docker-init").symlink_to(Path("..") / "usr/bin/tini-static")
    (b / "runc").symlink_to(SYSTEM_RUNC)
    for name in ("containerd", "containerd-shim-runc-v2", "docker-init"):
        if not (b / name).exists():
            raise EngineUnavailable(f"the unpacked packages lack {name}")


class Modern(Dockerd):
    """Docker 26.1 or 28.5 from a newer Debian suite, unpacked privately; overlay2 or the containerd store."""

    def __init__(self, name: str, release: Release, containerd_store: bool = False):
        super().__init__(name)
        self.release = release
        self.containerd_store = containerd_store

    @property
    def tree(self) -> Path:
        return self.release.tree

    @property
    def dockerd(self) -> str:  # type: ignore[override]
        return str(self.tree / "usr/sbin/dockerd")

    @property
    def client(self) -> str:  # type: ignore[override]
        return str(self.tree / "usr/bin/docker")

    def missing(self) -> list[str]:
        out = []
        if not (self.tree / STAMP).exists():
            out.append(f"Docker {self.release.version} packages in {self.tree}")
        if not os.path.exists(SYSTEM_RUNC):
            out.append(f"{SYSTEM_RUNC} (apt-get install runc)")
        if not os.path.exists("/bin/busybox"):
            out.append("/bin/busybox (apt-get install busybox-static)")
        return out

    def install(self) -> None:
        system = [pkg for path, pkg in ((SYSTEM_RUNC, "runc"), ("/bin/busybox", "busybox-static"))
                  if not os.path.exists(path)]
        if system:  # bookworm's own packages: fine in the system
            if os.geteuid() != 0:
                raise EngineUnavailable(f"installing {', '.join(system)} needs root")
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(["apt-get", "update", "-q"], env=env, check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *system], env=env,
                           check=True, stdout=subprocess.DEVNULL)
        install_release(self.release)

    def packages(self) -> dict[str, str]:
        """The Debian packages (name: version) this engine was unpacked from."""
        try:
            return json.loads((self.tree / STAMP).read_text())["packages"]
        except (OSError, ValueError, KeyError):
            return {}

    def daemon_args(self) -> list[str]:
        args = super().daemon_args()
        if self.containerd_store:
            conf = self.root() / "daemon.json"
            conf.write_text(json.dumps({"features": {"containerd-snapshotter": True}}) + "\n")
            return [*args, "--config-file", str(conf)]
        return [*args, "--storage-driver", "overlay2"]

    def daemon_env(self) -> dict[str, str]:
        path = os.pathsep.join([str(self.tree / "dockspec-bin"), str(self.tree / "usr/bin"),
                                str(self.tree / "usr/sbin"), os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")])
        return offline(dict(os.environ, PATH=path))

    def cli_env(self) -> dict[str, str]:
        """A DOCKER_CONFIG folder whose config.json points the client at the unpacked buildx plugin."""
        conf = self.root() / "docker-config"
        conf.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"cliPluginsExtraDirs": [str(self.tree / "usr/libexec/docker/cli-plugins")]}) + "\n"
        f = conf / "config.json"
        if not f.exists() or f.read_text() != text:
            f.write_text(text)
        return {"DOCKER_CONFIG": str(conf)}
