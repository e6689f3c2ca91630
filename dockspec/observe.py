"""Observing a real engine, and comparing what it shows with what the model predicts.

Theory of operation.  The model and the engine never agree on ids (the engine's
ids hash wall-clock timestamps), so everything compared goes through an id
`Bijection` learnt as the run goes: containers are paired by name, images by
tag, by the rows of their histories (position by position), by parent
pointers, by the image a paired container was created from, and, for objects
that are still unpaired, by creation order among the objects that appeared in
the same step.  A pair, once made, is never remade.

`observe(client, owner)` reads the engine's side of the snapshot
(`dockspec.snapshot`'s format) with the fewest API calls it can: one
`/containers/json?all=1`, one `/images/json?all=1`, one `/changes` per
container whose files may have changed, one `/history` per image id (cached
while the set of images is unchanged).  It only looks at objects the `Owner`
says belong to this run, so a shared engine's other objects are never read,
let alone touched.

`classify(stderr)` turns an engine's refusal text into a `model.errors.ErrorKind`
by matching it against the message templates of `model.profile` (the same
table the model words its refusals with), then a few CLI-side patterns, then
Podman's words for the same refusals.

What an engine reports is read in Docker 20.10's vocabulary, at the edge, by
the functions of "the engine's words" below (`familiar`, `full_id`,
`image_row`, `container_row`, `history_row`): Podman qualifies every short
reference (`localhost/base:1` from its CLI, `docker.io/library/base:1` from its
socket), prints some image ids without `sha256:`, and lists a container that
has exited but is not yet cleaned up as `stopped`.  On Docker each function is
the identity on everything the engine reports about dockspec's own objects.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from model.errors import ErrorKind
from model.profile import DOCKER_20_10, Profile
from model.render import human_size

HEX64 = re.compile(r"(?<![0-9a-f])(?:sha256:)?([0-9a-f]{64})(?![0-9a-f])")
HEX12 = re.compile(r"(?<![0-9a-zA-Z_.-])([0-9a-f]{12})(?![0-9a-zA-Z_-])")
EXITED = re.compile(r"^Exited \((-?\d+)\)")

def _status(e: BaseException) -> int | None:
    return getattr(getattr(e, "response", None), "status_code", None)


# -- the engine's words, read as the model's ---------------------------------------------

_BARE_ID = re.compile(r"[0-9a-f]{64}")


def familiar(ref: str) -> str:
    """An image reference as an engine reports it, mapped back to the name a command used.

    Docker reports references in their short ("familiar") form.  Podman qualifies every
    short name: its CLI stores `base:1` as `localhost/base:1`, its Docker-compatible socket
    as `docker.io/library/base:1` (the normalised form Docker itself stores, and shows
    without `docker.io/library/`; a name with a path keeps it: `docker.io/a/b:1` is
    `a/b:1`).  dockspec's own references always begin with `dsk-<run>-`, never with a
    registry host, so removing these two qualifications cannot confuse two of them.

    >>> familiar("localhost/dsk-1a2b3c-base:1"), familiar("docker.io/library/dsk-1a2b3c-base:1")
    ('dsk-1a2b3c-base:1', 'dsk-1a2b3c-base:1')
    >>> familiar("docker.io/a/b:1"), familiar("docker.io/library/a/b:1"), familiar("quay.io/x:1")
    ('a/b:1', 'library/a/b:1', 'quay.io/x:1')
    """
    if not ref:
        return ref
    if ref.startswith("localhost/"):
        return ref[len("localhost/"):]
    if ref.startswith("docker.io/"):
        path = ref[len("docker.io/"):]
        rest = path[len("library/"):] if path.startswith("library/") else None
        return rest if rest is not None and "/" not in rest else path
    return ref


def full_id(image_id: str | None) -> str | None:
    """An image id as Docker writes it, `sha256:<64 hex>` (Podman's socket answers some
    bare: commit, ParentId and history on 4.3, rmi's `Deleted`; 5.4 writes a history row
    without an image as `sha256:<missing>`).  Empty and `<missing>` stay as they are.

    >>> full_id("a" * 64) == "sha256:" + "a" * 64, full_id("sha256:<missing>"), full_id("")
    (True, '<missing>', '')
    """
    if not image_id:
        return image_id
    if image_id in ("<missing>", "sha256:<missing>"):
        return "<missing>"
    return "sha256:" + image_id if _BARE_ID.fullmatch(image_id) else image_id


# Podman's container states that Docker has not, as Docker would list them.  `stopped`:
# the process has exited and its exit code is recorded (Status reads "Exited (N) ..."),
# but conmon's clean-up (unmounting, releasing the network) has not run yet; the container
# is exited in every sense the model knows.  (`docker ps` of the same moment says exited.)
STATES = {"stopped": "exited"}


def _tags_of(img: dict):
    tags = img.get("RepoTags")
    if tags is None:
        return None
    return list(dict.fromkeys(familiar(t) for t in tags))


def image_row(img: dict) -> dict:
    """A row of /images/json (or /images/ID/json) with ids and references as Docker reports them."""
    out = dict(img)
    out["Id"] = full_id(img.get("Id"))
    if "ParentId" in img:
        out["ParentId"] = full_id(img.get("ParentId") or "")
    if "RepoTags" in img:
        out["RepoTags"] = _tags_of(img)
    return out


def container_row(c: dict) -> dict:
    """A row of /containers/json with its image and state as Docker reports them."""
    out = dict(c)
    if "ImageID" in c:
        out["ImageID"] = full_id(c.get("ImageID"))
    if c.get("Image"):
        out["Image"] = familiar(c["Image"])
    if "State" in c:
        out["State"] = STATES.get(c["State"], c["State"])
    return out


def history_row(h: dict) -> dict:
    """A row of /images/ID/history with its id and tags as Docker reports them."""
    out = dict(h)
    out["Id"] = full_id(h.get("Id"))
    # Podman's commit and build rows say where they came from, "FROM localhost/base:1" (CLI) or
    # "FROM docker.io/library/base:1" (socket): the reference read as the command named it
    comment = h.get("Comment") or ""
    if comment.startswith("FROM ") and " " not in comment[5:]:
        out["Comment"] = "FROM " + familiar(comment[5:])
    if h.get("Tags") is not None:
        out["Tags"] = _tags_of({"RepoTags": h["Tags"]})
    return out


# -- who owns what ---------------------------------------------------------------------

LABEL = "dockspec.run"


@dataclass
class Owner:
    """What this run may touch: its name prefix, its label, and the image ids it made.

    `baseline` is the set of image ids the engine held before the run began: an
    image in it is never ours, even when a build's cache hands it back.
    `parents_prove`: whether an image's `ParentId` records what it was made from
    (Docker: a child of ours was built or committed from ours).  Podman computes
    it from the layers images share: a foreign image built on a layer one of ours
    also holds may name ours as its parent, which proves nothing.

    Rows may come straight from the engine: ids and references are read through
    `container_row` and `image_row` here.
    """

    run_id: str
    baseline: frozenset = frozenset()
    images: set = field(default_factory=set)  # full engine image ids ("sha256:...") this run created
    parents_prove: bool = True

    @property
    def prefix(self) -> str:
        return f"dsk-{self.run_id}-"

    def owns_container(self, c: dict) -> bool:
        c = container_row(c)
        names = [n.lstrip("/") for n in c.get("Names") or ()]
        return (any(n.startswith(self.prefix) for n in names)
                or (c.get("Labels") or {}).get(LABEL) == self.run_id
                or c.get("ImageID") in self.images)

    def owns_image(self, img: dict) -> bool:
        img = image_row(img)
        if img["Id"] in self.images:
            return True
        if img["Id"] in self.baseline:
            return False
        return any(t.startswith(self.prefix) for t in img.get("RepoTags") or ())

    def adopt(self, images: list) -> None:
        """Add to `images` the engine images that are ours: tagged with our prefix, or
        children of ours (a build's intermediate images) where parents prove it, never
        one of the baseline."""
        images = [image_row(i) for i in images]
        changed = True
        while changed:
            changed = False
            for img in images:
                if img["Id"] in self.images or img["Id"] in self.baseline:
                    continue
                if self.owns_image(img) or (self.parents_prove and img.get("ParentId") in self.images):
                    self.images.add(img["Id"])
                    changed = True

    def strip(self, text: str) -> str:
        return text.replace(self.prefix, "")


# -- the engine's snapshot -------------------------------------------------------------


def ps_image(c: dict) -> str:
    """The IMAGE column of `docker ps` (cli/command/formatter/container.go, Image())."""
    image, image_id = c.get("Image") or "", c.get("ImageID") or ""
    if not image:
        return "<no image>"
    short = image_id.split(":", 1)[-1][:12]
    if image.split(":", 1)[-1][:12] == short:
        return short
    if "@" in image:
        return image.split("@", 1)[0]
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return image  # untagged reference: shown without ":latest"
    return image.removeprefix("docker.io/library/")


@dataclass
class Raw:
    """The engine's objects of this run, as the API lists them (engine ids)."""

    containers: list  # /containers/json rows, newest first
    images: list  # /images/json rows
    diffs: dict  # container id -> sorted diff lines
    histories: dict  # image id -> /history rows


class Observer:
    """Reads the engine's side of the snapshot, caching what cannot have changed."""

    KINDS = {0: "C", 1: "A", 2: "D"}

    def __init__(self, api, owner: Owner):
        self.api = api
        self.owner = owner
        self._diffs: dict[str, tuple[tuple, list]] = {}
        self._hist: dict[str, list] = {}
        self._hist_key: frozenset | None = None
        self._layers: dict[str, tuple] = {}  # image id -> its RootFS.Layers (an image never changes)
        self.calls = 0

    def touched(self, container_ids=None) -> None:
        """Forget cached diffs (of these containers, or of all)."""
        if container_ids is None:
            self._diffs.clear()
        else:
            for cid in container_ids:
                self._diffs.pop(cid, None)

    def raw(self) -> Raw:
        all_images = [image_row(i) for i in self.api.images(all=True)]
        self.owner.adopt(all_images)  # first: a build's leftover container is ours through its image
        images = [i for i in all_images if i["Id"] in self.owner.images]
        containers = [container_row(c) for c in self.api.containers(all=True) if self.owner.owns_container(c)]
        self.calls += 2
        diffs = {}
        gone: set[str] = set()
        for c in containers:
            key = (c["State"], c["Status"] if c["State"] == "exited" else "", c.get("Created"))
            cached = self._diffs.get(c["Id"])
            # A container's files change only while its workload runs (a one-shot is over by
            # the time the model says so; blocking workloads only sleep) or through exec:
            # callers invalidate with `touched()` after an exec or any command they cannot read.
            if cached is not None and cached[0] == key:
                diffs[c["Id"]] = cached[1]
                continue
            changes = self._changes(c["Id"])
            if changes is None:
                gone.add(c["Id"])
                continue
            self.calls += 1
            lines = sorted(f"{self.KINDS[ch['Kind']]} {ch['Path']}" for ch in changes)
            self._diffs[c["Id"]] = (key, lines)
            diffs[c["Id"]] = lines
        containers = [c for c in containers if c["Id"] not in gone]
        ids = frozenset(i["Id"] for i in images)
        if ids != self._hist_key:
            self._hist, self._hist_key = {}, ids
        histories = {}
        for i in images:
            if not any(t != "<none>:<none>" for t in i.get("RepoTags") or ()):
                continue
            if i["Id"] not in self._hist:
                try:
                    self._hist[i["Id"]] = [history_row(h) for h in self.api.history(i["Id"])]
                except Exception as e:
                    if _status(e) != 404:
                        raise
                    continue  # deleted since it was listed: not part of this observation
                self.calls += 1
            histories[i["Id"]] = self._hist[i["Id"]]
        if not self.owner.parents_prove:
            histories = self._own_first(histories, images, all_images)
        return Raw(containers, images, diffs, histories)

    def _own_first(self, histories: dict, images: list, all_images: list) -> dict:
        """Podman names a history row by the first image, of anyone's, whose top layer is that row's
        layer (model `history_ids_by_top_layer`): an image of someone else's made from the same tar
        earlier is named in place of ours.  Within this run's objects the rule names the first of
        *ours* on that layer (same `RootFS.Layers`: Podman keeps one layer per content and parent),
        oldest first.  A row naming another's image with none of ours on its layer is `<missing>` to this
        run, which sees none of ours there: once the run's base image is gone, a commit's bottom row names
        the soak's own busybox image (bench/soak podman-5.4 seed 927: `rmi -f` of the base under a commit)."""
        ours = {i["Id"] for i in images}
        order = {i["Id"]: n for n, i in enumerate(all_images)}
        out = {}
        for iid, rows in histories.items():
            fixed = []
            for h in rows:
                named = h.get("Id")
                if named and named != "<missing>" and named not in ours:
                    key = self._layer_key(named)
                    mine = sorted((i for i in images if key is not None and self._layer_key(i["Id"]) == key),
                                  key=lambda i: (i.get("Created") or 0, order[i["Id"]]))
                    if mine:
                        h = {**h, "Id": mine[0]["Id"]}
                    elif key is not None:
                        h = {**h, "Id": "<missing>"}
                fixed.append(h)
            out[iid] = fixed
        return out

    def _layer_key(self, image_id: str) -> tuple | None:
        if image_id not in self._layers:
            try:
                self._layers[image_id] = tuple((self.api.inspect_image(image_id).get("RootFS") or {}).get("Layers") or ())
            except Exception as e:
                if _status(e) != 404:
                    raise
                return None
            self.calls += 1
        return self._layers[image_id]

    def _changes(self, cid: str, tries: int = 4) -> list | None:
        """`docker diff` of a container, or None when it vanished while being observed.

        A container whose removal is under way (an auto-removal finishing, a
        forced removal) answers /changes with 404, or with 500 once its
        read-write layer is gone.  Such an answer counts as "gone" only when
        the engine confirms it (inspect: 404, or the state is removing or
        dead); otherwise the call is tried again a few times, and a lasting
        error is the engine's (raised).
        """
        for attempt in range(tries):
            try:
                return self.api.diff(cid) or []
            except Exception as e:
                status = _status(e)
                if status is None:
                    raise
                if status == 404 or self._vanishing(cid):
                    return None
                if attempt == tries - 1:
                    raise
                time.sleep(0.05 * 3 ** attempt)
        return None

    def _vanishing(self, cid: str) -> bool:
        try:
            state = self.api.inspect_container(cid).get("State") or {}
        except Exception as e:
            if _status(e) == 404:
                return True
            raise
        return state.get("Status") in ("removing", "dead") or bool(state.get("Dead"))


def _tags(img: dict) -> list[str]:
    return sorted(t for t in img.get("RepoTags") or () if t != "<none>:<none>")


def engine_snapshot(raw: Raw, ids: "Bijection") -> dict:
    """The engine's snapshot in `dockspec.snapshot`'s format, ids translated to the model's."""
    out_containers, diffs = {}, {}
    for c in sorted(raw.containers, key=lambda c: ids.container_name(c)):
        name = ids.container_name(c)
        m = EXITED.match(c.get("Status") or "")
        image = ps_image(c)
        if re.fullmatch(r"[0-9a-f]{12}", image):
            image = ids.short_image(c["ImageID"])
        out_containers[name] = {
            "status": c["State"],
            "exit_code": int(m.group(1)) if (m and c["State"] == "exited") else None,
            "image": image,
        }
        diffs[name] = raw.diffs.get(c["Id"], [])
    images, history = {}, {}
    rows = []
    for img in raw.images:
        tags = _tags(img)
        for t in tags:
            images[t] = ids.short_image(img["Id"])
            history[t] = [
                [ids.short_image(h["Id"]) if h["Id"] != "<missing>" else "<missing>",
                 h.get("CreatedBy") or "", human_size(h.get("Size") or 0), ids.comment(h.get("Comment") or "")]
                for h in raw.histories.get(img["Id"], [])
            ]
        pairs = [t.rsplit(":", 1) for t in tags] or [["<none>", "<none>"]]
        for repo, tag in pairs:
            rows.append([repo, tag, ids.short_image(img["Id"]), human_size(img.get("Size") or 0)])
    return {"containers": out_containers, "images": dict(sorted(images.items())), "images_all": sorted(rows),
            "history": dict(sorted(history.items())), "diff": diffs}


# -- the id bijection ------------------------------------------------------------------


class Bijection:
    """Model ids <-> engine ids (full ids: 64 hex for containers, "sha256:..." for images)."""

    def __init__(self):
        self.m2e: dict[str, str] = {}
        self.e2m: dict[str, str] = {}
        self.names: dict[str, str] = {}  # engine container id -> model name (auto-named containers)

    def fork(self) -> "Bijection":
        """An independent copy: what one allowed outcome of a race teaches must not bind the others."""
        other = Bijection()
        other.m2e, other.e2m, other.names = dict(self.m2e), dict(self.e2m), dict(self.names)
        return other

    def pair(self, model_id: str, engine_id: str) -> bool:
        if not model_id or not engine_id:
            return False
        if self.m2e.get(model_id) == engine_id:
            return True
        if model_id in self.m2e or engine_id in self.e2m:
            return False
        self.m2e[model_id] = engine_id
        self.e2m[engine_id] = model_id
        return True

    def short_image(self, engine_id: str) -> str:
        m = self.e2m.get(engine_id)
        return m.split(":", 1)[-1][:12] if m else "?" + engine_id.split(":", 1)[-1][:12]

    def comment(self, text: str) -> str:
        """A history comment with the image id it names (buildah's "FROM <12 hex>") as the model's."""
        m = re.fullmatch(r"FROM ([0-9a-f]{12})", text)
        if not m:
            return text
        full = next((e for e in self.e2m if e.split(":", 1)[-1].startswith(m.group(1))), None)
        return f"FROM {self.short_image(full)}" if full else text

    def container_name(self, c: dict) -> str:
        name = (c.get("Names") or ["/?"])[0].lstrip("/")
        if re.match(r"dsk-[0-9a-f]{6,16}-", name):
            return name  # a name of ours as the engine has it now (after a `rename` too)
        return self.names.get(c["Id"], name)

    def learn(self, world, raw: Raw, owner: Owner, by_top_layer: bool = False) -> None:
        """Pair what the model's world and the engine's objects show in common
        (`by_top_layer`: the dialect names history rows by the layer tree, `history_ids_by_top_layer`)."""
        from model.listing import history_rows

        # containers by name; then unnamed new ones by creation order
        by_name = {c.name: c for c in world.containers.values()}
        loose_e = []
        for c in raw.containers:
            name = (c.get("Names") or ["/"])[0].lstrip("/")
            mc = by_name.get(name)
            if mc is not None:
                self.pair(mc.id, c["Id"])
                self.pair(mc.image, c.get("ImageID"))
            elif c["Id"] not in self.e2m:
                loose_e.append(c)
        loose_m = [c for c in world.containers.values() if c.id not in self.m2e]
        if loose_e and len(loose_e) == len(loose_m):
            # the engine lists containers newest first, to the nanosecond; `Created` has whole seconds
            # (a build's --rm=false step containers share one): oldest first, ties in the engine's order
            loose_e.reverse()
            loose_e.sort(key=lambda c: (c.get("Created") or 0))
            loose_m.sort(key=lambda c: c.created)
            for mc, ec in zip(loose_m, loose_e):
                if self.pair(mc.id, ec["Id"]):
                    self.names[ec["Id"]] = mc.name
                    self.pair(mc.image, ec.get("ImageID"))
        for c in raw.containers:
            if c["Id"] in self.e2m and c["Id"] not in self.names:
                mc = world.containers.get(self.e2m[c["Id"]])
                if mc is not None:
                    self.names[c["Id"]] = mc.name
        # images by tag, and along their histories
        e_by_id = {i["Id"]: i for i in raw.images}
        for img in raw.images:
            for t in _tags(img):
                mid = world.tags.get(t)
                if mid is None:
                    continue
                self.pair(mid, img["Id"])
                rows_m = history_rows(world, world.images[mid], by_top_layer)
                rows_e = raw.histories.get(img["Id"], [])
                for rm, re_ in zip(rows_m, rows_e):
                    # a row may name an image that is not ours (Podman 4.3 names the first image
                    # holding that layer): never paired, it shows as `?<id>`
                    if rm["ID"] != "<missing>" and re_["Id"] != "<missing>" and re_["Id"] in owner.images:
                        self.pair(rm["ID"], re_["Id"])
        # parents of paired images, where the engine's parent pointer records one
        changed = owner.parents_prove
        while changed:
            changed = False
            for eid, img in e_by_id.items():
                mid = self.e2m.get(eid)
                if mid and img.get("ParentId") and mid in world.images and world.images[mid].parent:
                    changed |= self.pair(world.images[mid].parent, img["ParentId"]) and img["ParentId"] not in self.e2m
        # what is left: pair by creation order when the counts agree
        le = [i for i in raw.images if i["Id"] not in self.e2m]
        lm = [i for i in world.images.values() if i.id not in self.m2e]
        if le and len(le) == len(lm):
            le.sort(key=lambda i: (i.get("Created") or 0))
            lm.sort(key=lambda i: (i.created, i.id))
            for mi, ei in zip(lm, le):
                self.pair(mi.id, ei["Id"])

    # -- text ------------------------------------------------------------------------

    def _sub(self, text: str, table: dict, unknown: str) -> str:
        short = {}
        for k, v in table.items():
            k64 = k.split(":", 1)[-1]
            short[k64[:12]] = v.split(":", 1)[-1][:12]
        full = {k.split(":", 1)[-1]: v.split(":", 1)[-1] for k, v in table.items()}

        def sub64(m):
            return m.group(0).replace(m.group(1), full.get(m.group(1), "<" + unknown + "64>"))

        def sub12(m):
            return short.get(m.group(1), "<" + unknown + "12>")

        return HEX12.sub(sub12, HEX64.sub(sub64, text))

    def engine_text(self, text: str) -> str:
        """Engine output with ids translated to the model's (`<id12>`/`<id64>` when unpaired)."""
        return self._sub(text, self.e2m, "id")

    def model_text(self, text: str) -> str:
        return self._sub(text, {m: m for m in self.m2e}, "id")


# -- times and layout ------------------------------------------------------------------

AGE = re.compile(r"(Less than a second|About an? (?:minute|hour)|\d+ (?:second|minute|hour|day|week|month|year)s?)")


def normalise(text: str) -> str:
    """Ages to `<age>`, table padding to two spaces, trailing blanks dropped."""
    text = AGE.sub("<age>", text)
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", "<time>", text)
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \w+", "<time>", text)
    # `ls -l`'s time column and `date`'s default output: the model's clock is not the wall clock
    text = re.sub(r"^([-dlcbps][rwxsStT-]{9} +\d+ +\S+ +\S+ +\d+ )[A-Z][a-z]{2} [ \d]\d (?:[ \d]\d:\d\d| \d{4}) ",
                  r"\1<time> ", text, flags=re.M)
    text = re.sub(r"\b[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}\b", "<time>", text)
    return "\n".join(re.sub(r" {2,}|\t", "  ", l).rstrip() for l in text.splitlines())


# -- refusals --------------------------------------------------------------------------


def _template_regex(template: str) -> re.Pattern:
    parts = re.split(r"(\{[a-z_]+\})", template)
    rx = "".join(".*?" if re.fullmatch(r"\{[a-z_]+\}", p) else re.escape(p) for p in parts)
    return re.compile(rx, re.S)


_EXTRA = (
    (r"No such (container|object)", ErrorKind.NO_SUCH_CONTAINER),
    # without network, a pull (build FROM, run of a missing image) fails on the DNS lookup
    # of the registry instead of "pull access denied": the image is missing either way.
    (r"No such image|pull access denied|repository does not exist|registry-1\.docker\.io|reference does not exist|failed to get digest", ErrorKind.NO_SUCH_IMAGE),
    (r"is already in use by container", ErrorKind.NAME_IN_USE),
    (r"Invalid container name", ErrorKind.INVALID_NAME),
    (r"invalid reference format|is not a valid repository/tag|must be lowercase", ErrorKind.INVALID_REFERENCE),
    (r"cannot remove a running container", ErrorKind.REMOVE_RUNNING),
    (r"cannot remove a paused container", ErrorKind.REMOVE_PAUSED),
    (r"is already paused", ErrorKind.ALREADY_PAUSED),
    (r"is not paused", ErrorKind.NOT_PAUSED),
    (r"is not running", ErrorKind.NOT_RUNNING),
    (r"paused", ErrorKind.PAUSED),
    # runc's exec.LookPath: a name not in $PATH, a path stat'ed (28.5 drops ": unknown": replays/61-build-no-shell.sh:13)
    (r'executable file not found|no such file or directory: unknown|permission denied: unknown|exec: "[^"]*": stat [^\n]*: no such file or directory',
     ErrorKind.EXEC_NOT_FOUND),
    (r"being used by|is using its referenced image", ErrorKind.IMAGE_IN_USE),
    (r"has dependent child images", ErrorKind.IMAGE_HAS_CHILDREN),
    (r"referenced in multiple repositories", ErrorKind.IMAGE_MULTIPLE_REPOS),
    (r"returned a non-zero code", ErrorKind.BUILD_FAILED),
    (r"Dockerfile parse error|unknown instruction", ErrorKind.BAD_DOCKERFILE),
    (r"unable to prepare context", ErrorKind.NO_SUCH_FILE),
    (r"requires (at least|at most|exactly|no) |unknown (shorthand )?flag|is not a docker command|flag needs an argument|invalid argument|No command specified|Invalid filter"
     r"|must specify at least one container source|copying between containers is not supported", ErrorKind.USAGE),
    (r"no such file or directory|Error processing tar file|archive/tar: invalid tar header|unexpected EOF|unrecognized image format", ErrorKind.NO_SUCH_FILE),
)


# Podman's words for the model's refusals (its CLI and its Docker-compatible socket word
# them alike), seen on Podman 4.3 and 5.4 (docs/dialects/podman.md).  Checked before the
# patterns above, whose catch-alls ("paused", "is not running") would misread them:
# "running or paused containers cannot be removed" is a refusal to remove a *running*
# container when it says "as it is running".  Each phrase is Podman's own; Docker never
# says it.  When the model grows a Podman dialect (model/profile.py), this table moves there.
_PODMAN = (
    (r"no container with (name or ID|ID or name) .* found|no such (container|object)|: layer not known",
     ErrorKind.NO_SUCH_CONTAINER),
    (r"image not known", ErrorKind.NO_SUCH_IMAGE),
    (r"that name is already in use", ErrorKind.NAME_IN_USE),
    # rename to a name in use: 4.3 "name X already in use, cannot rename container", 5.4 the database's
    # "UNIQUE constraint failed" (replays/25-rename.sh:8, :22)
    (r"name \S+ already in use, cannot rename|renaming container [0-9a-f]+: .*UNIQUE constraint failed", ErrorKind.NAME_IN_USE),
    (r"names must match \[a-zA-Z0-9\]", ErrorKind.INVALID_NAME),
    (r"as it is running - running or paused containers cannot be removed", ErrorKind.REMOVE_RUNNING),
    (r"as it is paused - running or paused containers cannot be removed", ErrorKind.REMOVE_PAUSED),
    # exec, kill: Podman says "not running" of a paused container too (no paused wording)
    (r"can only (kill|create exec sessions on) running containers", ErrorKind.NOT_RUNNING),
    # exec in a paused container through the socket: "cannot create exec session as container ID is
    # paused"; the podman CLI refuses the same command, changing nothing, as one in a container not
    # running (replays/06-pause.sh:14, 43-podman-exec-paused.sh): read as that, the CLI's kind
    (r"cannot create exec session as container [0-9a-f]+ is paused", ErrorKind.NOT_RUNNING),
    # stop, restart and start refuse a paused container in these words (a running one is
    # stopped or restarted; start of a running one does nothing and succeeds)
    (r"is running or paused, refusing to clean up|in a paused or unknown state"
     r"|must be in Created or Stopped state to be started", ErrorKind.PAUSED),
    (r"image is in use by a container", ErrorKind.IMAGE_IN_USE),
    (r"image has dependent children", ErrorKind.IMAGE_HAS_CHILDREN),
    (r"by ID with more than one tag", ErrorKind.IMAGE_MULTIPLE_REPOS),
    (r"building at STEP .*exit status \d+", ErrorKind.BUILD_FAILED),
    (r"context must be a directory", ErrorKind.NO_SUCH_FILE),
    (r"OCI permission denied", ErrorKind.EXEC_NOT_FOUND),
    (r"you must provide at least one name or id", ErrorKind.USAGE),
    # cp onto a mount point of a running container, the CLI's copier: "2 errors occurred: * copying to container:
    # ... unlinkat /etc/hosts: device or resource busy * copying from host: ... read/write on closed pipe"
    (r"unlinkat \S+: device or resource busy", ErrorKind.BUSY),
    # the restart races of an --rm container (model: `restart_marked_for_removal`, `restart_removing`) in the
    # socket's words, a 500 without the CLI's "Error: " (bench/soak podman-4.3 seed 1031)
    (r"saving container [0-9a-f]+ state: container has already been removed", ErrorKind.REMOVAL_IN_PROGRESS),
    (r"sending SIGKILL to container [0-9a-f]+: container state improper: stopped", ErrorKind.NOT_RUNNING),
)


# Podman's socket ends a missing image's refusal with "image not known" ("no such image:
# docker.io/library/base:1: image not known"), words Docker's template for a malformed reference,
# "no such image: {ref}: {detail}", would read as that: they are read first.
_BEFORE_TEMPLATES = ((re.compile(r"image not known$"), ErrorKind.NO_SUCH_IMAGE),)


def _literal(template: str) -> str:
    """The words of a template that are not fields nor the daemon's generic prefixes."""
    text = re.sub(r"\{[a-z_]+\}", "", template)
    for p in ("Error response from daemon: ", "Error: ", "docker: "):
        text = text.replace(p, "")
    return text.strip()


class Classifier:
    def __init__(self, profile: Profile = DOCKER_20_10):
        self.templates = [(_template_regex(t), kind) for kind, t in profile.messages.values()
                          if len(_literal(t)) >= 12]
        self.extra = [(re.compile(rx), kind) for rx, kind in _PODMAN + _EXTRA]

    def __call__(self, stderr: str) -> ErrorKind | None:
        text = stderr.strip()
        if not text:
            return None
        for rx, kind in _BEFORE_TEMPLATES:
            if rx.search(text):
                return kind
        for rx, kind in self.templates:
            if rx.search(text):
                return kind
        for rx, kind in self.extra:
            if rx.search(text):
                return kind
        return None


classify = Classifier()
