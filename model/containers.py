"""Container transitions: create, start, run, stop, kill, pause, unpause, rm, restart, exec, wait.

Theory of operation
-------------------
A container moves through four states (`Status`): CREATED -> RUNNING <-> PAUSED,
and RUNNING/PAUSED -> EXITED -> RUNNING (start/restart).  Removal takes it out of
the world.  The engine's own rules, not the popular explanation's, decide each
edge; the table `LIFECYCLE` lists them for the notebooks.

Processes are interpreted by `model.workload`: a container's PID 1 runs
everything that takes no time when it starts, then either exits (a one-shot)
or blocks (`sleep`).  `wait` and a foreground `run` let time pass until PID 1
exits.  `stop -t T` is SIGTERM to PID 1, then up to T seconds (`-t`, else the
container's `--stop-timeout`, else 10), then SIGKILL; `kill` is SIGKILL.  Time
that passes in one container passes in all of them (`model.clock`).

Every refusal names its wording through the profile (`model.profile`) and
leaves the container untouched.
"""
from __future__ import annotations

import shlex

from dataclasses import replace
from typing import Callable

from frozendict import frozendict

from . import commands as cmd
from . import clock, fs, names, refs, workload
from .errors import EngineError, ErrorKind, UnsupportedWorkload
from .profile import Profile, lookpath_error
from .result import Out, Result, refused
from .values import Config, Container, Status, World, sha256

# (state, verb) -> state after success; pairs not listed are refusals or no-ops
# decided in the functions below.  The notebooks draw this table.
LIFECYCLE = {
    (Status.CREATED, "start"): Status.RUNNING,
    (Status.EXITED, "start"): Status.RUNNING,
    (Status.RUNNING, "pause"): Status.PAUSED,
    (Status.PAUSED, "unpause"): Status.RUNNING,
    (Status.RUNNING, "stop"): Status.EXITED,
    (Status.PAUSED, "stop"): Status.EXITED,
    (Status.RUNNING, "kill"): Status.EXITED,
    (Status.PAUSED, "kill"): Status.EXITED,
    (Status.RUNNING, "restart"): Status.RUNNING,
    (Status.PAUSED, "restart"): Status.RUNNING,
    (Status.EXITED, "restart"): Status.RUNNING,
    (Status.CREATED, "restart"): Status.RUNNING,
}


# Mutation seam: `bench/mutants` replaces `init_mountpoint` by name (`_start_one` calls it here).
MUTATION_SEAMS = ("init_mountpoint", "exec_alongside")

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def with_default_path(env: tuple[str, ...]) -> tuple[str, ...]:
    """The engine gives a process the default PATH only when its environment has none."""
    return env if any(e.startswith("PATH=") for e in env) else (DEFAULT_PATH,) + env


DEFAULT_STOP_TIMEOUT = 10  # seconds: the daemon's, when neither `stop -t` nor `--stop-timeout` says


def process_env(c: Container, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """A process's environment as the engine builds it: PATH and HOSTNAME first, the configured
    variables replacing them in place or appended, then HOME (runc's, from root's passwd entry)
    when nothing set it.  Seen on Docker 20.10: `env` prints PATH, HOSTNAME=<short id>, HOME=/root."""
    env = [DEFAULT_PATH, f"HOSTNAME={c.short_id}"]
    for e in c.config.env + extra:
        key = e.split("=", 1)[0] + "="
        at = next((i for i, x in enumerate(env) if x.startswith(key)), None)
        if at is None:
            env.append(e)
        else:
            env[at] = e
    if not any(e.startswith("HOME=") for e in env):
        env.append("HOME=/root")
    return tuple(env)


def find(world: World, text: str) -> Container | None:
    """The container a user names: full id, then name, then a unique id prefix."""
    if text in world.containers:
        return world.containers[text]
    by_name = world.container_by_name(text.removeprefix("/"))
    if by_name is not None:
        return by_name
    if text and all(ch in "0123456789abcdef" for ch in text):
        hits = [c for cid, c in world.containers.items() if cid.startswith(text)]
        if len(hits) == 1:
            return hits[0]
    return None


def _merged_config(image_config: Config, c: cmd.Create) -> Config:
    cmd_ = c.cmd
    entrypoint = image_config.entrypoint if c.entrypoint is None else (c.entrypoint or None)
    if cmd_ is None or cmd_ == ():
        # `--entrypoint` given alone resets the image's Cmd, as the engine does.
        cmd_ = image_config.cmd if c.entrypoint is None else None
    env = tuple(image_config.env)
    for e in c.env:
        key = e.split("=", 1)[0]
        env = tuple(x for x in env if x.split("=", 1)[0] != key) + (e,)
    labels = frozendict({**image_config.labels, **c.labels})
    return Config(cmd_, entrypoint, env, labels, c.workdir or image_config.working_dir)


def create(world: World, c: cmd.Create, p: Profile) -> Result:
    """`docker create`: a new container with an empty read-write layer, not started."""
    from .images import find as find_image

    try:
        ref = refs.parse(c.image) if refs.full_id(c.image) is None else None
    except refs.InvalidReference as e:
        return refused(world, p.error("invalid_reference_cli", detail=e, ref=c.image))
    image = find_image(world, c.image)
    if image is None:
        r = ref or refs.Ref(c.image, "latest")
        key = "no_such_image_daemon" if c.pull == "never" else "no_such_image_pull"
        return refused(world, p.error(key, ref=str(r), repo=r.repo))
    if c.name is not None:
        if not refs.valid_container_name(c.name):
            return refused(world, p.error("invalid_name", name=c.name))
        other = world.container_by_name(c.name.removeprefix("/"))
        if other is not None:
            return refused(world, p.error("name_in_use", name=c.name.removeprefix("/"), id=other.id))
    config = _merged_config(image.config, c)
    if not config.argv():
        return refused(world, p.error("no_command"))
    try:
        workload.parse(config.argv())
    except UnsupportedWorkload as e:
        return refused(world, p.error("unsupported_workload", detail=e), exit=p.exit_unsupported)
    world = world.tick()
    cid = sha256("container", world.clock, c.name, image.id)
    taken = {x.name for x in world.containers.values()}
    name = c.name.removeprefix("/") if c.name else names.generate(cid, taken)
    container = Container(
        id=cid,
        name=name,
        image=image.id,
        image_ref=_recorded_ref(world, c.image, image.id, p),
        config=config,
        layers=image.layers,
        auto_remove=c.auto_remove,
        labels=config.labels,
        created=world.clock,
        init=c.init,
        stop_timeout=c.stop_timeout,
        engine_files=p.engine_files,
    )
    return Result(world.put_container(container), stdout=cid + "\n")


def _recorded_ref(world: World, typed: str, image_id: str, p: Profile) -> str:
    """The reference a new container records: as typed, or, typed as an id, the image's first or newest tag
    where the dialect says so (`container_by_id_names_tag`)."""
    if not p.container_by_id_names_tag or not (refs.is_id_prefix(typed, image_id[7:]) or refs.full_id(typed)):
        return typed
    tags = [t for t, i in world.tags.items() if i == image_id]  # in the order given
    if not tags:
        return typed
    return tags[-1] if p.container_by_id_names_tag == "newest" else tags[0]


def _settle(world: World, c: Container, step: workload.Step) -> World:
    """Record a PID 1 step: still running, or exited (and auto-removed with --rm)."""
    logs = (c.logs[0] + step.stdout, c.logs[1] + step.stderr)
    if step.exit_code is None:
        c = replace(c, rw=step.fs.upper, processes=(step.process,) + c.processes[1:], logs=logs)
        return world.put_container(c)
    c = replace(c, rw=step.fs.upper, status=Status.EXITED, exit_code=step.exit_code, processes=(), logs=logs)
    if c.auto_remove:
        return world.drop_container(c.id)
    return world.put_container(c)


INIT_PATH = "/sbin/docker-init"


def init_mountpoint(rootfs: fs.Rootfs, path: str = INIT_PATH, mode: int = 0o755) -> fs.Rootfs:
    """`--init`: the engine bind-mounts its init at `path` (the dialect's `init_path`: docker-init at
    /sbin/docker-init), making the mount point (and its folder) in the read-write layer when the image
    lacks them: diff shows `A /sbin/docker-init`, and commit keeps an empty 0755 file there (replays/28-init.sh)."""
    if rootfs.exists(path):
        return rootfs
    if not rootfs.exists(fs.parent(path)):
        rootfs = rootfs.mkdir(fs.parent(path), parents=True)
    return rootfs.write(path, fs.file(b"", mode))  # podman 5.4: 0644, as its other mount points (bench/soak seed 921)


def _start_one(world: World, c: Container, p: Profile) -> tuple[World, EngineError | None, int, workload.Step | None]:
    if c.init:
        c = replace(c, rw=init_mountpoint(world.rootfs(c), p.init_path, p.mount_point_mode).upper)
    if p.start_touches_etc:
        # Before the runtime runs anything: a command that is not found still leaves /etc changed (03:5).
        c = touch_etc(world, c, p.mount_point_mode)
        world = world.put_container(c)
    rootfs = world.rootfs(c)
    config = c.config
    env = process_env(c)
    try:
        # Under --init the command is docker-init's child, not PID 1: a TERM it does not trap kills it (143).
        proc = workload.spawn(config.argv(), rootfs, env, config.working_dir or "/", pid1=not c.init,
                              hostname=c.short_id)
    except UnsupportedWorkload as e:
        return world, p.error("unsupported_workload", detail=e), p.exit_unsupported, None
    except workload.ExecNotFound as e:
        if c.init:
            # docker-init starts, fails to exec the command and exits 127 (126): the container ran.
            denied = isinstance(e, workload.ExecDenied)
            code = p.exit_cannot_invoke if denied else p.exit_not_found
            if p.init_cannot_exec_exit is not None:
                code = p.init_cannot_exec_exit
            why = "Permission denied" if denied else "No such file or directory"
            text = f"[FATAL tini (7)] exec {e.name} failed: {why}\n"
            c = replace(c, status=Status.RUNNING, started=True)
            step = workload.Step(None, fs.Rootfs(rootfs.view, c.rw, c.engine_files.mounts), code, "", text)
            return _settle(world, c, step), None, 0, step
        # The runtime fails to exec: the container stays CREATED, its exit code
        # 127 (not found) or 126 (found but not executable).
        denied = isinstance(e, workload.ExecDenied)
        code = p.exit_cannot_invoke if denied else p.exit_not_found
        if c.auto_remove:
            world = world.drop_container(c.id)
        else:
            world = world.put_container(replace(c, exit_code=code if p.failed_start_sets_exit_code else c.exit_code))
        return world, p.error("exec_denied_start" if denied else "exec_not_found_start", cmd=e.name,
                              why=lookpath_error(e.name)), code, None
    c = replace(c, status=Status.RUNNING, started=True, exit_code=None, processes=(proc,))
    step = workload.run(proc, rootfs)
    return _settle(world, c, step), None, 0, step


def each(world: World, names: tuple[str, ...], p: Profile, one: Callable[[Out, str, Container], None],
         missing: str = "no_such_container_daemon", missing_exit: int = 1,
         lingering: Callable[[str, Container], tuple[Callable[[Out], None], ...]] | None = None,
         vanished: Callable[[Out, Container], None] | None = None) -> Out:
    """Apply `one` to each named container in turn, as the CLI does; a missing one is refused and skipped.

    Each outcome's `Out.failed` collects the names that were missing (`one` may add others).

    `lingering` states a race of the engine's.  A `--rm` container that this same
    command ended is removed by the engine asynchronously, so a later target
    naming it may still find it, exited and being removed.  The documented
    outcome is "No such container" (the model removes at once); `lingering(name,
    container)` returns what else the engine may do for that target, each an
    effect on an `Out`, from the latest stage of the removal to the earliest
    (found exited, then found before its death was processed).  Time only goes
    forward: a later target never sees an earlier stage than the one before it.
    Every possible sequence becomes one of the result's `alternatives`.

    `vanished(out, container)`, where given, is what else the engine may do where such
    a target finds its container already removed: an outcome of its own (an `Out` that
    sets `aborted` ends the command there).
    """
    first = Out(world)
    branches = [first]
    for name in names:
        grown = []
        for out in branches:
            if out.aborted:
                grown.append(out)
                continue
            target = find(out.world, name)
            if target is not None:
                one(out, name, target)
                grown.append(out)
                grown.extend(out.spawned)
                out.spawned = []
                continue
            was = find(world, name) if lingering is not None else None
            forks = []
            if was is not None and was.auto_remove:
                reached = out.stages.get(was.id, len(names))
                for stage, effect in enumerate(lingering(name, was), start=1):
                    if stage <= reached:
                        fork = out.fork()
                        fork.stages[was.id] = stage
                        forks.append((fork, effect))
                out.stages[was.id] = 0  # removed
                if vanished is not None:
                    fork = out.fork()
                    forks.append((fork, lambda o, was=was: vanished(o, was)))
            out.refuse(p.error(missing, name=name), exit=missing_exit)
            out.failed.append(name)
            grown.append(out)
            for fork, effect in forks:
                effect(fork)
                grown.append(fork)
        branches = grown
    first.others = branches[1:]
    return first


def start(world: World, c: cmd.Start, p: Profile) -> Result:
    """`docker start`: give a created or exited container a process space."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is Status.PAUSED:
            out.refuse(p.error("start_paused"))
            out.failed.append(name)
            return
        if target.status is Status.RUNNING:
            if p.start_running_prints_name:
                out.print(name)
            return
        out.world, error, _, step = _start_one(out.world, target, p)
        if error is not None:
            out.refuse(error)
            out.failed.append(name)
        elif c.attach:
            # Attached, the CLI prints what the process prints instead of the name,
            # and exits with the container's code.
            text = step.stdout
            if step.exit_code is None:
                out.world, more, _ = _elapse(out.world, target.id)
                text += more
            after = out.world.containers.get(target.id)
            out.out.extend(text.splitlines())
            out.exit = out.exit or (after.exit_code if after is not None else step.exit_code) or 0
        else:
            out.print(name)

    def marked(out: Out, name: str) -> None:
        out.refuse(p.error("start_marked_for_removal"))
        out.failed.append(name)

    def restarted(out: Out, name: str, gone: Container) -> None:
        # Podman starts it again; it runs its workload again and is removed again (the same state), and
        # a later target may find it at any stage once more
        out.print(name)
        out.stages.pop(gone.id, None)

    def running(out: Out, name: str) -> None:
        if p.start_running_prints_name:
            out.print(name)

    def lingering(name: str, gone: Container) -> tuple[Callable[[Out], None], ...]:
        # found exited and marked for removal (Podman: exited and not yet removed, started again); or still
        # running (a no-op: its name again, nothing where the dialect prints nothing)
        # (replays/24-auto-remove-race.sh:24, seen on Docker 26.1; on podman 4.3 "r6" once or twice)
        first = (lambda out: restarted(out, name, gone)) if p.start_restarts_exited_rm else (lambda out: marked(out, name))
        return (first, lambda out: running(out, name))

    def aborted(out: Out, gone: Container) -> None:
        # podman 4.3 may fail as a whole there: it prints the names it started at the end, so nothing
        # (replays/24-auto-remove-race.sh:24, 7 passes in 30 under load)
        out.out, out.err, out.failed, out.error, out.exit = [], [], [], None, 0
        out.refuse(p.error("start_vanished", id=gone.id), exit=p.exit_refused)
        out.aborted = True

    out = each(world, c.containers, p, one, lingering=lingering,
               vanished=aborted if p.start_aborts_on_a_vanished_target else None)
    for o in (out, *out.others):
        if o.failed:
            o.err.append(p.error("start_failed", names=", ".join(o.failed)).message)
    return out.result()


def _elapse(world: World, cid: str) -> tuple[World, str, str]:
    """Let time pass in a running container until PID 1 exits."""
    c = world.containers[cid]
    if c.status is not Status.RUNNING or not c.processes:
        return world, "", ""
    step = workload.elapse(c.processes[0], world.rootfs(c))
    world = clock.pass_time(_settle(world, c, step), step.elapsed, skip={cid})
    return world, step.stdout, step.stderr


def run(world: World, c: cmd.Run, p: Profile) -> Result:
    """`docker run` = create + start (+ wait for the exit when not detached)."""
    created = create(world, c.create, p)
    if created.error is not None:
        return replace(created, exit=p.exit_run_failed, stderr=_run_prefix(created.stderr, p))
    cid = created.stdout.strip()
    before = world
    world, error, code, step = _start_one(created.world, created.world.containers[cid], p)
    if error is not None and error.kind is ErrorKind.UNSUPPORTED_WORKLOAD:
        # Found only when the process starts (a program on PATH the language does not know):
        # the whole run is refused, and the container it made is not left behind.
        return Result(before, "", _run_prefix(error.message + "\n", p), code, error)
    if error is not None:
        return Result(world, cid + "\n" if c.detach else "", _run_prefix(error.message + "\n", p), code, error)
    if c.detach:
        return Result(world, cid + "\n")
    # Foreground: the CLI attaches, prints what the process prints, waits for the exit.
    stdout, stderr = step.stdout, step.stderr
    if step.exit_code is None:
        world, more_out, more_err = _elapse(world, cid)
        stdout, stderr = stdout + more_out, stderr + more_err
        after = world.containers.get(cid)
        code = after.exit_code if after is not None else 0
    else:
        code = step.exit_code
    return Result(world, stdout, stderr, code)


def _run_prefix(stderr: str, p: Profile) -> str:
    """`docker run` reports errors as "docker: MESSAGE" and a usage hint, worded as `p.run_refusal` says."""
    lines = stderr.rstrip("\n").split("\n")
    last = lines[-1].rstrip(".")
    head = lines[:-1]
    return "".join(l + "\n" for l in head) + p.run_refusal.format(message=last) + "\n"


def _timeout(given: int | None, c: Container) -> int:
    """`-t` when given, else the container's `--stop-timeout`, else the daemon's 10 s."""
    if given is not None:
        return given
    return c.stop_timeout if c.stop_timeout is not None else DEFAULT_STOP_TIMEOUT


def _terminate(world: World, c: Container, timeout: int, auto_remove: bool = True, killed_first: bool = False,
               p: Profile | None = None) -> World:
    """End a running or paused container as `docker stop` does: SIGTERM, then SIGKILL.

    The engine thaws a paused container after signalling it, so its TERM
    handler runs as if it had never been paused.  `restart` turns auto-removal
    off while it stops the container (`auto_remove=False`); `killed_first`: the SIGKILL of a
    `-t 0` stop landed before PID 1 ran its TERM trap (`_kill_race`).
    """
    if killed_first or (p is not None and p.stop_zero_timeout_kills and timeout <= 0):
        # the race's SIGKILL landed first (Docker), or no stop signal at all at -t 0 (Podman)
        step = workload.signal(c.processes[0], world.rootfs(c), "KILL")
    else:
        step = workload.stop(c.processes[0], world.rootfs(c), max(timeout, 0))
    if auto_remove:
        return clock.pass_time(_settle(world, c, step), step.elapsed, skip={c.id})
    world = _settle(world, replace(c, auto_remove=False), step)
    world = world.put_container(replace(world.containers[c.id], auto_remove=c.auto_remove))
    return clock.pass_time(world, step.elapsed, skip={c.id})


def _kill_race(world: World, c: Container, timeout: int, p: Profile) -> bool:
    """`-t 0` of a container whose PID 1 ends in its TERM trap, or whose docker-init (`--init`) relays the
    TERM that ends its command: SIGKILL may land first (137; the relay seen lose on Docker 28.5's containerd
    store under load, bench/soak seed 701).

    Not under a dialect whose `-t 0` sends SIGKILL alone (Podman): there is no race to lose.
    """
    if not c.processes or (p.stop_zero_timeout_kills and timeout <= 0):
        return False
    if c.init and timeout == 0 and c.processes[0].exit is None:
        return workload.signal(c.processes[0], world.rootfs(c), "TERM").exit_code is not None
    return workload.term_races_kill(c.processes[0], world.rootfs(c), timeout)


def stop(world: World, c: cmd.Stop, p: Profile) -> Result:
    """`docker stop`: SIGTERM to PID 1, SIGKILL after the timeout; a stopped container is left alone."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is Status.PAUSED and p.stop_refuses_paused:
            out.refuse(p.error("stop_paused_auto_remove" if target.auto_remove else "stop_paused", id=target.id))
            return
        if target.status in (Status.RUNNING, Status.PAUSED):
            timeout = _timeout(c.timeout, target)
            if _kill_race(out.world, target, timeout, p):
                killed = out.branch()
                killed.world = _terminate(killed.world, target, timeout, killed_first=True, p=p)
                killed.print(name)
            out.world = _terminate(out.world, target, timeout, p=p)
        elif target.status is Status.CREATED and target.auto_remove and p.stop_removes_created_rm:
            out.world = out.world.drop_container(target.id)
        out.print(name)

    def lingering(name: str, gone: Container) -> tuple[Callable[[Out], None], ...]:
        return (lambda out: out.print(name),)  # found exited: nothing to stop

    return each(world, c.containers, p, one, lingering=lingering).result()


def kill(world: World, c: cmd.Kill, p: Profile) -> Result:
    """`docker kill`: SIGKILL (or `--signal`) to PID 1 of a running or paused container."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status not in (Status.RUNNING, Status.PAUSED):
            out.refuse(p.error("kill_not_running", name=name, id=target.id))
            return
        sig = c.signal.upper().removeprefix("SIG")
        step = workload.signal(target.processes[0], out.world.rootfs(target), sig)
        if step.exit_code is None:
            out.world = out.world.put_container(replace(target, rw=step.fs.upper, processes=(step.process,) + target.processes[1:]))
        else:
            out.world = _settle(out.world, target, step)
        out.print(name)

    def lingering(name: str, gone: Container) -> tuple[Callable[[Out], None], ...]:
        return (lambda out: out.refuse(p.error("kill_not_running", name=name, id=gone.id)),  # found exited
                lambda out: out.print(name))  # found before its death was processed: signalled again

    return each(world, c.containers, p, one, missing="kill_no_such_container", lingering=lingering).result()


def pause(world: World, c: cmd.Pause, p: Profile) -> Result:
    """`docker pause`: freeze a running container's processes (cgroup freezer)."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is Status.PAUSED:
            out.refuse(p.error("already_paused", id=target.id))
        elif target.status is not Status.RUNNING:
            out.refuse(p.error("not_running", id=target.id))
        else:
            out.world = out.world.put_container(replace(target, status=Status.PAUSED))
            out.print(name)

    return each(world, c.containers, p, one).result()


def unpause(world: World, c: cmd.Unpause, p: Profile) -> Result:
    """`docker unpause`: thaw a paused container."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is not Status.PAUSED:
            out.refuse(p.error("not_paused", id=target.id))
        else:
            out.world = clock.thaw(out.world.put_container(replace(target, status=Status.RUNNING)), target.id)
            out.print(name)

    return each(world, c.containers, p, one).result()


def rm(world: World, c: cmd.Rm, p: Profile) -> Result:
    """`docker rm`: remove a container and its read-write layer; running or paused ones need -f."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is Status.RUNNING and not c.force:
            out.refuse(p.error("remove_running", id=target.id, name=target.name.removeprefix("/")))
        elif target.status is Status.PAUSED and not c.force:
            out.refuse(p.error("remove_paused", id=target.id, name=target.name.removeprefix("/")))
        else:
            out.world = out.world.drop_container(target.id)
            out.print(name)

    if p.rm_checks_all_first and not c.force:
        missing = next((n for n in c.containers if find(world, n) is None), None)
        if missing is not None:
            return refused(world, p.error("no_such_container", name=missing))
    if c.force and p.force_ignores_missing_silently:
        # podman says nothing of a missing name, nor of a container named twice: it removes it once
        # (bench/soak podman-5.4 seed 922, podman-4.3 seed 943: `rm -f ctr1 ctr1`; by hand on both, docs/dialects/podman.md Round 5)
        seen: set[str] = set()
        named = []
        for n in c.containers:
            target = find(world, n)
            if target is not None and target.id not in seen:
                seen.add(target.id)
                named.append(n)
        c = replace(c, containers=tuple(named))
    # With -f the CLI prints "No such container" but does not fail the command.
    return each(world, c.containers, p, one, missing="no_such_container", missing_exit=0 if c.force else 1).result()


def restart(world: World, c: cmd.Restart, p: Profile) -> Result:
    """`docker restart`: stop (when running or paused), then start again with the same read-write layer."""

    started: set[str] = set()  # the containers an earlier target of this restart started

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is Status.PAUSED and p.stop_refuses_paused:
            out.refuse(p.error("stop_paused", id=target.id))
            return
        if target.id in started and target.status is Status.EXITED and p.restart_races_a_quick_exit:
            # named again after its workload ended at once: the engine may still find it running, and its
            # SIGKILL then finds it stopped (podman 4.3; the container stays exited)
            out.branch().refuse(p.error("restart_removing", name=name, id=target.id))
        if target.status in (Status.RUNNING, Status.PAUSED):
            if target.auto_remove:
                # A race (seen under load): the engine turns auto-removal off while it stops the
                # container and back on when the stop returns, but the exit is handled
                # asynchronously and may see it on: the container is removed instead.
                lost = out.branch()
                lost.world = _terminate(lost.world, target, _timeout(c.timeout, target), p=p)
                lost.refuse(p.error("restart_marked_for_removal", name=name, id=target.id))
            timeout = _timeout(c.timeout, target)
            if _kill_race(out.world, target, timeout, p):
                killed = out.branch()
                killed.world = _terminate(killed.world, target, timeout, auto_remove=False, killed_first=True, p=p)
                killed.world, error, _, _ = _start_one(killed.world, killed.world.containers[target.id], p)
                if error is not None:
                    killed.refuse(error)
                else:
                    killed.print(name)
            out.world = _terminate(out.world, target, timeout, auto_remove=False, p=p)
            target = out.world.containers[target.id]
        out.world, error, _, _ = _start_one(out.world, target, p)
        if error is not None:
            out.refuse(error)
        else:
            out.print(name)
            started.add(target.id)

    def lingering(name: str, gone: Container) -> tuple[Callable[[Out], None], ...]:
        # found exited and marked for removal; or restarted before the removal began
        # (a one-shot then exits and is removed again: the same state)
        return (lambda out: out.refuse(p.error("restart_removing", name=name, id=gone.id)),
                lambda out: out.print(name))

    return each(world, c.containers, p, one, lingering=lingering).result()


def rename(world: World, c: cmd.Rename, p: Profile) -> Result:
    """`docker rename`: a new name for a container in any state; nothing else changes.

    The daemon (daemon/rename.go) finds the container, refuses its own name, then
    reserves the new one (valid, not in use); a leading `/` is the same name.
    """
    if not c.container or not c.new_name:
        return refused(world, p.error("rename_empty"))
    target = find(world, c.container)
    new = c.new_name if p.rename_keeps_slash else c.new_name.removeprefix("/")
    error = None
    if target is None:
        error = p.error("no_such_container_daemon", name=c.container)
    elif target.name == new and not p.rename_same_name_allowed:
        error = p.error("rename_same_name")
    elif not refs.valid_container_name(new) or new.startswith("/"):
        error = p.error("rename_invalid_name", name=new)
    elif world.container_by_name(new) not in (None, target):
        error = p.error("rename_name_in_use", name=new, id=world.container_by_name(new).id)
    if error is not None:
        return Result(world, "", error.message + "\n" + p.error("rename_failed", name=c.container).message + "\n",
                      p.exit_refused, error)
    return Result(world.put_container(replace(target, name=new)))


def exec_(world: World, c: cmd.Exec, p: Profile) -> Result:
    """`docker exec`: run one more process inside a running container."""
    target = find(world, c.container)
    if target is None:
        return refused(world, p.error("no_such_container", name=c.container))
    if target.status is Status.PAUSED and not p.exec_paused_not_running:
        return refused(world, p.error("exec_paused", name=c.container))
    if target.status is not Status.RUNNING:
        return refused(world, p.error("not_running", id=target.id))
    rootfs = world.rootfs(target)
    env = process_env(target, c.env)
    try:
        proc = workload.spawn(c.argv, rootfs, env, c.workdir or target.config.working_dir or "/", pid1=False,
                              hostname=target.short_id)
    except workload.ExecNotFound as e:
        # The CLI prints the runtime's refusal on standard output, with status 126.
        key = "exec_denied_exec" if isinstance(e, workload.ExecDenied) else "exec_not_found_exec"
        error = p.error(key, cmd=e.name, why=lookpath_error(e.name))
        code = p.exit_exec_denied if isinstance(e, workload.ExecDenied) else p.exit_exec_not_found
        if not p.exec_error_on_stdout:
            return Result(world, "", error.message + "\n", code, error)
        return Result(world, error.message + "\n", "", code, error)
    except UnsupportedWorkload as e:
        return refused(world, p.error("unsupported_workload", detail=e), exit=p.exit_cannot_invoke)
    if c.detach:
        step = workload.run(proc, rootfs)
        procs = target.processes + ((step.process,) if step.exit_code is None else ())
        world = world.put_container(replace(target, rw=step.fs.upper, processes=procs))
        return Result(world)
    world, out, err, code = exec_alongside(world, target.id, proc)
    return Result(world, out, err, code or 0)


def exec_alongside(world: World, cid: str, proc: workload.Process) -> tuple[World, str, str, int | None]:
    """A foreground exec runs while time passes for the container's other processes, one
    wake-up at a time, so that it sees what PID 1 writes meanwhile (a poll for a file).
    At a tie the container's own processes wake first: they started before the exec did.
    The exec's process dies with PID 1 on the engine; the model refuses that case."""
    out, err = [], []
    step = workload.run(proc, world.rootfs(world.containers[cid]))
    for _ in range(workload.MAX_WAKES):
        c = world.containers[cid]
        world = world.put_container(replace(c, rw=step.fs.upper))
        out.append(step.stdout)
        err.append(step.stderr)
        proc = step.process
        if step.exit_code is not None and not proc.jobs:
            return world, "".join(out), "".join(err), step.exit_code
        mine = workload.next_wake(proc)
        theirs = [t for t in (workload.next_wake(q) for q in c.processes) if t is not None]
        if mine is None:
            if not theirs:
                workload.elapse(proc, world.rootfs(c))  # says why it can never exit
            dt = min(theirs)
        else:
            dt = min([mine] + theirs)
        world = clock.pass_time(world, dt)  # the container's processes first
        after = world.containers.get(cid)
        if after is None or after.status is not Status.RUNNING:
            raise UnsupportedWorkload(f"an exec that outlives its container's PID 1 ({shlex.join(proc.argv)})")
        step = workload.run(workload.process._tick(proc, dt), world.rootfs(after))
    raise UnsupportedWorkload(f"an exec that does not exit after {workload.MAX_WAKES} wake-ups ({shlex.join(proc.argv)})")


def wait(world: World, c: cmd.Wait, p: Profile) -> Result:
    """`docker wait`: let time pass until each container's PID 1 exits; print its exit code."""

    def one(out: Out, name: str, target: Container) -> None:
        if target.status is Status.PAUSED:
            # A frozen process never exits: the engine would wait for ever.
            out.refuse(p.error("wait_paused", id=target.id))
            return
        if target.status is Status.RUNNING:
            out.world, _, _ = _elapse(out.world, target.id)
            after = out.world.containers.get(target.id)
            code = after.exit_code if after is not None else 0
        else:
            code = target.exit_code or 0
        out.print(str(code))

    return each(world, c.containers, p, one).result()


def diff(world: World, c: cmd.Diff, p: Profile) -> Result:
    """`docker diff`: the read-write layer's changes against the image (init layer hidden)."""
    target = find(world, c.container)
    if target is None:
        return refused(world, p.error("no_such_container_daemon", name=c.container))
    lines = diff_lines(world, target, p)
    return Result(world, "".join(l + "\n" for l in lines))


# Podman's mount points: at every start it makes those its image lacks in the container's layer (empty
# 0755 files and a link, so commit keeps them: 40-podman-history.sh), and its diff leaves these paths out
# (libpod's initInodes), so a fresh container shows `C /etc` only, one of a committed image nothing.
PODMAN_MOUNT_POINTS = (("/etc/hostname", fs.file(b"", 0o755)), ("/etc/hosts", fs.file(b"", 0o755)),
                       ("/etc/mtab", fs.symlink("/proc/mounts")), ("/run/.containerenv", fs.file(b"", 0o755)))
PODMAN_DIFF_HIDDEN = frozenset({"/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/run", "/run/notify",
                                "/run/.containerenv", "/run/secrets", "/sys", "/etc/mtab", "/run/podman-init"})


def diff_hidden(p: Profile | None) -> frozenset[str]:
    """The paths the dialect's `diff` never lists, whatever the container's layer holds (Podman's mount points)."""
    return PODMAN_DIFF_HIDDEN if p is not None and p.start_touches_etc else frozenset()


def diff_lines(world: World, c: Container, p: Profile | None = None) -> tuple[str, ...]:
    if p is not None and p.start_touches_etc:
        # Podman has no init layer: the container's layer is compared with its image's, and its
        # mount points are left out (an image without /etc gets `A /etc`)
        lower = fs.union(tuple(world.layers[l].changes for l in c.layers))
        lines = fs.diff(lower, c.rw, dirs_by_mtime=p.diff_dirs_by_mtime)
        return tuple(l for l in lines if l[2:] not in diff_hidden(p))
    return fs.diff(world.container_view(c), c.rw, dirs_by_mtime=p is not None and p.diff_dirs_by_mtime)


def touch_etc(world: World, c: Container, mode: int = 0o755) -> Container:
    """The container after its engine made the mount points its image lacks in the read-write layer (Podman, at every
    start); the files with the dialect's `mount_point_mode`."""
    own = world.own_rootfs(c)
    for path, entry in PODMAN_MOUNT_POINTS:
        if entry.kind is fs.Kind.FILE:
            entry = replace(entry, mode=mode)
        if own.lookup(path) is None:
            if not own.is_dir(fs.parent(path)):
                own = own.mkdir(fs.parent(path), parents=True)
            own = own.write(path, entry)
    return replace(c, rw=own.upper) if own.upper != c.rw else c
