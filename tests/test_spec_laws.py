"""The laws of `spec.laws`, each a property, with the active Hypothesis profile."""
from __future__ import annotations

import pytest

import spec.laws as laws
from spec.laws import LAWS, law_test
from spec.settings import suite_settings


@pytest.mark.parametrize("name", sorted(LAWS))
def test_law(name):
    law_test(name, suite_settings(examples=max(20, suite_settings().max_examples // 5)))()


@pytest.mark.parametrize("name", sorted(LAWS))
def test_law_states_its_rule(name):
    fn = getattr(laws, name)
    assert fn.__doc__ and "\n" not in fn.__doc__.strip()
