"""`--database SPEC`: where Hypothesis keeps the examples a run found, and replays them from first.

* `redis://HOST:PORT/N` — Hypothesis's `RedisExampleDatabase` on a Redis server
  (`dockspec.services.RedisServer` starts a private one): shared by every worker
  and every machine that reaches it, so a counterexample one worker found is
  the first example every other worker, and the next run, tries.
* a folder (`.hypothesis/examples`, Hypothesis's own default) — the local
  directory database: shared by the workers of one machine through its files.
* `none` — no database.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

DIRECTORY = ".hypothesis/examples"  # Hypothesis's own default folder


class BadDatabase(ValueError):
    """A `--database` value dockspec cannot use; the message says why."""


def example_database(spec: str | None):
    """The Hypothesis `ExampleDatabase` that `spec` names (None for `none`); a Redis server must answer."""
    if spec is None or spec.lower() == "none":
        return None
    if "://" in spec:
        parts = urlsplit(spec)
        if parts.scheme not in ("redis", "rediss", "unix"):
            raise BadDatabase(f"--database {spec}: a database URL must be redis://HOST:PORT/N "
                              f"(got the scheme {parts.scheme!r})")
        return _redis(spec)
    path = Path(spec)
    if path.exists() and not path.is_dir():
        raise BadDatabase(f"--database {spec}: not a folder (give a folder, redis://HOST:PORT/N or none)")
    from hypothesis.database import DirectoryBasedExampleDatabase

    return DirectoryBasedExampleDatabase(str(path))


def _redis(url: str):
    import redis
    from hypothesis.extra.redis import RedisExampleDatabase

    try:
        client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=5)
    except ValueError as e:
        raise BadDatabase(f"--database {url}: {e}") from None
    try:
        client.ping()
    except (redis.RedisError, OSError) as e:
        raise BadDatabase(f"--database {url}: no Redis server answers there ({e})") from None
    return RedisExampleDatabase(client)


def describe(spec: str | None) -> str:
    """How a report names the database: the URL or folder, or `none`."""
    return "none" if spec is None or spec.lower() == "none" else spec
