"""What a transition returns: the new state, what the CLI prints, and its exit status."""
from __future__ import annotations

from dataclasses import dataclass

from frozendict import frozendict

from .errors import EngineError
from .values import World


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one docker command.

    `error` is the first refusal the command met (None when it fully succeeded);
    commands over several targets go on past a refusal, as the CLI does, so
    `world` may differ from the old state even when `error` is set.  `files`
    holds what the command wrote (`save -o`, `export -o`): path -> bytes.
    """

    world: World
    stdout: str = ""
    stderr: str = ""
    exit: int = 0
    error: EngineError | None = None
    files: frozendict = frozendict()

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit == 0


class Out:
    """Accumulates the lines a multi-target command prints, then makes its Result."""

    def __init__(self, world: World):
        self.world = world
        self.out: list[str] = []
        self.err: list[str] = []
        self.error: EngineError | None = None
        self.exit = 0

    def print(self, line: str) -> None:
        self.out.append(line)

    def refuse(self, error: EngineError, exit: int = 1) -> None:
        self.err.append(error.message)
        if self.error is None:
            self.error = error
        self.exit = self.exit or exit

    def result(self) -> Result:
        return Result(
            self.world,
            "".join(l + "\n" for l in self.out),
            "".join(l + "\n" for l in self.err),
            self.exit,
            self.error,
        )


def refused(world: World, error: EngineError, exit: int = 1) -> Result:
    return Result(world, "", error.message + "\n", exit, error)
