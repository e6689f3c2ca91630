"""The snapshot: what `simulate --json` prints as `state`, and what conformance compares.

It holds only what a user can observe with docker commands and what does not
depend on the wall clock:

    {"containers": {NAME: {"status": "created|running|paused|exited",
                           "exit_code": INT or null, "image": REF}},
     "images":     {"REPO:TAG": SHORT_ID},
     "images_all": [[REPOSITORY, TAG, SHORT_ID, SIZE], ...]   (sorted)
     "history":    {"REPO:TAG": [[SHORT_ID or "<missing>", CREATED_BY, SIZE, COMMENT], ...]},
     "diff":       {NAME: [sorted `docker diff` lines]}}

`exit_code` is null until a container has exited (the engine shows 0 then).
`image` is the IMAGE column of `docker ps`.  Ids are the 12-character short
ids; the conformance check maps model ids to engine ids before comparing.
"""
from __future__ import annotations

import re

from model import containers, listing
from model.profile import DOCKER_20_10, Profile
from model.values import Status, World


def snapshot(world: World, profile: Profile = DOCKER_20_10) -> dict:
    out_containers = {}
    diffs = {}
    for c in sorted(world.containers.values(), key=lambda c: c.name):
        row = listing.ps_row(world, c, keep_ref=profile.container_image_keeps_ref,
                              tag_ref=profile.container_image_ref_tagged)
        out_containers[c.name] = {
            "status": c.status.value,
            "exit_code": c.exit_code if c.status is Status.EXITED else None,
            "image": row["Image"],
        }
        diffs[c.name] = sorted(containers.diff_lines(world, c, profile))
    images = {}
    history = {}
    for ref in sorted(world.tags):
        img = world.images[world.tags[ref]]
        images[ref] = img.short_id
        history[ref] = [
            [r["ID"][7:19] if r["ID"] != "<missing>" else r["ID"], r["CreatedBy"], listing.human_size(r["Size"]), r["Comment"]]
            for r in listing.history_rows(world, img, profile.history_ids_by_top_layer)
        ]
    rows = sorted([r["Repository"], r["Tag"], r["ID"], r["Size"]] for r in listing.image_rows(world, all_=True))
    return {"containers": out_containers, "images": images, "images_all": rows, "history": history, "diff": diffs}


# A size as the CLI prints it (`1.98MB`, `4.1kB`, `0B`; Podman's `2.13 MB`).
SIZE = re.compile(r"\b\d+(?:\.\d+)? ?(?:B|kB|MB|GB|TB)\b")


def mask_sizes(text: str) -> str:
    """`text` with every printed size as `<size>` (a dialect whose sizes the model does not predict)."""
    return SIZE.sub("<size>", text)


def without_sizes(state: dict) -> dict:
    """The snapshot with its size figures as `<size>`: `images_all` SIZE and `history` SIZE."""
    return {**state,
            "images_all": sorted(row[:3] + ["<size>"] for row in state.get("images_all", [])),
            "history": {ref: [row[:2] + ["<size>"] + row[3:] for row in rows]
                        for ref, rows in state.get("history", {}).items()}}
