"""`docker cp` in lockstep: the adapter's cp (dockspec/cp.py over the archive endpoints) against the model,
step by step, on the cases replays/33-cp.sh knows; the host folder compared after every copy out."""
from __future__ import annotations

import os

import pytest
from frozendict import frozendict

from model import commands as cmd
from model import fs
from spec import host as host_mod

from dockspec import cp as cp_mod

# (in or out, container path, host path, the kind the step must end with: None for success)
NARRATIVE = (
    # created: lands in the layer, /etc/hostname too (no mounts yet)
    ("in", "/tmp/f", "hello.txt", None),
    ("in", "/etc/hostname", "hello.txt", None),
    ("start",),
    # started: the mounted files are busy; folders, a folder twice, a folder's content
    ("in", "/etc/hosts", "hello.txt", "busy"),
    ("in", "/tmp/", "hello.txt", None),
    ("in", "/tmp/d", "dir", None),
    ("in", "/tmp/d", "dir", None),
    ("in", "/tmp", "dir/.", None),
    # links in the container path are followed inside the container; DEST a link: followed once, even dangling
    ("exec", "ln -s /tmp /t; ln -s /tmp/tf /tl"),
    ("in", "/t/", "hello.txt", None),
    ("in", "/t/via", "hello.txt", None),
    ("in", "/tl", "hello.txt", None),
    ("out", "/tl", "tl.out", None),  # a link copied out as a link (its target is the container's /tmp/tf)
    ("out", "/t/via", "via.out", None),
    ("pause",),
    ("in", "/tmp/paused", "hello.txt", None),
    ("out", "/tmp/paused", "paused.out", None),
    ("out", "/tmp/d", "d.out", None),
    ("out", "/tmp/d/.", "dir", None),
    ("out", "/tmp/f", "hello.txt", None),
    ("out", "/tmp/", "out", None),
    ("in", "/root/dback", "d.out", None),
    ("stop",),
    ("in", "/tmp/exited", "hello.txt", None),
    ("in", "/etc/resolv.conf", "hello.txt", "busy"),  # started once: still mounted
    # refusals: the CLI's and the daemon's
    ("in", "/nodir/x", "hello.txt", "no_such_path"),
    ("in", "/nodir/", "hello.txt", "no_such_file"),
    ("in", "/tmp/f/", "hello.txt", "no_such_file"),  # /tmp/f is a file: stat of "/tmp/f/" fails, "no such directory"
    ("in", "/tmp/f", "dir", "file_conflict"),
    ("in", "/tmp/f/x", "hello.txt", "no_such_file"),
    ("in", "/tmp/y", "hello.txt/", "no_such_file"),
    ("in", "/tmp/y", "nope.txt", "no_such_file"),
    ("out", "/nope", "nope.out", "no_such_path"),
    ("out", "/etc/passwd/", "x.out", "no_such_file"),
    ("out", "/tmp/f", "nodir/x", "no_such_file"),
    ("out", "/tmp", "hello.txt", "file_conflict"),
    ("out", "/tmp/f", "o7/", "no_such_file"),
)


def _machine(url, profile=None):
    from dockspec.conform import make_machine

    return make_machine(url, profile=profile)()


def _run(m) -> list[str]:
    """Play NARRATIVE on the lockstep machine `m` (each step compared with the engine); the kinds seen."""
    from spec.fixtures import import_base

    m.execute(import_base())
    assert m._new_container() == "ctr1"  # a name the machine typed
    m.execute(cmd.Create("base:1", ("sleep", "1000"), name="ctr1", network="none"))
    seen = []
    for step in NARRATIVE:
        if step[0] == "start":
            m.execute(cmd.Start(("ctr1",)))
            continue
        if step[0] == "exec":
            m.execute(cmd.Exec("ctr1", ("sh", "-c", step[1])))
            continue
        if step[0] == "pause":
            m.execute(cmd.Pause(("ctr1",)))
            continue
        if step[0] == "stop":
            m.execute(cmd.Unpause(("ctr1",)))
            m.execute(cmd.Stop(("ctr1",), timeout=0))
            continue
        way, path, host_path, _ = step
        result = m.execute(cmd.Cp("ctr1", path, host_path, into=way == "in", host=host_mod.entries(m.host, host_path),
                                  host_parent=host_mod.parent_exists(m.host, host_path)))
        seen.append(result.error.kind.value if result.error else None)
    return seen


def _expected(profile) -> list[str | None]:
    """NARRATIVE's kinds in the dialect: a missing container path is "no such container" to the 20.10 client."""
    path_kind = profile.messages["cp_no_such_path"][0].value
    return [path_kind if s[3] == "no_such_path" else s[3] for s in NARRATIVE if s[0] in ("in", "out")]


@pytest.mark.engine
def test_cp_narrative_in_lockstep(engine):
    from model.profile import DOCKER_20_10

    m = _machine(engine)
    try:
        assert _run(m) == _expected(DOCKER_20_10)
        # what the copies out wrote is on the disk as the model says (compared after each copy out too)
        assert (fs.Kind.DIR, b"hello\n") == (m.host["d.out"].kind, m.host["paused.out"].data)
        assert m.host["tl.out"] == fs.symlink("/tmp/tf") and os.readlink(os.path.join(m.adapter.host_dir, "tl.out")) == "/tmp/tf"
        from dockspec import host_folder

        assert host_folder.compare(m.host, m.adapter.host_dir) == ({}, {})
    finally:
        folder = m.adapter.host_dir
        m.teardown()
    assert not os.path.exists(folder)


MODERN = [n for n in os.environ.get("DOCKSPEC_TEST_ENGINES", "docker-28.5-containerd").split()
          if n.startswith("docker-") and n != "docker-20.10"]


@pytest.mark.engine
@pytest.mark.parametrize("name", MODERN)  # `name`: the test joins its engine's xdist group (tests/conftest.py)
def test_cp_narrative_on_a_modern_engine(named_engine, name):
    from dockspec import engines
    from dockspec.dialects import dialect_for

    profile = dialect_for(None, engines.get(name))
    m = _machine(named_engine(name), profile)
    try:
        assert _run(m) == _expected(profile)
    finally:
        m.teardown()


def test_host_folder_round_trip(tmp_path):
    """The host folder is made with the entries' modes exactly and read back as the same entries."""
    from dockspec import host_folder

    top = host_folder.make(host_mod.HOST_FILES)
    try:
        assert host_folder.read(top) == dict(host_mod.HOST_FILES)
        assert host_folder.compare(host_mod.HOST_FILES, top) == ({}, {})
        changed = host_mod.written(host_mod.HOST_FILES, {"dir/a": fs.file(b"x", 0o644)})
        assert host_folder.compare(changed, top)[0] == {"dir/a": {"kind": "file", "mode": "0o644", "data": "x"}}
    finally:
        host_folder.remove(top)
    assert not os.path.exists(top)


def test_host_entries_as_the_cli_reads_them():
    host = host_mod.HOST_FILES
    assert host_mod.entries(host, "hello.txt") == frozendict({"": host["hello.txt"]})
    assert host_mod.entries(host, "hello.txt/") == frozendict()  # lstat FILE/: not a directory
    assert set(host_mod.entries(host, "dir/.")) == {"", "a", "sub", "sub/b"}
    assert host_mod.parent_exists(host, "out1") and not host_mod.parent_exists(host, "nodir/x")
    linked = host_mod.written(host, {"l": fs.symlink("/etc")})
    assert host_mod.under_a_link(linked, "l/x") and not host_mod.under_a_link(linked, "dir/a")


def test_cli_paths():
    assert cp_mod.split_dir_entry("/tmp/d/.") == ("/tmp/d", ".")
    assert cp_mod.local_path("/h", "dir/.") == "/h/dir/." and cp_mod.local_path("/h", "o7/") == "/h/o7/"
    with pytest.raises(ValueError):
        cp_mod.local_path("/h", "../etc/passwd")
    with pytest.raises(cp_mod.CliRefused) as e:
        cp_mod._placement("/h/dir", True, "/tmp/f", True, False)
    assert e.value.kind.value == "file_conflict"
    with pytest.raises(cp_mod.CliRefused) as e:
        cp_mod._placement("/h/hello.txt", False, "/nodir/", False, False)
    assert e.value.kind.value == "no_such_file"
    assert cp_mod._placement("/h/dir/.", True, "/tmp/new", False, False) == ("/tmp", "new")
    assert cp_mod._rebased("./a", ".", "new") == "new/a" and cp_mod._rebased("d/x", "d", "d.out") == "d.out/x"


OWN_DIALECT = ["docker-20.10", *[n for n in os.environ.get("DOCKSPEC_TEST_ENGINES", "").split() if n != "docker-20.10"]]


@pytest.mark.engine
@pytest.mark.parametrize("name", OWN_DIALECT)
def test_cp_onto_a_mount_point_in_lockstep(named_engine, name):
    """cp onto /etc/hosts: taken by a container never started, busy while it runs; paused or stopped, busy
    again on Docker (which mounts the file for the copy), taken into the layer on Podman (which mounts it only
    while the container runs; replays/74-cp-into-mount-points.sh, bench/soak podman-5.4 seeds 1015, 2201)."""
    from dockspec import engines
    from dockspec.dialects import dialect_for
    from spec.fixtures import import_base

    profile = dialect_for(None, engines.get(name))
    m = _machine(named_engine(name), profile)
    try:
        m.execute(import_base())
        assert m._new_container() == "ctr1"
        m.execute(cmd.Create("base:1", ("sleep", "1000"), name="ctr1", network="none"))

        def cp_in(path):
            r = m.execute(cmd.Cp("ctr1", path, "hello.txt", into=True, host=host_mod.entries(m.host, "hello.txt"),
                                 host_parent=True))
            return r.error.kind.value if r.error else None

        assert cp_in("/etc/hosts") is None
        m.execute(cmd.Start(("ctr1",)))
        assert cp_in("/etc/hostname") == "busy"
        if profile.cp_in_mounts_only_while_running:
            assert cp_in("/run/.containerenv") == "busy"  # the engine answered 500 (bench/soak podman-5.4 seed 2206)
        m.execute(cmd.Pause(("ctr1",)))
        assert cp_in("/etc/hostname") == (None if profile.cp_in_mounts_only_while_running else "busy")
        m.execute(cmd.Unpause(("ctr1",)))
        m.execute(cmd.Stop(("ctr1",), timeout=0))
        assert cp_in("/etc/hostname") == (None if profile.cp_in_mounts_only_while_running else "busy")
        assert profile.cp_in_mounts_only_while_running == name.startswith("podman-")
    finally:
        m.teardown()


@pytest.mark.engine
@pytest.mark.parametrize("name", OWN_DIALECT)
def test_cp_into_a_folder_only_an_init_layer_has_in_lockstep(named_engine, name):
    """An image without /etc (an import of a `save` archive): Docker's init layer gives its container /etc,
    so the copy lands; Podman has none, and the copy is refused (bench/soak podman-5.4 seed 2910;
    replays/80-cp-no-init-layer.sh)."""
    from dockspec import engines
    from dockspec.dialects import dialect_for
    from spec.fixtures import import_base

    profile = dialect_for(None, engines.get(name))
    m = _machine(named_engine(name), profile)
    try:
        m.execute(import_base())
        archive = m._new_archive("save")
        m.execute(cmd.Save(("base:1",), output=archive))
        img = m._new_image()
        m.execute(cmd.Import(m.files[archive], img))
        assert m._new_container() == "ctr1"
        m.execute(cmd.Create(img, ("true",), name="ctr1", network="none"))
        r = m.execute(cmd.Cp("ctr1", "/etc/passwd", "hello.txt", into=True,
                             host=host_mod.entries(m.host, "hello.txt"), host_parent=True))
        assert (r.error is not None) == name.startswith("podman-")
    finally:
        m.teardown()
