"""Helpers for the escalation and notice tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hazards.models import Hazard, State
from tests import factories as f


def fail_review(hazard: Hazard, *, by, times: int = 1) -> Hazard:
    """The enterprise submits, the inspector fails the re-check: ``times`` rounds, through
    the real transitions."""
    for _ in range(times):
        hazard.refresh_from_db()
        if hazard.state == State.RECTIFYING:
            hazard.submit(by=hazard.responsible_person, note="已整改，请复查。")
        hazard.review(
            by=by,
            passed=False,
            comment="整改不到位，问题依旧存在。",
            new_deadline=timezone.localdate() + dt.timedelta(days=7),
        )
    hazard.refresh_from_db()
    return hazard


def due_hazard(world, *, failures: int = 2, leader=None, **fields) -> Hazard:
    """A hazard of enterprise A (responsible person user_a) failed ``failures`` times."""
    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=leader or world.leader_a,
        **fields,
    )
    return fail_review(hazard, by=world.inspector, times=failures)
