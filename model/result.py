"""What a transition returns: the new state, what the CLI prints, and its exit status."""
from __future__ import annotations

from dataclasses import dataclass, replace

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

    Where the engine itself races (see `outcomes`), this is the documented
    outcome and `alternatives` holds every other outcome the engine may show.
    """

    world: World
    stdout: str = ""
    stderr: str = ""
    exit: int = 0
    error: EngineError | None = None
    files: frozendict = frozendict()
    alternatives: tuple["Result", ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.exit == 0


def outcomes(result: Result) -> tuple[Result, ...]:
    """Every outcome the engine may show for one command: the documented one first.

    A command has more than one only where the engine races with itself, e.g. a
    `--rm` container's asynchronous removal against a later target of the same
    `stop`/`kill`/`restart` (`model.containers.each`).
    """
    return (replace(result, alternatives=()),) + result.alternatives if result.alternatives else (result,)


class Out:
    """Accumulates the lines a multi-target command prints, then makes its Result."""

    def __init__(self, world: World):
        self.world = world
        self.out: list[str] = []
        self.err: list[str] = []
        self.error: EngineError | None = None
        self.exit = 0
        self.others: list[Out] = []  # the other outcomes of a race, made by `fork`
        self.stages: dict[str, int] = {}  # container id -> how far its race had got (`containers.each`)
        self.spawned: list[Out] = []  # forks made by `branch` while handling one target
        self.failed: list[str] = []  # the targets refused so far (`docker start` names them at the end)
        self.aborted = False  # the command failed as a whole: later targets are not handled (`containers.each`)

    def branch(self) -> "Out":
        """A fork that `containers.each` follows as another outcome of this command (a race)."""
        other = self.fork()
        self.spawned.append(other)
        return other

    def fork(self) -> "Out":
        """An independent copy, to follow another outcome of a race."""
        other = Out(self.world)
        other.out, other.err, other.error, other.exit = list(self.out), list(self.err), self.error, self.exit
        other.stages = dict(self.stages)
        other.failed = list(self.failed)
        other.aborted = self.aborted
        return other

    def print(self, line: str) -> None:
        self.out.append(line)

    def refuse(self, error: EngineError, exit: int = 1) -> None:
        self.err.append(error.message)
        if self.error is None:
            self.error = error
        self.exit = self.exit or exit

    def result(self) -> Result:
        first = Result(
            self.world,
            "".join(l + "\n" for l in self.out),
            "".join(l + "\n" for l in self.err),
            self.exit,
            self.error,
        )
        alternatives: list[Result] = []
        for other in self.others:
            r = other.result()
            if r != first and r not in alternatives:
                alternatives.append(r)
        return replace(first, alternatives=tuple(alternatives)) if alternatives else first


def refused(world: World, error: EngineError, exit: int = 1) -> Result:
    return Result(world, "", error.message + "\n", exit, error)
