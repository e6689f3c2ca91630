"""The workload shell's later additions, each as busybox ash prints it on Docker 20.10
(replays/58-shell2.sh, 59-applets2.sh): quoting, substitutions, substrings, printf floats,
basename, dirname, find, du, date, awk, ls -l, and an exec that runs alongside PID 1."""
from __future__ import annotations

import pytest

from model import fs
from model.clock import EPOCH
from model.errors import UnsupportedWorkload
from tests.helpers import based, docker
from tests.test_workload import ROOT as _ROOT

ROOT = _ROOT
for _a in ("basename", "dirname", "find", "du", "date", "awk", "printf"):
    ROOT = ROOT.write(f"/bin/{_a}", fs.symlink("/bin/busybox"))


def out(script: str, rootfs=ROOT) -> str:
    from tests.test_workload import PATH
    from model.workload import run, spawn
    step = run(spawn(("sh", "-c", script), rootfs, PATH), rootfs)
    assert step.exit_code is not None, script
    return step.stdout


def test_blanks_before_a_closing_quote_are_kept():
    assert out('W=a; echo "$W "; echo "[$W  ]"') == "a \n[a  ]\n"


def test_substitutions_replace_the_leftmost_longest_match():
    assert out('x=abcabc; echo ${x/b*c/Z} ${x//b?/Z} ${x/"b*"/Z} ${x/*a/Z} ${x//a/} ${x/[ab]/-} "${x/a/ 1 }"') == \
        "aZ aZaZ abcabc Zbc bcbc -bcabc  1 bcabc\n"
    assert out('x="a b"; echo ${x/ /_} ${u/a/b}.') == "a_b .\n"
    with pytest.raises(UnsupportedWorkload, match="empty string"):
        out("x=abc; echo ${x//*/Z}")  # busybox never returns
    with pytest.raises(UnsupportedWorkload):
        out("echo ${x//}")


def test_substrings_count_from_the_start_or_the_end():
    assert out('x=abcabc; n=2; echo ${x: -2} ${x:1:-1} ${x:n:2} ${x:$((1+1))} ${x:10}. ${x:0:0}. ${x:1+1}') == \
        "bc bcab ca cabc . . cabc\n"
    with pytest.raises(UnsupportedWorkload, match="length"):
        out("x=abc; echo ${x:1:-5}")


def test_printf_floats_and_an_empty_c():
    assert out('printf "%f|%.2f|%5.1f|%.0f|%.0f|%-8.3f|%08.2f|%e|%g|%G\\n" 1.5 2.345 3 0.5 1.5 -1.25 3.14159 '
               '12345.678 1234567 1e-10') == \
        "1.500000|2.35|  3.0|0|2|-1.250  |00003.14|1.234568e+04|1.23457e+06|1E-10\n"
    assert out('printf "%c|%c|\\n" hello ""') == "h|\0|\n"
    assert out('printf "%f\\n" abc; echo $?') == "0.000000\n1\n"
    with pytest.raises(UnsupportedWorkload):
        out('printf "%f" inf')


def test_basename_and_dirname():
    assert out("basename /a/b/; basename /; basename /a/b.txt .txt; basename b.txt b.txt") == "b\n/\nb\nb.txt\n"
    assert out("dirname /a/b/; dirname a; dirname /; dirname /a; dirname a/b") == "/a\n.\n/\n/\na\n"
    with pytest.raises(UnsupportedWorkload):
        out("basename")


TREE = ROOT.mkdir("/w").write("/w/a.env", fs.file("hello\n")).mkdir("/w/d").write("/w/d/b.txt", fs.file(""))


def test_find_answers_only_where_readdir_order_cannot_matter():
    assert out("find /w -name '*.env'", TREE) == "/w/a.env\n"
    assert out("find /w/d; find /w -type d -name d", TREE) == "/w/d\n/w/d/b.txt\n/w/d\n"
    assert out("find /w -maxdepth 0; find /nosuch; echo $?", TREE) == "/w\n1\n"
    with pytest.raises(UnsupportedWorkload, match="readdir"):
        out("find /w -type f", TREE)


def test_du_counts_ext4_blocks():
    big = TREE.write("/w/big", fs.file(b"x" * 5000))
    assert out("du -s /w; du -sh /w/d; du -s /w/big", big) == "20\t/w\n4.0K\t/w/d\n8\t/w/big\n"
    with pytest.raises(UnsupportedWorkload, match="-s"):
        out("du /w", TREE)


def test_date_reads_the_models_clock():
    assert out("date +%s; date +%Y-%m-%d; date") == f"{EPOCH}\n2023-11-14\nTue Nov 14 22:13:20 UTC 2023\n"
    with pytest.raises(UnsupportedWorkload):
        out("date -d yesterday")


def test_awk_common_subset():
    text = ROOT.write("/t", fs.file("a b c\nd  e\tf\n\n x y \n"))
    assert out("awk '{print $2}' /t", text) == "b\ne\n\ny\n"
    assert out("awk 'BEGIN{n=0} {n+=NF} END{print n, NR, n/NR, 1/3, 10%3}' /t", text) == "8 4 2 0.333333 1\n"
    assert out("awk -F: '{print $1, $NF, NF}' /etc/passwd") == "root /bin/sh 7\n"
    assert out("echo 1 2 | awk '{print $1+$2, $1 $2}'; awk 'NR==2' /t; awk '/b/ {print \"hit\", $0}' /t", text) == \
        "3 12\nd  e\tf\nhit a b c\n"
    for program in ("{printf \"%s\", $1}", "{print $1 > \"f\"}", "{if ($1) print}", "{a[1]=2}"):
        with pytest.raises(UnsupportedWorkload):
            out(f"awk '{program}' /t", text)


def test_ls_long_in_a_container():
    w = based("docker run -d --network none --name l1 base:1 sh -c 'mkdir -p /w/d; echo hi > /w/f; sleep 100'")
    r = docker(w, "docker exec l1 ls -l /w")
    assert r.stdout == ("total 8\n"
                        "drwxr-xr-x    2 root     0             4096 Nov 14 22:13 d\n"
                        "-rw-r--r--    1 root     0                3 Nov 14 22:13 f\n")
    assert docker(w, "docker exec l1 ls -ld /w").stdout.startswith("drwxr-xr-x    3 root ")
    r = docker(w, "docker exec l1 ls -ld /bin")  # only in the image: its layers decide the link count
    assert r.error is not None and r.world == w


def test_an_exec_sees_what_pid1_writes_meanwhile():
    w = based("docker run -d --network none --name s1 base:1 sh -c 'sleep 2; touch /tmp/ready; sleep 600'")
    r = docker(w, "docker exec s1 sh -c 'n=0; until [ -f /tmp/ready ]; do n=$((n+1)); sleep 1; done; echo $n'")
    assert (r.exit, r.stdout) == (0, "2\n")
    w = based("docker run -d --network none --name s2 base:1 sh -c 'sleep 3'")
    r = docker(w, "docker exec s2 sleep 5")  # PID 1 exits first: the engine kills the exec
    assert r.error is not None and r.world == w
