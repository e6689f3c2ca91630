"""Services dockspec starts privately beside its engines (today: Redis, for a shared example database).

Like an engine (`dockspec.engines`), a service lives in a folder of its own under
`$DOCKSPEC_ENGINE_DIR` and listens on loopback only; the project's files install
and start it, never the machine's own service manager.
"""
from __future__ import annotations

from .redis import RedisServer

__all__ = ["RedisServer"]
