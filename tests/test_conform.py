"""Lockstep conformance: the suite's machine on the model and a real engine together."""
from __future__ import annotations

import os

import pytest

from dockspec.conform import Divergence, EngineFault, run_conformance

pytestmark = pytest.mark.engine
EXAMPLES = int(os.environ.get("DOCKSPEC_CONFORM_EXAMPLES", "8"))


def test_lockstep_conforms(engine):
    failure, machine, elapsed = run_conformance(engine, EXAMPLES, seed=None, steps=15, allow_known=True)
    assert not isinstance(failure, EngineFault), f"engine failed: {failure}"
    assert failure is None, str(failure)
    assert machine.steps > 0


def test_engine_fault_is_not_a_divergence(tmp_path):
    failure, machine, _ = run_conformance(f"unix://{tmp_path}/nothing.sock", 1, seed=None, steps=2)
    assert isinstance(failure, EngineFault)
