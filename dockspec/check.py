"""`dockspec check`: run the spec's machine and laws on the embedded model.

The machine (`spec.machine.DockerMachine`) plays random docker sessions and
checks every step rule and state invariant after every command; the laws
(`spec.laws`) check equations between command sequences.  Afterwards a
coverage table shows, for each docker verb, how often it succeeded and with
which error kinds it was refused; the check fails when a verb that the engine
can refuse never both succeeded and was refused.

On a failure, the shrunk counterexample is printed as a shell script of
`docker ...` lines (replay it with `dockspec simulate`), and the exit status
is 1.  Settings come from the Hypothesis profile named by `HYPOTHESIS_PROFILE`
(`quick` by default; see `spec.settings`); failing examples are saved in
Hypothesis's example database and replayed first by the next run.

`--dialect NAME` runs the whole suite in one dialect (`model.dialects`): the
model steps with that engine's profile, and the machine checks the step rules
and invariants that hold in it (`spec.policies`).
"""
from __future__ import annotations

import json
import sys
import time
import traceback
from dataclasses import dataclass, field

import click

from model.profile import DOCKER_20_10, Profile

from .dialects import dialect_option


@dataclass
class Outcome:
    name: str
    passed: bool = True
    seconds: float = 0.0
    error: str = ""
    script: str = ""
    report: list = field(default_factory=list)

    def to_json(self) -> dict:
        out = {"name": self.name, "passed": self.passed, "seconds": round(self.seconds, 3)}
        if not self.passed:
            out.update(error=self.error, script=self.script, report="\n".join(self.report))
        return out


def _error_text(e: BaseException) -> str:
    if isinstance(e, BaseExceptionGroup):
        return "\n".join(_error_text(x) for x in e.exceptions)
    text = f"{type(e).__name__}: {e}".strip()
    if type(e) is AssertionError and not str(e):
        tb = traceback.extract_tb(e.__traceback__)
        if tb:
            text = f"AssertionError at {tb[-1].filename}:{tb[-1].lineno}: {tb[-1].line}"
    return text


def _run(name: str, test, seed: int | None, machine=None) -> Outcome:
    """Run one Hypothesis test, capturing Hypothesis's own report of the failing example."""
    from hypothesis import seed as hyp_seed
    from hypothesis.reporting import with_reporter

    from spec.machine import DockerMachine

    machine = machine or DockerMachine
    outcome = Outcome(name)
    if seed is not None:
        test = hyp_seed(seed)(test)
    machine.last = None
    start = time.perf_counter()
    with with_reporter(outcome.report.append):
        try:
            test()
        except Exception as e:  # a broken rule, law or invariant: Hypothesis shrank it already
            outcome.passed = False
            outcome.error = _error_text(e)
            if name == "machine" and machine.last is not None:
                outcome.script = machine.last.script()
    outcome.seconds = time.perf_counter() - start
    return outcome


def run_suite(examples: int | None, steps: int | None, seed: int | None, laws: bool = True,
              on_example=None, on_test=None, overrides: dict | None = None,
              profile: Profile = DOCKER_20_10) -> dict:
    """Run the machine (and the laws) in the dialect `profile`: a JSON-able summary with coverage and any failure."""
    from hypothesis.stateful import get_state_machine_test

    from spec import laws as laws_mod
    from spec.coverage import COVERAGE
    from spec.machine import HAS_BUILD, DockerMachine
    from spec.settings import profile_name, suite_settings

    COVERAGE.clear()
    COVERAGE.skipped.clear()
    if not HAS_BUILD:
        COVERAGE.skipped["build"] = "model.build is missing"
    chosen = suite_settings(examples, steps, **(overrides or {}))
    counted = {"examples": 0, "steps": 0}

    def teardown(machine) -> None:
        counted["examples"] += 1
        counted["steps"] += len(machine.lines)
        if on_example is not None:
            on_example(machine)

    machine = DockerMachine.for_dialect(profile)
    machine.on_teardown = teardown
    outcomes = []
    try:
        outcomes.append(_run("machine", get_state_machine_test(machine, settings=chosen), seed, machine))
        if on_test is not None:
            on_test(outcomes[-1])
        if laws and outcomes[-1].passed:
            law_settings = suite_settings(max(10, (examples or chosen.max_examples) // 3), steps, **(overrides or {}))
            for name in laws_mod.LAWS:
                outcomes.append(_run(name, laws_mod.law_test(name, law_settings, profile), seed))
                if on_test is not None:
                    on_test(outcomes[-1])
    finally:
        machine.on_teardown = None
    missing = COVERAGE.missing()
    failed = [o for o in outcomes if not o.passed]
    return {
        "passed": not failed and not missing,
        "dialect": profile.name,
        "profile": profile_name(),
        "max_examples": chosen.max_examples,
        "steps_per_example": chosen.stateful_step_count,
        "seed": seed,
        "examples": counted["examples"],
        "steps": counted["steps"],
        "seconds": round(sum(o.seconds for o in outcomes), 3),
        "tests": [o.to_json() for o in outcomes],
        "failure": failed[0].to_json() if failed else None,
        "coverage": COVERAGE.to_json(),
        "coverage_missing": missing,
    }


def _coverage_table(summary: dict):
    from rich.table import Table

    table = Table(title="Coverage: command x outcome (number of commands)")
    table.add_column("command")
    table.add_column("ok", justify="right")
    table.add_column("refused: error kind x count", overflow="fold")
    table.add_column("status", overflow="fold")
    for verb, row in summary["coverage"].items():
        outcomes = row["outcomes"]
        status = row["status"]
        style = "green" if status == "ok" else ("yellow" if status.startswith(("exempt", "skipped")) else "red")
        refused = ", ".join(f"{k} {n}" for k, n in outcomes.items() if k != "ok")
        table.add_row(verb, str(outcomes.get("ok", 0)), refused or "-", f"[{style}]{status}[/{style}]")
    return table


@click.command()
@click.option("--examples", type=int, default=None, help="Command sequences to try (default: the profile's max_examples).")
@click.option("--steps", type=int, default=None, help="Commands per sequence at most (default: the profile's stateful_step_count).")
@click.option("--seed", type=int, default=None, help="Seed Hypothesis for a reproducible run (the example database is then not used).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON instead of tables.")
@click.option("--no-laws", is_flag=True, help="Run the machine only, not the laws.")
@dialect_option
def check(examples: int | None, steps: int | None, seed: int | None, as_json: bool, no_laws: bool,
          dialect: Profile) -> None:
    """Check the model against its spec: invariants, refusals, laws, over many random docker sessions.

    Settings come from the Hypothesis profile in HYPOTHESIS_PROFILE (quick, ci,
    thorough; quick by default).  --dialect runs the suite in one engine's
    dialect (`dockspec dialects`).  Exits 1 on a counterexample, printed as a
    docker script, or when a command never both succeeded and was refused.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from spec.settings import suite_settings

    err = Console(stderr=True)
    total = suite_settings(examples, steps).max_examples
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=err, transient=True, disable=as_json or not err.is_terminal)
    with progress:
        task = progress.add_task("machine", total=total)

        def on_example(machine) -> None:
            progress.update(task, advance=1, description=f"machine ({len(machine.lines)} commands)")

        def on_test(outcome: Outcome) -> None:
            progress.update(task, description=outcome.name, completed=total)

        summary = run_suite(examples, steps, seed, laws=not no_laws, on_example=on_example, on_test=on_test,
                            profile=dialect)

    if as_json:
        click.echo(json.dumps(summary, indent=2))
        sys.exit(0 if summary["passed"] else 1)

    out = Console(highlight=False)
    for t in summary["tests"]:
        mark = "[green]ok[/green]" if t["passed"] else "[red]FAILED[/red]"
        out.print(f"{t['name']:<48} {mark}  {t['seconds']:.2f}s")
    out.print(f"{summary['examples']} command sequences, {summary['steps']} commands "
              f"(dialect {summary['dialect']}; profile {summary['profile']}: "
              f"{summary['max_examples']} examples x {summary['steps_per_example']} steps)")
    out.print(_coverage_table(summary))
    failure = summary["failure"]
    if failure is not None:
        out.print(f"[red bold]Counterexample[/red bold] ({failure['name']}):")
        click.echo(failure["error"])
        if failure.get("script"):
            click.echo(failure["script"], nl=False)
        elif failure.get("report"):
            click.echo(failure["report"])
    if summary["coverage_missing"]:
        out.print("[red]Never both succeeded and refused:[/red] " + ", ".join(summary["coverage_missing"]))
    sys.exit(0 if summary["passed"] else 1)
