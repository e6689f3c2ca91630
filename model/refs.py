"""Image references (`repo[:tag]`) and how the engine resolves names and id prefixes.

The grammar is the distribution reference grammar the engine uses: lowercase
path components separated by `/`, an optional registry host, an optional tag of
at most 128 word characters, dots and dashes.  References are kept in their
familiar form (`busybox:latest`, not `docker.io/library/busybox:latest`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?"
_NAME = re.compile(rf"^(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_HEX = re.compile(r"^[a-f0-9]+$")
_FULL_ID = re.compile(r"^(?:sha256:)?([a-f0-9]{64})$")


class InvalidReference(ValueError):
    """A string that is not a valid image reference; the message is the engine's."""


@dataclass(frozen=True, slots=True)
class Ref:
    repo: str
    tag: str

    def __str__(self) -> str:
        return f"{self.repo}:{self.tag}"


def parse(text: str) -> Ref:
    """Parse `repo[:tag]` into its familiar form; a missing tag means `latest`.

    >>> str(parse("docker.io/library/busybox"))
    'busybox:latest'
    """
    if "@" in text:
        raise InvalidReference("invalid reference format")
    name, tag = text, "latest"
    slash = text.rfind("/")
    colon = text.rfind(":")
    if colon > slash:
        name, tag = text[:colon], text[colon + 1 :]
        if not _TAG.match(tag):
            raise InvalidReference("invalid reference format")
    if not _NAME.match(name):
        if name.lower() != name and _NAME.match(name.lower()):
            raise InvalidReference("invalid reference format: repository name must be lowercase")
        raise InvalidReference("invalid reference format")
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if name.startswith(prefix) and "/" not in name[len("docker.io/") :].removeprefix("library/"):
            name = name[len(prefix) :]
            break
    return Ref(name, tag)


def malformed(text: str) -> str | None:
    """What the engine says of `text` as an image reference ("invalid reference format", or
    "...: repository name must be lowercase"); None when it is a valid reference or a full id.

    Every command that takes an image reference checks it before it looks the image up, so a
    malformed one is never "No such image" (replays/29-references.sh).

    >>> malformed("Bad:Ref"), malformed("a::b"), malformed("busybox")
    ('invalid reference format: repository name must be lowercase', 'invalid reference format', None)
    """
    if full_id(text) is not None:
        return None
    try:
        parse(text)
    except InvalidReference as e:
        return str(e)
    return None


def full_id(text: str) -> str | None:
    """The 64-hex id a string spells out in full (with or without `sha256:`), else None."""
    m = _FULL_ID.match(text)
    return m.group(1) if m else None


def is_id_prefix(text: str, hex_id: str) -> bool:
    """True when `text` names the id `hex_id` by a prefix (the engine's truncated ids)."""
    text = text.removeprefix("sha256:")
    return bool(text) and bool(_HEX.match(text)) and hex_id.startswith(text)


_CONTAINER_NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")


def valid_container_name(name: str) -> bool:
    return bool(_CONTAINER_NAME.match(name))
