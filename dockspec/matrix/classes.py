"""State classes: what a command's outcome depends on, read off a state, in a few words.

A node of the explored graph (`dockspec.explore.Canon`) is a whole engine
state: thousands of them at a small bound, too many to be rows of a table.  A
command looks at little of that state: `rm -f C` at C's status, `rmi T` at
what holds T's image.  So the matrix's rows are *state classes relative to the
command*: the facts about the objects the command names that the transitions
consult, and nothing else.

* a container C (`start`, `stop`, `kill`, `pause`, `unpause`, `rm`, `exec`,
  `commit`, and the `--name` of `create`/`run`): absent, or its status, whether
  its workload blocks (`sleep`) or ends at once, and whether its image was
  deleted under it (`rmi -f`);
* an image reference R (`rmi`, `tag`, `commit`'s target, the image of
  `create`/`run`): absent, or what holds its image: other tags, child images,
  running (or paused) and stopped containers, containers created from the
  reference R itself, and an untagged parent that a delete would prune.

The abstraction is checked, not trusted: `dockspec.matrix` counts, for every
row, how many different outcome vectors its states give (`variants`); 1 means
the class determines the outcome at that bound.

Commands are written with the container name replaced by `C` (the explored
alphabet is symmetric in its container names, so `rm ctr1` and `rm ctr2` are
one command); image references stay as typed.

    >>> from dockspec.explore import base_state, Bounds, alphabet
    >>> m = [m for m in alphabet(Bounds()) if m.line == "docker rmi img1"][0]
    >>> command_of(m), state_class(base_state(), m)
    ('docker rmi img1', 'img1 absent')
"""
from __future__ import annotations

import re

from model.values import Container, Status, World

__all__ = ["command_of", "state_class", "changes"]

CONTAINER_VERBS = ("run", "create", "start", "stop", "kill", "pause", "unpause", "rm", "exec", "commit")


def _words(line: str) -> list[str]:
    return line.split()


def command_of(move) -> str:
    """The move's docker line with its container name written `C`."""
    if move.container is None:
        return move.line
    return re.sub(rf"(?<![\w-]){re.escape(move.container)}(?![\w-])", "C", move.line)


def _ref(ref: str) -> str:
    return ref if ":" in ref.rsplit("/", 1)[-1] else ref + ":latest"


def _container(world: World, name: str) -> Container | None:
    return world.container_by_name(name)


def _container_facts(world: World, c: Container | None) -> str:
    if c is None:
        return "C absent"
    work = "sleep" if c.config.argv()[:1] == ("sleep",) else "one-shot"
    facts = f"C {c.status.value} ({work})"
    if c.image not in world.images:
        facts += ", its image deleted"
    return facts


def _image_facts(world: World, ref: str, detail: bool = True) -> str:
    iid = world.tags.get(_ref(ref))
    if iid is None:
        return f"{ref} absent"
    if not detail:
        return f"{ref} present"
    facts = []
    if len(world.image_tags(iid)) > 1:
        facts.append("also tagged")
    if world.children(iid):
        facts.append("has children")
    users = world.containers_of(iid)
    if any(c.status in (Status.RUNNING, Status.PAUSED) for c in users):
        facts.append("used by a running container")
    if any(c.status in (Status.CREATED, Status.EXITED) for c in users):
        facts.append("used by a stopped container")
    if any(c.image_ref in (ref, _ref(ref)) for c in world.containers.values()):
        facts.append(f"a container was created from {ref}")
    parent = world.images.get(world.images[iid].parent)
    if parent is not None and not world.image_tags(parent.id) and len(world.children(parent.id)) == 1 \
            and not world.containers_of(parent.id):
        facts.append("untagged parent")
    return f"{ref} " + (", ".join(facts) if facts else "only tag, unused")


def state_class(world: World, move) -> str:
    """The facts about what `move` names that decide its outcome, as one line."""
    words = _words(move.line)[1:]
    verb = words[0]
    if verb in ("run", "create"):
        c = _container(world, move.container)
        src = words[words.index(move.container) + 1]  # ... --name C IMAGE COMMAND...
        name = "C absent" if c is None else "C exists"
        return f"{name}; {_image_facts(world, src, detail=False)}"
    if verb == "commit":
        c = _container(world, move.container)
        return f"{_container_facts(world, c)}; {_image_facts(world, words[-1], detail=False)}"
    if verb in CONTAINER_VERBS:
        return _container_facts(world, _container(world, move.container))
    if verb == "rmi":
        return _image_facts(world, words[-1])
    if verb == "tag":
        src, dst = words[1], words[2]
        s, d = world.tags.get(_ref(src)), world.tags.get(_ref(dst))
        target = "absent" if d is None else ("same image" if d == s else "another image")
        return f"{src} {'absent' if s is None else 'present'}; {dst} {target}"
    return "-"


def _status(c: Container) -> str:
    if c.status is Status.EXITED:
        return f"exited ({c.exit_code})"
    return c.status.value


def changes(before: World, after: World, move) -> tuple[str, ...]:
    """What the command changed, in the same words as the classes ("C removed", "images -2", ...)."""
    if after is before:
        return ()
    out: list[str] = []
    old = {c.name: c for c in before.containers.values()}
    new = {c.name: c for c in after.containers.values()}
    others = {"added": 0, "removed": 0, "changed": 0}
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        if name == move.container:
            if a is None:
                out.append(f"C {_status(b)}")
            elif b is None:
                out.append("C removed")
            elif _status(a) != _status(b):
                out.append(f"C {_status(a)} -> {_status(b)}")
            elif a.rw != b.rw:
                out.append("C files changed")
            else:
                out.append("C changed")
        else:
            others["added" if a is None else "removed" if b is None else "changed"] += 1
    out += [f"other containers: {n} {what}" for what, n in others.items() if n]
    # Images, not layers: whether a commit makes a layer, or a removal frees one, depends on file
    # contents the classes leave out (the comparison of dialects still sees every layer).
    if len(before.images) != len(after.images):
        out.append(f"images {len(after.images) - len(before.images):+d}")
    for tag in sorted(set(before.tags) | set(after.tags)):
        a, b = before.tags.get(tag), after.tags.get(tag)
        short = tag.removesuffix(":latest")
        if a is None and b is not None:
            out.append(f"+tag {short}")
        elif b is None and a is not None:
            out.append(f"-tag {short}")
        elif a != b:
            out.append(f"tag {short} moved")
    if not out and after != before:
        out.append("state changed")
    return tuple(out)
