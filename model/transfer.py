"""Moving file systems and images in and out: import, export, save, load.

* `export` flattens: one tar of the container's unified view, with the init
  layer's files (`/.dockerenv`, `/etc/hosts`, ...) that `diff` never shows.
  History, layers and configuration are lost.
* `import` makes a one-layer image with no parent and a single history row
  ("Imported from -").
* `save` keeps everything: each layer's tar, the configuration with its
  history, and the tags; `load` brings them back under the same image id.
"""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from dataclasses import replace

from frozendict import frozendict

from . import commands as cmd
from . import fs, refs, tarfmt
from .containers import find as find_container
from .images import find as find_image, make_image, move_tag, set_tag
from .listing import shown_ref
from .profile import Profile
from .result import Out, Result, refused
from .values import Config, History, Image, Layer, World

# Mutation seam: `bench/mutants` replaces `export_view` by name (`export` calls it here).
MUTATION_SEAMS = ("export_view",)


def export_view(world: World, container_id: str, p: Profile | None = None) -> frozendict:
    """What `export` writes: the container's unified view, init layer included; a mutation seam.  Podman
    has no init layer: its image's files and its read-write layer, where a start put its mount points (a
    container never started has none: replays/75-export-never-started.sh)."""
    c = world.containers[container_id]
    if p is not None and p.start_touches_etc:
        return world.own_rootfs(c).view
    return world.rootfs(c).view


def export(world: World, c: cmd.Export, p: Profile) -> Result:
    """`docker export`: the container's flattened file system as one tar."""
    target = find_container(world, c.container)
    if target is None:
        return refused(world, p.error("no_such_container_daemon", name=c.container))
    data = tarfmt.write_layer(export_view(world, target.id, p), whiteouts=False, exported=True)
    if c.output is None:
        return Result(world, files=frozendict({"-": data}))
    return Result(world, files=frozendict({c.output: data}))


def import_(world: World, c: cmd.Import, p: Profile) -> Result:
    """`docker import`: a tar becomes a one-layer image with no parent."""
    ref = None
    if c.ref is not None:
        try:
            ref = refs.parse(c.ref)
        except refs.InvalidReference as e:
            return refused(world, p.error("invalid_reference", detail=e, ref=c.ref))
    try:
        changes = tarfmt.read_layer(c.data, whiteouts=False)
    except tarfmt.BadArchive as e:
        return refused(world, p.error("bad_import", detail=e))
    data_sum = hashlib.sha256(c.data).hexdigest()
    row = History(p.import_created_by.format(sum=data_sum), c.message or p.import_comment.format(source=c.source))
    known = world.layers
    world, img = make_image(world, None, changes, Config(labels=_change_labels(c.changes)), row,
                            layer_owner=data_sum if tarfmt.is_export(c.data) else "")
    # (a layer the store has already, from a load or an earlier import, is shared as it is)
    if p.import_size_is_archive:
        lid = img.layers[0]
        world = replace(world, layers=world.layers.set(lid, known[lid] if lid in known else replace(world.layers[lid], size=len(c.data))))
    if ref is not None:
        world = move_tag(world, ref, img.id, keep_replaced=p.import_keeps_replaced_image, order=p.tag_order)
    return Result(world, img.id + "\n")


def _change_labels(changes: tuple[str, ...]) -> frozendict:
    """The labels `import -c 'LABEL k=v ...'` sets (the only instruction the model honours there)."""
    import shlex

    labels: dict[str, str] = {}
    for change in changes:
        words = shlex.split(change)
        for w in words[1:]:
            k, _, v = w.partition("=")
            labels[k] = v
    return frozendict(labels)
# -- save and load -------------------------------------------------------------------


def save(world: World, c: cmd.Save, p: Profile) -> Result:
    """`docker save`: images with their layers, configuration, history and tags."""
    chosen: list[tuple[Image, tuple[str, ...]]] = []
    for text in c.images:
        bad = refs.malformed(text)
        if bad is not None:
            return refused(world, p.error("invalid_reference", detail=bad, ref=text))
        img = find_image(world, text)
        if img is None:
            return refused(world, p.error("save_no_such_image", ref=_shown(text)))
        named = ()
        if refs.full_id(text) is None and not refs.is_id_prefix(text, img.id[7:]):
            named = (str(refs.parse(text)),)
        chosen.append((img, named))
    data = write_archive(world, chosen)
    return Result(world, files=frozendict({c.output or "-": data}))


def _shown(text: str) -> str:
    try:
        return str(refs.parse(text))
    except refs.InvalidReference:
        return text


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def write_archive(world: World, chosen: list[tuple[Image, tuple[str, ...]]]) -> bytes:
    buf = io.BytesIO()
    manifest = []
    written: set[str] = set()
    ids = {img.id for img, _ in chosen}
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for img, named in chosen:
            layer_paths = []
            for lid in img.layers:
                path = f"{lid}/layer.tar"
                if lid not in written:
                    _add(tar, path, tarfmt.write_layer(world.layers[lid].changes))
                    written.add(lid)
                layer_paths.append(path)
            config = {
                "config": img.config.to_json(),
                "history": [
                    {"created_by": h.created_by, "comment": h.comment, "empty_layer": h.empty_layer, "created": h.created}
                    for h in img.history
                ],
                "rootfs": {"type": "layers", "diff_ids": [f"sha256:{fs.digest(world.layers[l].changes)}" for l in img.layers]},
                "dockspec": {"created": img.created, "container_cmd": img.container_cmd},
            }
            config_name = img.id[7:] + ".json"
            _add(tar, config_name, json.dumps(config, sort_keys=True).encode())
            entry = {"Config": config_name, "RepoTags": list(named) or None, "Layers": layer_paths}
            # The engine keeps a parent link only when the parent travels in the same archive.
            if img.parent and img.parent in ids:
                entry["Parent"] = img.parent
            manifest.append(entry)
        _add(tar, "manifest.json", json.dumps(manifest).encode())
    return buf.getvalue()


def load(world: World, c: cmd.Load, p: Profile) -> Result:
    """`docker load`: images from a `save` archive, under their original ids."""
    try:
        tar = tarfile.open(fileobj=io.BytesIO(c.data), mode="r:*")
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    except (tarfile.TarError, ValueError, EOFError, AttributeError):
        return refused(world, p.error("bad_archive", detail="Error processing tar file(exit status 1): unexpected EOF"))
    if "manifest.json" not in files:  # a tar, but no image in it (an `export`)
        return refused(world, p.error("load_not_an_image"))
    try:
        manifest = json.loads(files["manifest.json"])
    except (KeyError, ValueError):
        return refused(world, p.error("bad_archive", detail="Error processing tar file(exit status 1): unexpected EOF"))
    out = Out(world)
    for entry in manifest:
        config = json.loads(files[entry["Config"]])
        layers: list[Layer] = []
        parent_layer = None
        for path in entry["Layers"]:
            changes = tarfmt.read_layer(files[path])
            layer = Layer.make(parent_layer, changes)
            layers.append(layer)
            parent_layer = layer.id
        cj = config["config"]
        cfg = Config(
            tuple(cj["Cmd"]) if cj.get("Cmd") is not None else None,
            tuple(cj["Entrypoint"]) if cj.get("Entrypoint") is not None else None,
            tuple(cj.get("Env") or ()),
            frozendict(cj.get("Labels") or {}),
            cj.get("WorkingDir", ""),
        )
        history = tuple(History(h["created_by"], h.get("comment", ""), h.get("empty_layer", False), h.get("created", 0))
                        for h in config["history"])
        extra = config.get("dockspec", {})
        cc = extra.get("container_cmd")
        img = Image(
            "sha256:" + entry["Config"].removesuffix(".json"),
            tuple(l.id for l in layers),
            cfg,
            history,
            entry.get("Parent", "") if entry.get("Parent", "") in out.world.images or any(
                e["Config"] == entry.get("Parent", "")[7:] + ".json" for e in manifest) else "",
            extra.get("created", 0),
            tuple(cc) if cc is not None else None,
        )
        if img.id not in out.world.images:
            # An image already there is left as it is (its parent link included).
            # (a layer the store has already is shared as it is: an import's may count the archive's size)
            out.world = out.world.put_image(img, tuple(out.world.layers.get(l.id, l) for l in layers))
        tags = entry.get("RepoTags") or []
        for t in tags:
            out.world = set_tag(out.world, refs.parse(t), img.id, p.load_tag_order or p.tag_order)
            out.print(f"Loaded image: {shown_ref(t, p)}")
        if not tags:
            out.print(f"Loaded image ID: {img.id}")
    return out.result()
