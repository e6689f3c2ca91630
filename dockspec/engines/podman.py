"""Podman engines, rootful and private, each in a persistent mount namespace of its own.

`podman-4.3` is Debian bookworm's `podman` (the system package); `podman-5.4`
is trixie's, run from a trixie root file system made with debootstrap and kept
in the project's cache folder (never installed into the system).

Theory of operation.  Everything an engine writes is under its `root()`: a
`containers.conf` (`CONTAINERS_CONF`: runtime runc, cgroupfs, file events and
locks, default ulimits this machine can grant, network none) and a
`storage.conf` (`CONTAINERS_STORAGE_CONF`: graphroot `storage/`, runroot
`run/`), so /etc and the machine's own podman storage are never touched.

Every podman process of an engine runs inside one persistent mount namespace,
kept alive by a bind mount of its namespace file `root()/mnt.ns` and entered
with `nsenter` for every call:

* podman-5.4: the namespace's *real* root is the trixie tree (`pivot_root`).
  Never a plain chroot: under a chroot, runc's pivot_root inside `exec` lands
  on the machine's `/` and `podman exec CTR touch /x` writes the machine's /x.
  The machine's /tmp (not the mounts beneath it) and the engine's root are
  bound at the same paths inside, so build contexts and tars under /tmp and
  the engine's socket have one path inside and out.
* podman-4.3: the machine's root, with a private tmpfs on /run (netavark's
  /run/containers, runc's state) and /etc and /var/lib read-only (podman 4.3
  would write its blob-info cache to /var/lib/containers/cache; read-only, it
  keeps that cache in memory).

Container mounts are made inside the namespace and die with it.  The Docker
API is `podman system service` on `root()/docker.sock`, run inside the
namespace, which the project's Docker-SDK adapter drives.  `down()` stops our
containers (`podman stop -a -t 0`: the storage is private, so every container
is ours), the service, unmounts the namespace file, and wipes the run-time
folders (as after a reboot: podman refreshes its state on the next start).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from .base import Engine, EngineUnavailable, cache_dir, offline, reap, stop_pid

HOST_BIND = "/tmp"  # the machine's folder bound (non-recursively) into a foreign root


def debian_mirror(paths: tuple[str, ...] = ("/etc/apt/sources.list", "/etc/apt/sources.list.d")) -> str:
    """The Debian mirror the machine's apt already uses (its `main` archive, not security)."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(p.glob("*.list")) + sorted(p.glob("*.sources"))
        elif p.is_file():
            files.append(p)
    for f in files:
        text = f.read_text(errors="replace")
        if f.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(re.findall(r"(?im)^(\w[\w-]*):\s*(.+)$", stanza))
                uris, suites = fields.get("URIs", "").split(), fields.get("Suites", "").split()
                if "main" in fields.get("Components", "").split():
                    for u in uris:
                        if "security" not in u and any(not s.endswith("-security") for s in suites):
                            return u.rstrip("/")
        else:
            for m in re.finditer(r"(?m)^\s*deb\s+(?:\[[^]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$", text):
                url, suite, comps = m.groups()
                if "security" not in url and not suite.endswith("-security") and "main" in comps.split():
                    return url.rstrip("/")
    raise EngineUnavailable("no Debian mirror with a main component in " + ", ".join(paths))


class Podman(Engine):
    """A rootful Podman with private configuration and storage, in its own mount namespace."""

    kind = "podman"
    podman = "/usr/bin/podman"

    def __init__(self, name: str, version: str):
        self.name = name
        self.version = version  # the major.minor `podman version` must report

    # -- where things are ------------------------------------------------------------

    @property
    def tree(self) -> Path | None:
        """The root file system podman runs from; None: the machine's own."""
        return None

    @property
    def nsfile(self) -> Path:
        return self.root() / "mnt.ns"

    def containers_conf(self) -> str:
        r = self.root()
        return (
            "# dockspec: private, rootful; see dockspec/engines/podman.py\n"
            "[containers]\n"
            'default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n'
            'netns = "none"\n'
            "[engine]\n"
            'runtime = "runc"\n'
            'cgroup_manager = "cgroupfs"\n'
            'events_logger = "file"\n'
            'lock_type = "file"\n'
            f'tmp_dir = "{r / "tmp"}"\n'
            f'volume_path = "{r / "storage" / "volumes"}"\n'
            "[network]\n"
            f'network_config_dir = "{r / "networks"}"\n'
        )

    def storage_conf(self) -> str:
        r = self.root()
        return ('[storage]\ndriver = "overlay"\n'
                f'graphroot = "{r / "storage"}"\nrunroot = "{r / "run"}"\n')

    def cli_env(self) -> dict[str, str]:
        r = self.root()
        return offline({"CONTAINERS_CONF": str(r / "containers.conf"), "CONTAINERS_STORAGE_CONF": str(r / "storage.conf"),
                        "PODMAN_IGNORE_CGROUPSV1_WARNING": "1"})

    def enter(self) -> list[str]:
        """The argv prefix that runs a command inside the engine's namespace (from its root)."""
        return ["nsenter", f"--mount={self.nsfile}", "--"]

    def cli(self) -> list[str]:
        """`podman`, inside the namespace, from the caller's working folder.

        nsenter resets the working folder to the namespace's root; `--wdns`
        names it again inside, read from the calling shell's $PWD."""
        script = f'exec nsenter --mount={self.nsfile} --wdns="$PWD" -- {self.podman} "$@"'
        return ["/bin/sh", "-c", script, "podman"]

    def run_podman(self, *args: str, timeout: float = 60, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run([*self.enter(), self.podman, *args], env={**os.environ, **self.cli_env()},
                              capture_output=True, text=True, timeout=timeout, check=check,
                              stdin=subprocess.DEVNULL)

    # -- install ---------------------------------------------------------------------

    def missing(self) -> list[str]:
        out = [f"{tool} (util-linux)" for tool in ("nsenter", "unshare") if shutil.which(tool) is None]
        if not os.path.exists("/bin/busybox"):
            out.append("/bin/busybox (apt-get install busybox-static)")
        return out

    def _apt_install(self, *packages: str) -> None:
        if os.geteuid() != 0:
            raise EngineUnavailable(f"installing {' '.join(packages)} needs root")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages], env=env, check=True,
                       stdout=subprocess.DEVNULL)

    # -- the namespace ---------------------------------------------------------------

    def ns_up(self) -> bool:
        """Whether the namespace file is mounted (the namespace is alive)."""
        target = str(self.nsfile)
        try:
            with open("/proc/self/mountinfo") as f:
                return any(line.split()[4] == target for line in f)
        except OSError:
            return False

    def ns_script(self) -> str:
        """The shell script that lays out the namespace (run once, inside it)."""
        return "\n".join([
            "set -e",
            # copies of other namespaces' files would keep those namespaces alive
            "awk '$9==\"nsfs\"{print $5}' /proc/self/mountinfo | while read -r m; do umount -l \"$m\" || true; done",
            "mount -t tmpfs -o mode=755 tmpfs /run",
            "mount --bind /etc /etc && mount -o remount,bind,ro /etc",
            "mount --bind /var/lib /var/lib && mount -o remount,bind,ro /var/lib",
        ])

    def make_namespace(self) -> None:
        self.nsfile.touch()
        p = subprocess.run(["unshare", f"--mount={self.nsfile}", "--propagation", "private", "--", "/bin/sh", "-c",
                            self.ns_script()], capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            if self.ns_up():
                subprocess.run(["umount", str(self.nsfile)], capture_output=True)
            raise EngineUnavailable(f"{self.name}: cannot make its mount namespace: {p.stderr.strip()}")

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        r = self.root()
        for d in ("storage", "run", "tmp", "networks"):
            (r / d).mkdir(parents=True, exist_ok=True)
        (r / "containers.conf").write_text(self.containers_conf())
        (r / "storage.conf").write_text(self.storage_conf())
        if not self.ns_up():
            self.make_namespace()
        sock = r / "docker.sock"
        sock.unlink(missing_ok=True)
        log = open(self.log_path(), "ab")
        p = subprocess.Popen([*self.enter(), self.podman, "system", "service", "--time=0", f"unix://{sock}"],
                             stdout=log, stderr=log, stdin=subprocess.DEVNULL, env={**os.environ, **self.cli_env()},
                             start_new_session=True)
        (r / "service.pid").write_text(f"{p.pid}\n")  # nsenter execs podman: the same pid

    def down(self) -> bool:
        r = self.root()
        was = self.ns_up()
        if was:
            for args in (("unpause", "--all"), ("stop", "--all", "--time", "0")):
                try:
                    self.run_podman(*args, timeout=120)
                except subprocess.TimeoutExpired:
                    pass
        running = stop_pid(r / "service.pid", grace=10.0)
        self._reap()
        if was:
            subprocess.run(["umount", str(self.nsfile)], capture_output=True)
        # the container mounts died with the namespace: start afresh, as after a reboot
        for d in ("run", "tmp"):
            shutil.rmtree(r / d, ignore_errors=True)
        (r / "docker.sock").unlink(missing_ok=True)
        return was or running


    def _reap(self, grace: float = 15.0) -> None:
        """Wait for the engine's own processes to end, then SIGKILL what is left (and what it runs).

        After `stop` a container's conmon still runs its exit command (`podman container
        cleanup`) for a moment, and under load for longer: seen alive after `down()` returned.
        Only the engine's own folder names them, not the trixie tree other engine folders share."""
        reap(self.root(), grace=grace)


class Bookworm(Podman):
    """Podman 4.3 from Debian bookworm's `podman` package (system package), on the machine's root."""

    def missing(self) -> list[str]:
        out = super().missing()
        if not os.path.exists(self.podman):
            out.append(f"{self.podman} (apt-get install podman)")
        if shutil.which("runc") is None:
            out.append("runc (apt-get install runc)")
        # `run --init` runs catatonit (a Recommends of bookworm's podman, not always installed):
        # without it Podman refuses "container-init binary not found on the host" (replays/28-init.sh)
        if not os.path.exists("/usr/libexec/podman/catatonit"):
            out.append("/usr/libexec/podman/catatonit (apt-get install catatonit)")
        return out

    def install(self) -> None:
        if self.missing():
            self._apt_install("podman", "runc", "catatonit", "busybox-static")


class Trixie(Podman):
    """Podman 5.4 from Debian trixie, run from a debootstrap tree in the project's cache folder."""

    suite = "trixie"
    packages = ("podman", "runc", "conmon", "netavark", "catatonit", "ca-certificates")

    @property
    def tree(self) -> Path:
        return cache_dir() / self.name / self.suite

    def missing(self) -> list[str]:
        out = super().missing()
        if not (self.tree / self.podman.lstrip("/")).exists():
            out.append(f"{self.tree} (a {self.suite} root with podman: `dockspec engine up {self.name}` makes it)")
        return out

    def install(self) -> None:
        tree = self.tree
        if (tree / self.podman.lstrip("/")).exists():
            return
        if shutil.which("debootstrap") is None:
            self._apt_install("debootstrap")
        if os.geteuid() != 0:
            raise EngineUnavailable("debootstrap needs root")
        tree.parent.mkdir(parents=True, exist_ok=True)  # a fresh machine has no cache folder yet
        partial = tree.with_name(tree.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        log = tree.with_name("debootstrap.log")
        with open(log, "wb") as f:
            p = subprocess.run(["debootstrap", "--variant=minbase", "--include=" + ",".join(self.packages), self.suite,
                                str(partial), debian_mirror()], stdout=f, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-5:])
            raise EngineUnavailable(f"debootstrap {self.suite} failed (log {log}):\n{tail}")
        partial.rename(tree)

    def ns_script(self) -> str:
        t, r = self.tree, self.root()
        # The old root's mount point is this engine's own: engines of one tree (`conform --workers`, a test
        # engine beside a user's) start at once, and one's `rmdir` must not take away the other's.
        old = ".oldroot-" + hashlib.sha256(str(r).encode()).hexdigest()[:12]
        return "\n".join([
            "set -e",
            f"mount --bind {t} {t}",
            f"mount -t proc proc {t}/proc",
            f"mount --rbind /sys {t}/sys",
            f"mount --rbind /dev {t}/dev",
            f"mount --bind {HOST_BIND} {t}{HOST_BIND}",  # not recursive: files, not the mounts beneath
            f"mkdir -p {t}{r}",
            f"mount --bind {r} {t}{r}",
            f"mount -t tmpfs -o mode=755 tmpfs {t}/run",
            f"cd {t}",
            f"mkdir -p {old}",
            f"pivot_root . {old}",
            f"umount -l /{old}",
            f"rmdir /{old}",
        ])
