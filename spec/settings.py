"""Hypothesis settings profiles for the suite, used the way Hypothesis users expect.

* `quick`: the default, for `make run`, the tests and CI (well under two minutes on two cores);
* `ci`: `quick`, derandomized and without the example database, for reproducible CI logs;
* `thorough`: nightly runs, many more and longer command sequences.

`HYPOTHESIS_PROFILE` chooses one (`HYPOTHESIS_PROFILE=thorough dockspec check`);
failing examples are kept in Hypothesis's example database (`.hypothesis/`) and
replayed first by the next run, unless the profile has no database.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

settings.register_profile("quick", max_examples=300, stateful_step_count=40, **_COMMON)
settings.register_profile("ci", settings.get_profile("quick"), derandomize=True, database=None, print_blob=True)
settings.register_profile("thorough", max_examples=2000, stateful_step_count=80, **_COMMON)

DEFAULT_PROFILE = "quick"


def profile_name() -> str:
    """The profile to use: `HYPOTHESIS_PROFILE` when it names one of ours, else `quick`."""
    name = os.environ.get("HYPOTHESIS_PROFILE", DEFAULT_PROFILE)
    try:
        settings.get_profile(name)
    except Exception:
        return DEFAULT_PROFILE
    return name


def suite_settings(examples: int | None = None, steps: int | None = None, **overrides) -> settings:
    """The active profile, with `--examples` / `--steps` from the command line applied."""
    chosen = {}
    if examples is not None:
        chosen["max_examples"] = examples
    if steps is not None:
        chosen["stateful_step_count"] = steps
    return settings(settings.get_profile(profile_name()), **chosen, **overrides)
