"""Read-only commands: ps, images, history, inspect.

They never change the state.  Their rows are plain dicts keyed by the field
names docker's `--format` templates use, so one function serves the table,
`-q`, `--format` and the conformance snapshot.  The model has no wall clock:
every age reads "Less than a second ago", as it would if the whole script
ran at once.
"""
from __future__ import annotations

import json
import re
from dataclasses import replace

from . import commands as cmd
from . import fs, refs
from .containers import find as find_container
from .images import find as find_image
from .errors import EngineError, ErrorKind
from .profile import Profile
from .render import LESS_THAN_A_SECOND, NIL, MissingKey, TemplateError, Template, _plain, ellipsis, format_rows, human_size
from .result import Out, Result, refused
from .values import Container, Image, Status, World

AGO = LESS_THAN_A_SECOND + " ago"

# Mutation seams: `bench/mutants` replaces these by name to seed one listing bug
# at a time (`ps` and `images` call them through this module's namespace).
MUTATION_SEAMS = ("ps_select", "image_rows")
ZERO_TIME = "0001-01-01T00:00:00Z"


# -- ps ---------------------------------------------------------------------------------


def status_text(c: Container) -> str:
    if c.status is Status.CREATED:
        return "Created"
    if c.status is Status.RUNNING:
        return "Up " + LESS_THAN_A_SECOND
    if c.status is Status.PAUSED:
        return "Up " + LESS_THAN_A_SECOND + " (Paused)"
    return f"Exited ({c.exit_code or 0}) {AGO}"


def command_text(argv: tuple[str, ...]) -> str:
    """The COMMAND column: the path, then the arguments, those with a space in single quotes."""
    if not argv:
        return ""
    return " ".join((argv[0],) + tuple(f"'{a}'" if " " in a else a for a in argv[1:]))


def _stack_size(world: World, c: Container) -> int:
    return sum(world.layers[lid].size for lid in c.layers)


def ps_row(world: World, c: Container, no_trunc: bool = False, keep_ref: bool = False, tag_ref: bool = False) -> dict:
    command = command_text(c.config.argv())
    # The reference as typed, while it still names the container's image;
    # once it names another image, or nothing, the image's id (with `keep_ref`: the reference, as podman).
    named = find_image(world, c.image_ref)
    image = c.image_ref if keep_ref or (named is not None and named.id == c.image) else c.image
    if image == c.image or refs.full_id(image) == c.image[7:]:
        image = c.image if no_trunc else c.image[7:19]
    elif tag_ref and image == c.image_ref and not refs.is_id_prefix(image, c.image[7:]):
        image = str(refs.parse(image))  # `img1` -> `img1:latest` (the dialect's container_image_ref_tagged)
    labels = c.labels
    return {
        "ID": c.id if no_trunc else c.short_id,
        "Image": image,
        "Command": json.dumps(command if no_trunc else ellipsis(command, 20), ensure_ascii=False),
        "CreatedAt": ZERO_TIME,
        "RunningFor": AGO,
        "Ports": "",
        "State": c.status.value,
        "Status": status_text(c),
        "Size": lambda: f"{human_size(fs.size(c.rw))} (virtual {human_size(fs.size(c.rw) + _stack_size(world, c))})",
        "Names": c.name,
        "Labels": ",".join(f"{k}={v}" for k, v in sorted(labels.items())),
        "Label": lambda key: labels.get(key, ""),
        "Mounts": "",
        "Networks": "none",
    }


STATUS_FILTERS = ("created", "restarting", "running", "removing", "paused", "exited", "dead")

PS_HEADERS = {"ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
              "RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE", "Status": "STATUS",
              "Size": "SIZE", "Names": "NAMES", "Labels": "LABELS", "Mounts": "MOUNTS", "Networks": "NETWORKS"}


def _ancestors(world: World, image_id: str) -> set[str]:
    out, cur = set(), world.images.get(image_id)
    while cur is not None:
        out.add(cur.id)
        cur = world.images.get(cur.parent) if cur.parent else None
    return out


def _label_match(labels, want: str) -> bool:
    key, _, value = want.partition("=")
    return key in labels and (not _ or labels[key] == value)


def ps_select(world: World, all_: bool, filters: tuple[tuple[str, str], ...]) -> list[Container]:
    """The containers `ps` lists, newest first: running and paused ones (all with -a), filtered; a mutation seam."""
    chosen = []
    for c in world.containers_newest_first():
        if not all_ and c.status not in (Status.RUNNING, Status.PAUSED) and not any(k == "status" for k, _ in filters):
            continue
        if not _ps_filters(world, c, filters):
            continue
        chosen.append(c)
    return chosen


def _ps_filters(world: World, c: Container, filters) -> bool:
    by_key: dict[str, list[str]] = {}
    for k, v in filters:
        by_key.setdefault(k, []).append(v)
    for key, values in by_key.items():
        if key == "name" and not any(re.search(v, c.name) for v in values):
            return False
        if key == "id" and not any(c.id.startswith(v) for v in values):
            return False
        if key == "status" and c.status.value not in values:
            return False
        if key == "label" and not all(_label_match(c.labels, v) for v in values):
            return False
        if key == "exited" and not (c.status is Status.EXITED and str(c.exit_code) in values):
            return False
        if key == "ancestor":
            ok = False
            for v in values:
                img = find_image(world, v)
                if img is not None and img.id in _ancestors(world, c.image):
                    ok = True
            if not ok:
                return False
    return True


def ps(world: World, c: cmd.Ps, p: Profile) -> Result:
    """`docker ps`: running and paused containers (all of them with -a), newest first."""
    for key, value in c.filters:
        if key == "status" and value not in STATUS_FILTERS:
            return refused(world, p.error("invalid_filter", filter=f"{key}={value}", value=value))
    containers = ps_select(world, c.all or c.last is not None, c.filters)
    if not p.ps_lists_paused and not (c.all or c.last is not None) and not any(k == "status" for k, _ in c.filters):
        containers = [x for x in containers if x.status is not Status.PAUSED]
    if c.last is not None:
        containers = containers[: c.last]
    if p.ps_oldest_first:
        containers = containers[::-1]
    if c.quiet:
        return Result(world, "".join((x.id if c.no_trunc else x.short_id) + "\n" for x in containers))
    rows = [_ps_shown(ps_row(world, x, c.no_trunc, p.container_image_keeps_ref, p.container_image_ref_tagged), x, p) for x in containers]
    fmt = c.format or "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}" + \
        ("\t{{.Size}}" if c.size else "")
    return _formatted(world, fmt, rows, PS_HEADERS)


def _ps_shown(row: dict, c: Container, p: Profile) -> dict:
    """A `ps` row as the dialect's CLI prints it (`ps_row` itself is the engine's, the snapshot's)."""
    out = dict(row)
    out["Image"] = shown_ref(row["Image"], p)
    if not p.ps_command_quoted:
        out["Command"] = " ".join(c.config.argv())  # the arguments as they are, unquoted (04-ps-filters.sh:22)
    if p.ps_status_podman and c.status in (Status.RUNNING, Status.PAUSED):
        out["Status"] = "Paused" if c.status is Status.PAUSED else "Up " + (AGO if p.ps_running_ago else LESS_THAN_A_SECOND)
    if p.ps_state_is_status:
        out["State"] = out["Status"]
    if p.ps_labels_go_map:
        out["Labels"] = "map[" + " ".join(f"{k}:{v}" for k, v in sorted(c.labels.items())) + "]"
    return out


def shown_ref(text: str, p: Profile) -> str:
    """A reference as the dialect's CLI prints it: with `cli_local_domain` when it names no registry."""
    if not p.cli_local_domain or not text or refs.full_id(text) is not None or re.fullmatch(r"[0-9a-f]{12}", text):
        return text
    first = text.split("/", 1)[0]
    if "/" in text and ("." in first or ":" in first or first == "localhost"):
        return text
    return p.cli_local_domain + text


def shown_size(text: str, p: Profile, spaced: bool | None = None) -> str:
    """A size as the dialect's CLI prints it ("2.13MB", or "2.13 MB" where `spaced`, default `cli_size_space`)."""
    spaced = p.cli_size_space if spaced is None else spaced
    return re.sub(r"^([0-9.]+)([A-Za-z]+)$", r"\1 \2", text) if spaced else text


def _formatted(world: World, fmt: str, rows: list, headers: dict) -> Result:
    try:
        return Result(world, format_rows(fmt, rows, headers))
    except TemplateError as e:
        return refused(world, _template_error(e))


def _template_error(e: TemplateError) -> EngineError:
    """A --format the CLI cannot evaluate: the CLI's own error, before any output."""
    return EngineError(ErrorKind.USAGE, str(e))


# -- images -------------------------------------------------------------------------


IMAGE_HEADERS = {"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
                 "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE"}


def image_rows(world: World, all_: bool, filters=(), no_trunc: bool = False, repository: str | None = None) -> list[dict]:
    """One row per (image, tag), as `docker images` lists them; untagged images as <none>; a mutation seam."""
    dangling = [v for k, v in filters if k == "dangling"]
    dangling_only = bool(dangling) and dangling[-1] == "true"
    labels = [v for k, v in filters if k == "label"]
    rows = []
    for img in world.images_newest_first():
        tags = world.image_tags(img.id)
        if dangling_only and world.children(img.id):
            continue
        if labels and not all(_label_match(img.config.labels, v) for v in labels):
            continue
        if not tags:
            if not (all_ or not world.children(img.id)):
                continue
            if dangling and not dangling_only:
                continue
            if repository is not None:
                continue
            pairs = [("<none>", "<none>")]
        else:
            if dangling_only:
                continue
            pairs = [tuple(t.rsplit(":", 1)) for t in tags]
            if repository is not None:
                want = repository if ":" in repository.split("/")[-1] else None
                pairs = [(r, t) for r, t in pairs if (f"{r}:{t}" == want if want else r == repository)]
        for repo, tag in pairs:
            rows.append({
                "ID": img.id if no_trunc else img.short_id,
                "Repository": repo,
                "Tag": tag,
                "Digest": "<none>",
                "CreatedSince": AGO,
                "CreatedAt": ZERO_TIME,
                "Size": human_size(world.image_size(img)),
            })
    return rows


def images(world: World, c: cmd.Images, p: Profile) -> Result:
    """`docker images`: tagged and dangling images (intermediate ones too with -a)."""
    rows = image_rows(world, c.all, c.filters, c.no_trunc, c.repository)
    if c.quiet:
        seen: list[str] = []
        for r in rows:
            if r["ID"] not in seen:
                seen.append(r["ID"])
        return Result(world, "".join(i + "\n" for i in seen))
    fmt = c.format or "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    shown = [{**r, "Size": shown_size(r["Size"], p),
              "Repository": shown_ref(r["Repository"], p) if r["Repository"] != "<none>" else r["Repository"]} for r in rows]
    return _formatted(world, fmt, shown, IMAGE_HEADERS)


# -- history ------------------------------------------------------------------------


HISTORY_HEADERS = {"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY",
                   "Size": "SIZE", "Comment": "COMMENT"}


def history_rows(world: World, img: Image, by_top_layer: bool = False) -> list[dict]:
    """The image's history, newest first; ids filled in by walking parent pointers, or
    (`by_top_layer`, the dialect's `history_ids_by_top_layer`) by the layer tree."""
    layer_iter = iter(img.layers)
    raw = []
    for h in img.history:
        size = 0 if h.empty_layer else world.layers[next(layer_iter)].size
        raw.append((h, size))
    raw.reverse()
    ids: list[str] = []
    if by_top_layer:
        ids = _ids_by_top_layer(world, img, [h for h, _ in raw])
    cur: Image | None = img
    while not by_top_layer and cur is not None and len(ids) < len(raw):
        ids.append(cur.id)
        cur = world.images.get(cur.parent) if cur.parent else None
    rows = []
    for k, (h, size) in enumerate(raw):
        rows.append({"ID": ids[k] if k < len(ids) else "<missing>", "CreatedBy": h.created_by,
                     "Size": size, "Comment": h.comment})
    return rows


def _shown_comment(comment: str, p: Profile) -> str:
    """A history comment as the CLI prints it: Podman's "FROM REF" names REF as its CLI does (`shown_ref`)."""
    if p.commit_comment and comment.startswith("FROM ") and " " not in comment[5:]:
        return "FROM " + shown_ref(comment[5:], p)
    return comment


def _ids_by_top_layer(world: World, img: Image, rows_newest_first: list) -> list[str]:
    """Podman's history ids: walking down from the top layer (a row without a layer stays on
    it), each row names the first image, oldest still present, whose top layer is the layer
    reached; an image is named once, a row whose image was named already is `<missing>`."""
    first: dict[str, str] = {}
    for other in world.images.values():  # the order images were made in
        if other.layers:
            first.setdefault(other.layers[-1], other.id)
    stack, used, ids = list(img.layers), set(), []
    for h in rows_newest_first:
        named = first.get(stack[-1]) if stack else None
        if named is None or named in used:
            ids.append("<missing>")
        else:
            used.add(named)
            ids.append(named)
        if not h.empty_layer and stack:
            stack.pop()
    return ids


def history(world: World, c: cmd.History, p: Profile) -> Result:
    """`docker history`: one row per history entry of the image's configuration."""
    bad = refs.malformed(c.image)
    if bad is not None:
        return refused(world, p.error("invalid_reference", detail=bad, ref=c.image))
    img = find_image(world, c.image)
    if img is None:
        return refused(world, p.error("no_such_image", ref=c.image))
    rows = []
    for r in history_rows(world, img, p.history_ids_by_top_layer):
        ident = r["ID"] if r["ID"] == "<missing>" or c.no_trunc else r["ID"][7:19]
        if p.cli_bare_ids:
            ident = ident.removeprefix("sha256:")
        rows.append({
            "ID": ident,
            "CreatedSince": AGO,
            "CreatedAt": ZERO_TIME,
            "CreatedBy": r["CreatedBy"] if c.no_trunc else ellipsis(r["CreatedBy"], 45, p.cli_ellipsis),
            "Size": shown_size(human_size(r["Size"]), p, p.history_size_space),
            "Comment": _shown_comment(r["Comment"], p),
        })
    if c.quiet:
        return Result(world, "".join(r["ID"] + "\n" for r in rows))
    fmt = c.format or "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
    return _formatted(world, fmt, rows, {**HISTORY_HEADERS, "ID": p.history_id_header})


# -- inspect ------------------------------------------------------------------------


def _slice(items) -> object:
    return list(items) if items else NIL


def _config_json(config) -> dict:
    """An image or container configuration as the engine's JSON has it (nil slices kept nil)."""
    return {
        "Cmd": _slice(config.cmd),
        "Entrypoint": _slice(config.entrypoint),
        "Env": _slice(config.env),
        "Labels": dict(config.labels) or None,
        "WorkingDir": config.working_dir,
    }


def inspect_container(world: World, c: Container) -> dict:
    argv = c.config.argv()
    state = {
        "Status": c.status.value,
        "Running": c.status in (Status.RUNNING, Status.PAUSED),
        "Paused": c.status is Status.PAUSED,
        "Restarting": False,
        "OOMKilled": False,
        "Dead": False,
        "Pid": 0,
        "ExitCode": c.exit_code or 0,
        "Error": "",
        "StartedAt": ZERO_TIME,
        "FinishedAt": ZERO_TIME,
    }
    return {
        "Id": c.id,
        "Created": ZERO_TIME,
        "Path": argv[0] if argv else "",
        "Args": _slice(argv[1:]),
        "State": state,
        "Image": c.image,
        "Name": "/" + c.name,
        "RestartCount": c.restart_count,
        "Config": {
            "Hostname": c.short_id,
            "Image": c.image_ref,
            **_config_json(c.config),
        },
        "HostConfig": {"AutoRemove": c.auto_remove, "NetworkMode": "none", "Init": True if c.init else None},
    }


def inspect_image(world: World, img: Image, p: Profile | None = None) -> dict:
    """The image's inspect document; the fields the dialect's client no longer shows left out."""
    doc = {
        "Id": img.id,
        "RepoTags": list(world.image_tags(img.id)),
        "RepoDigests": [],
        "Parent": img.parent,
        "Comment": img.history[-1].comment if img.history else "",
        "Created": ZERO_TIME,
        "Container": img.container,
        "ContainerConfig": {"Cmd": _slice(img.container_cmd)},
        "Config": {"Image": "", **_config_json(img.config)},
        "Architecture": "amd64",
        "Os": "linux",
        "Size": world.image_size(img),
        "RootFS": {"Type": "layers", "Layers": [f"sha256:{fs.digest(world.layers[l].changes)}" for l in img.layers]},
    }
    if p is not None and not p.inspect_container_config:
        del doc["ContainerConfig"]
    if p is not None and not p.inspect_config_image:
        del doc["Config"]["Image"]
    return doc


def inspect(world: World, c: cmd.Inspect, p: Profile) -> Result:
    """`docker inspect`: a JSON array, or one `--format` line per object."""
    result = _inspect(world, c, p, "exited")
    if p.exited_may_read_stopped and result.error is None:
        # podman 5.4 races with its clean-up of an exited container: it may still call it "stopped"
        other = _inspect(world, c, p, "stopped")
        if other != result:
            return replace(result, alternatives=(other,))
    return result


def _inspect(world: World, c: cmd.Inspect, p: Profile, exited: str) -> Result:
    out = Out(world)
    objects = []
    for name in c.targets:
        obj = None
        if c.type in (None, "container"):
            found = find_container(world, name)
            if found is not None:
                obj = inspect_container(world, found)
                if found.status is Status.EXITED:
                    obj["State"]["Status"] = exited
        if obj is None and c.type in (None, "image"):
            img = find_image(world, name)
            if img is not None:
                obj = inspect_image(world, img, p)
        if obj is None and c.type == "image" and refs.malformed(name) is not None:
            out.refuse(p.error("inspect_invalid_reference", ref=name, detail=refs.malformed(name)))
            continue
        if obj is None:
            key = {None: "no_such_object", "container": "no_such_container", "image": "no_such_image"}[c.type]
            out.refuse(p.error(key, name=name, ref=name))
            continue
        objects.append(obj)
    if c.format is not None:
        try:
            tpl = Template(c.format)
            for obj in objects:
                out.print(tpl.render(obj))
        except MissingKey as e:
            return refused(world, p.error("template_missing_key", detail=e))
        except TemplateError as e:
            return refused(world, _template_error(e))
    else:
        out.print(json.dumps(_plain(objects), indent=4, ensure_ascii=False))
    return out.result()


def logs(world: World, c: cmd.Logs, p: Profile) -> Result:
    """`docker logs`: what the container's main process printed, every run of it."""
    target = find_container(world, c.container)
    if target is None:
        return refused(world, p.error("no_such_container", name=c.container))
    return Result(world, target.logs[0], target.logs[1])
