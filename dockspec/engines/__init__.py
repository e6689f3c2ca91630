"""The real engines dockspec runs privately, by name (`dockspec engine up NAME`).

Every engine implements `base.Engine`; this module is the registry.  The
default engine is `docker-20.10`; `docker-26.1` and `docker-28.5` (and their
`-containerd` variants, with the containerd image store) are unpacked from
Debian's newer suites into the cache folder (see `docker.py`).
"""
from __future__ import annotations

from .base import Engine, EngineUnavailable, answers, base_dir, cache_dir
from . import podman
from .docker import SID_28, TRIXIE_26, Bookworm, Modern

DEFAULT = "docker-20.10"

REGISTRY: dict[str, Engine] = {}


def register(engine: Engine) -> Engine:
    REGISTRY[engine.name] = engine
    return engine


register(Bookworm("docker-20.10"))
register(Modern("docker-26.1", TRIXIE_26))
register(Modern("docker-26.1-containerd", TRIXIE_26, containerd_store=True))
register(Modern("docker-28.5", SID_28))
register(Modern("docker-28.5-containerd", SID_28, containerd_store=True))
register(podman.Bookworm("podman-4.3", "4.3"))
register(podman.Trixie("podman-5.4", "5.4"))


def names() -> list[str]:
    return list(REGISTRY)


def get(name: str | None = None) -> Engine:
    """The engine called `name` (default `docker-20.10`); a clear error naming the choices otherwise."""
    name = name or DEFAULT
    try:
        return REGISTRY[name]
    except KeyError:
        raise EngineUnavailable(f"no engine called {name!r}; known: {', '.join(REGISTRY)}") from None


__all__ = ["DEFAULT", "Engine", "EngineUnavailable", "REGISTRY", "answers", "base_dir", "cache_dir", "get", "names",
           "register"]
