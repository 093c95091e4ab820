"""Who may act, and when: the role predicates and the small machinery that every app's
policy (``hazards/policy.py``, ``inspections/policy.py``, ``enterprises/policy.py``) is
written in. See docs/architecture.md, "Rules".

Every step of every workflow is one permission of the ``rules`` package, named
``<app>.<step>`` (``hazards.review``), made of three parts checked in this order:

1. **who** — the roles that may ever take the step (the role table of each policy
   module). A caller of any other role is refused with 403 before the object is even
   looked up: ``role_allows`` / ``require_role`` for pages, ``StepPermission`` for DRF.
2. **whose** — the caller's tie to this very object, if the step needs one (the
   hazard's own enterprise, the escalation's addressee). Over HTTP a failure is 403
   after the lookup; in a model transition it is ``InvalidTransition``.
3. **when** — the object's state (open, pending review, deadline passed …). The first
   check that fails gives the refusal: 409 ``InvalidTransition``.

Each part carries its refusal, so one call answers "may this user take this step on this
object, and if not, why": ``decide(perm, user, obj)`` → ``Verdict(allowed, reason)``.
Model transitions call ``require`` (raises ``InvalidTransition`` with the reason); pages
and ``allowed_actions`` call ``decide``; templates ``{% load policy %}{% may %}``.

``user.has_perm("hazards.review", hazard)`` reaches the same rules through
``rules.permissions.ObjectPermissionBackend`` — except that Django lets an active
superuser pass every ``has_perm`` before asking a backend, so code that must honour the
state checks for superusers too (a superuser counts as bureau, nothing more) calls
``decide``.

Field errors (a missing reason, a deadline in the past) are not permissions: they stay
``ValidationError`` (400) in the model step or its validator.

Adding a step: one row in the app's ``WHO`` table (roles and the 403 refusal), its
object checks in ``WHOSE`` / ``WHEN`` (named predicates of that policy module, each
with its refusal); then ``policy.require(...)`` first thing under the lock in the model
step, ``StepPermission(<action>="<app>.<step>")`` on the viewset,
``policy.require_role`` in the page before the lookup, ``{% may %}`` for the button,
and a ``step("<app>.<step>", …)`` row in the permission matrix.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import rules
from django.core.exceptions import PermissionDenied

from config.errors import InvalidTransition

from .models import Role

# A refusal: a (lazy) message, or a function of (user, obj) that words it.
Reason = Any


# --- roles --------------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_bureau(user) -> bool:
    """安监局 staff. A superuser counts as bureau (and only as bureau)."""
    return _signed_in(user) and (user.is_superuser or user.role == Role.BUREAU)


@rules.predicate
def is_inspector(user) -> bool:
    return _signed_in(user) and user.role == Role.INSPECTOR


@rules.predicate
def is_enterprise(user) -> bool:
    return _signed_in(user) and user.role == Role.ENTERPRISE


@rules.predicate
def is_leader(user) -> bool:
    return _signed_in(user) and user.role == Role.LEADER


ROLE_PREDICATES = {
    Role.BUREAU: is_bureau,
    Role.INSPECTOR: is_inspector,
    Role.ENTERPRISE: is_enterprise,
    Role.LEADER: is_leader,
}

# Short names for the role tables (B 安监局, I 检查员, E 企业, L 责任领导), so that a
# table row reads at a glance.
B, I, E, L = Role.BUREAU, Role.INSPECTOR, Role.ENTERPRISE, Role.LEADER  # noqa: E741
EVERYONE = frozenset(Role.values)


def any_role(roles: Iterable[str]) -> rules.Predicate:
    """A predicate true for a user of any of ``roles`` (a superuser counts as bureau)."""
    return functools.reduce(operator.or_, (ROLE_PREDICATES[r] for r in sorted(roles)))


# --- steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One object check: a predicate over (user, obj) and the refusal when it is false."""

    test: rules.Predicate
    reason: Reason

    def refusal(self, user, obj) -> str:
        return _word(self.reason, user, obj)


def check(test: Callable | rules.Predicate, reason: Reason) -> Check:
    return Check(test if isinstance(test, rules.Predicate) else rules.predicate(test), reason)


@dataclass(frozen=True)
class Step:
    name: str
    roles: frozenset[str]
    refusal: Reason
    whose: tuple[Check, ...] = ()
    when: tuple[Check, ...] = ()

    @functools.cached_property
    def who(self) -> rules.Predicate:
        return any_role(self.roles)


class Verdict(NamedTuple):
    """The answer to "may this user take this step on this object": ``allowed``, and
    when not, ``reason`` and whether it was about the caller (``forbidden``: 403 over
    HTTP) rather than the object's state (409)."""

    allowed: bool
    reason: str = ""
    forbidden: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)
STEPS: dict[str, Step] = {}


def define(
    name: str,
    roles: Iterable[str],
    refusal: Reason,
    *,
    whose: Iterable[Check] = (),
    when: Iterable[Check] = (),
) -> Step:
    """Declare a step and register it as a ``rules`` permission of the same name."""
    step = Step(name, frozenset(roles), refusal, tuple(whose), tuple(when))
    if name in STEPS:
        raise KeyError(f"step {name} is defined twice")
    STEPS[name] = step
    rules.add_perm(name, functools.reduce(operator.and_, (c.test for c in _checks(step)), step.who))
    return step


def _checks(step: Step) -> tuple[Check, ...]:
    return (*step.whose, *step.when)


def _word(reason: Reason, user, obj) -> str:
    return str(reason(user, obj) if callable(reason) else reason)


def roles(name: str) -> frozenset[str]:
    """The roles that may ever take the step (for pickers and the permission matrix)."""
    return STEPS[name].roles


def refusal(name: str, user=None) -> str:
    """Why a caller of another role is refused the step (the 403 message)."""
    return _word(STEPS[name].refusal, user, None)


def role_allows(name: str, user) -> bool:
    """May a user of this role ever take the step? (The 403 part, no object needed.)"""
    return STEPS[name].who.test(user)


def decide(name: str, user, obj=None, *, whose_only: bool = False) -> Verdict:
    """May ``user`` take step ``name`` on ``obj`` now, and if not, why (the first part
    that fails: role, then whose, then state). ``whose_only`` stops before the state
    checks: what an HTTP layer asks after the lookup, leaving the state to the model."""
    step = STEPS[name]
    if not step.who.test(user):
        return Verdict(False, refusal(name, user), forbidden=True)
    for item in step.whose:
        if not item.test.test(user, obj):
            return Verdict(False, item.refusal(user, obj), forbidden=True)
    if whose_only:
        return ALLOWED
    for item in step.when:
        if not item.test.test(user, obj):
            return Verdict(False, item.refusal(user, obj))
    return ALLOWED


def require(name: str, user, obj=None) -> None:
    """For model transitions: raise ``InvalidTransition`` with the refusal, under the lock."""
    verdict = decide(name, user, obj)
    if not verdict:
        raise InvalidTransition(verdict.reason)


def require_role(name: str, user) -> None:
    """For pages: 403 with the refusal when the user's role may never take the step."""
    if not role_allows(name, user):
        raise PermissionDenied(refusal(name, user))


def allowed(user, obj, steps: dict[str, str]) -> set[str]:
    """The keys of ``steps`` (label → permission) that ``user`` may take on ``obj`` now."""
    return {label for label, name in steps.items() if decide(name, user, obj)}


def table() -> list[tuple[str, list[str], str]]:
    """The whole role table, one row per step: (permission, roles, refusal)."""
    return [(s.name, sorted(s.roles), refusal(s.name)) for s in STEPS.values()]
