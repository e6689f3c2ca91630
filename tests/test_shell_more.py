"""Narratives for the shell forms beyond the basics (replays/45-shell-more.sh shows each on Docker 20.10)."""
from __future__ import annotations

import pytest

from dockspec.script import split_lines
from model import fs
from model.errors import UnsupportedWorkload
from model.workload import parse, run, spawn

from .test_workload import PATH, ROOT, sh


def out(script: str) -> str:
    return sh(script).stdout


def test_pattern_removal_takes_the_shortest_or_longest_match():
    assert out("x=/a/b.tar.gz; echo ${x#*/} ${x##*/} ${x%.*} ${x%%.*} ${x#nomatch}") == \
        "a/b.tar.gz b.tar.gz /a/b.tar /a/b /a/b.tar.gz\n"
    assert out('x=a*b; echo "${x#"a*"}" ${x#a\\*}; p=a; echo ${x#$p}') == "b b\n*b\n"


def test_assign_default_sets_the_variable_for_later_words():
    assert out("echo ${A:=one} $A; A=; echo ${A:=two} $A; B=; echo [${B=x}]") == "one one\ntwo two\n[]\n"


def test_backquotes_undo_their_backslashes():
    assert out('echo `echo a` "`echo b c`" `echo \\`echo n\\``') == "a b c n\n"


def test_local_is_restored_when_the_function_returns_either_way():
    assert out('v=out; f(){ local v=in; echo $v; return 0; }; f; echo $v') == "in\nout\n"
    assert out('v=out; f(){ local v; echo "[$v]"; }; f; echo $v; g(){ local u=1; }; g; echo "[$u]"') == \
        "[]\nout\n[]\n"
    with pytest.raises(UnsupportedWorkload, match="local outside a function"):
        sh("local x=1")


def test_break_and_continue_leave_status_zero():
    assert out("for i in 1 2; do false || break; done; echo $?; for i in 1; do false || continue; done; echo $?") == \
        "0\n0\n"
    assert out("for i in 1 2 3; do for j in a b; do [ $j = b ] && continue 2; [ $i = 3 ] && break 2; echo $i$j; done; done") \
        == "1a\n2a\n"


def test_read_takes_one_line_at_a_time_from_a_pipe_a_file_or_a_heredoc():
    assert out('printf "a b c\\nd\\n" | while read x y; do echo "<$x|$y>"; done') == "<a|b c>\n<d|>\n"
    assert out('echo "k=v" > /tmp/f; IFS== read k v < /tmp/f; echo "$k $v"; read k < /tmp/f; echo $k') == "k v\nk=v\n"
    step = sh("read x <<EOF\nfirst\nsecond\nEOF\necho $x $?; read y < /dev/null; echo \"[$y]\" $?")
    assert step.stdout == "first 0\n[] 1\n"


def test_heredocs_expand_unless_the_word_is_quoted_and_strip_tabs_with_dash():
    step = sh('v=1; cat <<EOF\n$v $((v+1)) `echo b` \\$v "q"\nEOF\ncat <<"EOF"\n$v\nEOF\ncat <<-EOF\n\tt\n\tEOF')
    assert step.stdout == '1 2 b $v "q"\n$v\nt\n'


def test_eval_runs_its_words_in_this_shell_with_its_redirections():
    assert out('x=y; eval "$x=5"; echo $y; eval "echo a; echo b" > /tmp/e; cat /tmp/e; eval; echo $?') == "5\na\nb\n0\n"


def test_quoted_at_is_one_field_per_parameter():
    assert out('f(){ for a in "$@"; do echo "<$a>"; done; }; f "a b" c; f; g(){ f "x$@y"; }; g 1 2') == \
        "<a b>\n<c>\n<x1>\n<2y>\n"


def test_blanks_between_two_expansions_in_double_quotes_are_kept():
    assert out('a=1 b=2; echo "$a $b|$a  $b"') == "1 2|1  2\n"


def test_printf_formats_as_busybox():
    assert out('printf "%05d|%-3s|%x|%o|%c|%.2s|%+d|%u\\n" 42 a 255 8 hello hello 3 -1') == \
        "00042|a  |ff|10|h|he|+3|18446744073709551615\n"
    step = sh('printf "%d\\n" abc')
    assert (step.stdout, step.stderr, step.exit_code) == ("0\n", "sh: invalid number 'abc'\n", 1)
    with pytest.raises(UnsupportedWorkload, match="%5.1f"):
        sh('printf "%5.1f" 1')


def test_what_stays_refused():
    for script in ("echo ${x/a/b}", "echo ${x:1:2}", "cat <<< w", "f(){ break; }; for i in 1; do f; done"):
        with pytest.raises(UnsupportedWorkload):
            parse(("sh", "-c", script))
    with pytest.raises(UnsupportedWorkload, match="'break'"):
        sh("c=break; for i in 1; do $c; done")


def test_an_executable_sh_script_runs_with_its_path_as_dollar_zero():
    rootfs = ROOT.write("/bin/tool", fs.file(b"#!/bin/sh\necho \"$0 $1\"\n", 0o755))
    assert run(spawn(("tool", "x"), rootfs, PATH), rootfs).stdout == "/bin/tool x\n"
    plain = ROOT.write("/bin/data", fs.file(b"#!/bin/sh\necho hi\n", 0o644))
    with pytest.raises(UnsupportedWorkload):
        spawn(("data",), plain, PATH)


def test_a_docker_script_may_quote_across_lines():
    lines = split_lines("docker run base:1 sh -c '\n  echo a\n  echo b\n'\ndocker ps\ndocker x 'open")
    assert [l.number for l in lines] == [1, 5, 6]
    assert lines[0].words[-1] == "\n  echo a\n  echo b\n"
    assert lines[2].words is None and "not closed" in lines[2].error


def test_several_assignments_are_made_left_to_right():
    assert out("a=1 b=$a; echo $a $b") == "1 1\n"
