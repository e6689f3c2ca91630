"""State classes and edges: what "this transition was checked on the engine" means.

Theory of operation
-------------------
An explored state graph (`dockspec.explore.state_graph`) has one node per
state up to ids, clock and names; at any useful bound that is thousands of
nodes and far more edges than an engine can run in a CI job.  Coverage
counts a coarser thing, the *edge* of the classic all-transitions criterion:

    (state class, command, outcome)

* the **classes** keep what decides whether a command succeeds: per
  container its status and its workload class (does PID 1 block, or exit by
  itself; `--rm`), per image whether it has a parent, how many tags it has
  (0, 1, 2+), whether it has children, and whether containers use it (none,
  stopped ones, a running or paused one).  Names and ids are gone, as in
  explore's canonical form.
* an edge's **state class** is the class of the part of the state the
  command reads: the classes of the objects it names (`[running blocks]`,
  `[child 1tag parent used:stopped]`, `missing` for a name that names
  nothing), and for a command that makes a name or a tag, whether it is taken
  (`name:new`, `-> taken [...]`), and for `commit` whether the container's
  image is gone (`image:gone`).  At the default bound these decide the
  outcome (no state class and command has two deterministic outcomes: a
  test checks it), and counting the rest of the state would multiply every
  edge by every context
  (at the default bound, 1,678 whole-state edges over 75 state classes, against 280).
  `state_class(world)`, the multiset of all classes, is the class of a whole
  state: a projection of explore's nodes (equal nodes, equal classes), which
  tools that group explore's nodes (by engine, by class) can share.
* the **command** is the verb with its flags (`rm -f`, `run -d`), and the
  workload class for `create` and `run` (`run -d blocks`).
* the **outcome** is explore's: "ok", an error kind ("remove_running"), or
  "exit N".

Every function here is a projection of the model's values, so the same step
gives the same edge whether it came from explore's graph, a cover, or a
random Hypothesis session: a random run's edges are counted against the
bounded set too.

    >>> from dockspec.explore import base_state
    >>> state_class(base_state())
    'images [root 1tag]'
    >>> from model import commands as cmd
    >>> command_class(base_state(), cmd.Rm(("ctr1",), force=True))
    'rm -f [missing]'
"""
from __future__ import annotations

from dataclasses import dataclass

from model import commands as cmd
from model.result import Result
from model.values import Container, Image, Status, World

__all__ = ["Edge", "container_class", "image_class", "state_class", "command_verb", "footprint", "command_class",
           "outcome", "edge", "edge_named"]


@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """One transition of the abstract graph: from a state class, a command class, with an outcome."""

    state: str
    command: str
    outcome: str

    def label(self) -> str:
        return f"{self.state} :: {self.command} -> {self.outcome}"

    def as_list(self) -> list[str]:
        return [self.state, self.command, self.outcome]

    @property
    def refused(self) -> bool:
        return self.outcome != "ok" and not self.outcome.startswith("exit ")


def blocks(c: Container) -> bool:
    """Does the container's PID 1 block (until time passes or a signal), or exit by itself?"""
    from spec.workloads import WORKLOADS

    argv = c.config.argv()
    known = WORKLOADS.get(tuple(argv))
    if known is not None:
        return known.blocks
    return argv[:1] == ("sleep",)


def container_class(world: World, c: Container) -> str:
    """A container's class: its status, whether its workload blocks ("running blocks"), and `--rm`."""
    return f"{c.status.value} {'blocks' if blocks(c) else 'exits'}" + (" rm" if c.auto_remove else "")


def _use(world: World, image_id: str) -> str:
    using = world.containers_of(image_id)
    if any(c.status in (Status.RUNNING, Status.PAUSED) for c in using):
        return " used:running"
    if using:
        return " used:stopped"
    return ""


def image_class(world: World, img: Image) -> str:
    """An image's class: root or child, its number of tags (0, 1, 2+), children, use by containers."""
    n = len(world.image_tags(img.id))
    parts = "root" if not img.parent else "child"
    parts += " " + (f"{n}tag" if n < 2 else "2+tags")
    if world.children(img.id):
        parts += " parent"
    return parts + _use(world, img.id)


def state_class(world: World) -> str:
    """The class of a state: the multiset of its containers' and images' classes, as one line."""
    cs = sorted(container_class(world, c) for c in world.containers.values())
    ims = sorted(image_class(world, i) for i in world.images.values())
    parts = []
    if cs:
        parts.append("containers [" + ", ".join(cs) + "]")
    parts.append("images [" + ", ".join(ims) + "]")
    return " ".join(parts)


# -- commands -------------------------------------------------------------------------

def _container(world: World, text: str) -> str:
    from spec.rules import resolve_container

    c = resolve_container(world, text)
    return "missing" if c is None else container_class(world, c)


def _image(world: World, text: str) -> str:
    from spec.rules import resolve_image

    img = resolve_image(world, text)
    return "missing" if img is None else image_class(world, img)


def _tag_target(world: World, source: str | None, target: str) -> str:
    from spec.rules import resolve_image

    now = resolve_image(world, target)
    if now is None:
        return "new"
    src = resolve_image(world, source) if source is not None else None
    return "same" if src is not None and src.id == now.id else f"taken [{image_class(world, now)}]"


def _workload(create: cmd.Create) -> str:
    from spec.workloads import WORKLOADS

    argv = tuple(create.cmd or ())
    known = WORKLOADS.get(argv)
    return "blocks" if (known.blocks if known is not None else argv[:1] == ("sleep",)) else "exits"


_LIFECYCLE = {cmd.Start: "start", cmd.Stop: "stop", cmd.Kill: "kill", cmd.Pause: "pause",
              cmd.Unpause: "unpause", cmd.Restart: "restart", cmd.Wait: "wait"}


def command_verb(command: object) -> str:
    """The verb with its flags, and the workload class for `create` and `run`: "rm -f", "run -d blocks".

    >>> command_verb(cmd.Rmi(("img1",), force=True))
    'rmi -f'
    """
    if isinstance(command, (cmd.Create, cmd.Run)):
        create = command.create if isinstance(command, cmd.Run) else command
        verb = "create" if isinstance(command, cmd.Create) else ("run -d" if command.detach else "run")
        return verb + (" --rm" if create.auto_remove else "") + " " + _workload(create)
    if type(command) in _LIFECYCLE:
        return _LIFECYCLE[type(command)]
    if isinstance(command, cmd.Rm):
        return "rm -f" if command.force else "rm"
    if isinstance(command, cmd.Rmi):
        return "rmi -f" if command.force else "rmi"
    from model.engine import VERBS

    return VERBS.get(type(command), type(command).__name__.lower())


def footprint(world: World, command: object) -> str:
    """The classes, in `world`, of the objects `command` names: the part of the state it reads.

    >>> from dockspec.explore import base_state
    >>> footprint(base_state(), cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="ctr1"), detach=True))
    '[root 1tag] name:new'
    """
    if isinstance(command, (cmd.Create, cmd.Run)):
        create = command.create if isinstance(command, cmd.Run) else command
        name = "name:new"
        if create.name is not None:
            from spec.rules import resolve_container

            if resolve_container(world, create.name) is not None:
                name = "name:taken"
        return f"[{_image(world, create.image)}] {name}"
    if isinstance(command, (cmd.Rm, *_LIFECYCLE)):
        return " ".join(f"[{_container(world, t)}]" for t in command.containers)
    if isinstance(command, cmd.Exec):
        return f"[{_container(world, command.container)}]"
    if isinstance(command, cmd.Commit):
        # commit reads the container's image too: once `rmi -f` deleted it, commit fails
        from spec.rules import resolve_container

        c = resolve_container(world, command.container)
        gone = " image:gone" if c is not None and c.image not in world.images else ""
        target = "" if command.ref is None else " -> " + _tag_target(world, None, command.ref)
        return f"[{_container(world, command.container)}{gone}]{target}"
    if isinstance(command, cmd.Rmi):
        return " ".join(f"[{_image(world, t)}]" for t in command.images)
    if isinstance(command, cmd.Tag):
        return f"[{_image(world, command.source)}] -> {_tag_target(world, command.source, command.target)}"
    return ""  # verbs no bound explores (logs, save, build, ...): never in a bounded set


def command_class(world: World, command: object) -> str:
    """The class of a command in the state `world`: its verb, then the classes of what it names.

    >>> from dockspec.explore import base_state
    >>> command_class(base_state(), cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="ctr1"), detach=True))
    'run -d blocks [root 1tag] name:new'
    """
    return f"{command_verb(command)} {footprint(world, command)}".strip()


def outcome(result: Result) -> str:
    """The outcome of a step as explore names it: "ok", an error kind, or "exit N"."""
    if result.error is not None:
        return result.error.kind.value
    return "ok" if result.exit == 0 else f"exit {result.exit}"


def edge(before: World, command: object, result: Result) -> Edge:
    """The edge a step traverses: the classes of what the command names, its verb, and the outcome.

    >>> from dockspec.explore import base_state
    >>> from model.engine import step
    >>> c = cmd.Rm(("ctr1",))
    >>> edge(base_state(), c, step(base_state(), c)).label()
    '[missing] :: rm -> no_such_container'
    """
    return Edge(footprint(before, command), command_verb(command), outcome(result))


def edge_named(before: World, command: object, outcome_name: str) -> Edge:
    """The edge of a step whose outcome is already named (explore's edges carry it)."""
    return Edge(footprint(before, command), command_verb(command), outcome_name)
