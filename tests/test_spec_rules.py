"""The step rules of `spec.rules`: each holds on real steps, each can fail, and the known model deviations."""
from __future__ import annotations

from dataclasses import replace

import pytest

from model import commands as cmd
from model import fs
from model.engine import step
from model.errors import ErrorKind as K
from model.result import Result, outcomes
from model.values import Status
from spec import rules
from spec.fixtures import BASE_REF, base_world
from spec.workloads import TRAP


def _world(*commands):
    w = base_world()
    for c in commands:
        r = step(w, c)
        assert r.error is None, r.stderr
        w = r.world
    return w


def _run(name, argv, detach=True):
    return cmd.Run(cmd.Create(BASE_REF, argv, name=name, network="none"), detach=detach)


def test_every_rule_has_a_one_line_docstring():
    for r in rules.STEP_RULES:
        assert r.__doc__ and "\n" not in r.__doc__.strip(), r.__name__


@pytest.mark.parametrize("command", [
    cmd.Rm(("c1",)), cmd.Rm(("c1",), force=True), cmd.Pause(("c1",)), cmd.Unpause(("c1",)), cmd.Stop(("c1",), 0),
    cmd.Kill(("c1",)), cmd.Exec("c1", ("touch", "/tmp/f1")), cmd.Commit("c1", "img1"), cmd.Rmi((BASE_REF,)),
    cmd.Rmi((BASE_REF,), force=True), cmd.Wait(("c1",)), cmd.Restart(("c1",), 0), cmd.Start(("nosuch",)),
], ids=repr)
def test_rules_hold_on_real_steps(command):
    before = _world(_run("c1", ("sh", "-c", TRAP)))
    assert rules.broken_rules(before, command, step(before, command)) == []


def test_rmi_outcomes_follow_the_engine():
    w = _world(_run("c1", ("sleep", "1000")), cmd.Commit("c1", "img1"), cmd.Tag("img1", "other:1"))
    base_id = w.tags[BASE_REF][7:19]
    assert rules.rmi_outcome(w, BASE_REF, False) is K.IMAGE_IN_USE  # last tag, a container uses it
    assert rules.rmi_outcome(w, BASE_REF, True) is None  # -f: untag only, the rest is quietly kept
    assert rules.rmi_outcome(w, base_id, True) is K.IMAGE_HAS_CHILDREN  # cannot be forced
    assert rules.rmi_outcome(w, "img1", False) is None  # another tag remains
    img1 = w.tags["img1:latest"][7:19]
    assert rules.rmi_outcome(w, img1, False) is K.IMAGE_MULTIPLE_REPOS
    assert rules.rmi_outcome(w, "nosuch", False) is K.NO_SUCH_IMAGE


def _broken(result: Result, **changes) -> Result:
    return replace(result, **changes)


def test_each_rule_can_fail():
    before = _world(_run("c1", ("sleep", "1000")), _run("c2", ("touch", "/tmp/f1"), detach=False))
    running_rm = step(before, cmd.Rm(("c1",)))
    gone = before.drop_container(before.container_by_name("c1").id)
    other_layer = next(iter(before.layers))
    changed = replace(before, layers=before.layers.set(other_layer, replace(before.layers[other_layer], parent="x")))
    commit = step(before, cmd.Commit("c2", "img1"))
    img = commit.world.images[commit.stdout.strip()]
    cases = {
        rules.refused_exactly_as_the_engine_refuses: (cmd.Rm(("c1",)), _broken(running_rm, world=gone, error=None, exit=0)),
        rules.refusal_changes_nothing: (cmd.Rm(("c1",)), _broken(running_rm, world=gone)),
        rules.read_only_commands_change_nothing: (cmd.Ps(), Result(gone)),
        rules.read_only_layers_never_change: (cmd.Ps(), Result(changed)),
        rules.layers_go_only_with_rmi: (cmd.Rm(("c2",)), Result(replace(before, layers=before.layers.delete(other_layer)))),
        rules.lifecycle_follows_the_workload: (cmd.Stop(("c1",), 0), Result(before)),
        rules.workload_effects_are_visible: (cmd.Exec("c1", ("rm", "-rf", "/etc")), Result(before)),
        rules.commit_adds_one_history_row: (cmd.Commit("c2", "img1"), _broken(commit, world=commit.world.put_image(
            replace(img, history=img.history[:-1])))),
        rules.commit_shows_the_container_view: (cmd.Commit("c2", "img1"), _broken(commit, world=commit.world.put_image(
            replace(img, layers=img.layers[:-1])))),
        rules.rmi_by_id_deletes_the_image: (cmd.Rmi((img.short_id,), force=True), Result(commit.world)),
        # a race offered where there is none
        rules.races_only_on_auto_removal: (cmd.Stop(("c1", "c1"), 0), _broken(running_rm, alternatives=(running_rm,))),
        # a rename that also stopped the container
        rules.rename_changes_only_the_name: (cmd.Rename("c1", "c9"), Result(before.put_container(replace(
            before.container_by_name("c1"), name="c9", status=Status.EXITED)))),
        rules.prune_removes_only_what_nothing_uses: (cmd.ContainerPrune(force=False), Result(gone)),
        rules.init_leaves_its_mount_point: (cmd.Start(("c1",)), Result(before.put_container(replace(
            before.container_by_name("c1"), init=True)))),
        # c2 (exited) kept although rm found it
        rules.rm_of_several_names: (cmd.Rm(("c2", "nosuch")), Result(before)),
        # /tmp listed as changed, nothing below it listed, its mode the same
        rules.diff_lists_a_directory_for_a_reason: (cmd.Diff("c2"), Result(before, "C /tmp\n")),
        # c2's empty /tmp/f1 (mode 644) copied out with another mode
        rules.cp_out_copies_what_the_container_holds: (cmd.Cp("c2", "/tmp/f1", "out", into=False),
                                                       Result(before, files={"out": fs.file(b"", 0o600)})),
    }
    assert set(cases) == set(rules.STEP_RULES)
    for rule, (command, result) in cases.items():
        b = commit.world if rule in (rules.rmi_by_id_deletes_the_image,) else before
        assert not rule(b, command, result), rule.__name__


def test_a_race_the_engine_has_must_be_offered():
    """`stop -t 0 X X` of a running `--rm` container: the engine may still find X the second time."""
    before = _world(cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="c1", network="none", auto_remove=True), True))
    command = cmd.Stop(("c1", "c1"), 0)
    r = step(before, command)
    assert rules.races_only_on_auto_removal(before, command, r)
    assert [(o.exit, o.stdout) for o in outcomes(r)] == [(1, "c1\n"), (0, "c1\nc1\n")]
    assert not rules.races_only_on_auto_removal(before, command, replace(r, alternatives=()))
    assert not rules.races_only_on_auto_removal(before, command, replace(r, alternatives=(replace(r, world=before),)))


def test_kill_of_a_lingering_container_never_goes_back_in_time():
    """Once a later target finds the container removed (or exited), no later one finds it running."""
    before = _world(cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="c1", network="none", auto_remove=True), True))
    r = step(before, cmd.Kill(("c1", "c1", "c1")))
    seen = sorted((o.stdout.count("c1"), o.stderr.count("No such"), o.stderr.count("not running")) for o in outcomes(r))
    # printed, then (found running | exited | gone) for each later target, never gone before exited before running
    assert seen == [(1, 0, 2), (1, 1, 1), (1, 2, 0), (2, 0, 1), (2, 1, 0), (3, 0, 0)]


def test_start_of_an_ended_auto_remove_container_named_twice_races():
    """`start X X` of a one-shot `--rm` container (Docker 26.1, replays/24-auto-remove-race.sh): the later
    target finds it gone (documented), exited and marked for removal, or still running (its name again)."""
    before = _world(cmd.Create(BASE_REF, ("false",), name="c1", network="none", auto_remove=True))
    command = cmd.Start(("c1", "c1"))
    r = step(before, command)
    assert rules.races_only_on_auto_removal(before, command, r)
    assert [(o.exit, o.stdout, o.error.kind if o.error else None) for o in outcomes(r)] == [
        (1, "c1\n", K.NO_SUCH_CONTAINER), (1, "c1\n", K.REMOVAL_IN_PROGRESS), (0, "c1\nc1\n", None)]
    assert all(o.stderr.endswith("Error: failed to start containers: c1\n") for o in outcomes(r)[:2])
    assert all("c1" not in {c.name for c in o.world.containers.values()} for o in outcomes(r))


def test_rmi_by_id_of_an_image_with_two_tags_of_one_repository_is_refused():
    """Docker 20.10: `tag base:1 base:2; rmi <id>` -> conflict, image is referenced in multiple repositories.

    Found by this suite (once a known deviation, `isSingleReference` in image_delete.go), fixed in the model.
    """
    w = _world(cmd.Tag(BASE_REF, "base:2"))
    command = cmd.Rmi((w.tags[BASE_REF][7:19],))
    r = step(w, command)
    assert r.error is not None and r.error.kind is K.IMAGE_MULTIPLE_REPOS
    assert r.world == w
    assert rules.expected_outcomes(w, command) == {K.IMAGE_MULTIPLE_REPOS}


def test_restart_of_a_running_auto_remove_container_may_lose_it():
    """Seen under load on Docker 20.10: "container is marked for removal and cannot be started"."""
    before = _world(cmd.Run(cmd.Create(BASE_REF, ("sleep", "1000"), name="c1", network="none", auto_remove=True), True))
    command = cmd.Restart(("c1",), 0)
    r = step(before, command)
    kept, lost = outcomes(r)
    assert kept.error is None and kept.world.container_by_name("c1") is not None
    assert lost.error.kind is K.REMOVAL_IN_PROGRESS and not lost.world.containers
    assert rules.races_only_on_auto_removal(before, command, r)
    assert not rules.races_only_on_auto_removal(before, command, replace(r, alternatives=()))


def test_restart_twice_of_a_created_auto_remove_container_races_the_second_time():
    """`restart -t 0 X X` of a created `--rm` container: the first restart starts it, the second
    races its removal as a restart of a running one does (found by `dockspec check --dialect
    docker-28.5-containerd`: the rule read the status before the command only)."""
    before = _world(cmd.Create(BASE_REF, ("sleep", "1000"), name="c1", network="none", auto_remove=True))
    command = cmd.Restart(("c1", "c1"), 0)
    r = step(before, command)
    assert len(outcomes(r)) == 2
    assert rules.races_only_on_auto_removal(before, command, r)
    assert not rules.races_only_on_auto_removal(before, command, replace(r, alternatives=()))


def test_wait_prints_the_exit_code_a_failed_restart_left():
    """Docker 20.10: a restart whose command is missing leaves a created container with exit code 127; `wait` prints 127."""
    saved = step(_world(), cmd.Save((BASE_REF,), output="s.tar"))
    flat = step(saved.world, cmd.Import(saved.files["s.tar"], "img1:latest")).world  # a save archive has no /bin
    created = step(flat, cmd.Create("img1:latest", ("sleep", "1000"), name="c1", network="none")).world
    restarted = step(created, cmd.Restart(("c1",), 0))
    assert restarted.error is not None and restarted.error.kind is K.EXEC_NOT_FOUND
    waited = step(restarted.world, cmd.Wait(("c1",)))
    assert waited.stdout == "127\n"
    assert rules.broken_rules(restarted.world, cmd.Wait(("c1",)), waited) == []


def test_a_podman_container_of_an_image_with_the_mount_points_lists_no_etc():
    """Found by `dockspec check --dialect podman-4.3`: a started container of an image committed from a
    started one shows nothing in `diff` (its image has /etc/hostname, /etc/hosts, /etc/mtab; seen on
    podman-4.3, replays/41-podman-mount-points.sh:7); one of the imported base still lists /etc."""
    from model.dialects import get
    p = get("podman-4.3")
    w = base_world()
    for c in (_run("c1", ("sleep", "1000")), cmd.Commit("c1", "img1"),
              cmd.Run(cmd.Create("img1", ("sleep", "1000"), name="c2", network="none"), detach=True)):
        w = step(w, c, p).world
    for name, shown in (("c2", ""), ("c1", "C /etc\n")):
        r = step(w, cmd.Diff(name), p)
        assert r.stdout == shown
        assert rules.diff_lists_a_directory_for_a_reason(w, cmd.Diff(name), r, profile=p)
    # c1's image (base) lacks the mount points: a diff without /etc breaks the rule
    assert not rules.diff_lists_a_directory_for_a_reason(w, cmd.Diff("c1"), Result(w, ""), profile=p)
