"""The engine as a Hypothesis state machine: every docker verb a rule, every rule a docker command.

Each rule builds one *command value* (`model.commands`) and hands it to
`execute`, the one place that applies it to the model, records it as a docker
command line, and checks the step rules (`spec.rules`) and, through the
machine's invariant, the state invariants (`spec.invariants`).  A conformance
run subclasses `DockerMachine` and overrides `execute` to send the same
command to a real engine and compare, the way Hypothesis's own
`DatabaseComparison` machine drives several backends in lockstep.

Bundles hold what a user would type: container names (`c1`, `c2`, ...), image
references (`base:1`, `img1:latest`, ...) and the files that `save` and
`export` wrote.  Names stay in their bundle after the object is gone, so later
rules also meet stale names; dedicated "anyway" rules type unknown names, bad
references and commands in the wrong state on purpose.  A refused command must
be refused with the engine's error kind and leave the state unchanged.
There are no preconditions: a user can type every one of these commands.

The machine speaks one dialect (`model.dialects`), its class attribute
`dialect` (Docker 20.10 unless a subclass says otherwise, as
`for_dialect(profile)` makes one): every step goes through the model with that
profile, and only the step rules and invariants that hold in it are checked.
"""
from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import replace
import shlex

from frozendict import frozendict
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, multiple, rule

from model import commands as cmd
from model import fs, live
from model.errors import ErrorKind
from model.engine import TRANSITIONS, VERBS, step
from model.profile import DOCKER_20_10
from model.result import Result
from model.values import Status, World

from . import coverage as coverage_mod
from . import host as host_mod
from .fixtures import BASE_REF, BASE_TAR_NAME, base_tar, import_base
from .invariants import first_violation
from .rules import resolve_container, resolve_image, step_rules
from .script import render, to_argv
from .workloads import CONTAINER_COMMANDS, PATHS, WORKLOADS, exec_argv

GARBAGE = b"this is not a tar archive\n" * 4
GARBAGE_NAME = "garbage.tar"

UNKNOWN_CONTAINERS = ("nosuch", "ghost")
UNKNOWN_IMAGES = ("nosuch:latest", "ghost")
BAD_REFERENCES = ("Bad:Ref", "img@x", "a::b")
BAD_NAMES = ("_c", "c/1")

# `docker cp`'s container paths: folders and files of the base image and paths the workloads make (twice as
# likely), then missing ones, a trailing "/" or "/." on a file, and the started container's mounted /etc files
# (busy).  Out: /etc never (its mounted files read otherwise, docs/cp.md).
CP_IN_PATHS = ("/tmp", "/tmp/", "/tmp/.", "/tmp/f", "/tmp/f1", "/tmp/x", "/a", "/etc", "/etc/passwd") * 2 + (
    "/a/b", "/etc/hostname", "/etc/hosts", "/nodir/x", "/nodir/", "/tmp/f/", "/tmp/f/x")
CP_OUT_PATHS = ("/tmp", "/tmp", "/tmp/", "/tmp/hello.txt", "/tmp/dir/.", "/etc/passwd", "/etc/passwd/", "/nope")
# the host side: sources that are not there or not folders, destinations in missing folders
CP_HOST_PATHS = ("nope.txt", "hello.txt/", "dir/.")
CP_HOST_DESTS = ("hello.txt", "nodir/x", "o7/")

# Long-running workloads weigh more, so that running and paused containers are common.
_BLOCKING = tuple(a for a in CONTAINER_COMMANDS if WORKLOADS[a].blocks)
workloads = st.sampled_from(_BLOCKING * 3 + CONTAINER_COMMANDS)
flags = st.booleans()
auto_remove = st.sampled_from((False, False, False, True))
HAS_BUILD = importlib.util.find_spec("model.build") is not None


def in_state(*statuses: Status):
    """A container name as a user reads it off `docker ps -a`: one in `statuses` when there is one."""
    def names(machine: "DockerMachine"):
        live = sorted(c.name for c in machine.world.containers.values() if c.status in statuses)
        return st.sampled_from(live) if live else st.sampled_from(machine.typed_names or UNKNOWN_CONTAINERS)
    return st.runner().flatmap(names)


def mostly_in_state(*statuses: Status):
    """A container from the bundle now and then, mostly one in `statuses` (so the verb can succeed)."""
    return st.one_of(in_state(*statuses), in_state(*statuses), in_state(*statuses), Bundle("containers"))


# `import` and `load` parse tar archives, the slowest thing the model does, and
# every sequence starts with the same `import base.tar base:1`: their results
# are kept, keyed by the state, the command and the transition that ran
# (so a patched model never sees a result of the unpatched one).
_READS = (cmd.Import, cmd.Load)
_read_cache: dict = {}


def apply(world: World, command: object, profile=DOCKER_20_10) -> Result:
    """`model.live.step` (the engine as it may lag), remembering the results of `import` and `load`
    (steps are pure)."""
    if type(command) not in _READS:
        return live.step(world, command, profile)
    key = (world, command, profile, TRANSITIONS[type(command)])
    result = _read_cache.get(key)
    if result is None:
        if len(_read_cache) > 512:
            _read_cache.clear()
        result = _read_cache[key] = live.step(world, command, profile)
    return result


class RuleBroken(AssertionError):
    """A step or a state broke a rule of the spec; the message names the rule."""


class DockerMachine(RuleBasedStateMachine):
    """Random docker sessions on the model, checked after every command."""

    containers = Bundle("containers")
    images = Bundle("images")
    archives = Bundle("archives")

    # The dialect the machine speaks: the model's profile and the spec's rules for it.
    dialect = DOCKER_20_10
    # The last machine built: after a failure, the shrunk example it ran (`dockspec check`).
    last: "DockerMachine | None" = None
    # Called with each finished machine (progress bars, step counts).
    on_teardown = None

    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.profile = type(self).dialect
        self.step_rules = step_rules(self.profile)
        self.lines: list[tuple[list[str], str]] = []  # (docker argv, comment)
        self.files: dict[str, bytes] = {}
        self.n_containers = 0
        self.typed_names: list[str] = []
        self.n_images = 0
        self.n_archives = 0
        self.coverage = coverage_mod.COVERAGE
        self._verified: World | None = None
        self.host = host_mod.HOST_FILES  # the host folder `docker cp` reads and writes (spec.host)
        self.n_host = 0
        type(self).last = self

    # -- the one place commands go through ---------------------------------------------------

    def name_of(self, data: bytes) -> str:
        if data == base_tar():
            return BASE_TAR_NAME
        if data == GARBAGE:
            return GARBAGE_NAME
        for name, stored in self.files.items():
            if stored is data or stored == data:
                return name
        return f"archive-{hashlib.sha256(data).hexdigest()[:12]}.tar"

    def execute(self, command: object, comment: str = "") -> Result:
        """Apply `command` to the model, record it as a docker line, and check every step rule."""
        before = self.world
        if isinstance(command, cmd.Build) and not comment:  # the context is named by its hash: show what it says
            comment = "Dockerfile: " + " | ".join(l for l in command.dockerfile.splitlines() if l.strip())
        self.lines.append((to_argv(command, self.name_of), comment))
        result = apply(before, command, self.profile)
        verb = VERBS[type(command)]
        self.coverage.record(verb, "ok" if result.error is None else result.error.kind.value)
        self.world = result.world
        if isinstance(command, cmd.Cp):
            self.host = host_mod.written(self.host, result.files)
        for path, data in result.files.items():
            if path != "-" and not isinstance(command, cmd.Cp):
                self.files[path] = data
        for rule_ in self.step_rules:
            if not rule_(before, command, result):
                raise RuleBroken(f"{rule_.__name__}: {rule_.__doc__}\n  command: {self.lines[-1][0]}\n"
                                 f"  exit {result.exit}, error {result.error}")
        return result

    def script(self) -> str:
        """The commands run so far, as a runnable shell script of docker lines."""
        if self.profile == DOCKER_20_10:
            return render(self.lines)
        name = self.profile.name
        return render(self.lines, header=f"dialect {name}: replay with `dockspec simulate --dialect {name} FILE`")

    @invariant()
    def state_invariants_hold(self) -> None:
        if self._verified is self.world:
            return  # nothing changed since the last check: the predicates are pure
        broken = first_violation(self.world, self.profile)
        if broken is not None:
            raise RuleBroken(f"{broken.__name__}: {broken.__doc__}")
        self._verified = self.world

    @classmethod
    def for_dialect(cls, profile) -> type["DockerMachine"]:
        """This machine speaking the dialect `profile` (the class itself when it already does)."""
        if profile == cls.dialect:
            return cls
        return type(f"{cls.__name__}_{profile.name.replace('-', '_').replace('.', '_')}", (cls,),
                    {"dialect": profile, "__doc__": f"{cls.__doc__} (dialect {profile.name})",
                     "__module__": cls.__module__})

    def teardown(self) -> None:
        if type(self).on_teardown is not None:
            type(self).on_teardown(self)

    # -- naming ---------------------------------------------------------------------------

    def _new_container(self) -> str:
        # "ctrN", not "cN": a name that is also hex ("c1") would resolve, once that
        # container is gone, as a prefix of whatever id happens to start with it,
        # and ids differ between the model and every engine.
        self.n_containers += 1
        self.typed_names.append(f"ctr{self.n_containers}")
        return f"ctr{self.n_containers}"

    def _new_image(self, tag: str = "latest") -> str:
        self.n_images += 1
        return f"img{self.n_images}:{tag}"

    def _new_archive(self, stem: str) -> str:
        self.n_archives += 1
        return f"{stem}{self.n_archives}.tar"

    # -- images in ---------------------------------------------------------------------------

    @initialize(target=images)
    def import_base(self):
        self.execute(import_base())
        return BASE_REF

    @rule(target=images, source=st.sampled_from(("base", "base", "garbage")))
    def import_(self, source):
        """Import the base tar again under a new reference (or `base:1` once it is gone), or a broken file."""
        if source == "garbage":
            self.execute(cmd.Import(GARBAGE, "junk:1"))
            return multiple()
        ref = BASE_REF if BASE_REF not in self.world.tags else self._new_image()
        return ref if self.execute(cmd.Import(base_tar(), ref)).error is None else multiple()

    @rule(target=images, archive=archives)
    def import_archive(self, archive):
        ref = self._new_image()
        result = self.execute(cmd.Import(self.files[archive], ref))
        return ref if result.error is None else multiple()

    @rule(archive=st.one_of(archives, st.just(GARBAGE_NAME)))
    def load(self, archive):
        self.execute(cmd.Load(self.files.get(archive, GARBAGE)))

    # -- containers --------------------------------------------------------------------------

    def _create(self, image: str, argv: tuple[str, ...], auto_remove: bool) -> tuple[str, cmd.Create]:
        name = self._new_container()
        labels = frozendict({"keep": "yes"}) if self.n_containers % 3 == 0 else frozendict()
        return name, cmd.Create(image, argv, name=name, auto_remove=auto_remove, network="none", labels=labels)

    @rule(target=containers, image=images, argv=workloads, rm=auto_remove)
    def create(self, image, argv, rm):
        name, create = self._create(image, argv, rm)
        return name if self.execute(create).error is None else multiple()

    @rule(target=containers, image=images, argv=st.sampled_from(_BLOCKING), rm=auto_remove)
    def run(self, image, argv, rm):
        """`docker run -d`: a long-running container."""
        name, create = self._create(image, argv, rm)
        return name if self.execute(cmd.Run(create, detach=True)).error is None else multiple()

    @rule(target=containers, image=images, argv=workloads, detach=flags)
    def run_with_init(self, image, argv, detach):
        """`docker run --init`: docker-init is PID 1, so a TERM reaches the command with its default action."""
        name, create = self._create(image, argv, False)
        return name if self.execute(cmd.Run(replace(create, init=True), detach=detach)).error is None else multiple()

    @rule(target=containers, image=images, argv=st.sampled_from(_BLOCKING), rm=auto_remove)
    def run_then_pause(self, image, argv, rm):
        """`docker run -d` then `docker pause`: a frozen container for exec, wait, stop, commit and rm to meet."""
        name, create = self._create(image, argv, rm)
        if self.execute(cmd.Run(create, detach=True)).error is not None:
            return multiple()
        self.execute(cmd.Pause((name,)))
        return name

    @rule(target=containers, image=images, argv=workloads, rm=auto_remove)
    def run_to_completion(self, image, argv, rm):
        """`docker run` in the foreground: waits for the container to exit."""
        name, create = self._create(image, argv, rm)
        return name if self.execute(cmd.Run(create, detach=False)).error is None else multiple()

    @rule(image=images, name=st.one_of(mostly_in_state(*Status), st.sampled_from(BAD_NAMES)),
          bad_image=st.sampled_from((None, None) + UNKNOWN_IMAGES + BAD_REFERENCES), run=flags)
    def create_anyway(self, image, name, bad_image, run):
        """create or run with a name in use, an invalid name, an unknown image or a bad reference."""
        if bad_image is not None:
            image, name = bad_image, self._new_container()
        create = cmd.Create(image, ("true",), name=name, network="none")
        self.execute(cmd.Run(create, detach=True) if run else create)

    @rule(c=containers)
    def start(self, c):
        self.execute(cmd.Start((c,)))

    @rule(c=containers)
    def stop(self, c):
        self.execute(cmd.Stop((c,), timeout=0))

    @rule(c=containers)
    def restart(self, c):
        self.execute(cmd.Restart((c,), timeout=0))

    @rule(c=mostly_in_state(Status.RUNNING, Status.PAUSED))
    def kill(self, c):
        self.execute(cmd.Kill((c,)))

    @rule(c=mostly_in_state(Status.RUNNING))
    def pause(self, c):
        self.execute(cmd.Pause((c,)))

    @rule(c=mostly_in_state(Status.PAUSED))
    def unpause(self, c):
        self.execute(cmd.Unpause((c,)))

    @rule()
    def unpause_all(self):
        """`docker unpause $(docker ps -q --filter status=paused)`: thaw every paused container."""
        paused = tuple(sorted(c.name for c in self.world.containers.values() if c.status is Status.PAUSED))
        if paused:
            self.execute(cmd.Unpause(paused))

    @rule(c=containers, force=flags)
    def rm(self, c, force):
        self.execute(cmd.Rm((c,), force=force))

    @rule(c=containers)
    def wait(self, c):
        self.execute(cmd.Wait((c,)))

    @rule(c=mostly_in_state(Status.RUNNING), op=st.sampled_from(("touch", "mkdir", "rm", "write")),
          path=st.sampled_from(PATHS),
          detach=flags)
    def exec_(self, c, op, path, detach):
        self.execute(cmd.Exec(c, exec_argv(op, path), detach=detach))

    @rule(c=mostly_in_state(Status.RUNNING))
    def exec_sleep_detached(self, c):
        self.execute(cmd.Exec(c, ("sleep", "1000"), detach=True))

    @rule(target=containers, c=containers, to=st.sampled_from(("new", "new", "taken", "same", "bad", "slash")))
    def rename(self, c, to):
        """`docker rename`: a new name (or one taken, the same, an invalid one)."""
        taken = sorted(x.name for x in self.world.containers.values())
        new = {"new": None, "slash": None, "taken": taken[0] if taken else "ghost", "same": c,
               "bad": BAD_NAMES[0]}[to]
        if new is None:
            new = self._new_container()
        typed = "/" + new if to == "slash" else new
        result = self.execute(cmd.Rename(c, typed))
        return new if result.error is None else multiple()

    @rule(force=st.sampled_from((True, True, True, False)),
          filters=st.sampled_from(((), (), (), (("label", "keep"),), (("label!", "keep"),), (("until", "1h"),),
                                   (("status", "exited"),))))
    def container_prune(self, force, filters):
        """`docker container prune -f`: every created and exited container goes (some filtered, or without -f)."""
        self.execute(cmd.ContainerPrune(force, filters))

    @rule(all_=flags, force=st.sampled_from((True, True, True, False)),
          filters=st.sampled_from(((), (), (), (("label", "keep"),), (("until", "bogus"),))))
    def image_prune(self, all_, force, filters):
        """`docker image prune [-a] -f`: dangling images go (every unused one with -a)."""
        self.execute(cmd.ImagePrune(all_, force, filters))

    @rule(all_=flags, force=st.sampled_from((True, True, False)),
          filters=st.sampled_from(((), (), (), (("label!", "keep"),), (("dangling", "true"),))))
    def system_prune(self, all_, force, filters):
        """`docker system prune [-a] -f`: container prune, then image prune."""
        self.execute(cmd.SystemPrune(all_, force, filters))

    @rule(c=containers)
    def diff(self, c):
        self.execute(cmd.Diff(c))

    @rule(c=containers)
    def logs(self, c):
        self.execute(cmd.Logs(c))

    def _cp(self, command: cmd.Cp) -> None:
        tried = step(self.world, command, self.profile)
        if tried.error is not None and tried.error.kind is ErrorKind.UNSUPPORTED_WORKLOAD:
            return  # a copy the model refuses to follow (docs/cp.md): not typed
        self.execute(command)

    def _cp_paths(self, c: str) -> tuple[str, ...]:
        """Paths the container's own layer holds, outside /etc (its mounted files read otherwise out)."""
        known = resolve_container(self.world, c)
        if known is None:
            return ()
        return tuple(sorted(p for p, e in known.rw.items() if e.kind is not fs.Kind.WHITEOUT
                            and not p.startswith("/etc")))[:6]

    def _host_paths(self) -> list[str]:
        return sorted(p for p in self.host if not host_mod.under_a_link(self.host, p))

    @rule(c=in_state(*Status), data=st.data())
    def cp_in(self, c, data):
        """`docker cp HOST CTR:PATH` in any state: a file or folder of the host folder (`spec.host`), or one
        missing; into folders, onto files, to missing paths, trailing "/" or "/.", mounted /etc files."""
        host_path = data.draw(st.sampled_from(self._host_paths() * 3 + list(CP_HOST_PATHS)), label="host path")
        path = data.draw(st.sampled_from(CP_IN_PATHS + self._cp_paths(c)), label="container path")
        self._cp(cmd.Cp(c, path, host_path, into=True, host=host_mod.entries(self.host, host_path)))

    @rule(c=in_state(*Status), data=st.data())
    def cp_out(self, c, data):
        """`docker cp CTR:PATH HOST` in any state: what the container's layer holds (or /tmp, /etc/passwd,
        a missing path) to a new host name, a host folder or file, or a missing host folder."""
        path = data.draw(st.sampled_from(self._cp_paths(c) * 3 + CP_OUT_PATHS), label="container path")
        dirs = [p for p in self._host_paths() if self.host[p].kind is fs.Kind.DIR]
        self.n_host += 1
        host_path = data.draw(st.sampled_from([f"out{self.n_host}"] * 3 + dirs + list(CP_HOST_DESTS)),
                              label="host path")
        self._cp(cmd.Cp(c, path, host_path, into=False, host=host_mod.entries(self.host, host_path),
                        host_parent=host_mod.parent_exists(self.host, host_path)))

    @rule(target=archives, c=containers)
    def export(self, c):
        name = self._new_archive("export")
        return name if self.execute(cmd.Export(c, output=name)).error is None else multiple()

    @rule(target=images, c=containers, tagged=st.sampled_from((True, True, True, False, "bad")))
    def commit(self, c, tagged):
        ref = self._new_image() if tagged is True else (BAD_REFERENCES[0] if tagged == "bad" else None)
        result = self.execute(cmd.Commit(c, ref))
        return ref if result.error is None and tagged is True else multiple()

    @rule(verb=st.sampled_from(("start", "stop", "restart", "kill", "pause", "unpause", "rm", "rm -f", "wait",
                                "exec", "diff", "logs", "export", "commit", "inspect")),
          name=st.sampled_from(UNKNOWN_CONTAINERS))
    def on_unknown_container(self, verb, name):
        command = {
            "start": cmd.Start((name,)), "stop": cmd.Stop((name,), timeout=0), "restart": cmd.Restart((name,), timeout=0),
            "kill": cmd.Kill((name,)), "pause": cmd.Pause((name,)), "unpause": cmd.Unpause((name,)),
            "rm": cmd.Rm((name,)), "rm -f": cmd.Rm((name,), force=True), "wait": cmd.Wait((name,)),
            "exec": cmd.Exec(name, ("true",)), "diff": cmd.Diff(name), "logs": cmd.Logs(name), "export": cmd.Export(name, output="unknown.tar"),
            "commit": cmd.Commit(name, None), "inspect": cmd.Inspect((name,)),
        }[verb]
        self.execute(command)

    @rule(verb=st.sampled_from(("rm", "stop", "start", "kill")), cs=st.lists(containers, min_size=2, max_size=3),
          force=flags)
    def several_containers(self, verb, cs, force):
        """A command over several containers does what the same command does to each in turn."""
        names = tuple(cs)
        command = {"rm": cmd.Rm(names, force=force), "stop": cmd.Stop(names, timeout=0), "start": cmd.Start(names),
                   "kill": cmd.Kill(names)}[verb]
        one_by_one = self.world
        for name in names:
            one_by_one = step(one_by_one, type(command)(**{**_fields(command), "containers": (name,)}), self.profile).world
        if verb == "rm" and not force and self.profile.rm_checks_all_first and any(
                resolve_container(self.world, n) is None for n in names):
            one_by_one = self.world  # the dialect looks every name up first: one missing, none removed
        result = self.execute(command)
        if result.world != one_by_one:
            raise RuleBroken(f"{verb} over {names} differs from {verb} of each in turn")

    @rule(verb=st.sampled_from(("start", "stop", "restart", "kill")), c=containers)
    def named_twice(self, verb, c):
        """The same container twice in one command: where a `--rm` container ends, the engine races
        its removal with the second target (`model.containers.each`, `lingering`)."""
        names = (c, c)
        self.execute({"start": cmd.Start(names), "stop": cmd.Stop(names, timeout=0),
                      "restart": cmd.Restart(names, timeout=0), "kill": cmd.Kill(names)}[verb])

    # -- images ------------------------------------------------------------------------------

    @rule(target=images, image=images, new=flags, same_repo=flags)
    def tag(self, image, new, same_repo):
        if same_repo:
            self.n_images += 1
            target = image.rsplit(":", 1)[0] + f":v{self.n_images}"
        else:
            target = self._new_image()
        result = self.execute(cmd.Tag(image, target))
        return target if result.error is None else multiple()

    @rule(image=images, other=images)
    def tag_moves(self, image, other):
        self.execute(cmd.Tag(image, other))

    @rule(image=images, to=st.sampled_from(BAD_REFERENCES))
    def tag_to_bad_reference(self, image, to):
        self.execute(cmd.Tag(image, to))

    @rule(verb=st.sampled_from(("tag", "rmi", "rmi -f", "history", "save", "inspect")), name=st.sampled_from(UNKNOWN_IMAGES))
    def on_unknown_image(self, verb, name):
        command = {
            "tag": cmd.Tag(name, "img0:latest"), "rmi": cmd.Rmi((name,)), "rmi -f": cmd.Rmi((name,), force=True),
            "history": cmd.History(name), "save": cmd.Save((name,), output="unknown.tar"),
            "inspect": cmd.Inspect((name,), format="{{.Id}}"),
        }[verb]
        self.execute(command)

    @rule(verb=st.sampled_from(("rmi", "history", "save", "tag", "inspect")), ref=st.sampled_from(BAD_REFERENCES))
    def on_malformed_reference(self, verb, ref):
        """A malformed reference is refused as "invalid reference format", never "No such image"."""
        command = {
            "rmi": cmd.Rmi((ref,)), "history": cmd.History(ref), "save": cmd.Save((ref,), output="bad.tar"),
            "tag": cmd.Tag(ref, "img0:latest"), "inspect": cmd.Inspect((ref,), format="{{.Id}}", type="image"),
        }[verb]
        self.execute(command)

    @rule(image=images, force=flags, no_prune=st.sampled_from((False, False, False, True)))
    def rmi(self, image, force, no_prune):
        self.execute(cmd.Rmi((image,), force=force, no_prune=no_prune))

    @rule(image=images, force=flags)
    def rmi_by_id(self, image, force):
        img = resolve_image(self.world, image)
        text = img.short_id if img is not None else "0123456789ab"
        self.execute(cmd.Rmi((text,), force=force), comment=f"the id of {image}")

    @rule(image=images)
    def history(self, image):
        self.execute(cmd.History(image))

    @rule(target=archives, image=images)
    def save(self, image):
        name = self._new_archive("save")
        return name if self.execute(cmd.Save((image,), output=name)).error is None else multiple()

    @rule(image=images)
    def save_then_load(self, image):
        """`docker save -o X IMAGE` then `docker load -i X`: a load that succeeds (the archives the
        other rules draw from are exports too, which `load` refuses)."""
        name = self._new_archive("save")
        if self.execute(cmd.Save((image,), output=name)).error is None:
            self.execute(cmd.Load(self.files[name]))

    @rule(name=st.one_of(images, containers))
    def inspect(self, name):
        self.execute(cmd.Inspect((name,), format="{{.Id}}"))

    if HAS_BUILD:
        @rule(target=images, image=st.one_of(images, st.sampled_from(UNKNOWN_IMAGES)),
              argv=st.sampled_from([a for a in CONTAINER_COMMANDS if not WORKLOADS[a].blocks]))
        def build(self, image, argv):
            ref = self._new_image()
            text = f"FROM {image}\nRUN {shlex.join(argv)}\n"
            context = frozendict({"Dockerfile": text.encode()})
            result = self.execute(cmd.Build(text, context=context, tags=(ref,), network="none"))
            return ref if result.error is None else multiple()

    # -- listings ----------------------------------------------------------------------------

    @rule(all_=flags, quiet=flags)
    def ps(self, all_, quiet):
        self.execute(cmd.Ps(all=all_, quiet=quiet))

    @rule(all_=flags, quiet=flags)
    def images_(self, all_, quiet):
        self.execute(cmd.Images(all=all_, quiet=quiet))


def _fields(command: object) -> dict:
    return {f: getattr(command, f) for f in command.__slots__}

