"""The small set of workloads the machines run, and what each one does, stated independently.

The model interprets busybox applets (`model.workload`); the spec does not
re-interpret them.  It states, for each container command the machines use,
the facts a user can observe: does PID 1 block, with what code does it exit by
itself, after `docker stop` (SIGTERM, then SIGKILL) and after `docker kill`,
and which path it leaves behind.  Paths come from a small alphabet, some in
the base image and some not, so that copy-ups, whiteouts and opaque
directories all happen.
"""
from __future__ import annotations

from dataclasses import dataclass

KILLED = 137  # 128 + SIGKILL


@dataclass(frozen=True, slots=True)
class Workload:
    """What a container command does: blocks or exits (with `exit`), and its codes after stop and kill."""

    argv: tuple[str, ...]
    blocks: bool = False
    exit: int | None = 0  # by itself (blocking ones: once time passes); None: 0 or 1, as the file system allows
    stop_exit: int = KILLED  # after `docker stop` of a running container
    init_stop_exit: int | None = None  # the same under `run --init` (None: as stop_exit)
    # ("exists" | "file" | "dir" | "absent", path) left behind when it exits as it should: with `exit`
    # (0 when that is None, as the file system allows).
    effect: tuple[str, str] | None = None


TRAP = "trap 'exit 0' TERM; sleep 1000 & wait"

WORKLOADS: dict[tuple[str, ...], Workload] = {w.argv: w for w in (
    Workload(("true",)),
    Workload(("false",), exit=1),
    Workload(("sh", "-c", "exit 3"), exit=3),
    # /tmp/f1, /a, /a/b and /tmp/x may be files or directories in committed images.
    Workload(("touch", "/tmp/f1"), exit=None, effect=("exists", "/tmp/f1")),
    Workload(("mkdir", "-p", "/a/b"), exit=None, effect=("dir", "/a/b")),
    # /etc/hostname, /etc/hosts and /etc/resolv.conf are bind mounts: rm gets EBUSY
    # for them, removes the rest of /etc, and fails.
    # Whatever else it does, it removes /etc/passwd (the base image's): a whiteout hides it.
    Workload(("rm", "-rf", "/etc"), exit=1, effect=("absent", "/etc/passwd")),
    Workload(("sh", "-c", "echo hi > /tmp/x"), exit=None, effect=("file", "/tmp/x")),
    # PID 1 has no default action for SIGTERM: sleep ignores it and dies of the SIGKILL.
    # Under --init, docker-init forwards the TERM to a child that has the default action: 143.
    Workload(("sleep", "1000"), blocks=True, exit=0, stop_exit=KILLED, init_stop_exit=128 + 15),
    # A shell that traps TERM exits with the trap's status.
    Workload(("sh", "-c", TRAP), blocks=True, exit=0, stop_exit=0),
)}

CONTAINER_COMMANDS: tuple[tuple[str, ...], ...] = tuple(WORKLOADS)

# Paths for exec'd commands: in the base image (/etc, /etc/passwd, /tmp) or not (/a, /a/b, /tmp/f1, /tmp/x).
PATHS = ("/tmp/f1", "/tmp/x", "/a", "/a/b", "/etc", "/etc/passwd")


def exec_argv(op: str, path: str) -> tuple[str, ...]:
    """An exec'd command over one path: touch, mkdir -p, rm -rf, or a shell redirection."""
    return {
        "touch": ("touch", path),
        "mkdir": ("mkdir", "-p", path),
        "rm": ("rm", "-rf", path),
        "write": ("sh", "-c", f"echo hi > {path}"),
    }[op]


def exec_effect(argv: tuple[str, ...]) -> tuple[str, str] | None:
    """The path an exec'd command leaves when it exits 0: ("exists"|"file"|"dir"|"absent", path)."""
    if argv[:1] == ("touch",):
        return ("exists", argv[1])
    if argv[:2] == ("mkdir", "-p"):
        return ("dir", argv[2])
    if argv[:2] == ("rm", "-rf"):
        return ("absent", argv[2])
    if argv[:2] == ("sh", "-c") and argv[2].startswith("echo hi > "):
        return ("file", argv[2].removeprefix("echo hi > "))
    return None
