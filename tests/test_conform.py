"""Lockstep conformance: the suite's machine on the model and a real engine together."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from frozendict import frozendict

from dockspec.conform import Divergence, DockspecBug, EngineFault, conform, run_conformance, verdict
from dockspec.failures import name_failure

EXAMPLES = int(os.environ.get("DOCKSPEC_CONFORM_EXAMPLES", "8"))


@pytest.mark.engine
def test_lockstep_conforms(engine):
    # No --allow-known: the engine's races are modelled as sets of outcomes, not skipped.
    failure, machine, elapsed = run_conformance(engine, EXAMPLES, seed=None, steps=15)
    assert verdict(failure) == ("conforms", 0), str(failure)
    assert machine.steps > 0


# Lockstep sessions per engine of DOCKSPEC_TEST_ENGINES besides docker-20.10 (which the test above
# runs), chosen so that `.ci/run` stays within its budget (README, "Testing"): the modern daemons
# answer as fast as 20.10; a containerd-store build and commit cost about twice as much.
EXAMPLES_PER_ENGINE = {"docker-26.1": 6, "docker-28.5": 6, "docker-26.1-containerd": 4, "docker-28.5-containerd": 4,
                      "podman-4.3": 3, "podman-5.4": 3}
OTHER_ENGINES = [n for n in os.environ.get("DOCKSPEC_TEST_ENGINES", "docker-20.10").split() if n != "docker-20.10"]


@contextmanager
def lockstep(url: str, name: str):
    """A lockstep machine on the engine at `url` in the dialect of the engine `name`, torn down after."""
    from dockspec import engines
    from dockspec.conform import make_machine
    from dockspec.dialects import dialect_for

    machine = make_machine(url, profile=dialect_for(None, engines.get(name)))()
    try:
        yield machine
    finally:
        machine.teardown()


@pytest.mark.engine
@pytest.mark.parametrize("name", OTHER_ENGINES)
def test_lockstep_conforms_in_the_engines_own_dialect(named_engine, name):
    from dockspec import engines
    from dockspec.dialects import dialect_for

    profile = dialect_for(None, engines.get(name))
    # allow_known: the engine behaviour seen and not modelled (dockspec.conform.KNOWN, each shown by
    # a replay whose ledger lines CI checks), today only the containerd store's failed import
    failure, machine, _ = run_conformance(named_engine(name), EXAMPLES_PER_ENGINE.get(name, 4), seed=None,
                                          steps=15, profile=profile, allow_known=True)
    assert verdict(failure) == ("conforms", 0), f"{name} ({profile.name}): {failure}"
    assert machine.steps > 0


def test_engine_fault_is_not_a_divergence(tmp_path):
    failure, machine, _ = run_conformance(f"unix://{tmp_path}/nothing.sock", 1, seed=None, steps=2)
    assert isinstance(failure, EngineFault)
    assert verdict(failure) == ("engine_fault", 2)


def test_an_unreachable_engine_exits_2_and_says_so(tmp_path):
    r = CliRunner().invoke(conform, ["--engine", f"unix://{tmp_path}/nothing.sock", "--examples", "1"])
    assert r.exit_code == 2 and "engine unavailable" in r.output


class _Response:
    def __init__(self, status):
        self.status_code = status


class _APIError(Exception):
    def __init__(self, status, explanation):
        super().__init__(explanation)
        self.response, self.explanation = _Response(status), explanation


def test_failures_are_named_by_status_and_type():
    """5xx: the engine's fault; 4xx nobody mapped and plain Python errors: dockspec's bug."""
    internal = name_failure(_APIError(500, 'stat /x/overlay2/abc: no such file or directory'), "observing")
    assert isinstance(internal, EngineFault) and "no such file or directory" in str(internal)
    assert isinstance(name_failure(_APIError(409, "conflict"), "rm"), DockspecBug)
    bug = name_failure(KeyError("Names"), "observing")
    assert isinstance(bug, DockspecBug) and "KeyError" in bug.report() and "please report" in bug.report()
    assert isinstance(name_failure(ConnectionError("refused"), "ps"), EngineFault)
    assert verdict(bug) == ("dockspec_bug", 3)
    assert verdict(Divergence("docker ps", "state", {}, {})) == ("diverges", 1)


class _VanishingAPI:
    """/changes fails as it does while a container's removal is under way; inspect says how far it got."""

    def __init__(self, diff_status, state):
        self.diff_status, self.state, self.diffs = diff_status, state, 0

    def diff(self, cid):
        self.diffs += 1
        raise _APIError(self.diff_status, "stat /data/overlay2/abc: no such file or directory")

    def inspect_container(self, cid):
        if self.state is None:
            raise _APIError(404, "No such container")
        return {"State": {"Status": self.state}}


@pytest.mark.parametrize("status, state", [(500, "removing"), (500, None), (404, "exited"), (500, "dead")])
def test_observation_tolerates_a_container_vanishing(status, state):
    from dockspec.observe import Observer, Owner

    obs = Observer(_VanishingAPI(status, state), Owner("r"))
    assert obs._changes("c" * 64) is None


def test_a_lasting_internal_error_is_raised_after_retries():
    from dockspec.observe import Observer, Owner

    api = _VanishingAPI(500, "running")
    with pytest.raises(_APIError):
        Observer(api, Owner("r"))._changes("c" * 64)
    assert api.diffs == 4


def test_a_session_the_engines_race_made_differ_on_rerun_is_not_a_failure(monkeypatch):
    """Hypothesis runs a session's prefix again; the engine picks another allowed outcome of a race, so the
    generated session differs (FlakyStrategyDefinition).  Nothing disagreed: fresh sessions, no verdict."""
    import hypothesis.stateful
    from hypothesis.errors import FlakyStrategyDefinition

    calls = []

    def run(machine, settings):
        calls.append(settings.max_examples)
        if len(calls) == 1:
            machine.sessions += 2
            raise FlakyStrategyDefinition("Inconsistent data generation!")

    monkeypatch.setattr(hypothesis.stateful, "run_state_machine_as_test", run)
    failure, machine, _ = run_conformance("unix:///nothing.sock", 5, seed=1, steps=2)
    assert failure is None and machine.restarts == 1
    assert calls == [5, 3]  # the rest of the sessions


def test_a_divergence_hypothesis_could_not_shrink_is_reported_as_found(monkeypatch):
    import hypothesis.stateful
    from hypothesis.errors import FlakyStrategyDefinition

    def run(machine, settings):
        machine.best = Divergence("docker ps", "state", {"a": 1}, {"a": 2})
        raise FlakyStrategyDefinition("Inconsistent data generation!")

    monkeypatch.setattr(hypothesis.stateful, "run_state_machine_as_test", run)
    failure, machine, _ = run_conformance("unix:///nothing.sock", 5, seed=1, steps=2)
    assert isinstance(failure, Divergence) and failure.script == "docker ps"
    assert verdict(failure) == ("diverges", 1)


def test_every_known_divergence_names_real_dialects_and_a_replay_that_shows_it():
    from pathlib import Path

    from dockspec.conform import KNOWN
    from model import dialects

    root = Path(__file__).parent.parent
    for k in KNOWN:
        assert all(dialects.get(d) for d in k.dialects), k
        assert (root / k.replay).exists(), k.replay
        for d in k.dialects:  # the ledger lists the replay's lines for that engine: CI sees a change
            assert Path(k.replay).name in (root / "replays" / "ledger" / f"{d}.txt").read_text(), (d, k.replay)


class _SilentStream:
    """An events stream that never yields (Podman 4.3 once sent no `die` event): `close()` ends the read."""

    def __init__(self):
        import threading

        self.closed = threading.Event()

    def __iter__(self):
        return self

    def __next__(self):
        self.closed.wait(30)
        raise StopIteration

    def close(self):
        self.closed.set()


def test_a_die_event_that_never_comes_is_waited_for_a_while_only():
    import time

    from dockspec.adapter import _first_within

    stream = _SilentStream()
    t0 = time.monotonic()
    assert _first_within(stream, 0.2) is None
    assert stream.closed.is_set() and time.monotonic() - t0 < 5
    assert _first_within(iter([{"status": "die"}]), 5) == {"status": "die"}


def test_a_failure_named_where_it_was_met_keeps_its_name():
    fault = EngineFault("no die event")
    assert name_failure(fault, "run") is fault


@pytest.mark.engine
def test_a_state_divergence_lists_the_engines_events_for_the_container(engine):
    """A container paused behind the model's back: the state differs, and the note shows the engine's
    own account (its `pause` event), which tells a race the model missed from a wrong model."""
    from model import commands as cmd
    from spec import fixtures

    from dockspec.conform import make_machine

    machine = make_machine(engine)()
    try:
        machine.execute(cmd.Import(fixtures.base_tar(), "base:1"))
        machine.execute(cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1"), detach=True))
        machine.adapter.api.pause(machine.adapter.prefix + "c1")
        with pytest.raises(Divergence) as e:
            machine.execute(cmd.Ps())
        d = e.value
        assert d.aspect == "state"
        assert d.model["containers"]["c1"]["status"] == "running"
        assert d.engine["containers"]["c1"]["status"] == "paused"
        note = d.note.splitlines()
        events = note[note.index("the engine's events for c1 since the session began:"):]
        assert [line.split()[-2:] for line in events[1:]][-1] == ["pause", "c1"]  # the run's prefix stripped, as everywhere in a report
        assert any(line.split()[-2] == "start" for line in events[1:])
    finally:
        machine.teardown()


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_a_workload_that_cannot_start_is_refused_as_the_model_says(named_engine, name):
    """`run` (foreground and -d) of an image without the command's executable: Docker's `start` refuses
    it (400); Podman refuses the attach a foreground run makes first (it creates the container there:
    4.3 409, 5.4 500) and `start` (500).  Both are the model's exit 127, "executable file not found",
    and leave the container created (podman-4.3 lockstep seed 943 once met the attach's 409 unmapped)."""
    import io
    import tarfile

    from dockspec import engines
    from dockspec.adapter import Adapter
    from dockspec.dialects import dialect_for
    from dockspec.observe import Classifier
    from model import commands as cmd
    from model.engine import step
    from model.values import Status, World

    profile = dialect_for(None, engines.get(name))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo("hello.txt")
        info.size = 6
        t.addfile(info, io.BytesIO(b"hello\n"))
    a = Adapter(named_engine(name), classify=Classifier(profile))
    world = step(World(), cmd.Import(buf.getvalue(), "nosh:1"), profile).world
    try:
        assert a.apply(cmd.Import(buf.getvalue(), "nosh:1")).exit == 0
        for detach in (False, True):
            run = cmd.Run(cmd.Create("nosh:1", ("sh", "-c", "true"), name=f"n{int(detach)}"), detach=detach)
            model = step(world, run, profile)
            world = model.world
            engine = a.apply(run)
            assert (engine.exit, engine.kind) == (model.exit, model.error.kind), engine.stderr
            assert world.container_by_name(f"n{int(detach)}").status is Status.CREATED
            (row,) = a.api.containers(all=True, filters={"name": a.prefix + f"n{int(detach)}"})
            assert row["State"] == "created"
    finally:
        a.cleanup()


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_rm_of_several_names_one_missing_agrees(named_engine, name):
    """`rm ctr1 ctr2` with ctr1 missing: Docker removes ctr2; podman's CLI looks every name up first and
    removes none (replays/07-rm.sh:7), which the adapter asks the same way through the socket, where one
    DELETE a name removed ctr2 (bench/soak podman-5.4 seed 1004).  In lockstep: the machine compares."""
    from dockspec import engines
    from dockspec.conform import make_machine
    from dockspec.dialects import dialect_for
    from model import commands as cmd
    from spec import fixtures

    profile = dialect_for(None, engines.get(name))
    machine = make_machine(named_engine(name), profile=profile)()
    try:
        machine.execute(fixtures.import_base())
        assert (machine._new_container(), machine._new_container()) == ("ctr1", "ctr2")  # names the machine typed
        machine.execute(cmd.Create("base:1", ("sleep", "1000"), name="ctr2", network="none"))
        r = machine.execute(cmd.Rm(("ctr1", "ctr2", "ctr1")))
        assert (machine.world.container_by_name("ctr2") is None) == (not profile.rm_checks_all_first)
        assert r.error is not None
    finally:
        machine.teardown()


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_restart_of_a_running_rm_container_agrees_whichever_way_the_race_goes(named_engine, name):
    """`restart -t 0` of a running `--rm` container: its exit may be handled as an auto-removal (Docker:
    "marked for removal"; Podman 4.3 through the socket a 500, "saving container ... state: container has
    already been removed", which was reported as the engine's fault: bench/soak podman-4.3 seed 1031).
    Either outcome is allowed; five rounds in lockstep."""
    from dockspec import engines
    from dockspec.conform import make_machine
    from dockspec.dialects import dialect_for
    from model import commands as cmd
    from spec import fixtures

    profile = dialect_for(None, engines.get(name))
    machine = make_machine(named_engine(name), profile=profile)()
    try:
        machine.execute(fixtures.import_base())
        for _ in range(5):
            ctr = machine._new_container()
            machine.execute(cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name=ctr, network="none",
                                               auto_remove=True), detach=True))
            machine.execute(cmd.Restart((ctr,), timeout=0))
            if machine.world.container_by_name(ctr) is not None:  # restarted: gone once it stops
                machine.execute(cmd.Stop((ctr,), timeout=0))
    finally:
        machine.teardown()


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *[n for n in OTHER_ENGINES if n != "podman-4.3"]])
def test_prune_all_deletes_the_untagged_images_too(named_engine, name):
    """`image prune -a -f` and `system prune -a -f` delete an untagged image no container uses.  Podman
    5.4's socket reads `-a`'s dangling=false as "the images that are not dangling" and kept it (bench/soak
    podman-5.4 seeds 1013, 1019), where the podman CLI deletes it (replays/65-podman-prune-whole.sh:21): the
    adapter prunes the dangling ones in a second call.  (4.3's socket refuses -a: `conform.KNOWN`.)"""
    from model import commands as cmd
    from spec import fixtures

    with lockstep(named_engine(name), name) as machine:
        for prune in (cmd.ImagePrune(all=True, force=True), cmd.SystemPrune(all=True, force=True)):
            machine.execute(fixtures.import_base())
            img = machine._new_image()
            machine.execute(cmd.Import(fixtures.base_tar(), img, source="-"))
            machine.execute(cmd.Tag(img, "base:1"))  # the first import is untagged now
            assert len(machine.world.images) == 2
            machine.execute(prune)  # the machine compares the engine's images with the model's
            assert not machine.world.images


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_kill_of_a_running_rm_container_agrees(named_engine, name):
    """`kill` of a running --rm container kills and removes it.  Podman's Docker-compatible kill then waits
    for the container, looked up by name, and once answered "no such container" for one removed meanwhile
    (bench/soak podman-4.3 seed 1032); the adapter asks libpod's kill, as the podman CLI does, which
    refuses in the same words: a container not running, a missing name.  Five rounds in lockstep."""
    from model import commands as cmd
    from model.errors import ErrorKind
    from spec import fixtures

    with lockstep(named_engine(name), name) as machine:
        machine.execute(fixtures.import_base())
        for _ in range(5):
            ctr = machine._new_container()
            machine.execute(cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name=ctr, network="none",
                                               auto_remove=True), detach=True))
            assert machine.execute(cmd.Kill((ctr,))).error is None
            assert machine.world.container_by_name(ctr) is None
        ctr = machine._new_container()
        machine.execute(cmd.Create("base:1", ("sleep", "1000"), name=ctr, network="none"))
        assert machine.execute(cmd.Kill((ctr,))).error.kind is ErrorKind.NOT_RUNNING
        assert machine.execute(cmd.Kill(("nosuch",))).error.kind is ErrorKind.NO_SUCH_CONTAINER


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_a_failed_build_leaves_nothing_holding_its_image(named_engine, name):
    """A build whose RUN cannot start (no /bin/sh in the FROM image) fails; then rmi and prune delete the
    image.  Through Podman's Docker-compatible socket, with forcerm=0, buildah kept the step's working
    container ("storage", listed only with `external`), which held the image (bench/soak podman-5.4 seed
    2003): the adapter asks as `podman build` does, --force-rm, and no external container is left."""
    from model import commands as cmd
    from spec import fixtures

    with lockstep(named_engine(name), name) as machine:
        machine.execute(fixtures.import_base())
        archive = machine._new_archive("save")
        machine.execute(cmd.Save(("base:1",), output=archive))
        nosh = machine._new_image()
        machine.execute(cmd.Import(machine.files[archive], nosh))
        text = f"FROM {nosh}\nRUN true\n"
        built = machine.execute(cmd.Build(text, context=frozendict({"Dockerfile": text.encode()}),
                                          tags=(machine._new_image(),), network="none"))
        assert built.error is not None
        api = machine.adapter.api
        if machine.adapter.podman:
            listed = api._result(api._get(f"{api.base_url}/v4.0.0/libpod/containers/json",
                                          params={"all": "true", "external": "true"}), True)
            assert not [c["Names"] for c in listed if c["Names"][0].startswith(machine.adapter.prefix)]
        removed = machine.execute(cmd.Rmi((nosh,)))  # the machine compares; Docker's legacy step container holds it
        assert (removed.error is None) == machine.adapter.podman
        if machine.adapter.podman:
            machine.execute(cmd.Rmi(("base:1",)))
            assert not machine.world.images


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_an_export_imported_is_an_image_of_its_own(named_engine, name):
    """export of a container never started, imported: on Podman the archive holds what base.tar holds (no
    init layer), yet the engine's exporter writes its own bytes, so the import is a layer and image of its
    own, and a start of it writes the mount points (bench/soak podman-5.4 seed 2505, podman-4.3 seed 2307;
    replays/75-export-never-started.sh).  In lockstep: the machine compares history and diff."""
    from model import commands as cmd
    from spec import fixtures

    with lockstep(named_engine(name), name) as machine:
        machine.execute(fixtures.import_base())
        ctr = machine._new_container()
        machine.execute(cmd.Create("base:1", ("sleep", "1000"), name=ctr, network="none"))
        archive = machine._new_archive("export")
        machine.execute(cmd.Export(ctr, output=archive))
        img = machine._new_image()
        machine.execute(cmd.Import(machine.files[archive], img))
        assert len(machine.world.images) == 2
        run = machine._new_container()
        machine.execute(cmd.Run(cmd.Create(img, ("sleep", "1000"), name=run, network="none"), detach=True))
        machine.execute(cmd.Stop((run,), timeout=0))


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_an_outcome_that_differs_in_state_alone_is_chosen_by_the_engines_state(named_engine, name):
    """Two started containers committed one after the other: on Podman their layers hold the same mount
    points, and the engine shares one layer when both tars were made in the same second (the model offers
    both: `images.commit`).  Both outcomes succeed, so the engine's state picks the one (bench/soak
    podman-5.4 seed 1014: the first was compared, and called a divergence)."""
    from dockspec import engines
    from dockspec.conform import make_machine
    from dockspec.dialects import dialect_for
    from model import commands as cmd
    from spec import fixtures

    profile = dialect_for(None, engines.get(name))
    machine = make_machine(named_engine(name), profile=profile)()
    try:
        machine.execute(fixtures.import_base())
        for _ in range(3):
            pair = []
            for _ in range(2):
                ctr = machine._new_container()
                machine.execute(cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name=ctr, network="none"), detach=True))
                pair.append(ctr)
            for ctr in pair:
                machine.execute(cmd.Commit(ctr, machine._new_image()))
            machine.execute(cmd.Stop(tuple(pair), timeout=0))  # Podman's rm -f waits out a 10 s stop
            machine.execute(cmd.Rm(tuple(pair)))
    finally:
        machine.teardown()


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_a_foreground_rm_run_whose_die_event_never_comes_keeps_its_exit_status(named_engine, name, monkeypatch):
    """Podman 4.3 now and then sends no `die` event for a foreground `--rm` container, which is then gone
    with its exit status (the CI lockstep run on podman-4.3 under load: an engine fault).  The `next-exit`
    wait asked before the start stands in for it: here the events never come, on every engine."""
    import dockspec.adapter as adapter_mod
    from dockspec.adapter import Adapter
    from model import commands as cmd

    monkeypatch.setattr(adapter_mod, "DIE_EVENT_WAIT", 1)
    a = Adapter(named_engine(name))
    real_events = a.api.events
    monkeypatch.setattr(a.api, "events", lambda **kw: _SilentStream() if kw.get("filters", {}).get("event") == "die"
                        else real_events(**kw))
    try:
        a.apply(cmd.Import(_real_base_tar(), "base:1"))
        out = a.apply(cmd.Run(cmd.Create("base:1", ("sh", "-c", "echo hi; exit 3"), name="r1", auto_remove=True)))
        assert (out.exit, out.stdout) == (3, "hi\n"), out.stderr
    finally:
        a.cleanup()


def _real_base_tar() -> bytes:
    from dockspec.conform import _real_base

    return _real_base()


@pytest.mark.engine
@pytest.mark.parametrize("name", ["docker-20.10", *OTHER_ENGINES])
def test_a_run_steps_layer_holds_the_builders_mount_points(named_engine, name):
    """buildah's RUN step writes /etc/hostname (empty) and /run in the step's layer (`podman save` of `RUN
    true`): a container of the image never started has them, and `cp` out gives the file (the machine
    compares the host folder).  Two builds of `RUN true` on one image (by two names: no cache) share that
    layer only when both were made in the same second; the model offers both (bench/soak podman-5.4 seed
    3108), and the engine's state chooses."""
    from model import commands as cmd
    from spec import fixtures
    from spec import host as host_mod

    with lockstep(named_engine(name), name) as machine:
        machine.execute(fixtures.import_base())
        other = machine._new_image()
        machine.execute(cmd.Tag("base:1", other))
        built = []
        for base in ("base:1", other):
            text = f"FROM {base}\nRUN true\n"
            built.append(machine._new_image())
            r = machine.execute(cmd.Build(text, context=frozendict({"Dockerfile": text.encode()}),
                                          tags=(built[-1],), network="none"))
            assert r.error is None
        ctr = machine._new_container()
        machine.execute(cmd.Create(built[1], ("sleep", "1000"), name=ctr, network="none"))
        r = machine.execute(cmd.Cp(ctr, "/etc/hostname", "out", into=False, host=host_mod.entries(machine.host, "out"),
                                   host_parent=host_mod.parent_exists(machine.host, "out")))
        assert r.error is None
