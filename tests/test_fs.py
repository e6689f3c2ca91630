"""Narratives for the union file system: layers, copy-up, `docker diff`, mount points."""
from __future__ import annotations

import pytest
from frozendict import frozendict

from model import fs
from model.fs import DIR, OPAQUE_DIR, WHITEOUT, FsError, Rootfs, diff, union

BASE = frozendict({
    "/etc": DIR,
    "/etc/passwd": fs.file("root:x:0:0\n"),
    "/etc/group": fs.file("root:x:0:\n"),
    "/usr": DIR,
    "/usr/lib": DIR,
    "/usr/lib/a.so": fs.file("a"),
    "/bin": DIR,
    "/bin/sh": fs.symlink("/bin/busybox"),
})
LOWER = union((BASE,))


# -- union: whiteouts, opaque directories, upper wins -----------------------------------


def test_upper_layers_win():
    view = union((BASE, frozendict({"/etc/passwd": fs.file("changed\n")})))
    assert view["/etc/passwd"].data == b"changed\n"
    assert view["/etc/group"] == BASE["/etc/group"]


def test_a_whiteout_removes_the_path_and_everything_beneath_it():
    view = union((BASE, frozendict({"/usr": WHITEOUT})))
    assert "/usr" not in view and "/usr/lib" not in view and "/usr/lib/a.so" not in view
    assert "/etc/passwd" in view
    assert all(e.kind is not fs.Kind.WHITEOUT for e in view.values())  # views hold no whiteouts


def test_an_opaque_directory_hides_the_lower_children_but_keeps_its_own():
    view = union((BASE, frozendict({"/etc": OPAQUE_DIR, "/etc/hostname": fs.file("h")})))
    assert view["/etc"] == DIR  # the view's directory is no longer marked opaque
    assert sorted(p for p in view if p.startswith("/etc/")) == ["/etc/hostname"]


def test_a_file_replacing_a_directory_drops_what_was_beneath():
    view = union((BASE, frozendict({"/usr/lib": fs.file("now a file")})))
    assert view["/usr/lib"].kind is fs.Kind.FILE
    assert "/usr/lib/a.so" not in view


def test_union_of_nothing_is_empty_and_digest_follows_content():
    assert union(()) == fs.EMPTY
    assert fs.digest(BASE) == fs.digest(frozendict(reversed(list(BASE.items()))))
    assert fs.digest(BASE) != fs.digest(frozendict({**BASE, "/etc/group": fs.file("x")}))
    assert fs.size(frozendict({"/a": fs.file("abc"), "/d": DIR, "/l": fs.symlink("/a")})) == 5


# -- writing: copy-up, errors, old values unchanged --------------------------------------


def test_writing_below_a_lower_directory_copies_the_directories_up():
    rootfs = Rootfs(LOWER)
    after = rootfs.write("/usr/lib/b.so", fs.file("b"))
    assert set(after.upper) == {"/usr", "/usr/lib", "/usr/lib/b.so"}
    assert after.upper["/usr"] == LOWER["/usr"]
    assert rootfs.upper == fs.EMPTY  # the old value stays valid
    assert after.lookup("/usr/lib/a.so") == LOWER["/usr/lib/a.so"]


@pytest.mark.parametrize("path, errno_name", [
    ("/nope/f", "ENOENT"),
    ("/etc/passwd/f", "ENOTDIR"),
    ("/etc", "EISDIR"),
])
def test_write_errors_say_what_the_kernel_says(path, errno_name):
    with pytest.raises(FsError) as e:
        Rootfs(LOWER).write(path, fs.file("x"))
    assert (e.value.errno_name, e.value.path) == (errno_name, path)


def test_mkdir_of_a_deleted_directory_comes_back_opaque():
    rootfs = Rootfs(LOWER).remove("/usr").mkdir("/usr")
    assert rootfs.upper["/usr"] == OPAQUE_DIR
    assert rootfs.listdir("/usr") == []
    assert Rootfs(LOWER).mkdir("/srv/a/b", parents=True).upper == frozendict(
        {"/srv": DIR, "/srv/a": DIR, "/srv/a/b": DIR})
    with pytest.raises(FsError, match="EEXIST"):
        Rootfs(LOWER).mkdir("/etc")


def test_remove_leaves_a_whiteout_only_for_what_the_lower_view_had():
    removed = Rootfs(LOWER).remove("/usr/lib")
    assert removed.upper == frozendict({"/usr": DIR, "/usr/lib": WHITEOUT})
    created = Rootfs(LOWER).write("/etc/new", fs.file("n")).remove("/etc/new")
    assert created.upper == frozendict({"/etc": DIR})
    with pytest.raises(FsError, match="ENOENT"):
        Rootfs(LOWER).remove("/nope")
    with pytest.raises(FsError, match="EBUSY"):
        Rootfs(LOWER).remove("/")


# -- docker diff ------------------------------------------------------------------------


def test_diff_lists_added_changed_and_deleted_with_changed_parents():
    rootfs = (Rootfs(LOWER)
              .write("/etc/passwd", fs.file("changed\n"))
              .write("/usr/lib/b.so", fs.file("b"))
              .remove("/bin/sh"))
    assert diff(LOWER, rootfs.upper) == (
        "C /bin", "D /bin/sh", "C /etc", "C /etc/passwd", "C /usr", "C /usr/lib", "A /usr/lib/b.so")


def test_directories_are_compared_by_mode_only():
    # A copied-up directory with nothing listed beneath it is not listed (replays/09-diff.sh).
    same = frozendict({"/usr": DIR, "/usr/lib": DIR})
    assert diff(LOWER, same) == ()
    chmod = frozendict({"/usr": DIR, "/usr/lib": fs.Entry(fs.Kind.DIR, mode=0o700)})
    assert diff(LOWER, chmod) == ("C /usr", "C /usr/lib")


def test_a_copied_up_file_is_changed_even_with_the_same_content():
    touched = Rootfs(LOWER).write("/etc/group", LOWER["/etc/group"])
    assert diff(LOWER, touched.upper) == ("C /etc", "C /etc/group")


def test_a_file_created_then_deleted_leaves_no_trace():
    rootfs = Rootfs(LOWER).write("/usr/lib/tmp", fs.file("t")).remove("/usr/lib/tmp")
    assert "/usr/lib" in rootfs.upper  # the copy-up stays
    assert diff(LOWER, rootfs.upper) == ()


def test_a_whiteout_of_nothing_is_not_listed():
    assert diff(LOWER, frozendict({"/ghost": WHITEOUT})) == ()


def test_an_opaque_directory_lists_the_hidden_lower_children_as_deleted():
    rootfs = Rootfs(LOWER).remove("/etc").mkdir("/etc").write("/etc/passwd", fs.file("new\n"))
    assert diff(LOWER, rootfs.upper) == ("C /etc", "D /etc/group", "C /etc/passwd")


# -- mount points -------------------------------------------------------------------------

CONTAINER = union((BASE, fs.INIT_LAYER))


def mounted() -> Rootfs:
    return Rootfs(CONTAINER, fs.EMPTY, fs.BIND_MOUNTS)


def test_the_bind_mounts_are_init_layer_files():
    assert fs.BIND_MOUNTS == {"/etc/hostname", "/etc/hosts", "/etc/resolv.conf"}
    assert all(fs.INIT_LAYER[m].kind is fs.Kind.FILE for m in fs.BIND_MOUNTS)
    assert Rootfs(CONTAINER).mounts == frozenset()  # positional (lower, upper) callers get none


def test_writing_a_mounted_file_leaves_the_rw_layer_alone():
    rootfs = mounted()
    after = rootfs.write("/etc/hosts", fs.file("127.0.0.1 me\n"))
    assert after == rootfs
    assert after.lookup("/etc/hosts") == fs.INIT_LAYER["/etc/hosts"]  # the host side is not modelled
    assert diff(CONTAINER, after.upper) == ()


def test_removing_a_mount_point_is_ebusy_and_changes_nothing():
    rootfs = mounted().write("/etc/new", fs.file("n"))
    with pytest.raises(FsError) as e:
        rootfs.remove("/etc/hostname")
    assert (e.value.errno_name, e.value.path) == ("EBUSY", "/etc/hostname")
    with pytest.raises(FsError) as e:
        rootfs.remove("/etc")  # all or nothing: the mount point beneath is named
    assert (e.value.errno_name, e.value.path) == ("EBUSY", "/etc/hostname")
    assert rootfs.busy("/etc") == "/etc/hostname" and rootfs.busy("/usr") is None
    assert rootfs.remove("/etc/passwd").mounts == fs.BIND_MOUNTS  # other paths as before


def test_every_change_keeps_the_mounts():
    rootfs = mounted().mkdir("/srv/x", parents=True).write("/srv/x/f", fs.file()).remove("/srv/x/f")
    assert rootfs.mounts == fs.BIND_MOUNTS
    assert diff(CONTAINER, rootfs.upper) == ("A /srv", "A /srv/x")


def test_rootfs_values_hash_with_their_mounts():
    a, b = mounted(), mounted()
    assert a == b and hash(a) == hash(b)
    assert a != Rootfs(CONTAINER) and len({a, b, Rootfs(CONTAINER)}) == 2
    assert a.view is b.view  # the view is cached by (lower, upper)
