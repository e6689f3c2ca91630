"""Immutable values: layers, images, containers, processes and the engine state.

What the engine really stores (and the model with it)
-----------------------------------------------------
* A **layer** is content only: a set of file-system changes, addressed by the
  digest of that content and of its parent layer (Docker's *chain id*), so two
  identical commits on the same parent share one layer.
* An **image** is a configuration (Cmd, Env, Labels, WorkingDir, ...), the stack
  of layers of its root file system, a *history* (one row per build step or
  commit, including steps that made no layer), and a *parent pointer* to the
  image it was committed or built from.  Tags are not part of an image: they
  live in the engine's reference store (`World.tags`).
* A **container** is an image plus one read-write layer (and an init layer the
  engine adds under it), a configuration, and a lifecycle state.  Only a
  running or paused container has a process space: its PID 1 and any process
  added with `exec -d`.

Ids are derived from content and from the engine's logical clock (one tick per
command that makes something), never from wall-clock time or randomness, so the
same commands always give the same ids.
"""
from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Iterator

from frozendict import frozendict

from . import fs
from .workload import Process


def sha256(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


# -- layers and images ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layer:
    """A read-only layer: its changes over its parent layer (None for a base layer)."""

    id: str  # chain id: digest of (parent id, content digest)
    parent: str | None
    changes: fs.Changes
    size: int = 0  # bytes of its files and links, as `history` and `images` count them
    # What else the engine's tar of this layer holds that the changes do not say ("": nothing):
    # Podman's commit tar carries the container's own /etc/hostname, so its key is that container.
    key: str = ""

    @staticmethod
    def make(parent: str | None, changes: fs.Changes, key: str = "") -> "Layer":
        address = sha256("layer", parent, fs.digest(changes), key) if key else sha256("layer", parent, fs.digest(changes))
        return Layer(address, parent, changes, fs.size(changes), key)


@dataclass(frozen=True, slots=True)
class Config:
    """The run configuration an image passes to its containers (and a container keeps)."""

    cmd: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    env: tuple[str, ...] = ()
    labels: frozendict = frozendict()
    working_dir: str = ""

    def argv(self) -> tuple[str, ...]:
        return (self.entrypoint or ()) + (self.cmd or ())

    def to_json(self) -> dict:
        return {
            "Cmd": list(self.cmd) if self.cmd is not None else None,
            "Entrypoint": list(self.entrypoint) if self.entrypoint is not None else None,
            "Env": list(self.env) or None,
            "Labels": dict(self.labels) or None,
            "WorkingDir": self.working_dir,
        }


@dataclass(frozen=True, slots=True)
class History:
    """One row of an image's history: a build step or commit, with or without a layer."""

    created_by: str
    comment: str = ""
    empty_layer: bool = False
    created: int = 0  # logical tick


@dataclass(frozen=True, slots=True)
class Image:
    """An image: its configuration, its layer stack (bottom first), history and parent pointer."""

    id: str  # "sha256:<64 hex>"
    layers: tuple[str, ...]
    config: Config
    history: tuple[History, ...]
    parent: str = ""  # parent image id, "" for imported and loaded images
    created: int = 0
    # The configuration of the container this image was committed from; the legacy
    # builder's cache matches build steps against it.
    container_cmd: tuple[str, ...] | None = None
    container: str = ""  # the id of the container it was committed from ("" for import and load)

    @property
    def short_id(self) -> str:
        return self.id.split(":", 1)[1][:12]


# -- containers ----------------------------------------------------------------------


class Status(enum.Enum):
    CREATED = "created"
    RUNNING = "running"
    PAUSED = "paused"
    EXITED = "exited"


@dataclass(frozen=True, slots=True)
class Container:
    """A container: an image plus one read-write layer, a configuration and a lifecycle state."""

    id: str  # 64 hex
    name: str
    image: str  # image id
    image_ref: str  # the reference as the user typed it (ps shows it)
    config: Config
    layers: tuple[str, ...] = ()  # the image's layer stack, bottom first, held while the container lives
    rw: fs.Changes = fs.EMPTY
    status: Status = Status.CREATED
    exit_code: int | None = None  # None until it first exits; docker shows 0 for created
    processes: tuple[Process, ...] = ()  # PID 1 first; empty unless running or paused
    auto_remove: bool = False
    labels: frozendict = frozendict()
    created: int = 0
    restart_count: int = 0
    started: bool = False
    logs: tuple[str, str] = ("", "")  # what PID 1 printed on (stdout, stderr), for `docker logs`
    init: bool = False  # --init: docker-init is PID 1, the command its child (model.containers.INIT_PATH)
    stop_timeout: int | None = None  # --stop-timeout: seconds `stop` waits when not given -t
    # What its engine shows its processes besides the layers: the dialect's, alike for every container of a
    # world, so left out of comparisons (a created container is the same state on Docker and Podman; where
    # the files differ, a process shows it, and the matrix puts the difference there)
    engine_files: fs.EngineFiles = field(default=fs.DOCKER_FILES, compare=False)

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def has_process_space(self) -> bool:
        return bool(self.processes)


# -- the engine state ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class World:
    """Everything an engine holds: layers, images, tags, containers, and a logical clock.

    Hashable, so a whole state can be a networkx node.  Change it only through
    the transitions in `model.commands`; `dataclasses.replace` keeps the old one valid.
    """

    layers: frozendict = frozendict()  # layer id -> Layer
    images: frozendict = frozendict()  # image id -> Image
    tags: frozendict = frozendict()  # "repo:tag" -> image id
    containers: frozendict = frozendict()  # container id -> Container
    clock: int = 0
    # Containers whose engine may still be catching up with the last change (`model.live`): not
    # part of the state (equal worlds may differ here), set and cleared by `model.live.step` only.
    unsettled: frozenset = field(default=frozenset(), compare=False)

    # -- lookups (pure) ---------------------------------------------------------------

    def tick(self) -> "World":
        return replace(self, clock=self.clock + 1)

    def container_by_name(self, name: str) -> Container | None:
        for c in self.containers.values():
            if c.name == name:
                return c
        return None

    def image_tags(self, image_id: str) -> tuple[str, ...]:
        return tuple(sorted(t for t, i in self.tags.items() if i == image_id))

    def children(self, image_id: str) -> tuple[Image, ...]:
        return tuple(i for i in self.images.values() if i.parent == image_id)

    def containers_of(self, image_id: str) -> tuple[Container, ...]:
        return tuple(c for c in self.containers.values() if c.image == image_id)

    def layer_stack(self, image: Image) -> tuple[fs.Changes, ...]:
        return tuple(self.layers[l].changes for l in image.layers)

    def image_view(self, image: Image) -> frozendict:
        return fs.union(self.layer_stack(image))

    def image_size(self, image: Image) -> int:
        return sum(self.layers[l].size for l in image.layers)

    def container_view(self, c: Container) -> frozendict:
        """What lies under a container's read-write layer: its image's layers and its engine's files (Docker's
        init layer)."""
        return fs.union(tuple(self.layers[l].changes for l in c.layers) + (c.engine_files.layer,))

    def rootfs(self, c: Container) -> fs.Rootfs:
        """The file system a container's processes see (the engine's bind-mounted files included)."""
        return fs.Rootfs(self.container_view(c), c.rw, c.engine_files.mounts)

    def own_rootfs(self, c: Container, mounts: frozenset[str] = frozenset()) -> fs.Rootfs:
        """A container's image layers and its read-write layer, without Docker's init layer (Podman has none)."""
        return fs.Rootfs(fs.union(tuple(self.layers[l].changes for l in c.layers)), c.rw, mounts)

    def put_container(self, c: Container) -> "World":
        return replace(self, containers=self.containers.set(c.id, c))

    def drop_container(self, cid: str) -> "World":
        """Remove a container and its read-write layer (and any layers only it still held)."""
        return replace(self, containers=self.containers.delete(cid)).release_layers()[0]

    def put_image(self, img: Image, layers: tuple[Layer, ...] = ()) -> "World":
        new_layers = self.layers
        for l in layers:
            new_layers = new_layers.set(l.id, l)
        return replace(self, images=self.images.set(img.id, img), layers=new_layers)

    def release_layers(self) -> tuple["World", list[str]]:
        """Drop the layers no image and no container needs; their ids, top of each stack first.

        A container holds its image's whole stack, so a forced `rmi` of an image
        in use deletes the image but not its layers; they go with the container.
        """
        needed: set[str] = set()
        for img in self.images.values():
            needed.update(img.layers)
        for c in self.containers.values():
            needed.update(c.layers)
        gone = [lid for lid in self.layers if lid not in needed]
        if not gone:
            return self, []
        layers = self.layers
        for lid in gone:
            layers = layers.delete(lid)
        return replace(self, layers=layers), sorted(gone, key=lambda lid: -self._depth(lid))

    def _depth(self, lid: str) -> int:
        n, layer = 0, self.layers.get(lid)
        while layer is not None and layer.parent is not None:
            n, layer = n + 1, self.layers.get(layer.parent)
        return n

    def containers_newest_first(self) -> Iterator[Container]:
        return iter(sorted(self.containers.values(), key=lambda c: -c.created))

    def images_newest_first(self) -> Iterator[Image]:
        return iter(sorted(self.images.values(), key=lambda i: (-i.created, i.id)))
