"""Dialects: the registry, `--dialect` on simulate, check and explore, and the spec's dialect-aware rules."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from dockspec.cli import main
from dockspec.observe import Classifier
from model import commands as cmd
from model import dialects, step
from model.errors import ErrorKind as K
from model.profile import DOCKER_20_10, BadDifference, Profile, differs
from spec import invariants, rules
from spec.fixtures import BASE_REF, base_world
from spec.policies import applies, only_where

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("docker-20.10", "docker-26.1", "docker-26.1-containerd", "docker-28.5", "docker-28.5-containerd",
         "podman-4.3", "podman-5.4")
CONTAINERD = ("docker-26.1-containerd", "docker-28.5-containerd")


# -- the registry ----------------------------------------------------------------------


def test_the_registry_names_every_dialect_once_each_base_first():
    assert dialects.names() == NAMES
    assert dialects.DEFAULT == "docker-20.10"
    assert dialects.get(dialects.DEFAULT) is DOCKER_20_10
    for name in NAMES:
        d = dialects.get(name)
        assert d.name == name and d.summary and "\n" not in d.summary
        lineage = dialects.lineage(name)
        assert lineage[0] == name and lineage[-1] == "docker-20.10"
        assert all(NAMES.index(b) < NAMES.index(name) for b in lineage[1:])


def test_an_unknown_dialect_names_the_known_ones():
    with pytest.raises(dialects.UnknownDialect) as e:
        dialects.get("docker-99")
    assert "'docker-99'" in str(e.value) and all(n in str(e.value) for n in NAMES)


def test_only_the_containerd_store_and_podman_delete_a_parent_with_children():
    for name in NAMES:
        # podman too: replays/14-rmi-children.sh:6 (docs/dialects/podman.md)
        deletes = name in CONTAINERD or name.startswith("podman-")
        assert dialects.get(name).rmi_refuses_parent_with_children is (not deletes), name


def test_docker_25_and_later_wrap_start_errors_in_failed_to_create_task():
    for name in NAMES:
        wording = dialects.get(name).error("exec_not_found_start", cmd="nosuch").message
        wrapped = "docker-26.1" in dialects.lineage(name)  # 26.1, 28.5 and their containerd-store dialects
        assert ("failed to create task for container: failed to create shim task" in wording) is wrapped, name
        assert dialects.get(name).messages["exec_not_found_start"][0] is K.EXEC_NOT_FOUND


def test_a_difference_must_name_what_the_model_has():
    with pytest.raises(BadDifference, match="no message 'exec_not_fund_start'"):
        differs(DOCKER_20_10, "typo", {"exec_not_fund_start": "x"})
    with pytest.raises(BadDifference, match="no choice named rmi_refuses_parents.*rmi_refuses_parent_with_children"):
        differs(DOCKER_20_10, "typo", rmi_refuses_parents=False)
    with pytest.raises(ValueError, match="no policy named 'rmi_refuses'"):
        only_where("rmi_refuses")


# -- every dialect's wording still classifies ------------------------------------------------


class _Sample(dict):
    def __missing__(self, field: str) -> str:
        return f"sample-{field}"


# Templates that are all field ("{detail}" after the daemon's prefix): what they say is
# the engine's own detail, classified by its words (observe's extra patterns), not by ours.
ALL_DETAIL = {"invalid_reference", "invalid_reference_cli", "bad_archive", "bad_import", "bad_dockerfile", "prune_refused"}


@pytest.mark.parametrize("name", NAMES)
def test_every_message_of_a_dialect_classifies_to_its_own_kind(name):
    profile = dialects.get(name)
    classify = Classifier(profile)
    unclassified = set()
    for key, (kind, template) in profile.messages.items():
        got = classify(template.format_map(_Sample()))
        if got is None:
            unclassified.add(key)
        else:
            assert got is kind, f"{name}: {key} reads as {got}, not {kind}"
    assert unclassified == ALL_DETAIL


# -- simulate --dialect ------------------------------------------------------------------------


def _simulate(tmp_path: Path, dialect: str, script: str = "14-rmi-children.sh") -> list[dict]:
    shutil.copy(ROOT / "replays" / script, tmp_path / script)
    shutil.copy(ROOT / "examples" / "base.tar", tmp_path / "base.tar")
    result = CliRunner().invoke(main, ["simulate", "--dialect", dialect, "--json", str(tmp_path / script)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_simulate_rmi_of_a_parent_differs_between_overlay2_and_the_containerd_store(tmp_path):
    old = _simulate(tmp_path, "docker-20.10")
    new = _simulate(tmp_path, "docker-28.5-containerd")
    assert [r["argv"][:2] for r in old] == [r["argv"][:2] for r in new]
    rmi_by_id = 4  # docker rmi {id:base:1}, once commit made child:1
    assert old[rmi_by_id]["exit"] == 1 and old[rmi_by_id]["error_kind"] == "image_has_children"
    assert new[rmi_by_id]["exit"] == 0 and new[rmi_by_id]["error_kind"] is None
    assert new[rmi_by_id]["stdout"].startswith("Untagged: base:1\nDeleted: sha256:")
    # The snapshot format is the README's, whatever the dialect: the same keys, one image fewer.
    assert old[rmi_by_id]["state"].keys() == new[rmi_by_id]["state"].keys()
    assert len(new[rmi_by_id]["state"]["images"]) == len(old[rmi_by_id]["state"]["images"]) - 1
    assert old[:rmi_by_id] == new[:rmi_by_id]


def test_simulate_speaks_the_dialects_wording(tmp_path):
    script = tmp_path / "s.sh"
    script.write_text("docker import base.tar base:1\ndocker create --network none --name c1 base:1 nosuch\ndocker start c1\n")
    shutil.copy(ROOT / "examples" / "base.tar", tmp_path / "base.tar")
    said = {}
    for name in ("docker-20.10", "docker-26.1"):
        result = CliRunner().invoke(main, ["simulate", "--dialect", name, str(script)])
        assert result.exit_code == 1
        said[name] = result.stderr
    assert "daemon: failed to create shim task" in said["docker-20.10"]
    assert "daemon: failed to create task for container: failed to create shim task" in said["docker-26.1"]


@pytest.mark.parametrize("command", ["simulate", "check", "explore"])
def test_an_unknown_dialect_is_a_usage_error_naming_the_choices(command):
    args = [command, "--dialect", "docker-99"] + (["-"] if command == "simulate" else [])
    result = CliRunner().invoke(main, args, input="docker ps\n")
    assert result.exit_code == 2
    assert "unknown dialect 'docker-99'" in result.stderr and "docker-28.5-containerd" in result.stderr


def test_dockspec_dialects_lists_one_a_line_name_first():
    result = CliRunner().invoke(main, ["dialects"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [l.split()[0] for l in lines] == list(NAMES)
    assert lines[2].split()[1] == "docker-26.1" and "containerd" in lines[2]
    as_json = [json.loads(l) for l in CliRunner().invoke(main, ["dialects", "--json"]).stdout.splitlines()]
    assert as_json[0] == {"name": "docker-20.10", "base": None, "summary": DOCKER_20_10.summary,
                          "lineage": ["docker-20.10"]}


# -- the spec in each dialect -------------------------------------------------------------------


def _parent_with_a_child():
    w = base_world()
    for c in (cmd.Run(cmd.Create(BASE_REF, ("touch", "/f"), name="k1", network="none"), detach=False),
              cmd.Commit("k1", "child:1"), cmd.Rm(("k1",))):
        r = step(w, c)
        assert r.error is None, r.stderr
        w = r.world
    return w


def test_the_rmi_rule_reads_the_dialects_policy():
    w = _parent_with_a_child()
    short = w.tags[BASE_REF][7:19]
    store = dialects.get("docker-28.5-containerd")
    assert rules.rmi_outcome(w, short, True) is K.IMAGE_HAS_CHILDREN
    assert rules.rmi_outcome(w, short, True, store) is None
    rmi = cmd.Rmi((short,), force=True)
    deleted = step(w, rmi, store)
    assert deleted.error is None and w.tags[BASE_REF] not in deleted.world.images
    # Judged by 20.10's rules the containerd store's step is wrong; by its own, right.
    assert any(r.startswith("refused_exactly_as_the_engine_refuses") for r in rules.broken_rules(w, rmi, deleted))
    assert rules.broken_rules(w, rmi, deleted, store) == []
    assert rules.broken_rules(w, rmi, step(w, rmi)) == []


def test_parents_outlive_children_only_where_rmi_refuses_them():
    store = dialects.get("docker-26.1-containerd")
    assert invariants.image_parents_exist in invariants.for_dialect(DOCKER_20_10)
    assert invariants.image_parents_exist not in invariants.for_dialect(store)
    assert not applies(invariants.image_parents_exist, store)
    w = _parent_with_a_child()
    orphaned = step(w, cmd.Rmi((w.tags[BASE_REF][7:19],)), store).world
    assert invariants.violations(orphaned) and invariants.violations(orphaned)[0].startswith("image_parents_exist")
    assert invariants.violations(orphaned, store) == []


def test_a_commit_rule_follows_the_commit_paused_policy():
    refuses = differs(DOCKER_20_10, "commit-refuses-paused", summary="a dialect made up for this test",
                      commit_paused_allowed=False)
    w = step(base_world(), cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="p1", network="none"), detach=True)).world
    w = step(w, cmd.Pause(("p1",))).world
    commit = cmd.Commit("p1", "img1:latest")
    assert rules.expected_outcomes(w, commit) == {None}
    assert rules.expected_outcomes(w, commit, refuses) == {K.PAUSED}
    assert rules.broken_rules(w, commit, step(w, commit, refuses), refuses) == []


@pytest.mark.parametrize("name", NAMES)
def test_check_passes_in_every_dialect(name):
    result = CliRunner().invoke(main, ["check", "--dialect", name, "--examples", "40", "--steps", "30",
                                       "--seed", "1", "--json"])
    summary = json.loads(result.stdout)
    assert summary["dialect"] == name
    assert summary["failure"] is None, summary["failure"]
    assert all(t["passed"] for t in summary["tests"]) and len(summary["tests"]) > 1  # the machine and the laws
    # Forty sequences may be too few for every verb to be both accepted and refused.
    assert result.exit_code == (0 if summary["passed"] else 1)
    assert summary["passed"] == (summary["coverage_missing"] == [])


def test_a_counterexample_names_its_dialect(monkeypatch):
    from model import engine, images

    def rmi_keeps_everything(world, c, p):
        result = images.rmi(world, c, p)
        return result if result.error is not None else type(result)(world, result.stdout)

    monkeypatch.setitem(engine.TRANSITIONS, cmd.Rmi, rmi_keeps_everything)
    result = CliRunner().invoke(main, ["check", "--dialect", "podman-4.3", "--examples", "200", "--steps", "20",
                                       "--seed", "0", "--no-laws", "--json"])
    failure = json.loads(result.stdout)["failure"]
    assert result.exit_code == 1 and failure is not None
    assert "# dialect podman-4.3: replay with `dockspec simulate --dialect podman-4.3 FILE`" in failure["script"]


def test_explore_checks_the_invariants_of_its_dialect():
    from dockspec.explore import Bounds, _move, base_state, invariants_for, state_graph

    start = base_state()
    for line in ("tag base:1 img1", "rmi base:1", "run --name ctr1 img1 touch /tmp/f1", "commit ctr1 img2", "rm ctr1"):
        r = step(start, _move(line.split()).command)
        assert r.error is None, r.stderr
        start = r.world
    # By id: by name the containerd store only untags a parent with children, as 20.10 does
    # (dockspec matrix --verify on docker-26.1-containerd and docker-28.5-containerd).
    moves = (_move(["rmi", "-f", start.tags["img1:latest"][7:19]]),)
    graphs = {}
    for name in ("docker-20.10", "docker-28.5-containerd"):
        profile = dialects.get(name)
        graphs[name] = state_graph(start, Bounds(0, 0, 0, None), moves, invariants=invariants_for(profile),
                                   profile=profile)
        assert graphs[name].graph["dialect"] == name and graphs[name].graph["violation"] is None
    assert graphs["docker-20.10"].number_of_nodes() == 1  # refused: image_has_children
    kept, deleted = graphs["docker-20.10"].nodes[0]["world"], graphs["docker-28.5-containerd"].nodes[1]["world"]
    assert len(kept.images) == len(start.images) and len(deleted.images) == len(start.images) - 1
    assert "image_parents_exist" in graphs["docker-20.10"].graph["invariants"]
    assert "image_parents_exist" not in graphs["docker-28.5-containerd"].graph["invariants"]


def test_explore_cli_takes_a_dialect():
    result = CliRunner().invoke(main, ["explore", "--dialect", "docker-26.1-containerd", "--images", "0",
                                       "--containers", "1", "--files", "0", "--depth", "2", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dialect"] == "docker-26.1-containerd" and summary["invariants_held"]
    assert "image_parents_exist" not in summary["invariants"]


def test_a_rule_names_a_policy_not_an_engine():
    source = "\n".join((ROOT / p).read_text() for p in ("spec/rules.py", "spec/invariants.py", "model/images.py",
                                                        "model/containers.py"))
    assert not re.search(r"profile\.name|\.name\s*==\s*['\"](docker|podman)-", source)
    assert isinstance(dialects.get("podman-4.3"), Profile)


def test_an_engine_is_compared_with_its_own_dialect_unless_told_otherwise():
    from dockspec import engines
    from dockspec.dialects import dialect_for

    assert dialect_for(None, engines.get("podman-5.4")).name == "podman-5.4"
    assert dialect_for("docker-20.10", engines.get("podman-5.4")).name == "docker-20.10"
    assert dialect_for(None, None).name == "docker-20.10"
    with pytest.raises(click.BadParameter, match="docker-20.10"):
        dialect_for("docker-1.0", None)


def test_the_containerd_store_prunes_names_and_20_10_images():
    """`image prune -a` with a container made from img1 while base:1 and img2 name the same image:
    20.10 keeps the last tag in sorted order (img2), the containerd store the name the container was
    made from (img1); replays/55-prune-names.sh shows both on the engines."""
    w = base_world()
    for c in (cmd.Tag(BASE_REF, "img1"), cmd.Tag(BASE_REF, "img2"),
              cmd.Run(cmd.Create("img1", ("sleep", "1000"), name="ctr1", network="none"), True)):
        w = step(w, c).world
    prune = cmd.ImagePrune(all=True, force=True)
    kept = {}
    for name in ("docker-20.10", "docker-28.5-containerd"):
        profile = dialects.get(name)
        r = step(w, prune, profile)
        assert r.error is None and rules.prune_removes_only_what_nothing_uses(w, prune, r, profile=profile)
        kept[name] = sorted(r.world.tags)
    assert kept == {"docker-20.10": ["img2:latest"], "docker-28.5-containerd": ["img1:latest"]}
    # the containerd store deletes the image's last name under a container made from another name
    w2 = step(w, cmd.Rmi(("img1",))).world
    r = step(w2, prune, dialects.get("docker-28.5-containerd"))
    assert not r.world.images and r.world.container_by_name("ctr1") is not None
    assert step(w2, prune).world.images == w2.images  # 20.10: in use, kept
