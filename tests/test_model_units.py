"""Narrative unit tests for each command and refusal of the model."""
import json

import pytest

from dockspec.argv import UsageError, parse
from model import commands as cmd, fs, refs
from model.errors import ErrorKind
from model.render import Template, human_size, table
from model.values import Status

from .helpers import NoFiles, based, docker, session


# -- references and rendering -------------------------------------------------------

@pytest.mark.parametrize("text, familiar", [
    ("bb", "bb:latest"), ("bb:1", "bb:1"), ("docker.io/library/bb:2", "bb:2"), ("base:UPPER", "base:UPPER"),
])
def test_references_are_kept_in_familiar_form(text, familiar):
    assert str(refs.parse(text)) == familiar


def test_uppercase_repository_is_an_invalid_reference():
    with pytest.raises(refs.InvalidReference, match="repository name must be lowercase"):
        refs.parse("Base:1")


def test_sizes_are_printed_like_go_units():
    assert [human_size(n) for n in (0, 3, 1984132, 1500000)] == ["0B", "3B", "1.98MB", "1.5MB"]


def test_templates_print_go_values():
    data = {"Names": "c1", "State": {"ExitCode": 3}, "L": ["a", "b"], "M": {"k": "v"}, "B": True}
    assert Template("{{.Names}} {{.State.ExitCode}} {{.L}} {{.M}} {{.B}} {{json .L}}").render(data) == \
        'c1 3 [a b] map[k:v] true ["a","b"]'


def test_table_pads_like_tabwriter():
    assert table([["1", "x"]], ["IMAGE", "TAG"]) == "IMAGE     TAG\n1         x\n"


# -- argv ---------------------------------------------------------------------------

def test_run_flags_stop_at_the_image():
    _, c = parse(["docker", "run", "-d", "--rm", "--name", "c1", "base:1", "sh", "-c", "exit 3"], NoFiles())
    assert c == cmd.Run(cmd.Create("base:1", ("sh", "-c", "exit 3"), "c1", auto_remove=True, network="default"), detach=True)


def test_combined_short_flags_and_equals_forms():
    _, c = parse(["docker", "ps", "-aq", "--filter=status=exited"], NoFiles())
    assert c == cmd.Ps(all=True, quiet=True, filters=(("status", "exited"),))


def test_unknown_flag_is_a_usage_error_with_status_125():
    with pytest.raises(UsageError) as e:
        parse(["docker", "ps", "--bogus"], NoFiles())
    assert e.value.exit == 125 and "unknown flag: --bogus" in str(e.value)


def test_missing_argument_is_status_1_with_docker_wording():
    with pytest.raises(UsageError) as e:
        parse(["docker", "rm"], NoFiles())
    assert e.value.exit == 1 and str(e.value).startswith('"docker rm" requires at least 1 argument.')


# -- containers ---------------------------------------------------------------------

def test_create_needs_a_known_image_and_a_free_name():
    w = based("docker create --network none --name c1 base:1 true")
    assert docker(w, "docker create --name c1 base:1 true").error.kind is ErrorKind.NAME_IN_USE
    r = docker(w, "docker create --pull never --name c2 nosuch:1 true")
    assert r.error.kind is ErrorKind.NO_SUCH_IMAGE and r.exit == 1 and r.world == w


def test_run_of_a_missing_command_leaves_a_created_container_with_127():
    r = docker(based(), "docker run --network none --name c1 base:1 nosuchcmd")
    assert r.exit == 127 and r.error.kind is ErrorKind.EXEC_NOT_FOUND
    c = r.world.container_by_name("c1")
    assert c.status is Status.CREATED and c.exit_code == 127


def test_run_of_a_directory_is_permission_denied_126():
    r = docker(based(), "docker run --network none --name c1 base:1 /tmp")
    assert r.exit == 126 and "permission denied" in r.stderr


def test_foreground_run_returns_the_containers_exit_code_and_output():
    r = docker(based(), "docker run --network none --name c1 base:1 sh -c 'echo bye; exit 4'")
    assert (r.exit, r.stdout) == (4, "bye\n")


def test_run_rm_removes_the_container_once_it_exits():
    r = docker(based(), "docker run --rm --network none --name c1 base:1 true")
    assert r.exit == 0 and r.world.container_by_name("c1") is None


def test_start_attach_prints_output_and_returns_the_code():
    w = based("docker create --network none --name c1 base:1 sh -c 'echo hi; exit 3'")
    r = docker(w, "docker start -a c1")
    assert (r.exit, r.stdout) == (3, "hi\n")


def test_start_of_a_paused_container_is_refused():
    w = based("docker run -d --network none --name c1 base:1 sleep 1000", "docker pause c1")
    r = docker(w, "docker start c1")
    assert r.error.kind is ErrorKind.PAUSED and r.stderr.endswith("Error: failed to start containers: c1\n")
    assert r.world == w


@pytest.mark.parametrize("line, kind", [
    ("docker pause c0", ErrorKind.NOT_RUNNING),
    ("docker unpause c2", ErrorKind.NOT_PAUSED),
    ("docker kill c0", ErrorKind.NOT_RUNNING),
    ("docker exec c0 true", ErrorKind.NOT_RUNNING),
    ("docker rm c2", ErrorKind.REMOVE_RUNNING),
    ("docker rm nosuch", ErrorKind.NO_SUCH_CONTAINER),
    ("docker stop nosuch", ErrorKind.NO_SUCH_CONTAINER),
    ("docker diff nosuch", ErrorKind.NO_SUCH_CONTAINER),
    ("docker wait nosuch", ErrorKind.NO_SUCH_CONTAINER),
    ("docker commit nosuch x:1", ErrorKind.NO_SUCH_CONTAINER),
])
def test_refusals_leave_the_state_unchanged(line, kind):
    w = based("docker create --network none --name c0 base:1 true",
              "docker run -d --network none --name c2 base:1 sleep 1000")
    r = docker(w, line)
    assert r.error.kind is kind and r.exit == 1 and r.world == w


def test_pause_twice_is_already_paused():
    w = based("docker run -d --network none --name c1 base:1 sleep 1000", "docker pause c1")
    assert docker(w, "docker pause c1").error.kind is ErrorKind.ALREADY_PAUSED


def test_stop_and_start_of_stopped_or_running_are_no_ops():
    w = based("docker create --network none --name c0 base:1 true",
              "docker run -d --network none --name c2 base:1 sleep 1000")
    assert docker(w, "docker stop c0").world == w
    assert docker(w, "docker start c2").world == w


def test_kill_and_stop_of_a_paused_sleep_give_137():
    w = based("docker run -d --network none --name c1 base:1 sleep 1000", "docker pause c1")
    for verb in ("kill", "stop -t 1"):
        after = docker(w, f"docker {verb} c1").world.container_by_name("c1")
        assert (after.status, after.exit_code, after.processes) == (Status.EXITED, 137, ())


def test_restart_of_paused_exited_and_created_containers():
    w = based("docker run -d --network none --name p1 base:1 sleep 1000", "docker pause p1")
    w = docker(w, "docker run --network none --name e1 base:1 sh -c 'exit 9'").world
    w = session("docker create --network none --name c1 base:1 sleep 1000", "docker restart -t 1 p1 e1 c1", world=w)
    assert w.container_by_name("p1").status is Status.RUNNING
    assert (w.container_by_name("e1").status, w.container_by_name("e1").exit_code) == (Status.EXITED, 9)
    assert w.container_by_name("c1").status is Status.RUNNING


def test_start_keeps_the_rw_layer():
    w = based("docker create --network none --name t0 base:1 sh -c 'echo run >> /log; cat /log'", "docker start t0")
    r = docker(w, "docker start -a t0")
    assert r.stdout == "run\nrun\n"


def test_exec_runs_in_the_container_and_its_missing_command_is_126_on_stdout():
    w = based("docker run -d --network none --name c1 base:1 sleep 1000")
    r = docker(w, "docker exec c1 sh -c 'echo out; exit 3'")
    assert (r.exit, r.stdout) == (3, "out\n")
    r = docker(w, "docker exec c1 nosuchcmd")
    assert r.exit == 126 and "executable file not found" in r.stdout and r.world == w


def test_wait_lets_time_pass():
    w = based("docker run -d --network none --name c1 base:1 sh -c 'sleep 1; exit 5'")
    assert w.container_by_name("c1").status is Status.RUNNING
    r = docker(w, "docker wait c1")
    assert r.stdout == "5\n" and r.world.container_by_name("c1").exit_code == 5


# -- diff ---------------------------------------------------------------------------

@pytest.mark.parametrize("script, expected", [
    ("mkdir -p /a/b/c", ["A /a", "A /a/b", "A /a/b/c"]),
    ("sh -c 'echo x > /etc/new; echo y > /tmp/t; rm /tmp/t'", ["A /etc/new", "C /etc"]),
    ("rm -rf /tmp", ["D /tmp"]),
    ("sh -c 'touch /etc; touch /root'", []),
    ("sh -c 'rm /bin/ls; touch /bin/new'", ["A /bin/new", "C /bin", "D /bin/ls"]),
    ("sh -c 'mkdir -p /root/x/y && touch /root/x/y/f && rm -rf /root/x'", []),
    ("touch /.dockerenv", ["C /.dockerenv"]),
])
def test_diff_follows_the_engine(script, expected):
    w = based(f"docker run --network none --name d1 base:1 {script}")
    assert sorted(docker(w, "docker diff d1").stdout.split("\n")[:-1]) == expected


def test_diff_of_a_recreated_directory_lists_the_hidden_children():
    w = based("docker run --network none --name b1 base:1 sh -c 'mkdir -p /data/sub && echo one > /data/f1 && echo two > /data/sub/f2'",
              "docker commit b1 lay:1",
              "docker run --network none --name l3 lay:1 sh -c 'rm -rf /data; mkdir /data'")
    assert docker(w, "docker diff l3").stdout == "C /data\nD /data/f1\nD /data/sub\n"


# -- images -------------------------------------------------------------------------

def test_history_sizes_count_file_bytes():
    w = based("docker run --network none --name c1 base:1 sh -c 'echo 12345678 > /tmp/nine'", "docker commit c1 sz:1")
    r = docker(w, "docker history --format '{{.Size}}|{{.CreatedBy}}' sz:1")
    assert r.stdout.splitlines()[0] == "9B|sh -c echo 12345678 > /tmp/nine"


def test_rmi_of_the_last_child_prunes_the_untagged_parent():
    w = based("docker run --network none --name k1 base:1 touch /f", "docker commit k1 child:1", "docker rm k1",
              "docker rmi base:1")
    r = docker(w, "docker rmi child:1")
    lines = r.stdout.splitlines()
    assert lines[0] == "Untagged: child:1" and len([l for l in lines if l.startswith("Deleted:")]) == 4
    assert not r.world.images and not r.world.layers


def test_rmi_by_id_with_several_repositories_must_be_forced():
    w = based("docker tag base:1 other:1")
    short = w.tags["base:1"][7:19]
    r = docker(w, f"docker rmi {short}")
    assert r.error.kind is ErrorKind.IMAGE_MULTIPLE_REPOS and r.world == w
    r = docker(w, f"docker rmi -f {short}")
    assert r.stdout.splitlines()[:2] == ["Untagged: base:1", "Untagged: other:1"] and not r.world.images


def test_rmi_force_of_a_reference_in_use_by_a_running_container_only_untags():
    w = based("docker run -d --network none --name u2 base:1 sleep 1000")
    r = docker(w, "docker rmi -f base:1")
    assert r.stdout == "Untagged: base:1\n" and len(r.world.images) == 1
    assert docker(r.world, "docker ps --format '{{.Image}}'").stdout.strip() == w.tags["base:1"][7:19]


def test_a_tag_moved_to_a_new_image_leaves_the_old_one_dangling():
    w = based("docker import base.tar base:1")
    r = docker(w, "docker images --filter dangling=true --format '{{.Repository}}:{{.Tag}}'")
    assert r.stdout == "<none>:<none>\n"


def test_load_loses_the_parent_pointer():
    w = based("docker run --network none --name c1 base:1 touch /x", "docker commit c1 lay:1", "docker rm c1")
    saved = docker(w, "docker save -o s.tar lay:1").files["s.tar"]
    w = session("docker rmi lay:1", world=w)
    from model import step

    w = step(w, cmd.Load(saved)).world
    rows = docker(w, "docker history --format '{{.ID}}' lay:1").stdout.splitlines()
    assert rows[1] == "<missing>" and w.images[w.tags["lay:1"]].parent == ""


def test_inspect_prints_nil_slices_as_go_does():
    w = based("docker create --network none --name i1 base:1 sleep 1000")
    r = docker(w, "docker inspect --format '{{.Name}}|{{.State.Status}}|{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.Path}}|{{.Args}}' i1")
    assert r.stdout == "/i1|created|[sleep 1000]|[]|sleep|[1000]\n"
    r = docker(w, "docker inspect --type image i1")
    assert r.stdout == "[]\n" and r.stderr == "Error: No such image: i1\n" and r.exit == 1


def test_ps_filters():
    w = based("docker tag base:1 alt:1",
              "docker create --network none --name f1 --label role=web base:1 true",
              "docker run -d --network none --name f3 --label role=web alt:1 sleep 1000")
    names = lambda line: docker(w, line).stdout.split()
    assert names("docker ps -a --filter label=role=web --format '{{.Names}}'") == ["f3", "f1"]
    assert names("docker ps --format '{{.Names}}'") == ["f3"]
    assert names("docker ps -a --filter status=created --format '{{.Names}}'") == ["f1"]
    assert names("docker ps -a --filter ancestor=alt:1 --format '{{.Names}}'") == ["f3", "f1"]


def test_ps_rejects_an_unknown_status_filter():
    r = docker(based(), "docker ps -a --filter status=bogus")
    assert r.exit == 1 and r.stderr == "Error response from daemon: Invalid filter 'status=bogus'\n"


def test_engine_choices_are_a_table_of_differences():
    from model.profile import DOCKER_20_10, differs
    from model import step

    w = based("docker run --network none --name k1 base:1 touch /f", "docker commit k1 child:1", "docker rm k1")
    short = w.tags["base:1"][7:19]
    assert docker(w, f"docker rmi -f {short}").error.kind is ErrorKind.IMAGE_HAS_CHILDREN
    # Docker's containerd image store deletes a parent image and keeps its child.
    store = differs(DOCKER_20_10, "docker-containerd-store", rmi_refuses_parent_with_children=False)
    _, c = parse(["docker", "rmi", "-f", short], NoFiles())
    r = step(w, c, store)
    assert r.exit == 0 and w.tags["base:1"] not in r.world.images and "child:1" in r.world.tags


def test_layers_of_a_force_removed_image_go_with_its_last_container():
    w = based("docker create --network none --name c1 base:1 true", "docker rmi -f base:1")
    assert not w.images and w.layers  # the container still holds the stack
    assert not session("docker rm c1", world=w).layers


def test_stop_of_a_paused_container_thaws_it_so_its_trap_runs():
    w = based("""docker run -d --network none --name t1 base:1 sh -c "trap 'exit 0' TERM; sleep 1000 & wait" """,
              "docker pause t1", "docker stop -t 0 t1")
    assert w.container_by_name("t1").exit_code == 0


def test_restart_keeps_a_running_auto_remove_container():
    w = based("docker run -d --rm --network none --name r1 base:1 sleep 1000", "docker restart -t 0 r1")
    assert w.container_by_name("r1").status is Status.RUNNING


def test_load_of_an_image_already_there_keeps_its_parent():
    w = based("docker run --network none --name c1 base:1 touch /x", "docker commit c1 lay:1")
    saved = docker(w, "docker save -o s.tar lay:1").files["s.tar"]
    from model import step

    after = step(w, cmd.Load(saved)).world
    assert after.images[after.tags["lay:1"]].parent == w.tags["base:1"]


def test_commit_checks_the_reference_before_the_container():
    assert docker(based(), "docker commit nosuch Bad:Ref").error.kind is ErrorKind.INVALID_REFERENCE
