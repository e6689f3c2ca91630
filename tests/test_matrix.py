"""`dockspec matrix`: cells computed from the dialects, their scripts, the JSON, --dialects, --verify."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from click.testing import CliRunner

from dockspec.cli import main
from dockspec.explore import Bounds, base_state, state_graph
from dockspec.matrix import UnknownDialect, build, moves_for, to_markdown, verify
from dockspec.script import run_script
from model import dialects
from model.profile import DOCKER_20_10, differs

SMALL = Bounds(images=1, containers=1, files=0, depth=3)
# A dialect with one known policy difference: commit of a paused container is refused.
NO_PAUSED_COMMIT = differs(DOCKER_20_10, "no-paused-commit", summary="test", commit_paused_allowed=False)


def _simulate_last(script: str, profile, tmp_path):
    from spec.fixtures import base_tar

    (tmp_path / "base.tar").write_bytes(base_tar())
    results, _ = run_script(script, tmp_path, profile, with_state=False)
    return results[-1]


def test_a_policy_difference_is_a_differing_cell_whose_script_shows_it(tmp_path):
    m = build([DOCKER_20_10, NO_PAUSED_COMMIT], SMALL)
    cells = [c for c in m.differing if c.command == "docker commit C img1"]
    assert cells and all(c.state.startswith("C paused") for c in cells)
    cell = cells[0]
    assert cell.policies == ("commit_paused_allowed",)
    ok, refused = cell.outcomes["docker-20.10"], cell.outcomes["no-paused-commit"]
    assert (ok.result, ok.exit) == ("ok", 0) and "images +1" in ok.changed
    assert (refused.result, refused.exit, refused.changed) == ("paused", 1, ())
    # The script, simulated under each dialect, ends with the stated outcome.
    script = json.loads(json.dumps(cell.to_json()))["script"]
    assert script.startswith("docker import base.tar base:1\n") and script.rstrip().endswith("docker commit ctr1 img1")
    for profile, want in ((DOCKER_20_10, ok), (NO_PAUSED_COMMIT, refused)):
        last = _simulate_last(script, profile, tmp_path)
        assert (last.error_kind or "ok", last.exit) == (want.result, want.exit), profile.name
    # Nothing else differs between the two, and every other cell agrees.
    assert all(c.command == "docker commit C img1" for c in m.differing)
    assert all(len(c.groups) == 1 for c in m.cells if not c.differs)


def test_cells_of_one_dialect_never_differ_and_every_state_has_a_script():
    m = build(["docker-20.10"], SMALL)
    assert m.cells and not m.differing and m.unreached == 0
    assert {c.command.split()[1] for c in m.cells} >= {"run", "create", "start", "stop", "kill", "pause", "unpause",
                                                       "rm", "commit", "tag", "rmi"}
    assert all(c.script[0] == "docker import base.tar base:1" and c.variants >= 1 for c in m.cells)


def test_the_containerd_store_deletes_a_parent_with_children_only_by_id():
    # Measured by `dockspec matrix --verify` on docker-26.1-containerd and docker-28.5-containerd:
    # `rmi [-f] base:1` of a parent with a child that a container uses only untags it, as 20.10 does (with no
    # container, `rmi -f base:1` deletes it: replays/62-rmi-parent.sh:11, model/images.py).
    m = build(["docker-20.10", "docker-26.1-containerd"], SMALL)
    cells = [c for c in m.cells if c.command in ("docker rmi base:1", "docker rmi -f base:1") and "has children" in c.state]
    assert cells and not any(c.differs for c in cells)
    w = base_state()
    from dockspec.explore import _move
    from model import step

    for line in ("create --name ctr1 base:1 true", "commit ctr1 img1", "rm ctr1"):
        w = step(w, _move(line.split()).command).world
    by_id = _move(["rmi", w.tags["base:1"][7:19]]).command
    assert step(w, by_id, dialects.get("docker-20.10")).error.kind.value == "image_has_children"
    assert len(step(w, by_id, dialects.get("docker-26.1-containerd")).world.images) == len(w.images) - 1


def test_rmi_force_of_a_missing_image_exits_0_in_every_docker_dialect():
    m = build([n for n in dialects.names() if n.startswith("docker-")], Bounds(images=1, containers=1, files=0, depth=1))
    (cell,) = [c for c in m.cells if c.command == "docker rmi -f img1"]
    assert {(o.result, o.exit) for o in cell.outcomes.values()} == {("no_such_image", 0)} and not cell.differs
    assert cell.wording  # 20.10's client words it "Error: No such image", the modern ones pass the daemon's


def test_json_is_one_object_with_the_documented_schema():
    r = CliRunner().invoke(main, ["matrix", "--json", "--dialects", "docker-28.5,docker-20.10", "--depth", "2",
                                  "--containers", "1", "--files", "0"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["dialects"] == ["docker-28.5", "docker-20.10"]
    assert doc["cells"] and doc["summary"]["cells"] == len(doc["cells"])
    for cell in doc["cells"]:
        assert {"state", "command", "outcomes", "differs", "script", "verified"} <= set(cell)
        assert list(cell["outcomes"]) == doc["dialects"]
        assert all({"result", "exit", "changed"} <= set(o) for o in cell["outcomes"].values())
        assert isinstance(cell["differs"], bool) and cell["verified"] is None
        assert cell["script"].splitlines()[-1].replace(" ctr1", " C") == cell["command"]


def test_dialects_option_filters_and_orders_the_columns():
    m = build(["podman-5.4", "docker-26.1"], Bounds(images=0, containers=1, files=0, depth=1))
    assert m.dialects == ("podman-5.4", "docker-26.1")
    assert all(list(c.outcomes) == ["podman-5.4", "docker-26.1"] for c in m.cells)


@pytest.mark.parametrize("value", ["docker-99", "docker-20.10,nosuch-1"])
def test_a_bad_dialect_name_is_a_clear_error_naming_it(value):
    r = CliRunner().invoke(main, ["matrix", "--dialects", value, "--depth", "1"])
    bad = value.split(",")[-1]
    assert r.exit_code == 2 and f"unknown dialect {bad!r}" in r.output and "docker-20.10" in r.output
    with pytest.raises(UnknownDialect, match=bad):
        build([bad])


def test_markdown_lists_the_differing_cells_with_their_scripts():
    m = build([DOCKER_20_10, NO_PAUSED_COMMIT], SMALL)
    text = to_markdown(m)
    assert "## `docker commit C img1`" in text and '<a id="d1"></a>**D1**' in text
    assert text.count("| [D") == text.count("```sh") == len(m.differing) and "docker pause ctr1" in text
    # one column per dialect; the pair table counts the rows where the two differ
    assert "| # | state | 20.10 | no paused-commit |" in text
    assert f"| 20.10 | {len(m.differing)} |" in text


def test_explore_canonicalises_an_engine_with_no_image_left():
    # `rmi base:1` empties the engine: its images and layers are the same empty value.
    G = state_graph(base_state(), Bounds(images=0, containers=0, files=0, depth=2), moves_for(Bounds(0, 0, 0)),
                    invariants=())
    assert G.number_of_nodes() == 2 and G.nodes[1]["label"] == ""


@pytest.mark.engine
def test_verify_confirms_and_refutes_on_docker_20_10_and_26_1(named_engine):
    for name in ("docker-20.10", "docker-26.1"):
        named_engine(name)
    small = Bounds(images=1, containers=1, files=0, depth=2)
    m = build(["docker-20.10", "docker-26.1"], small, wording=True)
    picked = [c for c in m.differing if (c.command, c.state) in (("docker rmi -f img1", "img1 absent"),
                                                                  ("docker rm C", "C running (sleep)"))]
    assert len(picked) == 2
    counts = verify(m, cells=picked)
    assert counts == {"confirmed": 2, "refuted": 0, "not verified": 0}, [c.verified for c in picked]
    assert all(set(c.verified["engines"]) == {"docker-20.10", "docker-26.1"} for c in picked)
    # A dialect that gets rmi -f of a missing image wrong (exit 1, as the model said before the
    # matrix was verified) is refuted by the 20.10 engine, on that line and for that reason.
    wrong = replace(DOCKER_20_10, rmi_force_ignores_missing=False)
    m = build([wrong], small)
    (cell,) = [c for c in m.cells if (c.command, c.state) == ("docker rmi -f img1", "img1 absent")]
    assert verify(m, cells=[cell])["refuted"] == 1
    seen = cell.verified["engines"]["docker-20.10"]
    assert seen["line"] == "docker rmi -f img1" and seen["differs"] == ["exit"]
    assert seen["model"]["exit"] == 1 and seen["engine"]["exit"] == 0


# A fixed, CI-sized set of differing cells, one per reason Docker and Podman differ at this bound:
# each cell's script is replayed on every engine of DOCKSPEC_TEST_ENGINES in that engine's dialect.
CI_BOUNDS = Bounds(images=1, containers=1, files=0, depth=3)
CI_CELLS = (
    ("docker stop -t 0 C", "C paused (sleep)"),  # stop_refuses_paused
    ("docker rm C", "C running (sleep)"),  # exit_refused_by: rm remove_running
    ("docker rm -f C", "C absent"),  # force_ignores_missing_silently
    ("docker rmi -f base:1", "base:1 used by a running container, a container was created from base:1"),  # rmi_force_removes_containers
    ("docker run -d --network none --pull never --name C img1 true", "C absent; img1 present"),  # start_touches_etc, container_image_ref_tagged
    ("docker unpause C", "C running (sleep)"),  # exit_refused
)
TEST_ENGINES = __import__("os").environ.get("DOCKSPEC_TEST_ENGINES", "docker-20.10").split()


def _ci_cells():
    m = build(None, CI_BOUNDS)
    by_key = {(c.command, c.state): c for c in m.cells}
    missing = [k for k in CI_CELLS if k not in by_key]
    assert not missing, f"cells no longer in the matrix at {CI_BOUNDS}: {missing}"
    return m, [by_key[k] for k in CI_CELLS]


def test_the_ci_cells_differ_between_docker_and_podman():
    _, cells = _ci_cells()
    for c in cells:
        assert c.differs, c.command
        docker = {c.outcomes[d].key() for d in c.outcomes if d.startswith("docker-")}
        podman = {c.outcomes[d].key() for d in c.outcomes if d.startswith("podman-")}
        # the Docker dialects agree; every Podman dialect differs from them (4.3 and 5.4 may differ
        # from each other too: 5.4's mount points are 0644 files)
        assert len(docker) == 1 and podman and not docker & podman, (c.command, c.state)


@pytest.mark.engine
@pytest.mark.parametrize("name", TEST_ENGINES)
def test_verify_confirms_the_ci_cells_on_each_engine(named_engine, name):
    import time

    named_engine(name)
    m, cells = _ci_cells()
    t0 = time.perf_counter()
    counts = verify(m, only=[name], cells=cells)
    seconds = time.perf_counter() - t0
    refuted = {c.command + " when " + c.state: c.verified["engines"][name] for c in cells
               if c.verified["status"] != "confirmed"}
    assert not refuted, f"{name} refutes: {json.dumps(refuted, indent=1)}"
    assert counts == {"confirmed": len(cells), "refuted": 0, "not verified": 0}
    assert seconds < 60, f"{name}: {seconds:.0f} s for {len(cells)} cells"


@pytest.mark.parametrize("name", ["podman-4.3", "podman-5.4"])
def test_podman_keeps_a_containers_reference_with_its_tag(name, tmp_path):
    # replays/50-matrix-podman.sh:7 (found by `dockspec matrix --verify`): `ctr1 localhost/img1:latest`
    script = ("docker import base.tar base:1\ndocker tag base:1 img1\n"
              "docker create --network none --name ctr1 img1 true\ndocker create --network none --name ctr2 base:1 true\n"
              "docker ps -a --format '{{.Names}} {{.Image}}'\n")
    podman = _simulate_last(script, dialects.get(name), tmp_path)
    docker = _simulate_last(script, DOCKER_20_10, tmp_path)
    assert podman.stdout.splitlines() == ["ctr1 localhost/img1:latest", "ctr2 localhost/base:1"]
    assert docker.stdout.splitlines() == ["ctr2 base:1", "ctr1 img1"]


def test_with_wording_verify_compares_the_commands_stderr_ids_masked():
    from types import SimpleNamespace

    from dockspec.matrix.verify import _refuting

    cell = SimpleNamespace(compare_wording=True)
    side = lambda err: {"exit": 1, "error_kind": "not_running", "stderr": err, "state": {}}  # noqa: E731
    same = SimpleNamespace(differs=[], model=side("Container " + "a" * 64 + " is not running"),
                           engine=side("Container <id64> is not running"))
    other = SimpleNamespace(differs=[], model=side("Error response from daemon: No such container: ctr1"),
                            engine=side('Error: no container with name or ID "ctr1" found: no such container'))
    assert _refuting(same, cell, last=True) == []
    assert _refuting(other, cell, last=True) == ["stderr"]
    assert _refuting(other, cell, last=False) == [] and _refuting(other, SimpleNamespace(compare_wording=False), True) == []
