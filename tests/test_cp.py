"""`docker cp` on the model: placement, links, mounts, refusals, and the script's host files (docs/cp.md)."""
from __future__ import annotations

from pathlib import Path

import pytest
from frozendict import frozendict

from dockspec.script import run_script
from model import commands as cmd
from model import fs
from model.dialects.docker import DOCKER_28_5
from model.engine import step
from model.errors import ErrorKind
from spec.fixtures import base_world


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "hello.txt").write_text("hello\n")
    (tmp_path / "dir" / "sub").mkdir(parents=True)
    (tmp_path / "dir" / "a").write_text("a\n")
    (tmp_path / "dir" / "sub" / "b").write_text("b\n")
    return tmp_path


def run(folder: Path, text: str, profile=None):
    lines = "docker import base.tar base:1\n" + text
    from dockspec.rootfs import busybox_rootfs

    (folder / "base.tar").write_bytes(busybox_rootfs())  # the machine's busybox: every applet link, /root
    kw = {"profile": profile} if profile is not None else {}
    results, files = run_script(lines, folder, **kw)
    return results[1:], files


def test_cp_into_a_created_container_lands_in_its_layer_and_diff_sees_it(folder):
    (r_cp, r_diff), _ = run(folder, "docker create --name c1 base:1 true\ndocker cp hello.txt c1:/tmp/f\n"
                                    "docker diff c1\n")[0][1:], None
    assert r_cp.exit == 0 and r_diff.stdout == "C /tmp\nA /tmp/f\n"


def test_cp_onto_a_mount_point_is_busy_once_started_not_before(folder):
    results, _ = run(folder, "docker create --name c1 base:1 sleep 1000\ndocker cp hello.txt c1:/etc/hostname\n"
                             "docker start c1\ndocker cp hello.txt c1:/etc/hosts\ndocker diff c1\n")
    assert results[1].exit == 0
    assert results[3].error_kind == "busy" and "unlinkat /etc/hosts: device or resource busy" in results[3].stderr
    assert results[4].stdout == "C /etc\nC /etc/hostname\n"


def test_cp_follows_links_in_the_container_path(folder):
    results, _ = run(folder, "docker run -d --name c1 base:1 sh -c 'ln -s /tmp /t; ln -s /tmp/tf /tl; sleep 1000'\n"
                             "docker cp hello.txt c1:/t/\ndocker cp hello.txt c1:/t/via\ndocker cp hello.txt c1:/tl\n"
                             "docker diff c1\n")
    assert all(r.exit == 0 for r in results)
    assert results[-1].stdout.splitlines() == ["A /t", "A /tl", "C /tmp", "A /tmp/hello.txt", "A /tmp/tf", "A /tmp/via"]


def test_cp_out_and_back_keeps_bytes_and_folders(folder):
    results, files = run(folder, "docker run --name c1 base:1 sh -c 'mkdir -p /x/y; echo z > /x/y/z'\n"
                                 "docker cp c1:/x out\ndocker cp out c1:/root/back\ndocker start -a c1\n"
                                 "docker exec c1 true\n")
    assert results[1].exit == 0 and files.written["out/y/z"] == b"z\n"
    assert files.made["out/y"].kind is fs.Kind.DIR
    assert results[2].exit == 0


def test_cp_refusals_name_what_is_wrong(folder):
    results, _ = run(folder, "docker create --name c1 base:1 true\n"
                             "docker cp hello.txt nosuch:/tmp\ndocker cp c1:/nope x\ndocker cp nope.txt c1:/tmp/\n"
                             "docker cp hello.txt c1:/nodir/\ndocker cp dir c1:/bin/busybox\n"
                             "docker cp c1:/bin/busybox nodir/x\ndocker cp hello.txt x.txt\ndocker cp -a hello.txt c1:/\n")
    kinds = [(r.exit, r.error_kind) for r in results[1:]]
    assert kinds == [(1, "no_such_container"), (1, "no_such_container"), (1, "no_such_file"), (1, "no_such_file"),
                     (1, "file_conflict"), (1, "no_such_file"), (1, "usage"), (125, "usage")]
    assert results[1].stderr == "Error: No such container:path: nosuch:/\n"


def test_modern_dialect_tells_a_missing_path_from_a_missing_container(folder):
    results, _ = run(folder, "docker create --name c1 base:1 true\ndocker cp c1:/nope x\n", profile=DOCKER_28_5)
    assert results[1].error_kind == "no_such_file"
    assert results[1].stderr == "Error response from daemon: Could not find the file /nope in container c1\n"


def test_refused_cp_changes_nothing():
    world = base_world()
    world = step(world, cmd.Run(cmd.Create("base:1", ("sleep", "1000"), name="c1"), detach=True)).world
    r = step(world, cmd.Cp("c1", "/etc/resolv.conf", "f", into=True, host=frozendict({"": fs.file(b"x")})))
    assert r.error.kind is ErrorKind.BUSY and r.world == world
