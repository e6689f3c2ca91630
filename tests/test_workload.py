"""Narratives for the workload language: what busybox does, step by step, in the model."""
from __future__ import annotations

import timeit

import pytest
from frozendict import frozendict

from model import fs
from model.errors import UnsupportedWorkload
from model.workload import (
    ExecNotFound,
    Process,
    Step,
    blocked,
    describe,
    elapse,
    parse,
    run,
    signal,
    spawn,
    stop,
)

APPLET_LINKS = ("sh", "sleep", "touch", "mkdir", "rm", "echo", "cat", "true", "false", "ls", "awk")
PATH = ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",)

LOWER = fs.union((frozendict({
    "/bin": fs.DIR,
    "/bin/busybox": fs.file(b"\x7fELF busybox", 0o755),
    **{f"/bin/{a}": fs.symlink("/bin/busybox") for a in APPLET_LINKS},
    "/tmp": fs.DIR,
    "/etc": fs.DIR,
    "/etc/passwd": fs.file("root:x:0:0:root:/root:/bin/sh\n"),
}),))
ROOT = fs.Rootfs(LOWER)


def go(*argv: str, rootfs: fs.Rootfs = ROOT, **kw) -> Step:
    """Spawn argv as PID 1 and run it until it exits or blocks."""
    return run(spawn(argv, rootfs, PATH, **kw), rootfs)


def sh(script: str, **kw) -> Step:
    return go("sh", "-c", script, **kw)


def spawn_env(script: str, env: tuple[str, ...]) -> Process:
    return spawn(("sh", "-c", script), ROOT, PATH + env)


def sh_env(script: str, env: tuple[str, ...]) -> Step:
    return run(spawn_env(script, env), ROOT)


def finish(*argv: str, rootfs: fs.Rootfs = ROOT, **kw) -> Step:
    return elapse(spawn(argv, rootfs, PATH, **kw), rootfs)


def changes(step: Step) -> tuple[str, ...]:
    return fs.diff(LOWER, step.fs.upper)


# -- programs run directly ------------------------------------------------------------


def test_true_and_false_exit_codes():
    assert go("true").exit_code == 0
    assert go("false").exit_code == 1
    assert go("/bin/false").exit_code == 1
    assert go("busybox", "true").exit_code == 0


def test_touch_copies_up_the_parent_and_adds_the_file():
    step = go("touch", "/tmp/happiness.txt")
    assert step.exit_code == 0 and step.stderr == ""
    assert changes(step) == ("C /tmp", "A /tmp/happiness.txt")
    assert step.fs.upper["/tmp/happiness.txt"] == fs.file(b"")


def test_touch_an_existing_file_keeps_its_content_but_copies_it_up():
    step = go("touch", "/etc/passwd")
    assert changes(step) == ("C /etc", "C /etc/passwd")
    assert step.fs.upper["/etc/passwd"].data == LOWER["/etc/passwd"].data


def test_touch_an_existing_directory_copies_it_up_but_diff_does_not_list_it():
    # The engine compares directories by mode and owner only (replays/09-diff.sh).
    step = go("touch", "/tmp")
    assert "/tmp" in step.fs.upper
    assert changes(step) == ()


def test_touch_in_a_missing_directory_fails_like_busybox():
    step = go("touch", "/nonexistent/dir/f")
    assert step.exit_code == 1
    assert step.stderr == "touch: /nonexistent/dir/f: No such file or directory\n"
    assert step.fs.upper == fs.EMPTY


def test_touch_goes_on_after_a_failure():
    step = go("touch", "/nope/a", "/tmp/b")
    assert step.exit_code == 1
    assert changes(step) == ("C /tmp", "A /tmp/b")


def test_mkdir_p_adds_every_missing_level():
    step = go("mkdir", "-p", "/a/b/c")
    assert step.exit_code == 0
    assert changes(step) == ("A /a", "A /a/b", "A /a/b/c")


def test_mkdir_p_of_an_existing_directory_changes_nothing():
    step = go("mkdir", "-p", "/tmp")
    assert (step.exit_code, step.fs.upper) == (0, fs.EMPTY)


def test_mkdir_of_an_existing_directory_fails():
    step = go("mkdir", "/tmp")
    assert step.exit_code == 1
    assert step.stderr == "mkdir: can't create directory '/tmp': File exists\n"


def test_mkdir_over_a_file_says_file_exists():
    for argv in (("mkdir", "/etc/passwd"), ("mkdir", "-p", "/etc/passwd")):
        assert go(*argv).stderr == "mkdir: can't create directory '/etc/passwd': File exists\n"


def test_mkdir_without_p_needs_the_parent():
    step = go("mkdir", "/a/b")
    assert step.exit_code == 1
    assert step.stderr == "mkdir: can't create directory '/a/b': No such file or directory\n"


def test_rm_rf_of_a_lower_directory_leaves_one_whiteout():
    step = go("rm", "-rf", "/etc")
    assert step.exit_code == 0
    assert changes(step) == ("D /etc",)
    assert not step.fs.exists("/etc/passwd")


def test_rm_of_a_missing_file_fails_unless_forced():
    step = go("rm", "/missing")
    assert step.exit_code == 1
    assert step.stderr == "rm: can't remove '/missing': No such file or directory\n"
    forced = go("rm", "-f", "/missing")
    assert (forced.exit_code, forced.stderr) == (0, "")


def test_rm_of_a_directory_needs_r():
    step = go("rm", "/etc")
    assert step.exit_code == 1
    assert step.stderr == "rm: '/etc' is a directory\n"
    assert step.fs.upper == fs.EMPTY


def test_rm_through_a_file_is_not_a_directory():
    step = go("rm", "-f", "/etc/passwd/x")
    assert step.exit_code == 1
    assert step.stderr == "rm: can't stat '/etc/passwd/x': Not a directory\n"


def test_rm_of_a_file_added_in_the_container_leaves_no_trace_in_diff():
    # The parent stays copied up, but an unchanged directory is not listed
    # (replays/09-diff.sh: `echo y > /tmp/t; rm /tmp/t` shows nothing).
    rootfs = go("touch", "/tmp/x").fs
    step = go("rm", "/tmp/x", rootfs=rootfs)
    assert "/tmp" in step.fs.upper
    assert changes(step) == ()


def test_echo_and_cat_write_to_stdout():
    assert go("echo", "hello", "world").stdout == "hello world\n"
    assert go("echo").stdout == "\n"
    assert go("echo", "-n", "x").stdout == "x"
    assert go("echo", r"a\nb").stdout == "a\\nb\n"  # busybox echo: no escapes without -e
    assert go("cat", "/etc/passwd").stdout == "root:x:0:0:root:/root:/bin/sh\n"


def test_cat_of_a_missing_file_fails_but_prints_the_others():
    step = go("cat", "/missing", "/etc/passwd")
    assert step.exit_code == 1
    assert step.stdout == "root:x:0:0:root:/root:/bin/sh\n"
    assert step.stderr == "cat: can't open '/missing': No such file or directory\n"


def test_relative_paths_resolve_against_the_working_directory():
    step = go("touch", "x", workdir="/tmp")
    assert changes(step) == ("C /tmp", "A /tmp/x")
    assert go("cat", "passwd", workdir="/etc").exit_code == 0


def test_sleep_blocks_until_time_passes():
    step = go("sleep", "1000")
    assert step.exit_code is None
    assert blocked(step.process)
    done = elapse(step.process, step.fs)
    assert done.exit_code == 0
    assert not blocked(done.process)
    assert go("sleep", "0").exit_code == 0


# -- resolution -----------------------------------------------------------------------


def test_a_missing_program_is_exec_not_found():
    with pytest.raises(ExecNotFound) as e:
        spawn(("nosuchprog", "x"), ROOT, PATH)
    assert e.value.name == "nosuchprog"
    with pytest.raises(ExecNotFound):
        spawn(("/usr/bin/sleep", "1"), ROOT, PATH)


def test_an_existing_program_outside_the_language_is_unsupported():
    with pytest.raises(UnsupportedWorkload, match="'awk'"):
        spawn(("awk", "1"), ROOT, PATH)


def test_path_search_uses_the_default_path_without_an_env():
    assert run(spawn(("true",), ROOT), ROOT).exit_code == 0


def test_a_removed_applet_link_is_not_found():
    rootfs = go("rm", "/bin/touch").fs
    with pytest.raises(ExecNotFound):
        spawn(("touch", "/tmp/x"), rootfs, PATH)
    step = sh("touch /tmp/x", rootfs=rootfs)
    assert (step.exit_code, step.stderr) == (127, "sh: touch: not found\n")


def test_a_missing_shell_is_exec_not_found():
    rootfs = go("rm", "/bin/sh").fs
    with pytest.raises(ExecNotFound):
        spawn(("sh", "-c", "true"), rootfs, PATH)


# -- shell scripts --------------------------------------------------------------------


def test_exit_statuses():
    assert sh("exit 3").exit_code == 3
    assert sh("exit 300").exit_code == 300 & 255
    assert sh("false; exit").exit_code == 1
    assert sh("").exit_code == 0
    assert sh("false").exit_code == 1
    assert sh(":").exit_code == 0


def test_a_missing_command_in_a_script_is_127():
    step = sh("nosuchcmd; echo after")
    assert step.stderr == "sh: nosuchcmd: not found\n"
    assert step.stdout == "after\n"
    assert sh("nosuchcmd").exit_code == 127
    assert sh("/no/such/cmd").stderr == "sh: /no/such/cmd: not found\n"


def test_and_or_lists():
    assert sh("true && echo yes").stdout == "yes\n"
    assert sh("false && echo yes").stdout == ""
    assert sh("false && echo yes").exit_code == 1
    assert sh("false || echo no").stdout == "no\n"
    assert sh("true || echo no").stdout == ""
    assert sh("false && echo a || echo b").stdout == "b\n"
    assert sh("true || echo a && echo b").stdout == "b\n"
    assert sh("false; echo $?").stdout == "1\n"
    assert sh("echo one\necho two").stdout == "one\ntwo\n"
    assert sh("true &&\n echo continued").stdout == "continued\n"


def test_echo_redirection_writes_text_and_a_newline():
    step = sh("echo hello > /tmp/f")
    assert step.stdout == ""
    assert step.fs.upper["/tmp/f"].data == b"hello\n"
    assert changes(step) == ("C /tmp", "A /tmp/f")


def test_append_redirection_and_truncation():
    step = sh("echo a > /tmp/f; echo b >> /tmp/f; cat /tmp/f")
    assert step.stdout == "a\nb\n"
    assert sh("echo a > /tmp/f; echo b > /tmp/f; cat /tmp/f").stdout == "b\n"
    # The shell truncates the file before cat opens it.
    assert sh("echo a > /tmp/f; cat /tmp/f > /tmp/f").fs.upper["/tmp/f"].data == b""


def test_redirection_of_an_applet_and_an_empty_command():
    step = sh("cat /etc/passwd > /tmp/copy")
    assert step.fs.upper["/tmp/copy"].data == LOWER["/etc/passwd"].data
    assert sh("> /tmp/empty").fs.upper["/tmp/empty"] == fs.file(b"")


def test_redirection_into_a_missing_directory_fails_and_skips_the_command():
    step = sh("echo hi > /nope/f; echo status $?")
    assert step.stderr == "sh: can't create /nope/f: nonexistent directory\n"
    assert step.stdout == "status 1\n"


def test_redirection_onto_a_directory():
    assert sh("echo hi > /tmp").stderr == "sh: can't create /tmp: Is a directory\n"


def test_quoting_and_variables():
    env = ("NAME=world", "SPACED=a  b")
    assert sh_env("echo 'hello   there'", env).stdout == "hello   there\n"
    assert sh_env('echo "hi $NAME"', env).stdout == "hi world\n"
    assert sh_env("echo 'hi $NAME'", env).stdout == "hi $NAME\n"
    assert sh_env("echo ${NAME}s", env).stdout == "worlds\n"
    assert sh_env("echo $SPACED", env).stdout == "a b\n"  # field splitting
    assert sh_env('echo "$SPACED"', env).stdout == "a  b\n"
    assert sh("echo x$UNSET y").stdout == "x y\n"
    assert sh("echo $ end").stdout == "$ end\n"
    assert sh(r'echo "a \"q\" \$x"').stdout == 'a "q" $x\n'
    assert sh("echo a # comment").stdout == "a\n"


def test_variables_come_from_the_environment():
    assert sh_env("touch $F && cat $F", ("F=/tmp/v",)).exit_code == 0
    assert changes(sh_env("touch $F", ("F=/tmp/v",))) == ("C /tmp", "A /tmp/v")


def test_cd_changes_the_working_directory():
    step = sh("cd /tmp && touch x && echo hi > y")
    assert changes(step) == ("C /tmp", "A /tmp/x", "A /tmp/y")
    failed = sh("cd /nope; echo $?")
    assert failed.stderr == "sh: cd: can't cd to /nope: No such file or directory\n"
    assert failed.stdout == "2\n"


def test_nested_shells():
    step = sh("sh -c 'echo inner; exit 4'; echo outer $?")
    assert step.stdout == "inner\nouter 4\n"
    assert sh("sh -c 'echo inner' > /tmp/f").fs.upper["/tmp/f"].data == b"inner\n"


def test_background_jobs_and_wait():
    step = sh("sleep 5 && echo late > /tmp/late & echo early; wait; cat /tmp/late")
    assert step.exit_code is None and step.stdout == "early\n"
    assert blocked(step.process)
    done = elapse(step.process, step.fs)
    assert done.exit_code == 0
    assert done.stdout == "late\n"


def test_sleeps_end_in_order_of_their_deadlines():
    step = finish("sh", "-c", "sleep 2 && echo two >> /tmp/log & sleep 1 && echo one >> /tmp/log & wait")
    assert step.fs.upper["/tmp/log"].data == b"one\ntwo\n"


def test_pid1_exit_kills_background_jobs():
    step = sh("sleep 5 && touch /tmp/never & echo bye")
    assert step.exit_code == 0
    assert step.process.jobs == ()
    assert "/tmp/never" not in step.fs.upper


def test_an_exec_d_shell_leaves_orphans_that_elapse_runs_to_the_end():
    proc = spawn(("sh", "-c", "sleep 1 && touch /tmp/orphan &"), ROOT, PATH, pid1=False)
    quick = run(proc, ROOT)
    assert quick.exit_code == 0 and len(quick.process.jobs) == 1
    done = elapse(proc, ROOT)
    assert done.exit_code == 0
    assert changes(done) == ("C /tmp", "A /tmp/orphan")


def test_elapse_runs_a_script_to_completion():
    step = finish("sh", "-c", "sleep 10; touch /tmp/a; sleep 10; exit 7")
    assert step.exit_code == 7
    assert changes(step) == ("C /tmp", "A /tmp/a")


def test_trap_reset_and_ignore_are_accepted():
    assert sh("trap 'exit 1' TERM; trap - TERM; true").exit_code == 0
    assert sh("trap '' SIGTERM; true").exit_code == 0


# -- descriptors: >&2, 2>&1, /dev/null ----------------------------------------------


def test_echo_to_stderr_from_a_script():
    # replays/08-exec.sh:7 (divergence D5): `sh -c 'echo out; echo err >&2; exit 3'`.
    step = sh("echo out; echo err >&2; exit 3")
    assert (step.exit_code, step.stdout, step.stderr) == (3, "out\n", "err\n")
    assert sh("echo err 1>&2").stderr == "err\n"
    assert sh("echo >&2 err").stderr == "err\n"  # a redirection may come anywhere


def test_two_to_one_joins_the_streams_in_the_order_they_were_written():
    script = "sh -c 'echo one; echo two >&2; echo three' 2>&1"
    step = sh(script)
    assert (step.stdout, step.stderr) == ("one\ntwo\nthree\n", "")
    logged = sh("sh -c 'echo one; echo two >&2; echo three' > /tmp/log 2>&1; cat /tmp/log")
    assert logged.stdout == "one\ntwo\nthree\n"
    assert logged.fs.upper["/tmp/log"].data == b"one\ntwo\nthree\n"


def test_redirections_apply_left_to_right():
    # 2>&1 copies where stdout leads *now*: stderr to the old stdout, stdout to /dev/null.
    step = sh("sh -c 'echo out; echo err >&2' 2>&1 > /dev/null")
    assert (step.stdout, step.stderr) == ("err\n", "")
    both = sh("sh -c 'echo out; echo err >&2' > /dev/null 2>&1")
    assert (both.stdout, both.stderr) == ("", "")


def test_dev_null_discards_and_is_no_file_of_the_model():
    step = sh("echo hi > /dev/null; echo more >> /dev/null; cat /dev/null")
    assert (step.exit_code, step.stdout, step.stderr) == (0, "", "")
    assert step.fs.upper == fs.EMPTY  # no copy-up of /dev, no /dev/null file


def test_errors_silenced_with_2_to_dev_null():
    step = sh("cat /missing 2>/dev/null; echo $?")
    assert (step.stdout, step.stderr) == ("1\n", "")
    # The shell's own messages about a command go through its redirections too.
    assert sh("nosuchcmd 2>/dev/null; echo $?").stdout == "127\n"
    assert sh("cd /nope 2>/dev/null; echo $?").stdout == "2\n"
    failed = sh("echo hi 2>/dev/null > /nope/f; echo $?")
    assert (failed.stdout, failed.stderr) == ("1\n", "")
    unsilenced = sh("echo hi > /nope/f 2>/dev/null")  # 2> not yet applied when > fails
    assert unsilenced.stderr == "sh: can't create /nope/f: nonexistent directory\n"


def test_stderr_into_a_file():
    step = sh("cat /missing /etc/passwd 2> /tmp/err")
    assert step.stdout == LOWER["/etc/passwd"].data.decode()
    assert step.fs.upper["/tmp/err"].data == b"cat: can't open '/missing': No such file or directory\n"


def test_a_blocked_child_keeps_its_redirections():
    step = sh("sh -c 'sleep 1; echo late; echo later >&2' >&2 2>/dev/null")
    assert blocked(step.process)
    done = elapse(step.process, step.fs)
    assert (done.stdout, done.stderr) == ("", "late\n")
    job = finish("sh", "-c", "sleep 1 && echo bg >&2 & wait")
    assert (job.stdout, job.stderr) == ("", "bg\n")


def test_only_an_all_digit_word_names_a_descriptor():
    assert sh("echo a2>/tmp/f").fs.upper["/tmp/f"].data == b"a2\n"
    assert sh("echo '2'>/tmp/f").fs.upper["/tmp/f"].data == b"2\n"
    assert sh("echo 2>&1").stdout == "\n"


def test_one_file_opened_twice_is_refused():
    # Two opens have two offsets that overwrite each other; the model only appends.
    with pytest.raises(UnsupportedWorkload, match="opened twice"):
        sh("echo x > /tmp/f 2> /tmp/f")


def test_the_engine_s_dev_tmpfs_is_outside_the_model():
    with pytest.raises(UnsupportedWorkload):
        sh("echo x > /dev/stderr")
    with pytest.raises(UnsupportedWorkload):
        sh("touch /dev/null")


# -- pwd ------------------------------------------------------------------------------


def test_pwd_prints_the_working_directory():
    # replays/16-build.sh:12 (D5): ENTRYPOINT ["sh", "-c"], CMD ["pwd; echo $GREETING"], WORKDIR /app.
    rootfs = fs.Rootfs(fs.union((LOWER, frozendict({"/app": fs.DIR}))))
    argv = ("sh", "-c", "pwd; echo $GREETING")
    assert parse(argv).applet == "sh"
    step = run(spawn(argv, rootfs, PATH + ("GREETING=hello",), workdir="/app"), rootfs)
    assert (step.exit_code, step.stdout) == (0, "/app\nhello\n")
    assert sh("cd /tmp && pwd; cd ..; pwd").stdout == "/tmp\n/\n"
    assert sh("pwd > /tmp/here").fs.upper["/tmp/here"].data == b"/\n"


# -- bind-mounted files: /etc/hostname, /etc/hosts, /etc/resolv.conf ------------------

CONTAINER_VIEW = fs.union((LOWER, fs.INIT_LAYER))
CONTAINER = fs.Rootfs(CONTAINER_VIEW, fs.EMPTY, fs.BIND_MOUNTS)


def in_container(script: str) -> Step:
    return sh(script, rootfs=CONTAINER)


def container_diff(step: Step) -> tuple[str, ...]:
    return fs.diff(CONTAINER_VIEW, step.fs.upper)


def test_a_mounted_file_cannot_be_removed_and_writes_to_it_are_not_in_diff():
    # replays/09-diff.sh:21-23 (divergence D3).
    step = in_container("touch /bin/busybox /.dockerenv; echo > /etc/hosts; rm /etc/hostname")
    assert step.exit_code == 1
    assert step.stderr == "rm: can't remove '/etc/hostname': Device or resource busy\n"
    assert container_diff(step) == ("C /.dockerenv", "C /bin", "C /bin/busybox")


def test_rm_f_does_not_silence_ebusy():
    step = in_container("rm -f /etc/resolv.conf")
    assert (step.exit_code, step.stderr) == (1, "rm: can't remove '/etc/resolv.conf': Device or resource busy\n")
    assert step.fs.upper == fs.EMPTY


def test_writes_to_mounted_files_succeed_without_a_copy_up():
    step = in_container("touch /etc/hosts && echo 10.0.0.1 db >> /etc/hosts && echo x > /etc/hostname")
    assert (step.exit_code, step.stderr) == (0, "")
    assert step.fs.upper == fs.EMPTY
    # The host side of the mount is not modelled: it reads as the init layer's empty file.
    assert in_container("echo name > /etc/hostname; cat /etc/hostname").stdout == ""


def test_rm_rf_of_a_directory_holding_mounts_removes_the_rest():
    step = in_container("rm -rf /etc/")
    assert step.exit_code == 1
    assert step.stderr == "".join(
        f"rm: can't remove '{p}': Device or resource busy\n" for p in sorted(fs.BIND_MOUNTS))
    assert container_diff(step) == ("C /etc", "D /etc/mtab", "D /etc/passwd")
    assert step.fs.is_dir("/etc") and step.fs.exists("/etc/hosts")


def test_a_mounted_file_exists_for_mkdir():
    step = in_container("mkdir -p /etc/hosts")
    assert step.stderr == "mkdir: can't create directory '/etc/hosts': File exists\n"


# -- signals: docker stop and docker kill ---------------------------------------------


def test_kill_is_137_whatever_the_process_does():
    for argv in (("sleep", "1000"), ("sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait")):
        step = go(*argv)
        killed = signal(step.process, step.fs, "KILL")
        assert killed.exit_code == 137
        assert killed.process.jobs == ()


def test_sleep_as_pid1_ignores_term_and_stop_kills_it():
    step = go("sleep", "1000")
    term = signal(step.process, step.fs, "TERM")
    assert term.exit_code is None
    assert term.process == step.process
    assert stop(step.process, step.fs).exit_code == 137


def test_sleep_not_pid1_dies_of_term():
    proc = spawn(("sleep", "1000"), ROOT, PATH, pid1=False)
    step = run(proc, ROOT)
    assert signal(step.process, step.fs, "TERM").exit_code == 143


def test_a_shell_without_a_trap_as_pid1_ignores_term():
    step = sh("sleep 1000 & wait")
    assert signal(step.process, step.fs, "TERM").exit_code is None
    assert stop(step.process, step.fs).exit_code == 137
    single = sh("sleep 1000")
    assert stop(single.process, single.fs).exit_code == 137


def test_trap_runs_at_once_while_the_shell_waits():
    step = sh("trap 'exit 0' TERM; sleep 1000 & wait")
    assert step.exit_code is None and blocked(step.process)
    assert signal(step.process, step.fs, "TERM").exit_code == 0
    assert stop(step.process, step.fs).exit_code == 0


def test_trap_is_pending_while_the_shell_waits_for_a_foreground_child():
    step = sh("trap 'exit 0' TERM; sleep 1000")
    term = signal(step.process, step.fs, "TERM")
    assert term.exit_code is None
    assert term.process.pending
    assert stop(step.process, step.fs).exit_code == 137
    # If time passes instead, the child ends and the trap runs then.
    assert elapse(term.process, term.fs).exit_code == 0


def test_a_trap_without_exit_returns_from_wait_with_143_and_goes_on():
    step = sh("trap 'echo caught' TERM; sleep 1000 & wait; echo status=$?; touch /tmp/after")
    term = signal(step.process, step.fs, "TERM")
    assert term.exit_code == 0
    assert term.stdout == "caught\nstatus=143\n"
    assert changes(term) == ("C /tmp", "A /tmp/after")


def test_exit_without_a_status_in_a_trap_uses_the_status_before_it():
    step = sh("trap 'echo bye; exit' TERM; sleep 1000 & wait")
    term = signal(step.process, step.fs, "TERM")
    assert (term.exit_code, term.stdout) == (143, "bye\n")


def test_a_trap_may_write_files():
    step = sh("trap 'echo stopped > /tmp/status; exit 0' TERM; sleep 1000 & wait")
    done = stop(step.process, step.fs)
    assert done.exit_code == 0
    assert done.fs.upper["/tmp/status"].data == b"stopped\n"


def test_signals_to_an_exited_process_change_nothing():
    step = go("true")
    assert signal(step.process, step.fs, "KILL") == Step(step.process, step.fs, 0)
    assert stop(step.process, step.fs).exit_code == 0


def test_other_signals_and_unknown_ones():
    step = go("sleep", "1000")
    assert signal(step.process, step.fs, "SIGHUP").exit_code is None  # PID 1: no default action
    child = run(spawn(("sleep", "1000"), ROOT, PATH, pid1=False), ROOT)
    assert signal(child.process, child.fs, "HUP").exit_code == 129
    with pytest.raises(UnsupportedWorkload):
        signal(step.process, step.fs, "NOSUCHSIG")


# -- the language's limits ------------------------------------------------------------


@pytest.mark.parametrize("script, word", [
    ("echo ${x/a/b}", "${x/a/b}"),
    ("cat <<< word", "<<<"),
    ("echo ${x:1:2}", "${x:1:2}"),
    ("echo hi 3> /dev/null", "3>"),
    ("echo hi 2>&3", ">&3"),
    ("echo hi >&-", ">&-"),
    ("echo hi &> /tmp/f", "&>"),
    ("echo 'unterminated", "'unterminated"),
    ("true &&", ""),
    ("; true", ""),
    ("exec sleep 5", "exec"),
    ("[[ 1 ]]", "[["),
    ("function f { :; }", "function"),
])
def test_syntax_outside_the_language_is_refused_by_parse(script, word):
    with pytest.raises(UnsupportedWorkload) as e:
        parse(("sh", "-c", script))
    assert word in str(e.value)


def test_parse_checks_programs_but_not_names_it_cannot_resolve():
    assert parse(("sleep", "10")).applet == "sleep"
    assert parse(("/bin/busybox", "sleep", "10")).applet == "sleep"
    assert parse(("myprog",)).applet is None  # missing (exec error) or unsupported: spawn decides
    with pytest.raises(UnsupportedWorkload):
        parse(("sh", "script.sh"))
    with pytest.raises(UnsupportedWorkload):
        parse(("sleep",))
    with pytest.raises(UnsupportedWorkload):
        parse(())


def test_spawn_refuses_a_script_naming_an_existing_unsupported_program():
    with pytest.raises(UnsupportedWorkload, match="'awk'"):
        spawn(("sh", "-c", "true && awk /"), ROOT, PATH)


def test_a_dynamic_command_is_checked_when_it_runs():
    proc = spawn_env("$CMD /", ("CMD=awk",))
    with pytest.raises(UnsupportedWorkload, match="'awk'"):
        run(proc, ROOT)


# -- values ---------------------------------------------------------------------------


def test_same_input_same_steps():
    script = "trap 'echo t' TERM; touch /tmp/a; sleep 3 & wait; echo $?"
    a, b = sh(script), sh(script)
    assert a == b
    assert stop(a.process, a.fs) == stop(b.process, b.fs)
    assert elapse(a.process, a.fs) == elapse(b.process, b.fs)


def test_processes_are_hashable_values():
    steps = [sh("sleep 5 & wait"), go("sleep", "5"), sh("trap 'exit 0' TERM; sleep 9")]
    procs = {s.process for s in steps}
    assert len(procs) == 3
    assert hash(sh("sleep 5 & wait").process) == hash(steps[0].process)
    with pytest.raises(AttributeError):
        steps[0].process.status = 3  # type: ignore[misc]


def test_describe():
    assert describe(spawn(("sleep", "1000"), ROOT, PATH)) == "sleep 1000"
    assert describe(spawn(("sh", "-c", "sleep 1 & wait"), ROOT, PATH)) == "sh -c 'sleep 1 & wait'"
    assert describe(go("false").process) == "false (exited 1)"


def test_one_shots_take_microseconds():
    per_run = timeit.timeit(lambda: go("touch", "/tmp/x"), number=200) / 200
    assert per_run < 1e-3
