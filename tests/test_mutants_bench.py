"""bench/mutants stays armed: every mutant's seam exists and its patch changes what its witness shows.

A refactor of the model that removes a seam (a `TRANSITIONS` entry, a profile
policy or message, a function named in a module's `MUTATION_SEAMS`) or makes a
patch a no-op fails here, in the normal test suite, not only when someone runs
the bench.  The suite itself is not run (that is `bench/mutants --jobs 2`).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import mutant_table  # noqa: E402
from mutant_table import MUTANTS, BrokenMutant, arm, run_witness  # noqa: E402
from spec import laws  # noqa: E402
from spec.invariants import INVARIANTS  # noqa: E402
from spec.rules import STEP_RULES  # noqa: E402


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_is_armed(name):
    m = MUTANTS[name]
    before = run_witness(m.witness)
    undo = arm(m)  # raises BrokenMutant when the seam is gone or the witness does not change
    try:
        assert run_witness(m.witness) != before
    finally:
        undo()
    assert run_witness(m.witness) == before, "undoing the patch must restore the model"


def test_every_rule_has_a_mutant():
    aimed = {m.rule.removesuffix(" (law)") for m in MUTANTS.values()}
    named = {f.__name__ for f in INVARIANTS + STEP_RULES}
    assert named <= aimed, f"rules no mutant aims at: {sorted(named - aimed)}"
    assert aimed <= named | set(laws.LAWS), f"mutants aim at unknown rules: {sorted(aimed - named - set(laws.LAWS))}"
    assert len(MUTANTS) >= 40


def test_a_missing_seam_is_a_broken_bench():
    for seam in ("TRANSITIONS[Frobnicate]", "Profile.no_such_policy", "Profile.messages[no_such_key]",
                 "model.fs.no_such_function", "model.images.find", "spec.rules.resolve_image"):
        with pytest.raises(BrokenMutant):
            mutant_table._seam(seam)


def test_a_patch_that_changes_nothing_is_a_broken_bench():
    m = mutant_table.Mutant("noop", "nothing", "refused_exactly_as_the_engine_refuses", "TRANSITIONS[Rm]",
                            lambda original: lambda w, c, p: original(w, c, p), "create --name ctr1 base:1 true; rm ctr1")
    with pytest.raises(BrokenMutant, match="changes nothing"):
        arm(m)
    assert run_witness(m.witness) == run_witness(m.witness)
