"""Other people's objects on an engine: made, fingerprinted, compared, removed.

A shared engine holds objects dockspec did not make.  `Population.make(api)`
fills an engine with such objects, with plain SDK calls and no dockspec label
or prefix: containers running, paused, exited and created, a tagged image, a
child image committed from one of the containers, and an unused image and an
exited container labelled `keep=yes` (the label the machine's prune filters name).  `fingerprint()` reads
what a run must never change (each container's state, each image's tags), so a
campaign can prove it left them alone; `remove()` deletes them afterwards.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

STATES = ("running", "paused", "exited", "created")


@dataclass
class Population:
    api: object
    tag: str = field(default_factory=lambda: secrets.token_hex(3))
    containers: dict = field(default_factory=dict)  # id -> the state it was made in
    images: set = field(default_factory=set)  # image ids

    @property
    def base(self) -> str:
        return f"foreign-{self.tag}:1"

    @property
    def child(self) -> str:
        return f"foreign-{self.tag}-child:1"

    @classmethod
    def make(cls, api) -> "Population":
        p = cls(api)
        p._import(f"foreign-{p.tag}")
        # an unused image and an exited container labelled as the machine's prune filters ask
        # (`--filter label=keep`): a prune scoped by an OR of labels would take them
        p._import(f"foreign-{p.tag}-kept", changes=["LABEL keep=yes"])
        hc = api.create_host_config(network_mode="none")
        kept = api.create_container(p.base, command=["true"], name=f"foreign-{p.tag}-kept", host_config=hc,
                                    labels={"keep": "yes"})["Id"]
        api.start(kept)
        api.wait(kept)
        p.containers[kept] = "exited"
        for state in STATES:
            # sleeps longer than any campaign, so that "running" stays true by itself
            c = api.create_container(p.base, command=["true"] if state == "exited" else ["sleep", "10000000"],
                                     name=f"foreign-{p.tag}-{state}", host_config=hc)["Id"]
            p.containers[c] = state
            if state != "created":
                api.start(c)
            if state == "paused":
                api.pause(c)
            if state == "exited":
                api.wait(c)
        api.commit(f"foreign-{p.tag}-exited", repository=f"foreign-{p.tag}-child", tag="1")
        p.images = {api.inspect_image(ref)["Id"] for ref in (p.base, p.child, f"foreign-{p.tag}-kept:1")}
        return p

    def _import(self, repository: str, changes=None) -> None:
        from .rootfs import busybox_rootfs

        self.api.import_image_from_data(busybox_rootfs(), repository=repository, tag="1", changes=changes)
        try:
            self.api.inspect_image(f"{repository}:1")
        except Exception:  # Podman 4.3's socket drops an import's tag (R:latest): tag it as asked
            self.api.tag(f"{repository}:latest", repository, "1")

    def fingerprint(self) -> dict:
        """What must not change: each container's state and each image's tags (missing ones as None)."""
        listed = {c["Id"]: c["State"] for c in self.api.containers(all=True)}
        tags = {i["Id"]: sorted(i.get("RepoTags") or []) for i in self.api.images(all=True)}
        return {"containers": {c: listed.get(c) for c in sorted(self.containers)},
                "images": {i: tags.get(i) for i in sorted(self.images)}}

    def touched(self, before: dict) -> list[str]:
        """The foreign objects whose fingerprint changed since `before`, one line each."""
        now = self.fingerprint()
        out = []
        for kind in ("containers", "images"):
            for k, v in before[kind].items():
                if now[kind].get(k) != v:
                    out.append(f"{kind[:-1]} {k[:19]}: {v} -> {now[kind].get(k)}")
        return out

    def remove(self) -> None:
        for c in self.containers:
            try:
                self.api.remove_container(c, force=True)
            except Exception:
                pass
        for ref in (self.child, f"foreign-{self.tag}-kept:1", self.base):
            try:
                # by id: every name goes (Podman 4.3's `R:latest` beside `R:1`, which removing `R:1` only untags)
                self.api.remove_image(self.api.inspect_image(ref)["Id"], force=True)
            except Exception:
                pass


def leaked(api, run_ids) -> list[str]:
    """What these finished runs left on the engine: containers labelled or named for them, tags prefixed for them."""
    from .observe import LABEL

    prefixes = tuple(f"dsk-{r}-" for r in run_ids)
    out = [f"container {(c.get('Names') or ['?'])[0]}" for c in api.containers(all=True)
           if (c.get("Labels") or {}).get(LABEL) in run_ids
           or any(n.lstrip("/").startswith(prefixes) for n in c.get("Names") or ())]
    out += [f"image {t}" for i in api.images(all=True) for t in i.get("RepoTags") or () if t.startswith(prefixes)]
    return out
