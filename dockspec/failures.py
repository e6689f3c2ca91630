"""How a conformance run can fail, each failure named for what it is.

* `Divergence` (exit 1): the model and the engine disagree on a step.  The
  only failure that says anything about the model's fidelity.
* `EngineFault` (exit 2): the engine failed: unreachable, died, timed out, or
  answered with an internal error (HTTP 5xx) that no model outcome explains.
  It carries the engine's own message.
* `DockspecBug` (exit 3): dockspec itself is wrong: the model broke a rule of
  its own spec, the adapter met an answer it does not map, or plain Python
  failed.  It carries the traceback and asks to be reported.

`name_failure(e, doing)` sorts an exception met while talking to the engine
into the last two, by HTTP status and exception type (never by message).
"""
from __future__ import annotations

import traceback

DIVERGES, ENGINE_FAULT, DOCKSPEC_BUG = 1, 2, 3

REPORT = "this is a bug of dockspec, not of the engine or the model's fidelity: please report it with the text above"


class Divergence(AssertionError):
    """The engine and the model disagree on one step."""

    exit_status = DIVERGES

    def __init__(self, script: str, aspect: str, model: object, engine: object, note: str = ""):
        """`note`: what the reader should know to judge it (e.g. the engine had not settled in time)."""
        import json

        self.script, self.aspect, self.model, self.engine, self.note = script, aspect, model, engine, note
        super().__init__(f"{aspect} differs\n--- script ---\n{script}\n--- model ---\n"
                         f"{json.dumps(model, indent=1, default=str)}\n--- engine ---\n"
                         f"{json.dumps(engine, indent=1, default=str)}" + (f"\n--- note ---\n{note}" if note else ""))


class EngineFault(RuntimeError):
    """The engine failed (unreachable, died, timed out, internal error): not a divergence."""

    exit_status = ENGINE_FAULT


class DockspecBug(RuntimeError):
    """dockspec's own code is wrong (model, spec, adapter): neither a divergence nor the engine's fault."""

    exit_status = DOCKSPEC_BUG

    def __init__(self, message: str, cause: BaseException | None = None):
        self.trace = "".join(traceback.format_exception(cause)) if cause is not None else ""
        super().__init__(message)

    def report(self) -> str:
        return f"{self}\n{self.trace}{REPORT}"


class AdapterError(DockspecBug):
    """The adapter met an engine answer it does not map."""


def http_status(e: BaseException) -> int | None:
    return getattr(getattr(e, "response", None), "status_code", None)


def explanation(e: BaseException) -> str:
    text = getattr(e, "explanation", None) or str(e)
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def is_transport(e: BaseException) -> bool:
    """A failure to talk to the engine at all (no HTTP answer): refused, reset, timed out."""
    import requests

    if http_status(e) is not None:
        return False
    if isinstance(e, (requests.exceptions.RequestException, ConnectionError, TimeoutError)):
        return True
    import docker

    return isinstance(e, docker.errors.DockerException) and not isinstance(e, docker.errors.APIError)


def name_failure(e: BaseException, doing: str) -> EngineFault | DockspecBug:
    """The truthful name of an exception met while `doing` something with the engine."""
    if isinstance(e, (EngineFault, DockspecBug)):  # named already, where it was met
        return e
    status = http_status(e)
    if status is not None and status >= 500:
        return EngineFault(f"{doing}: the engine answered {status}: {explanation(e)}")
    if status is not None:
        return AdapterError(f"{doing}: the engine refused a request dockspec made ({status}): {explanation(e)}", e)
    if is_transport(e):
        return EngineFault(f"{doing}: {type(e).__name__}: {e}")
    return DockspecBug(f"{doing}: {type(e).__name__}: {e}", e)


def find_failure(e: BaseException | None, seen: set | None = None) -> BaseException | None:
    """The Divergence, EngineFault or DockspecBug inside what Hypothesis raised (groups, causes)."""
    seen = seen if seen is not None else set()
    if e is None or id(e) in seen:
        return None
    seen.add(id(e))
    if isinstance(e, (Divergence, EngineFault, DockspecBug)):
        return e
    for sub in getattr(e, "exceptions", ()) or ():
        found = find_failure(sub, seen)
        if found:
            return found
    return find_failure(e.__cause__, seen) or find_failure(e.__context__, seen)
