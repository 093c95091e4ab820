"""The model step, the API and the hazard page agree with the policy, and so with each
other, for every (role, step, state) on a small world: one rule, asked in one place.

For each combination the policy's verdict is computed first; then the step is tried
through the API and through the model method (each rolled back), and the page's
``allowed_actions`` is read. Allowed: 200 and no error. Refused for the role: 403 with
the policy's refusal. Refused for the state: 409 (the model: ``InvalidTransition``)
with the policy's reason.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.db import transaction
from django.utils import timezone

from accounts import policy
from config.errors import InvalidTransition
from hazards.models import Escalation, Hazard
from hazards.views import _escalation_forms, allowed_actions
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LATER = TODAY + dt.timedelta(days=30)
MUCH_LATER = TODAY + dt.timedelta(days=100)

# step: (permission, API action, API body, model call)
HAZARD_STEPS = {
    "submit": (
        "hazards.submit",
        "submit",
        {"note": "已整改"},
        lambda h, by: h.submit(by=by, note="已整改"),
    ),
    "pass": (
        "hazards.pass_review",
        "review",
        {"result": "pass"},
        lambda h, by: h.review(by=by, passed=True),
    ),
    "fail": (
        "hazards.fail_review",
        "review",
        {"result": "fail", "comment": "仍未整改", "new_deadline": LATER.isoformat()},
        lambda h, by: h.review(by=by, passed=False, comment="仍未整改", new_deadline=LATER),
    ),
    "extend": (
        "hazards.extend",
        "extend",
        {"deadline": MUCH_LATER.isoformat(), "reason": "设备到货延迟"},
        lambda h, by: h.extend(by=by, deadline=MUCH_LATER, reason="设备到货延迟"),
    ),
    "void": (
        "hazards.void",
        "void",
        {"reason": "重复登记"},
        lambda h, by: h.void(by=by, reason="重复登记"),
    ),
    "level": (
        "hazards.change_level",
        "level",
        {"level": "major", "emergency_plan": "停用设备，设置警戒"},
        lambda h, by: h.change_level(by=by, level="major", emergency_plan="停用设备，设置警戒"),
    ),
}
# The hazard page's actions and the steps they stand for.
PAGE_ACTIONS = {"submit": "submit", "extend": "extend", "void": "void"}
ACTORS = ("bureau", "inspector", "user_a", "leader_a")  # all of them see enterprise A
STATES = ("rectifying", "overdue", "pending_review", "closed", "voided")


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _hazards(w) -> dict[str, Hazard]:
    def new(**fields):
        return f.make_hazard(
            enterprise=w.ent_a, by=w.inspector, person=w.user_a, leader_user=w.leader_a, **fields
        )

    out = {name: new() for name in STATES}
    Hazard.objects.filter(pk=out["overdue"].pk).update(deadline=TODAY - dt.timedelta(days=3))
    for name in ("pending_review", "closed"):
        out[name].submit(by=w.user_a, note="已整改")
    out["closed"].review(by=w.inspector, passed=True)
    out["voided"].void(by=w.bureau, reason="误登记")
    return {name: Hazard.objects.get(pk=h.pk) for name, h in out.items()}


def _expect_api(response, verdict, what):
    if verdict.allowed:
        assert response.status_code == 200, (what, response.json())
    else:
        assert response.status_code == (403 if verdict.forbidden else 409), what
        assert response.json()["detail"] == verdict.reason, what


def _expect_model(call, obj, user, verdict, what):
    if verdict.allowed:
        call(obj, user)
    else:
        with pytest.raises(InvalidTransition) as refused:
            call(obj, user)
        assert str(refused.value.message) == verdict.reason, what


def test_hazard_steps_agree_everywhere(world, api):
    hazards = _hazards(world)
    seen = {"allowed": 0, "403": 0, "409": 0}
    for state, hazard in hazards.items():
        for actor in ACTORS:
            user = getattr(world, actor)
            offered = allowed_actions(user, hazard)
            review = policy.decide("hazards.review", user, hazard)
            assert ("review" in offered) == review.allowed, (state, actor)
            assert review.allowed == bool(
                policy.decide("hazards.pass_review", user, hazard)
                or policy.decide("hazards.fail_review", user, hazard)
            )
            for step, (perm, action, body, call) in HAZARD_STEPS.items():
                what = (state, actor, step)
                verdict = policy.decide(perm, user, hazard)
                seen["allowed" if verdict else "403" if verdict.forbidden else "409"] += 1
                if step in PAGE_ACTIONS:
                    assert (PAGE_ACTIONS[step] in offered) == verdict.allowed, what
                with rolled_back():
                    response = api(user).post(f"/api/v1/hazards/{hazard.pk}/{action}/", body)
                    _expect_api(response, verdict, what)
                with rolled_back():
                    fresh = Hazard.objects.get(pk=hazard.pk)
                    _expect_model(call, fresh, user, verdict, what)
    # The world exercises every kind of answer.
    assert all(seen.values()), seen


ESCALATION_STEPS = {
    "acknowledge": (
        "hazards.acknowledge_escalation",
        {"note": "已督促整改"},
        lambda e, by: e.acknowledge(by=by, note="已督促整改"),
    ),
    "resolve": (
        "hazards.resolve_escalation",
        {"outcome": "interview", "note": "约谈企业负责人"},
        lambda e, by: e.resolve(by=by, outcome="interview", note="约谈企业负责人"),
    ),
}


def test_escalation_steps_agree_everywhere(world, api):
    hazard = f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=world.leader_a
    )

    def escalation(round_: int) -> Escalation:
        return Escalation.objects.create(
            hazard=hazard, round=round_, leader=world.leader_a, reason="两次复查不合格"
        )

    escalations = {"open": escalation(1), "acknowledged": escalation(2), "resolved": escalation(3)}
    escalations["acknowledged"].acknowledge(by=world.leader_a, note="已知悉")
    escalations["resolved"].resolve(by=world.bureau, outcome="criticism", note="通报批评")
    for state, esc in escalations.items():
        for actor in ("bureau", "leader_a"):  # the two who see it
            user = getattr(world, actor)
            esc = Escalation.objects.get(pk=esc.pk)
            offered = set(_escalation_forms(user, esc))
            for step, (perm, body, call) in ESCALATION_STEPS.items():
                what = (state, actor, step)
                verdict = policy.decide(perm, user, esc)
                assert (step in offered) == verdict.allowed, what
                with rolled_back():
                    response = api(user).post(f"/api/v1/escalations/{esc.pk}/{step}/", body)
                    _expect_api(response, verdict, what)
                with rolled_back():
                    fresh = Escalation.objects.get(pk=esc.pk)
                    _expect_model(call, fresh, user, verdict, what)
