"""The workload language: what the processes in a container do, step by step.

Theory of operation
-------------------
A container runs busybox ash and applets.  The model interprets them exactly
(the list, and what is refused and why: docs/workloads.md) and refuses anything
else with `UnsupportedWorkload`, naming the construct it does not know: a model
that guessed what `ls -l` or `awk` prints would disagree with the engine in
ways nobody could trace.  `model.engine.step` turns such a refusal, wherever
it is found, into a refused step that changes nothing.

Output is one ordered stream of (descriptor, text) chunks, split into stdout
and stderr only at the edge, so that `2>&1` interleaves what was written in
the order it was written.  A command's redirections (`>`, `>>`, `>&1`, `>&2`
on descriptors 1 and 2, left to right as ash applies them) decide where its
chunks go: on to the shell's streams, into a file (appended to, as a file
opened once is written), or nowhere (`/dev/null`, a device on the engine's
/dev tmpfs, not a file of the model; the rest of /dev is refused).  The
container's mounted files (`Rootfs.mounts`) take writes without a copy-up and
refuse `rm` with EBUSY, as the kernel does.

A process is a value (`Process`): the applet it runs, its working directory
and environment, and for a shell the *frames* of code it is executing (the
script, and above it a running trap handler), `$?`, the TERM trap, the
foreground child it waits for, its background jobs, and a pending signal.
Code is referred to by its source text and compiled through a cache, so that a
process hashes in the time it takes to hash a few strings.

Time is logical.  `run` does everything that takes no time and stops where a
process *blocks*: a `sleep`, or a shell waiting for a sleeping child.
`elapse` lets time pass: it wakes the sleeper with the least time left (ties
in a fixed order: a shell's jobs before its foreground child), runs again, and
repeats until the process exits; every program of the language terminates.
A background job runs at once, until it blocks, when the shell starts it; the
real scheduler may interleave differently, but only races would tell.

Signals follow the kernel and ash.  SIGKILL ends a process with 137.  PID 1
of a PID namespace gets no default disposition, so a TERM it has no handler
for is dropped (`sleep` as PID 1 ignores `docker stop` and dies of the SIGKILL
that follows).  A shell's trap runs when the shell is between commands or
blocked in the `wait` builtin (which then returns 128+15); while the shell
waits for a foreground child, the signal stays pending until the child ends.
Other processes die of a TERM (143), but the model only signals PID 1.

When PID 1 exits the container's other processes die with it; an exec'd
process that exits leaves its background jobs running as orphans, which
`elapse` runs to completion (the docker CLI's attached streams stay open until
they exit).  Busybox ash execs the last command of `sh -c` in place of the
shell; the model keeps the shell, which no exit code or file can tell apart.

Pieces
------
`base` (names, signals, errors), `grammar` (tree-sitter-bash's tree compiled to
instructions), `syntax` (scripts and argv checks), `process` (processes as
values: spawn, run, elapse, tick, signal, stop), `shell` (the ash evaluator),
`expand` (words, parameters, arithmetic, globs), `builtins` (ash's own
commands), `applets` and `textapplets` (what takes no time, on the file system).
"""
from __future__ import annotations

from .base import APPLETS, ASH_BUILTINS, BUILTINS, DEFAULT_PATH, SIGKILL, SIGTERM, ExecDenied, ExecNotFound
from .syntax import Program, Script, parse
from .process import Frame, Process, Step, blocked, describe, elapse, run, ran_out, signal, spawn, stop, term_races_kill, tick

__all__ = [
    "APPLETS", "ASH_BUILTINS", "BUILTINS", "DEFAULT_PATH", "SIGKILL", "SIGTERM", "ExecDenied", "ExecNotFound",
    "Program", "Script", "parse", "Frame", "Process", "Step", "blocked", "describe", "elapse", "run", "signal",
    "spawn", "stop", "term_races_kill", "tick", "ran_out",
]
