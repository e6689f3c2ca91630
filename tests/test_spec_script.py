"""`spec.script.to_argv` is the inverse of `dockspec.argv.parse`: parse(to_argv(c)) == c for every command."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from frozendict import frozendict

from dockspec.argv import parse
from dockspec.script import run_script
from model import commands as cmd
from model import fs
from model.engine import TRANSITIONS
from spec.script import MemoryFiles, files_of, render, to_argv

word = st.text(st.characters(codec="utf-8", exclude_characters="\x00", exclude_categories=("Cs",)), max_size=8)
name = st.text("abcxyz019_.-:/@", min_size=1, max_size=8)  # names and references, valid or not
plain = st.text("abcxyz019_.:/", min_size=1, max_size=8)  # never read as a flag
names = st.lists(name, min_size=1, max_size=3).map(tuple)
argv = st.lists(word, min_size=1, max_size=4).map(tuple)
opt = lambda s: st.none() | s  # noqa: E731
filters = st.lists(st.tuples(st.text("abcxyz_", min_size=1, max_size=6), word), max_size=2).map(tuple)
labels = st.dictionaries(st.text("abcxyz._", min_size=1, max_size=5), word, max_size=2).map(frozendict)

creates = st.builds(
    cmd.Create, image=plain, cmd=opt(argv), name=opt(name), entrypoint=opt(st.lists(plain, max_size=2).map(tuple)),
    env=st.lists(word, max_size=2).map(tuple), labels=labels, workdir=opt(word), auto_remove=st.booleans(),
    network=st.sampled_from(("none", "default", "bridge")),
)


@st.composite
def builds(draw):
    dockerfile_name = draw(st.sampled_from(("Dockerfile", "other.Dockerfile")))
    text = draw(word)
    context = {dockerfile_name: text.encode(), **draw(st.dictionaries(plain, st.binary(max_size=4), max_size=2))}
    context[dockerfile_name] = text.encode()
    return cmd.Build(text, frozendict(context), draw(st.lists(name, max_size=2).map(tuple)), draw(st.booleans()),
                     draw(st.booleans()), dockerfile_name, draw(st.sampled_from(("none", "default", "host"))))


prune_filters = st.lists(st.tuples(st.just("label"), plain), max_size=2).map(tuple)

COMMANDS = {
    cmd.Create: creates,
    cmd.Run: st.builds(cmd.Run, creates, st.booleans()),
    cmd.Start: st.builds(cmd.Start, names),
    cmd.Stop: st.builds(cmd.Stop, names, opt(st.integers(0, 100))),
    cmd.Restart: st.builds(cmd.Restart, names, opt(st.integers(0, 100))),
    cmd.Kill: st.builds(cmd.Kill, names, st.sampled_from(("KILL", "TERM", "SIGHUP", "9"))),
    cmd.Pause: st.builds(cmd.Pause, names),
    cmd.Unpause: st.builds(cmd.Unpause, names),
    cmd.Rm: st.builds(cmd.Rm, names, st.booleans()),
    cmd.Exec: st.builds(cmd.Exec, name, argv, st.booleans(), opt(word), st.lists(word, max_size=2).map(tuple)),
    cmd.Wait: st.builds(cmd.Wait, names),
    cmd.Diff: st.builds(cmd.Diff, name),
    cmd.Logs: st.builds(cmd.Logs, name),
    cmd.Export: st.builds(cmd.Export, name, opt(plain)),
    cmd.Commit: st.builds(cmd.Commit, name, opt(name), word, word, st.booleans()),
    cmd.Ps: st.builds(cmd.Ps, st.booleans(), st.booleans(), st.booleans(), filters, opt(word), opt(st.integers(0, 9))),
    cmd.Images: st.builds(cmd.Images, st.booleans(), st.booleans(), st.booleans(), filters, opt(word), opt(name)),
    cmd.Rmi: st.builds(cmd.Rmi, names, st.booleans(), st.booleans()),
    cmd.Tag: st.builds(cmd.Tag, name, name),
    cmd.History: st.builds(cmd.History, name, st.booleans(), st.booleans(), opt(word)),
    cmd.Inspect: st.builds(cmd.Inspect, names, opt(word), st.sampled_from((None, "container", "image"))),
    cmd.Import: st.builds(cmd.Import, st.binary(max_size=8), opt(name), st.just("-"), word),
    cmd.Save: st.builds(cmd.Save, names, opt(plain)),
    cmd.Load: st.builds(cmd.Load, st.binary(max_size=8), st.booleans()),
    cmd.Build: builds(),
    cmd.Rename: st.builds(cmd.Rename, name, name),
    cmd.ContainerPrune: st.builds(cmd.ContainerPrune, st.booleans(), prune_filters),
    cmd.ImagePrune: st.builds(cmd.ImagePrune, st.booleans(), st.booleans(), prune_filters),
    cmd.SystemPrune: st.builds(cmd.SystemPrune, st.booleans(), st.booleans(), prune_filters),
    cmd.Cp: st.builds(cmd.Cp, st.sampled_from(("c1", "ctr2")), st.sampled_from(("/tmp/f", "/tmp/", "tmp/x", "")),
                      st.sampled_from(("hello.txt", "out", "dir/.", "a/b")), st.booleans(),
                      st.sampled_from((frozendict(), frozendict({"": fs.file(b"x")}),
                                       frozendict({"": fs.DIR, "f": fs.file(b"y", 0o755)}))), st.just(True)),
}


def test_every_command_type_is_generated():
    assert set(COMMANDS) == set(TRANSITIONS)


@settings(max_examples=300, deadline=None)
@given(st.one_of(*COMMANDS.values()))
def test_parse_inverts_to_argv(command):
    words = to_argv(command)
    assert words[0] == "docker"
    _, back = parse(words, MemoryFiles(files_of(command)))
    assert back == command


def test_rendered_script_runs_on_the_model(tmp_path):
    from spec.fixtures import base_tar

    (tmp_path / "base.tar").write_bytes(base_tar())
    commands = [
        cmd.Import(base_tar(), "base:1"),
        cmd.Run(cmd.Create("base:1", ("sh", "-c", "echo hi > /tmp/x"), name="c1", network="none")),
        cmd.Stop(("c1",), timeout=0),
        cmd.Commit("c1", "img1:latest", message="it's"),
    ]
    text = render([(to_argv(c), "") for c in commands])
    assert "docker run --name c1 --network none base:1 sh -c 'echo hi > /tmp/x'" in text
    assert "docker stop -t 0 c1" in text and "docker import base.tar base:1" in text
    results, _ = run_script(text, tmp_path)
    assert [r.exit for r in results] == [0, 0, 0, 0]
