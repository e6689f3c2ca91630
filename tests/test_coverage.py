"""Edge coverage: state classes, the bounded edge set, the cover planner, and the cover on a real engine."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from dockspec.coverage.classes import Edge, command_class, edge, state_class
from dockspec.coverage.edges import DEFAULT_BOUND, CoverBound, EdgeCoverage, edge_set, parse_bound
from dockspec.coverage.planner import lower_bound, plan
from dockspec.coverage.report import refusable_warnings, text
from dockspec.coverage.run import Progress
from dockspec.explore import Canon, base_state
from model import commands as cmd
from model.engine import step

SMALL = CoverBound(images=0, containers=1, files=0, races=False)


@pytest.fixture(scope="module")
def default_set():
    return edge_set(DEFAULT_BOUND)


# -- classes ----------------------------------------------------------------------------

def test_a_class_names_status_workload_and_image_use():
    w = base_state()
    w = step(w, cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="ctr1"), detach=True)).world
    assert state_class(w) == "containers [running blocks] images [root 1tag used:running]"
    assert command_class(w, cmd.Rm(("ctr1",))) == "rm [running blocks]"
    assert command_class(w, cmd.Rmi(("base:1",), force=True)) == "rmi -f [root 1tag used:running]"
    r = step(w, cmd.Rm(("ctr1",)))
    assert edge(w, cmd.Rm(("ctr1",)), r) == Edge("[running blocks]", "rm", "remove_running")


def test_state_classes_are_a_projection_of_explores_nodes(default_set):
    """Nodes with one canonical key have one class: explore's abstraction refines the classes."""
    G = default_set.graph
    canon = Canon(DEFAULT_BOUND.bounds)
    by_key: dict = {}
    for n, w in G.nodes(data="world"):
        by_key.setdefault(canon.key(w), set()).add(state_class(w))
    assert all(len(classes) == 1 for classes in by_key.values())
    assert len({state_class(w) for _, w in G.nodes(data="world")}) < G.number_of_nodes()


# -- the edge set -----------------------------------------------------------------------

def test_the_default_bound_is_complete_and_has_races(default_set):
    es = default_set
    assert es.graph.graph["complete"] and es.graph.graph["violation"] is None
    assert len(es.edges) == 280 and len(es.nondeterministic) == 14
    # every nondeterministic edge is a race with the auto-removal of a --rm container (named twice,
    # or restarted while it is being removed)
    assert all(" rm]" in e.state and e.command in ("kill", "stop", "restart") for e in es.nondeterministic)
    verbs = {e.command for e in es.edges}
    assert {"exec", "kill", "unpause", "restart", "pause", "rmi -f", "tag", "commit"} <= verbs
    assert {e.command for e in es.edges if e.outcome == "ok"} >= {"kill", "unpause"}


def test_the_classes_decide_the_outcome(default_set):
    """Outside the races, one state class and one command have one outcome: the classes keep
    everything the model reads (`commit` reads the container's image: `image:gone`)."""
    outcomes: dict = {}
    for e in default_set.deterministic:
        outcomes.setdefault((e.state, e.command), set()).add(e.outcome)
    assert {k: v for k, v in outcomes.items() if len(v) > 1} == {}
    assert any("image:gone" in e.state for e in default_set.edges)


def test_bad_bounds_are_named():
    assert parse_bound("images=2,depth=0") == CoverBound(images=2, depth=None)
    for bad, says in (("images=x", "whole number"), ("colour=1", "unknown bound 'colour'"), ("images", "NAME=VALUE"),
                      ("containers=0", "at least 1"), ("races=maybe", "yes or no")):
        with pytest.raises(ValueError, match=says):
            parse_bound(bad)


def test_conform_rejects_a_bad_bound_before_any_engine():
    from dockspec.conform import conform

    r = CliRunner().invoke(conform, ["--engine", "unix:///nonexistent.sock", "--cover", "edges", "--bound", "cores=2"])
    assert r.exit_code == 2 and "unknown bound 'cores'" in r.output


# -- the planner ------------------------------------------------------------------------

def test_the_plan_covers_every_plannable_edge(default_set):
    es = default_set
    p = plan(es)
    assert p.covered >= es.deterministic
    # what is not planned is only a race's other outcome: the engine chooses those
    assert p.unplanned <= es.nondeterministic and len(p.unplanned) == 8
    assert p.steps >= lower_bound(es) >= len(es.deterministic)
    assert all(len(s) <= 80 for s in p.sequences)
    # a race ends its session: the engine may be anywhere the race allows
    assert all(s.edge not in es.nondeterministic for seq in p.sequences for s in seq[:-1])


def test_the_plan_is_deterministic():
    a, b = plan(edge_set(DEFAULT_BOUND)), plan(edge_set(DEFAULT_BOUND))
    assert a == b and a.scripts() == b.scripts()


def test_the_plan_runs_on_the_model_as_planned(default_set):
    """Each sequence, stepped by the model from the imported base, takes exactly the planned edges."""
    es = default_set
    p = plan(es)
    seen = set()
    for seq in p.sequences:
        w = base_state()
        for s in seq:
            command = es.moves[s.move].command
            r = step(w, command)
            e = edge(w, command, r)
            assert e == s.edge, (s.line, e, s.edge)
            seen.add(e)
            w = r.world
    assert seen >= es.deterministic


def test_a_small_plan_is_within_half_again_of_the_lower_bound():
    es = edge_set(SMALL)
    p = plan(es)
    assert p.covered == es.edges
    assert lower_bound(es) == len(es.edges) <= p.steps <= 1.5 * len(es.edges)


def test_replanning_from_a_state_under_way_continues_it(default_set):
    es = default_set
    first = plan(es)
    step1 = first.sequences[0][0]
    rest = plan(es, es.edges - {step1.edge}, current=step1.v)
    assert rest.continues and rest.sequences[0][0].u == step1.v
    assert step1.edge not in {s.edge for seq in rest.sequences for s in seq} or step1.edge in rest.covered


# -- reports ----------------------------------------------------------------------------

def test_coverage_counts_and_text():
    es = edge_set(SMALL)
    cov = EdgeCoverage(es)
    w = base_state()
    c = cmd.Rm(("ctr1",), force=True)
    cov.record(w, c, step(w, c))
    cov.record(w, cmd.Ps(), step(w, cmd.Ps()))  # outside the bound: counted, not in the set
    s = cov.summary()
    assert (s["total"], s["exercised"], s["unreachable"], s["nondeterministic"]) == (len(es.edges), 1, len(es.edges) - 1, 0)
    assert text(s).startswith(f"edges: 1/{len(es.edges)} exercised")


def test_warnings_name_refusable_commands_not_both_accepted_and_refused():
    out = refusable_warnings({"kill": {"status": "never succeeded"}, "rm": {"status": "ok"},
                              "ps": {"status": "exempt: cannot be refused"}, "save": {"status": "never run"}})
    assert out == ["warning: kill never succeeded: kill was not both accepted and refused on the engine",
                   "warning: save never run: save was not both accepted and refused on the engine"]


def test_progress_is_plain_lines_off_a_terminal(tmp_path):
    path = tmp_path / "log"
    with open(path, "w") as f:
        p = Progress(10, stream=f, every=5)
        for n in range(11):
            p.update(n)
        p.close()
    assert path.read_text().splitlines() == ["edges 0/10", "edges 5/10", "edges 10/10"]


# -- on the engine ----------------------------------------------------------------------

@pytest.mark.engine
def test_the_cover_exercises_every_reachable_edge_on_docker_20_10(named_engine, tmp_path):
    """`conform --cover edges --private docker-20.10` at the default bound: every deterministic edge
    confirmed on the engine, conforms (its cost is bench/cover_speed's, not a timed test's)."""
    from dockspec.conform import conform

    named_engine("docker-20.10")
    report = tmp_path / "cover.json"
    r = CliRunner().invoke(conform, ["--cover", "edges", "--private", "docker-20.10", "--examples", "0", "--json",
                                     "--report", str(report), "--junit", str(tmp_path / "cover.xml")])
    out = json.loads(r.stdout.strip().splitlines()[-1])
    if out["verdict"] != "conforms":  # the whole report: pytest would cut an assertion's message short
        pytest.fail(json.dumps(out.get("divergence") or out.get("error"), indent=1), pytrace=False)
    e = out["edges"]
    assert (e["total"], e["nondeterministic"]) == (280, 14)
    assert e["unreachable"] == 0 and e["deterministic_percent"] == 100.0
    assert e["exercised"] == e["total"] - e["nondeterministic"] + e["nondeterministic_exercised"]
    assert 'name="edges.exercised"' in (tmp_path / "cover.xml").read_text()
    assert sum(1 for row in json.loads(report.read_text())["all_edges"] if row["count"]) == e["exercised"]


@pytest.mark.engine
def test_a_random_run_reports_its_edges(engine):
    from dockspec.conform import run_conformance

    cov = EdgeCoverage(edge_set(DEFAULT_BOUND))
    failure, machine, _ = run_conformance(engine, 4, seed=5, steps=12, edges=cov)
    assert failure is None, str(failure)
    s = cov.summary()
    assert s["total"] == 280 and 0 < s["exercised"] < s["total"], (s, cov.seen)
    assert cov.steps == machine.steps
