"""Reads that the ledger's pages and the inspector's pages share (STYLE.md "Reads that
pages share"): the people a hazard's plan may name. Who qualifies is the policy's
answer (``hazards.be_responsible_person`` / ``hazards.be_responsible_leader``); these
are the same rule as a QuerySet, for the pickers."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from accounts import policy
from accounts.models import User


def responsible_people(enterprise) -> QuerySet[User]:
    """The enterprise's own active users: who may be its hazards' responsible person."""
    return User.objects.filter(
        role__in=policy.roles("hazards.be_responsible_person"),
        enterprise=enterprise,
        is_active=True,
    )


def responsible_leaders(enterprise) -> QuerySet[User]:
    """Active leaders, each annotated with ``rank``: 0 for the enterprise's own leaders,
    1 for its township's, 2 for the rest (the pickers list them in that order)."""
    return User.objects.filter(
        role__in=policy.roles("hazards.be_responsible_leader"), is_active=True
    ).annotate(
        rank=Case(
            When(enterprise_id=enterprise.pk, then=Value(0)),
            When(township_id=enterprise.township_id, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )
