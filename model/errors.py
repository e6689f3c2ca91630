"""Error kinds the model can answer with, worded as Docker Engine 20.10 words them.

A refusal is a value (`EngineError`), never an exception: the conformance check
compares refusals between the model and a real engine, by `kind`.  The wording
of each message lives in `model.profile` (one table per engine), so that
another engine is a table of differences, not a fork of the model.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class ErrorKind(enum.Enum):
    NO_SUCH_CONTAINER = "no_such_container"
    NO_SUCH_IMAGE = "no_such_image"
    NAME_IN_USE = "name_in_use"
    INVALID_REFERENCE = "invalid_reference"
    INVALID_NAME = "invalid_name"
    SAME_NAME = "same_name"  # rename to the name the container already has
    REMOVE_RUNNING = "remove_running"
    REMOVE_PAUSED = "remove_paused"
    NOT_RUNNING = "not_running"
    REMOVAL_IN_PROGRESS = "removal_in_progress"
    PAUSED = "paused"
    NOT_PAUSED = "not_paused"
    ALREADY_PAUSED = "already_paused"
    IMAGE_IN_USE = "image_in_use"
    IMAGE_HAS_CHILDREN = "image_has_children"
    IMAGE_MULTIPLE_REPOS = "image_multiple_repos"
    EXEC_NOT_FOUND = "exec_not_found"
    UNSUPPORTED_WORKLOAD = "unsupported_workload"
    BUILD_FAILED = "build_failed"
    BAD_DOCKERFILE = "bad_dockerfile"
    NO_SUCH_FILE = "no_such_file"
    BUSY = "busy"  # cp onto a mount point (a started container's /etc/hostname, hosts, resolv.conf)
    FILE_CONFLICT = "file_conflict"  # cp of a directory onto a file, or of a file onto a directory
    USAGE = "usage"


@dataclass(frozen=True, slots=True)
class EngineError:
    """A command refused or failed: its kind and the line the docker CLI prints on stderr."""

    kind: ErrorKind
    message: str

    def __str__(self) -> str:
        return self.message


class ModelError(Exception):
    """Misuse of the model by a programmer (never a docker-level refusal)."""


class UnsupportedWorkload(ValueError):
    """A container command outside the workload language the model interprets."""
