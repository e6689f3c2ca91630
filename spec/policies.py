"""Which rules of the spec hold in which dialect: by the dialect's named policies.

Most invariants and step rules hold for every engine.  A rule that holds only
where an engine makes a certain choice says so by the name of that choice, a
policy of `model.profile.Profile`, never by an engine's name or version:

    @only_where("rmi_refuses_parent_with_children")
    def image_parents_exist(world): ...

`applies(rule, profile)` is then False for a dialect that chooses otherwise
(Docker's containerd image store deletes a parent image and keeps its
children), and the machine, `dockspec check --dialect` and `dockspec explore
--dialect` leave that rule out.  A step rule whose *expectation* depends on a
policy takes the dialect as a keyword-only `profile` argument and reads the
policy there (`spec.rules.rmi_outcome`); `bind` hands it the dialect.
"""
from __future__ import annotations

import functools
import inspect
from typing import Callable, TypeVar

from model.profile import Profile

F = TypeVar("F", bound=Callable)


def only_where(policy: str, value: object = True) -> Callable[[F], F]:
    """Mark a rule as holding only in dialects whose `policy` is `value`."""
    if policy not in Profile.policies():
        raise ValueError(f"no policy named {policy!r}; the policies are: {', '.join(Profile.policies())}")

    def mark(rule: F) -> F:
        rule.only_where = (*getattr(rule, "only_where", ()), (policy, value))
        return rule

    return mark


def conditions(rule: Callable) -> tuple[tuple[str, object], ...]:
    """The (policy, value) pairs a rule needs, () for a rule of every dialect."""
    return getattr(rule, "only_where", ())


def applies(rule: Callable, profile: Profile) -> bool:
    """True when `rule` holds in the dialect `profile` (it names no policy, or the dialect chooses as it needs)."""
    return all(getattr(profile, policy) == value for policy, value in conditions(rule))


def bind(rule: F, profile: Profile) -> F:
    """`rule` with the dialect given, when it takes one as a keyword-only `profile` argument."""
    param = inspect.signature(rule).parameters.get("profile")
    if param is None or param.kind is not inspect.Parameter.KEYWORD_ONLY:
        return rule
    bound = functools.partial(rule, profile=profile)
    functools.update_wrapper(bound, rule)
    return bound
