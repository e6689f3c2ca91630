"""Fast narratives for the engine-side helpers (no engine needed)."""
from __future__ import annotations

from model.errors import ErrorKind
from dockspec.observe import Bijection, classify, normalise, ps_image


def test_classify_uses_the_profile_wordings():
    assert classify('Error response from daemon: Conflict. The container name "/a" is already in use by '
                    'container "x". You have to remove (or rename) that container to be able to reuse that name.') \
        is ErrorKind.NAME_IN_USE
    assert classify("Error: No such container: nosuch") is ErrorKind.NO_SUCH_CONTAINER
    assert classify("Error response from daemon: Invalid filter 'status=bogus'") is ErrorKind.USAGE
    assert classify("") is None


def test_normalise_ages_and_padding():
    assert normalise("abc   Up 3 seconds   x\n") == normalise("abc  Up Less than a second  x")


def test_ps_image_column():
    assert ps_image({"Image": "sha256:" + "a" * 64, "ImageID": "sha256:" + "a" * 64}) == "a" * 12
    assert ps_image({"Image": "base:1", "ImageID": "sha256:" + "b" * 64}) == "base:1"


def test_bijection_translates_engine_ids():
    ids = Bijection()
    assert ids.pair("sha256:" + "1" * 64, "sha256:" + "2" * 64)
    assert not ids.pair("sha256:" + "1" * 64, "sha256:" + "3" * 64)  # a pair is never remade
    assert ids.engine_text("x " + "2" * 12 + " " + "9" * 12) == "x " + "1" * 12 + " <id12>"


# -- the engine's words, read as the model's: Podman's references, ids and states ----------

from dockspec.observe import Owner, container_row, familiar, full_id, history_row, image_row  # noqa: E402

A, B, C = "a" * 64, "b" * 64, "c" * 64


def test_familiar_maps_podman_references_back_to_the_name_the_command_used():
    assert familiar("localhost/dsk-0a1b2c-base:1") == "dsk-0a1b2c-base:1"  # podman's CLI
    assert familiar("docker.io/library/dsk-0a1b2c-base:1") == "dsk-0a1b2c-base:1"  # podman's socket
    assert familiar("docker.io/dsk-0a1b2c-a/b:2") == "dsk-0a1b2c-a/b:2"
    assert familiar("docker.io/library/x/y:1") == "library/x/y:1"  # Docker keeps library/ on a path


def test_familiar_is_the_identity_on_docker_references():
    for ref in ("dsk-0a1b2c-base:1", "base:1", "a/b:1", "quay.io/x/y:1", "localhost:5000/x:1", "<none>:<none>",
                "sha256:" + A, "", "x@sha256:" + A):
        assert familiar(ref) == ref


def test_full_id_puts_sha256_back():
    assert full_id(A) == "sha256:" + A
    assert full_id("sha256:" + A) == "sha256:" + A
    assert full_id("sha256:<missing>") == "<missing>" == full_id("<missing>")
    assert full_id("") == "" and full_id(None) is None
    assert full_id("a" * 12) == "a" * 12  # a short id is not a whole one


def test_rows_from_docker_are_unchanged():
    img = {"Id": "sha256:" + A, "ParentId": "", "RepoTags": ["dsk-r-base:1"], "Size": 1}
    assert image_row(img) == img
    dangling = {"Id": "sha256:" + B, "ParentId": "sha256:" + A, "RepoTags": ["<none>:<none>"]}
    assert image_row(dangling) == dangling
    for state in ("created", "running", "paused", "restarting", "removing", "exited", "dead"):
        c = {"Id": C, "Names": ["/dsk-r-c"], "Image": "dsk-r-base:1", "ImageID": "sha256:" + A, "State": state}
        assert container_row(c) == c
    h = {"Id": "<missing>", "CreatedBy": "x", "Tags": None, "Size": 0}
    assert history_row(h) == h


def test_rows_from_podman_read_as_docker_reports_them():
    img = image_row({"Id": "sha256:" + B, "ParentId": A, "RepoTags": ["localhost/dsk-r-com:1", "docker.io/library/dsk-r-com:1"]})
    assert img == {"Id": "sha256:" + B, "ParentId": "sha256:" + A, "RepoTags": ["dsk-r-com:1"]}
    assert image_row({"Id": "sha256:" + B, "RepoTags": None})["RepoTags"] is None
    c = container_row({"Id": C, "Image": "localhost/dsk-r-base:1", "ImageID": A, "State": "stopped",
                       "Status": "Exited (3) Less than a second ago"})
    assert (c["Image"], c["ImageID"], c["State"]) == ("dsk-r-base:1", "sha256:" + A, "exited")
    h = history_row({"Id": "sha256:<missing>", "Tags": ["docker.io/library/dsk-r-base:1"]})
    assert (h["Id"], h["Tags"]) == ("<missing>", ["dsk-r-base:1"])


def test_ownership_sees_podman_qualified_tags_and_bare_ids():
    owner = Owner("r", frozenset({"sha256:" + C}))
    assert owner.owns_image({"Id": "sha256:" + A, "RepoTags": ["localhost/dsk-r-base:1"]})
    assert owner.owns_image({"Id": "sha256:" + A, "RepoTags": ["docker.io/library/dsk-r-base:1"]})
    assert not owner.owns_image({"Id": "sha256:" + B, "RepoTags": ["localhost/dsk-rr-base:1", "localhost/base:1"]})
    assert not owner.owns_image({"Id": "sha256:" + C, "RepoTags": ["localhost/dsk-r-base:1"]})  # the baseline
    owner.images.add("sha256:" + A)
    assert owner.owns_image({"Id": A, "RepoTags": None})  # a bare id of ours
    assert owner.owns_container({"Id": C, "Names": ["/someone"], "ImageID": A})  # made from our image


def test_a_parent_pointer_proves_ownership_only_where_it_is_recorded():
    rows = [{"Id": "sha256:" + A, "ParentId": "", "RepoTags": ["localhost/dsk-r-base:1"]},
            {"Id": "sha256:" + B, "ParentId": A, "RepoTags": None}]
    docker = Owner("r")
    docker.adopt(rows)
    assert docker.images == {"sha256:" + A, "sha256:" + B}
    podman = Owner("r", parents_prove=False)  # Podman computes ParentId from shared layers
    podman.adopt(rows)
    assert podman.images == {"sha256:" + A}


class _Images:
    """An engine's image and container lists, and what was removed (no engine needed)."""

    def __init__(self, images, containers=()):
        self.rows, self.ctrs, self.removed = list(images), list(containers), []

    def images(self, all=False):
        return [dict(r) for r in self.rows]

    def containers(self, all=False, filters=None):
        return [dict(c) for c in self.ctrs]

    def remove_container(self, cid, force=False):
        self.removed.append(cid)

    def remove_image(self, ref, force=False, noprune=False):
        self.removed.append(ref)
        for r in list(self.rows):
            if ref in (r["Id"], "sha256:" + r["Id"]):
                self.rows.remove(r)
            elif ref in (r.get("RepoTags") or ()):
                r["RepoTags"] = [t for t in r["RepoTags"] if t != ref] or None
                if not r["RepoTags"]:
                    self.rows.remove(r)


def test_clean_up_removes_podman_qualified_images_of_the_run_and_nothing_else():
    from dockspec.adapter import remove_run

    api = _Images([
        {"Id": "sha256:" + A, "ParentId": "", "RepoTags": ["localhost/dsk-0a1b2c3d-base:1", "localhost/dsk-0a1b2c3d-base:2"]},
        # a foreign image whose ParentId (computed from the layer it shares) names ours
        {"Id": "sha256:" + B, "ParentId": A, "RepoTags": ["localhost/foreign:1"]},
        {"Id": "sha256:" + C, "ParentId": "", "RepoTags": ["localhost/dsk-99999999-x:1"]},  # another run's
    ])
    done = remove_run(api, {"0a1b2c3d"}, {"sha256:" + A})
    assert done == ["sha256:" + A]
    assert "localhost/dsk-0a1b2c3d-base:2" in api.removed  # untagged by the name the engine reported
    assert [r["Id"] for r in api.rows] == ["sha256:" + B, "sha256:" + C]


def test_only_image_making_commands_prove_ownership_by_printing_an_id():
    from dockspec.adapter import Adapter

    a = Adapter.__new__(Adapter)  # no engine: the image list and the journal are stand-ins
    a.api = _Images([{"Id": "sha256:" + A}, {"Id": "sha256:" + B}, {"Id": "sha256:" + C}])
    a.owner, a.run_id = Owner("r"), "r"

    class _Journal:
        def record(self, **entry):
            pass

    a.journal = _Journal()
    a.own_printed("images", f"sha256:{A}\n")  # a listing prints other people's images too
    assert a.owner.images == set()
    a.own_printed("commit", f"{A}\n")  # podman commit: the bare id
    a.own_printed("build", f"STEP 2/2: RUN x\n--> {B[:11]}\n")  # podman's step image
    assert a.owner.images == {"sha256:" + A, "sha256:" + B}
