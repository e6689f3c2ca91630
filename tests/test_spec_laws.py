"""The laws of `spec.laws`, each a property, with the active Hypothesis profile."""
from __future__ import annotations

import pytest
from hypothesis import settings

from spec.laws import LAWS
from spec.settings import suite_settings


@pytest.mark.parametrize("law", LAWS, ids=lambda law: law.__name__.removeprefix("test_"))
def test_law(law):
    settings(suite_settings(examples=max(20, suite_settings().max_examples // 5)))(law)()


def test_laws_have_docstrings():
    import spec.laws as laws

    for law in LAWS:
        fn = getattr(laws, law.__name__.removeprefix("test_"))
        assert fn.__doc__ and "\n" not in fn.__doc__.strip()
