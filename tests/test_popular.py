"""The popular explanation's own examples, as the model (and the engine) play them."""
from model.errors import ErrorKind
from model.values import Status

from .helpers import based, docker, session


def test_touch_leaves_the_file_in_the_stopped_containers_rw_layer():
    w = based("docker run --network none --name happy base:1 touch /tmp/happiness.txt")
    c = w.container_by_name("happy")
    assert c.status is Status.EXITED and c.exit_code == 0
    assert "/tmp/happiness.txt" in c.rw
    assert docker(w, "docker diff happy").stdout == "C /tmp\nA /tmp/happiness.txt\n"
    # The image itself is untouched: a new container does not see the file.
    w2 = session("docker run --network none --name other base:1 true", world=w)
    assert "/tmp/happiness.txt" not in w2.rootfs(w2.container_by_name("other")).view


def test_rm_is_refused_on_a_running_container_and_leaves_the_state_unchanged():
    w = based("docker run -d --network none --name s1 base:1 sleep 1000")
    r = docker(w, "docker rm s1")
    assert r.exit == 1 and r.error.kind is ErrorKind.REMOVE_RUNNING
    assert r.world == w
    assert "You cannot remove a running container" in r.stderr


def test_rm_force_removes_a_running_container():
    w = based("docker run -d --network none --name s1 base:1 sleep 1000")
    r = docker(w, "docker rm -f s1")
    assert r.exit == 0 and r.stdout == "s1\n"
    assert r.world.container_by_name("s1") is None


def test_commit_makes_the_rw_layer_a_new_read_only_layer():
    w = based("docker run --network none --name c1 base:1 touch /tmp/x", "docker commit c1 base:2")
    base, new = w.images[w.tags["base:1"]], w.images[w.tags["base:2"]]
    assert new.parent == base.id
    assert new.layers[:-1] == base.layers and len(new.layers) == len(base.layers) + 1
    assert w.layers[new.layers[-1]].changes == w.container_by_name("c1").rw
    assert len(new.history) == len(base.history) + 1
    assert new.history[-1].created_by == "touch /tmp/x"


def test_commit_of_an_unchanged_container_adds_a_history_row_but_no_layer():
    w = based("docker create --network none --name c1 base:1 true", "docker commit c1 base:2")
    base, new = w.images[w.tags["base:1"]], w.images[w.tags["base:2"]]
    assert new.layers == base.layers
    assert len(new.history) == 2 and new.history[-1].empty_layer


def test_export_flattens_and_import_makes_one_layer_without_history():
    w = based("docker run --network none --name c1 base:1 mkdir -p /a/b",
              "docker commit c1 base:2", "docker create --network none --name d1 base:2 true")
    r = docker(w, "docker export -o flat.tar d1")
    data = r.files["flat.tar"]
    from model import commands as cmd, step

    w2 = step(w, cmd.Import(data, "flat:1")).world
    flat = w2.images[w2.tags["flat:1"]]
    assert len(flat.layers) == 1 and len(flat.history) == 1 and flat.parent == ""
    view = w2.image_view(flat)
    assert "/a/b" in view and "/.dockerenv" in view  # the init layer shows in an export


def test_save_keeps_history_and_load_restores_the_same_image():
    w = based("docker run --network none --name c1 base:1 touch /tmp/x", "docker commit c1 keep:1")
    saved = docker(w, "docker save -o keep.tar keep:1")
    before = w.images[w.tags["keep:1"]]
    w = session("docker rm c1", "docker rmi keep:1", world=saved.world)
    assert "keep:1" not in w.tags
    from model import commands as cmd, step

    r = step(w, cmd.Load(saved.files["keep.tar"]))
    assert r.stdout == "Loaded image: keep:1\n"
    after = r.world.images[r.world.tags["keep:1"]]
    assert after.id == before.id and after.history == before.history and after.layers == before.layers


def test_rmi_refuses_an_image_in_use_and_one_with_children():
    w = based("docker run --network none --name c1 base:1 touch /tmp/x", "docker commit c1 base:2")
    r = docker(w, "docker rmi base:1")
    assert r.error.kind is ErrorKind.IMAGE_IN_USE and r.world == w
    w = session("docker rm c1", world=w)
    r = docker(w, "docker rmi base:1")
    # Untagged, but the image stays: base:2 is its child.  Deleting by id is refused.
    assert r.exit == 0 and r.stdout == "Untagged: base:1\n"
    base_id = w.tags["base:1"]
    r2 = docker(r.world, f"docker rmi -f {base_id[7:19]}")
    assert r2.error.kind is ErrorKind.IMAGE_HAS_CHILDREN and r2.world == r.world


def test_stop_kills_a_pid1_that_ignores_sigterm_and_a_trap_exits_cleanly():
    w = based("docker run -d --network none --name plain base:1 sleep 1000",
              """docker run -d --network none --name trapped base:1 sh -c "trap 'exit 0' TERM; sleep 1000 & wait" """,
              "docker stop -t 1 plain trapped")
    assert w.container_by_name("plain").exit_code == 137
    assert w.container_by_name("trapped").exit_code == 0


def test_pause_then_unpause_keeps_the_process_space():
    w = based("docker run -d --network none --name s1 base:1 sleep 1000", "docker pause s1")
    c = w.container_by_name("s1")
    assert c.status is Status.PAUSED and c.has_process_space
    r = docker(w, "docker exec s1 true")
    assert r.error.kind is ErrorKind.PAUSED
    w = session("docker unpause s1", world=w)
    assert w.container_by_name("s1").status is Status.RUNNING


def test_the_old_state_stays_valid_after_a_transition():
    w = based()
    before = w
    w2 = session("docker run -d --network none --name s1 base:1 sleep 1000", world=w)
    assert before == w and w2 != w and "s1" not in {c.name for c in w.containers.values()}


def test_same_script_same_ids():
    a = based("docker run --network none --name c1 base:1 touch /x", "docker commit c1 x:1")
    b = based("docker run --network none --name c1 base:1 touch /x", "docker commit c1 x:1")
    assert a == b and a.tags["x:1"] == b.tags["x:1"]
