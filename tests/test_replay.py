"""Every script of replays/ replayed on each engine and on the model in the engine's dialect, line by line.

The engines come from `DOCKSPEC_TEST_ENGINES` (space-separated names; `make test`
sets it from `ENGINES`; default docker-20.10).  For each engine, the lines where
the model is still known to differ from it are listed in `replays/ledger/NAME.txt`
(`FILE:LINE  why`); the test asserts that exactly those lines differ: a new
difference fails, and so does a listed line that now agrees (remove it from the
ledger).  docker-20.10 has no ledger: every line must agree.
"""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest

from dockspec.replay import render, replay_text, rewrite

ROOT = Path(__file__).parent.parent
REPLAYS = sorted((ROOT / "replays").glob("[0-9]*.sh"))
ENGINES = os.environ.get("DOCKSPEC_TEST_ENGINES", "docker-20.10").split()


def test_a_standing_state_difference_is_shown_once():
    """`replay --dialect docker-20.10` on Podman: a difference every later line repeats is named once, then
    "as at line N"; what is new on a later line is shown alone."""
    from dockspec.replay import LineReport

    def report(line, m_diff, e_diff):
        side = lambda d: {"exit": 0, "stdout": "", "stderr": "", "state": {"diff": d, "images": {"base:1": "x"}}}
        return LineReport(line, f"docker line{line}", side(m_diff), side(e_diff), ["state"])

    text = render([report(2, {"c1": []}, {"c1": ["C /etc"]}),
                   report(3, {"c1": []}, {"c1": ["C /etc"]}),
                   report(4, {"c1": [], "c2": []}, {"c1": ["C /etc"], "c2": ["C /etc"]})])
    assert text.count('"C /etc"') == 2  # c1 at line 2, c2 at line 4
    assert "  state.diff: as at line 2" in text.splitlines()
    assert "  state.diff: (the rest as at line 3)" in text.splitlines()
    assert "state.images" not in text


def test_rewrite_prefixes_names_and_references_only():
    words = ["docker", "run", "--network", "none", "--name", "c1", "base:1", "sh", "-c", "echo c1"]
    assert rewrite(words, "dsk-r-", "r") == ["docker", "run", "--label", "dockspec.run=r", "--network", "none",
                                             "--name", "dsk-r-c1", "dsk-r-base:1", "sh", "-c", "echo c1"]
    assert rewrite(["docker", "stop", "-t", "1", "s1"], "p-") == ["docker", "stop", "-t", "1", "p-s1"]
    assert rewrite(["docker", "rmi", "{id:base:1}"], "p-") == ["docker", "rmi", "{id:p-base:1}"]
    assert rewrite(["docker", "ps", "--filter", "name=f1", "--filter", "label=a=b"], "p-") == \
        ["docker", "ps", "--filter", "name=p-f1", "--filter", "label=a=b"]
    assert rewrite(["docker", "create", "--name", "_c", "base:1"], "p-")[3] == "_c"  # stays invalid


def ledger(engine: str) -> dict[str, set[int]]:
    """`replays/ledger/ENGINE.txt`: script name -> the lines known to differ on that engine."""
    path = ROOT / "replays" / "ledger" / f"{engine}.txt"
    out: dict[str, set[int]] = {}
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text().splitlines(), 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        m = re.fullmatch(r"(\S+\.sh):(\d+)(?:-(\d+))?(\s+.*)?", text)
        if not m:
            raise ValueError(f"{path}:{n}: expected FILE:LINE[-LAST] WHY, got {line!r}")
        out.setdefault(m[1], set()).update(range(int(m[2]), int(m[3] or m[2]) + 1))
    return out


@pytest.mark.engine
@pytest.mark.parametrize("name", ENGINES)
@pytest.mark.parametrize("script", REPLAYS, ids=lambda p: p.stem)
def test_replay_agrees(named_engine, engine, name, script):
    from dockspec import engines
    from model import dialects

    e = engines.get(name)
    url = engine if name == engines.DEFAULT and os.environ.get("DOCKSPEC_DOCKER_HOST") else named_engine(name)
    known = ledger(name).get(script.name, set()) | _known_divergences(script.name)
    reports = replay_text(script.read_text(), script.parent, url, engine=e, profile=dialects.get(e.dialect))
    faulted = [r for r in reports if r.fault and r.line not in known]
    if faulted:
        # The engine's log admitted a fault of its own where a line differs (dockspec.engines.faults): not a
        # divergence, and the rest of the script was checked.  The script is replayed once more, and must
        # agree then: the fault is named in the test's warnings.
        warnings.warn(f"{name}: {script.name} replayed again after an engine fault\n" + render(faulted))
        reports = replay_text(script.read_text(), script.parent, url, engine=e, profile=dialects.get(e.dialect))
        faulted = [r for r in reports if r.fault and r.line not in known]
        assert not faulted, f"{name}: the engine failed again on the replay of {script.name}\n" + render(faulted)
    new = [r for r in reports if r.differs and r.line not in known]
    agree_now = sorted(known - {r.line for r in reports if r.differs})
    assert not new, f"{name}: new differences\n" + render(new)
    assert not agree_now, f"{name}: {script.name} lines {agree_now} agree now: remove them from replays/ledger/{name}.txt"


def test_every_ledger_names_a_known_engine_and_real_lines():
    from dockspec import engines

    for path in (ROOT / "replays" / "ledger").glob("*.txt"):
        assert path.stem in engines.names(), path
        for script, lines in ledger(path.stem).items():
            text = (ROOT / "replays" / script).read_text().splitlines()
            assert max(lines) <= len(text), f"{path.name}: {script} has {len(text)} lines"


def _known_divergences(name: str) -> set[int]:
    """Lines of replays/ where the 20.10 model is known to differ (docs/divergences.md)."""
    doc = ROOT / "docs" / "divergences.md"
    if not doc.exists():
        return set()
    lines = set()
    for a, b in re.findall(rf"`{re.escape(name)}:(\d+)(?:-(\d+))?`", doc.read_text()):
        lines.update(range(int(a), int(b or a) + 1))
    return lines


def test_replay_never_runs_a_forced_system_prune_the_engine_would_carry_out():
    from dockspec.replay import UnsafeLine, refuse_unsafe

    with pytest.raises(UnsafeLine, match="line 7: .*system prune.*build cache"):
        refuse_unsafe(7, ["docker", "system", "prune", "-a", "-f"], refused=False)
    refuse_unsafe(8, ["docker", "system", "prune", "-f", "--filter", "name=x"], refused=True)  # refused: runs
    refuse_unsafe(9, ["docker", "system", "prune"], refused=False)  # the prompt, answered N
    refuse_unsafe(10, ["docker", "container", "prune", "-f"], refused=False)  # scoped by the run's label


def test_a_placeholder_base_tar_is_replaced_by_a_real_root_for_the_engine(tmp_path):
    """examples/base.tar holds the model-only placeholder busybox: replayed as it is, every workload
    failed on the engine (examples/popular.sh differed on 21 of 32 lines on docker-20.10)."""
    from dockspec.replay import prepare_folder
    from dockspec.rootfs import busybox_rootfs, find_busybox, holds_placeholder

    assert holds_placeholder(ROOT / "examples" / "base.tar")
    prepare_folder(ROOT / "examples", tmp_path, "p-")
    assert (tmp_path / "base.tar").read_bytes() == busybox_rootfs()
    assert holds_placeholder(tmp_path / "base.tar") is (find_busybox() is None)
    assert not holds_placeholder(tmp_path / "nosuch.tar")


@pytest.mark.engine
def test_the_popular_example_agrees_on_the_reference_engine(engine):
    from dockspec import engines

    e = engines.get(engines.DEFAULT)
    script = ROOT / "examples" / "popular.sh"
    reports = replay_text(script.read_text(), script.parent, engine, engine=e)
    assert reports and not [r for r in reports if r.differs], render([r for r in reports if r.differs])
