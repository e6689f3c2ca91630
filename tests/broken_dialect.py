"""A deliberately broken dialect for the worker tests: docker-20.10 with two of its choices flipped.

* `docker import` of a file that is not an archive: Docker 20.10 refuses it as a
  missing file (`no_such_file`); this dialect calls it an invalid reference.
* `commit` of a paused container: Docker 20.10 commits it; this dialect
  refuses it (the policy `commit_paused_allowed`, which the spec's step rules
  read too, so the model stays consistent with its own spec).

Only the engine disagrees.  A lockstep run against a real docker-20.10 finds
one of these within a few examples (the machine imports a garbage file now
and then); the shared example database then hands that counterexample to
every other worker.
"""
from dataclasses import replace

from frozendict import frozendict

from model import dialects
from model.errors import ErrorKind

_BASE = dialects.get("docker-20.10")

BROKEN = replace(_BASE, name="docker-20.10-broken", commit_paused_allowed=False,
                 messages=frozendict({**_BASE.messages,
                                      "bad_import": (ErrorKind.INVALID_REFERENCE, _BASE.messages["bad_import"][1])}),
                 summary="docker-20.10 with two choices flipped (a test's deliberate mistake)")
