"""Exploration: the state graph, its canonical form, its projections, its exports and the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from dockspec import graphs
from dockspec.explore import (
    Bounds, Canon, Invariant, alphabet, base_state, explore, lifecycle_alphabet, load_invariants, state_graph,
)
from dockspec.script import ScriptFiles, run_lines, split_lines
from model import commands as cmd
from model.containers import LIFECYCLE
from model.engine import step


def run(world, *commands):
    for c in commands:
        r = step(world, c)
        assert r.ok, r.stderr
        world = r.world
    return world


def detached(name, *argv, image="base:1"):
    return cmd.Run(cmd.Create(image, argv, name=name), detach=True)


@pytest.fixture(scope="module")
def lifecycle_graph():
    G = state_graph(base_state(), Bounds(0, 1, 0, None), lifecycle_alphabet(), invariants=())
    return graphs.lifecycle(G, "ctr1")


def edges(L, verb):
    return {(u, v, d["outcome"]) for u, v, d in L.edges(data=True) if d["verb"] == verb}


# -- the lifecycle, derived from the model ---------------------------------------------


def test_lifecycle_has_exactly_the_five_states(lifecycle_graph):
    assert set(lifecycle_graph) == {"created", "running", "paused", "exited", "removed"}


def test_pause_succeeds_from_running_only(lifecycle_graph):
    ok = {(u, v) for u, v, out in edges(lifecycle_graph, "pause") if out == "ok"}
    assert ok == {("running", "paused")}
    refused = {(u, v, out) for u, v, out in edges(lifecycle_graph, "pause") if out != "ok"}
    assert all(u == v for u, v, _ in refused)  # every refusal is a self-loop
    assert ("paused", "paused", "already_paused") in refused
    assert ("created", "created", "not_running") in refused


def test_rm_refused_from_running_as_a_self_loop_with_its_error(lifecycle_graph):
    assert edges(lifecycle_graph, "rm") >= {("running", "running", "remove_running"),
                                            ("paused", "paused", "remove_paused"),
                                            ("exited", "removed", "ok"), ("created", "removed", "ok")}
    assert ("running", "removed", "ok") not in edges(lifecycle_graph, "rm")
    assert ("running", "removed", "ok") in edges(lifecycle_graph, "rm -f")
    label = next(d["label"] for u, v, d in lifecycle_graph.edges(data=True) if (u, v, d["verb"]) == ("running", "running", "rm"))
    assert label == "rm: remove_running"


def test_unpause_only_from_paused(lifecycle_graph):
    assert {(u, v) for u, v, out in edges(lifecycle_graph, "unpause") if out == "ok"} == {("paused", "running")}


def test_every_edge_of_the_lifecycle_table_is_reached(lifecycle_graph):
    """The table the model documents (`LIFECYCLE`) agrees with what its transitions do."""
    for (before, verb), after in LIFECYCLE.items():
        assert (before.value, after.value, "ok") in edges(lifecycle_graph, verb), (before, verb, after)


def test_a_command_on_a_missing_container_is_refused_from_removed(lifecycle_graph):
    for verb in ("start", "stop", "kill", "pause", "unpause", "rm"):
        assert edges(lifecycle_graph, verb) & {("removed", "removed", "no_such_container")}


# -- canonical form --------------------------------------------------------------------


def test_states_differing_only_by_container_names_collapse():
    w = base_state()
    a = run(w, detached("ctr1", "sleep", "1000"), detached("ctr2", "true"))
    b = run(w, detached("ctr2", "sleep", "1000"), detached("ctr1", "true"))
    canon = Canon(Bounds(containers=2))
    assert a != b
    assert canon.key(a) == canon.key(b)
    assert Canon(Bounds(containers=2), "ids").key(a) != Canon(Bounds(containers=2), "ids").key(b)


def test_ids_and_clock_are_abstracted_even_without_name_symmetry():
    w = base_state()
    a = run(w, detached("ctr1", "true"))
    b = run(w, cmd.Create("base:1", ("true",), name="ctr1"), cmd.Rm(("ctr1",)), detached("ctr1", "true"))
    assert a.clock != b.clock and set(a.containers) != set(b.containers)
    assert Canon(Bounds(), "ids").key(a) == Canon(Bounds(), "ids").key(b)
    assert Canon(Bounds(), "none").key(a) != Canon(Bounds(), "none").key(b)


def test_states_differing_only_by_tag_names_collapse():
    w = run(base_state(), detached("ctr1", "touch", "/tmp/f1"))
    a = run(w, cmd.Commit("ctr1", "img1"))
    b = run(w, cmd.Commit("ctr1", "img2"))
    assert Canon(Bounds(images=2)).key(a) == Canon(Bounds(images=2)).key(b)
    assert Canon(Bounds(images=2), "ids").key(a) != Canon(Bounds(images=2), "ids").key(b)


@pytest.mark.parametrize("a, b", [
    ((detached("ctr1", "sleep", "1000"),), (detached("ctr1", "true"),)),  # running / exited
    ((detached("ctr1", "sleep", "1000"), detached("ctr2", "true")),
     (detached("ctr1", "true"), detached("ctr2", "sleep", "1000"))),  # which came first is visible to `ps`
    ((detached("ctr1", "touch", "/tmp/f1"),), (detached("ctr1", "touch", "/tmp/f2"),)),  # files are not renamed
    ((detached("ctr1", "true"), cmd.Commit("ctr1", "img1")),
     (detached("ctr1", "true"), cmd.Commit("ctr1", "img1"), cmd.Tag("img1", "img2"))),  # one tag or two
    ((cmd.Tag("base:1", "img1"), cmd.Create("img1", ("true",), name="ctr1")),
     (cmd.Tag("base:1", "img1"), cmd.Create("base:1", ("true",), name="ctr1"))),  # the reference ps shows
])
def test_non_equivalent_states_do_not_collapse(a, b):
    canon = Canon(Bounds(images=2, containers=2, files=2))
    assert canon.key(run(base_state(), *a)) != canon.key(run(base_state(), *b))


def test_orbits_count_the_states_without_name_symmetry():
    """Each canonical state stands for `orbit` name-labelled states: their sum is the unreduced count."""
    for bounds in (Bounds(1, 2, 1, 3), Bounds(2, 2, 0, 3), Bounds(1, 3, 0, 3)):
        G = state_graph(base_state(), bounds, invariants=())
        H = state_graph(base_state(), bounds, invariants=(), symmetry="ids")
        assert sum(d for _, d in G.nodes(data="orbit")) == H.number_of_nodes()
        assert G.number_of_nodes() < H.number_of_nodes()


# -- exploration -----------------------------------------------------------------------


def test_explore_is_deterministic_with_a_fixed_number_of_states():
    # Whole spaces (no depth bound).  A model change that moves these numbers should do so on purpose.
    G = state_graph(base_state(), Bounds(0, 2, 0, None), invariants=())
    H = state_graph(base_state(), Bounds(0, 2, 0, None), invariants=())
    assert G.graph["complete"]
    # 1 empty state + 6 states of one container + 6 x 6 pairs in creation order.
    assert G.number_of_nodes() == 43
    assert list(G.edges(keys=True, data="outcome")) == list(H.edges(keys=True, data="outcome"))
    assert [d["label"] for _, d in G.nodes(data=True)] == [d["label"] for _, d in H.nodes(data=True)]
    assert state_graph(base_state(), Bounds(0, 1, 1, None), invariants=()).number_of_nodes() == 14


def test_every_state_has_an_edge_for_every_command():
    bounds = Bounds(1, 1, 1, 2)
    G = state_graph(base_state(), bounds, invariants=())
    n = len(alphabet(bounds))
    expanded = set(G) - set(G.graph["frontier"])
    pruned = G.graph["pruned"]
    assert sum(G.out_degree(u) for u in expanded) + pruned == n * len(expanded)


def test_depth_bound_and_frontier():
    G = state_graph(base_state(), Bounds(1, 2, 1, 2), invariants=())
    assert max(d for _, d in G.nodes(data="depth")) == 2
    assert not G.graph["complete"] and G.graph["frontier"]
    assert all(G.nodes[n]["depth"] == 2 for n in G.graph["frontier"])


def test_the_image_bound_prunes_further_commits():
    G = state_graph(base_state(), Bounds(1, 1, 0, None), invariants=())
    assert G.graph["complete"] and G.graph["pruned"] > 0
    assert max(len(w.images) for _, w in G.nodes(data="world")) == 2


def test_invariants_of_the_suite_hold_on_a_small_bound():
    G = state_graph(base_state(), Bounds(1, 2, 1, 3))
    assert G.graph["violation"] is None
    assert len(G.graph["invariants"]) == len(load_invariants()) > 0


def test_load_invariants_fails_loudly_when_the_suite_is_missing():
    with pytest.raises(RuntimeError, match="cannot check invariants"):
        load_invariants("spec.no_such_module")


def never_paused(world):
    """No container is ever paused (deliberately wrong)."""
    return all(c.status.value != "paused" for c in world.containers.values())


def test_a_broken_invariant_is_found_with_the_shortest_script():
    G = state_graph(base_state(), Bounds(1, 2, 1, 4), invariants=(never_paused,))
    v = G.graph["violation"]
    assert v is not None and v.failures == (("never_paused", "does not hold"),)
    assert v.lines == ("docker run -d --name ctr1 base:1 sleep 1000", "docker pause ctr1")
    script = v.script()
    assert script.splitlines()[2] == "docker import base.tar base:1"
    replayed = list(run_lines(split_lines(script), ScriptFiles(Path(".")), base_state(), with_state=False))
    assert not never_paused(replayed[-1].world)  # the script (import line aside) reaches the violation


def test_cli_exits_1_and_prints_the_script_when_an_invariant_fails(monkeypatch):
    import spec.invariants

    monkeypatch.setattr(spec.invariants, "INVARIANTS", tuple(spec.invariants.INVARIANTS) + (never_paused,))
    result = CliRunner().invoke(explore, ["--depth", "3", "--containers", "1", "--files", "0"])
    assert result.exit_code == 1, result.output
    assert "VIOLATED: never_paused" in result.output
    assert result.output.rstrip().endswith(
        "docker import base.tar base:1\ndocker run -d --name ctr1 base:1 sleep 1000\ndocker pause ctr1")


def test_invariant_adapter_accepts_predicates_and_violation_lists():
    assert Invariant("t", "", lambda w: True).check(base_state()) is None
    assert Invariant("f", "", lambda w: False).check(base_state()) == "does not hold"
    assert Invariant("l", "", lambda w: ["two tags"]).check(base_state()) == "two tags"

    def boom(w):
        assert False, "nope"

    assert Invariant("a", "", boom).check(base_state()).startswith("nope")


# -- queries and projections -----------------------------------------------------------


def test_shortest_script_to_a_committed_file():
    G = state_graph(base_state(), Bounds(1, 1, 1, 3), invariants=())

    def img1_has_f1(w):
        return "img1:latest" in w.tags and "/tmp/f1" in w.image_view(w.images[w.tags["img1:latest"]])

    assert graphs.shortest_script(G, img1_has_f1) == [
        "docker run -d --name ctr1 base:1 touch /tmp/f1", "docker commit ctr1 img1",
    ]
    assert graphs.shortest_script(G, lambda w: len(w.images) > 5) is None


def test_layer_dag_after_a_commit():
    w = run(base_state(), detached("ctr1", "touch", "/tmp/f1"), cmd.Commit("ctr1", "img1"),
            detached("ctr2", "rm", "-rf", "/tmp/f1", image="img1"))
    D = graphs.layer_dag(w)
    assert nx.is_directed_acyclic_graph(D)
    kinds = {n: d["kind"] for n, d in D.nodes(data=True)}
    assert sorted(kinds.values()) == ["container", "container", "image", "image", "layer", "layer"]
    img1 = next(n for n, d in D.nodes(data=True) if d["kind"] == "image" and d["label"] == "img1")
    base = next(n for n, d in D.nodes(data=True) if d["kind"] == "image" and d["label"] == "base:1")
    assert D.edges[img1, base]["rel"] == "parent"
    top = next(v for v in D.successors(img1) if kinds[v] == "layer")
    assert D.nodes[top]["changes"] == "C /tmp\nA /tmp/f1"
    assert D.nodes["container:ctr2"]["changes"] == "C /tmp\nD /tmp/f1"
    assert D.edges["container:ctr2", top]["rel"] == "top"


def test_dead_ends_and_summary():
    G = state_graph(base_state(), Bounds(0, 1, 0, None), lifecycle_alphabet(), invariants=())
    s = graphs.summary(G)
    assert s["dead_ends"] == 0 and s["strongly_connected_components"] == 1 and s["complete"]
    assert json.loads(json.dumps(s)) == s


# -- exports ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix, read", [
    (".graphml", nx.read_graphml),
    (".gexf", nx.read_gexf),
    (".json", lambda p: nx.node_link_graph(json.loads(Path(p).read_text()), edges="edges")),
])
def test_exports_round_trip_through_networkx_readers(tmp_path, suffix, read):
    G = state_graph(base_state(), Bounds(1, 1, 1, 2), invariants=())
    path = tmp_path / f"g{suffix}"
    graphs.write(G, path)
    H = read(path)
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    commands = sorted(d["command"] for _, _, d in G.edges(data=True))
    assert sorted(d["command"] for _, _, d in H.edges(data=True)) == commands
    assert sorted(d["outcome"] for _, _, d in H.edges(data=True)) == sorted(d["outcome"] for _, _, d in G.edges(data=True))
    node0 = H.nodes["0"]
    assert node0["label"] == "base:1" and int(node0["depth"]) == 0


def test_cli_summary_json_and_out(tmp_path):
    out = tmp_path / "g.graphml"
    result = CliRunner().invoke(explore, ["--depth", "2", "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    s = json.loads(result.output)
    assert s["states"] == 101 and s["invariants_held"] and s["out"] == str(out)
    assert nx.read_graphml(out).number_of_nodes() == 101


def test_cli_prints_the_summary():
    result = CliRunner().invoke(explore, ["--depth", "2"])
    assert result.exit_code == 0, result.output
    for word in ("states:", "edges:", "strongly connected", "dead ends:", "invariants:", "time:", "symmetry:"):
        assert word in result.output


def test_unknown_export_format_is_refused(tmp_path):
    G = state_graph(base_state(), Bounds(0, 1, 0, 1), invariants=())
    with pytest.raises(ValueError, match="unknown graph format"):
        graphs.write(G, tmp_path / "g.dot")


def test_a_race_of_the_engine_branches_into_one_edge_per_outcome():
    """`stop -t 0 ctr1 ctr1` of a running --rm container: the documented outcome and the other one."""
    from dockspec.explore import _move, base_state, state_graph

    moves = (_move(["run", "-d", "--rm", "--name", "ctr1", "base:1", "sleep", "1000"], "ctr1", ("ctr1", "base:1")),
             _move(["stop", "-t", "0", "ctr1", "ctr1"], "ctr1", ("ctr1",)))
    G = state_graph(base_state(), moves=moves, invariants=())
    racing = [(u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d["nondeterministic"]]
    assert sorted((str(k), d["outcome"]) for _, _, k, d in racing) == [("1", "no_such_container"), ("1.1", "ok")]
    (u,) = {u for u, *_ in racing}
    assert G.nodes[u]["world"].containers  # from the running container, both edges lead to the same state
    assert len({v for _, v, *_ in racing}) == 1
    assert not any(d["nondeterministic"] for *_, d in G.edges(keys=True, data=True) if d["verb"].startswith("run"))
