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
