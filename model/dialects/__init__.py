"""Dialects: every engine the project checks, as a named `Profile` of one model.

The model (`model.engine.step`) is one state machine; an engine is a *dialect*
of it: the same transitions, with its own wording of refusals, its own exit
statuses, and its own choice where engines really behave differently (a named
policy such as `rmi_refuses_parent_with_children`, which the transition
consults).  Each dialect is written down as a short, commented table of
differences from a `base` dialect (`model.profile.differs`), one module per
engine family:

    docker.py   docker-20.10 (the reference), docker-26.1, docker-28.5,
                each newer one also with the containerd image store
    podman.py   podman-4.3, podman-5.4

This module is the registry, the one interface the rest of the project uses:

    >>> get("docker-28.5-containerd").rmi_refuses_parent_with_children
    False
    >>> get(DEFAULT).name
    'docker-20.10'
"""
from __future__ import annotations

from ..profile import Profile
from . import docker, podman

DEFAULT = "docker-20.10"


class UnknownDialect(LookupError):
    """A dialect name the registry does not have; the message names the ones it has."""


def _registry(*families) -> dict[str, Profile]:
    found: dict[str, Profile] = {}
    for family in families:
        for dialect in family.DIALECTS:
            if dialect.name in found:
                raise ValueError(f"two dialects named {dialect.name!r}")
            if not dialect.summary or "\n" in dialect.summary:
                raise ValueError(f"dialect {dialect.name!r} needs a one-line summary")
            if dialect.base and dialect.base not in found:
                raise ValueError(f"dialect {dialect.name!r} is described from {dialect.base!r}, listed after it or missing")
            found[dialect.name] = dialect
    return found


_DIALECTS = _registry(docker, podman)


def names() -> tuple[str, ...]:
    """Every dialect's name, each base before the dialects described from it.

    >>> names()[:2]
    ('docker-20.10', 'docker-26.1')
    """
    return tuple(_DIALECTS)


def get(name: str) -> Profile:
    """The dialect called `name`; `UnknownDialect` naming the known ones otherwise."""
    try:
        return _DIALECTS[name]
    except KeyError:
        raise UnknownDialect(f"unknown dialect {name!r}; the dialects are: {', '.join(_DIALECTS)}") from None


def lineage(name: str) -> tuple[str, ...]:
    """The dialect and the ones it is described from, down to the reference.

    >>> lineage("docker-28.5-containerd")
    ('docker-28.5-containerd', 'docker-28.5', 'docker-26.1', 'docker-20.10')
    """
    chain = [get(name)]
    while chain[-1].base:
        chain.append(get(chain[-1].base))
    return tuple(d.name for d in chain)


__all__ = ["DEFAULT", "UnknownDialect", "get", "lineage", "names"]
