"""The dashboard's short lists: the oldest overdue hazards, the unresolved escalations
and the enterprises with the most open hazards (each one index-served query, at most
``LIST_SIZE`` rows)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from enterprises.models import Enterprise
from hazards.models import Escalation
from hazards.predicates import open_q, overdue_q

from .links import OPEN, hazard_path, link

LIST_SIZE = 10


def oldest_overdue(scoped, today: dt.date) -> list[dict]:
    # (7) The partial index on open deadlines serves this in deadline order.
    rows = (
        scoped.filter(overdue_q(today))
        .select_related("enterprise")
        .only("id", "code", "title", "level", "deadline", "failed_reviews", "enterprise__name")
        .order_by("deadline", "pk")[:LIST_SIZE]
    )
    return [
        {
            "id": h.pk,
            "code": h.code,
            "title": h.title,
            "level": h.level,
            "enterprise": h.enterprise_id,
            "enterprise_name": h.enterprise.name,
            "deadline": h.deadline.isoformat(),
            "days_overdue": (today - h.deadline).days,
            "failed_reviews": h.failed_reviews,
            "url": hazard_path(h.pk),
        }
        for h in rows
    ]


def open_escalations(scoped) -> list[dict]:
    # (8) Escalations not yet resolved (待签收 or 已签收未处理), longest waiting first.
    rows = (
        Escalation.objects.filter(
            state__in=[Escalation.EscalationState.OPEN, Escalation.EscalationState.ACKNOWLEDGED],
            hazard__in=scoped.values("pk"),
        )
        .select_related("hazard__enterprise", "leader")
        .only(
            "id",
            "round",
            "state",
            "created_at",
            "hazard__id",
            "hazard__code",
            "hazard__title",
            "hazard__enterprise__name",
            "leader__display_name",
            "leader__username",
        )
        .order_by("created_at", "pk")[:LIST_SIZE]
    )
    return [
        {
            "id": e.pk,
            "hazard": e.hazard_id,
            "hazard_code": e.hazard.code,
            "hazard_title": e.hazard.title,
            "enterprise_name": e.hazard.enterprise.name,
            "round": e.round,
            "state": e.state,
            "state_display": str(e.get_state_display()),
            "leader_name": e.leader.name,
            "created_at": timezone.localtime(e.created_at).isoformat(),
            "url": hazard_path(e.hazard_id),
        }
        for e in rows
    ]


def top_enterprises(scoped, today: dt.date, base: dict) -> list[dict]:
    # (9) Enterprises with the most open hazards; (10) their names.
    rows = list(
        scoped.filter(open_q())
        .values("enterprise_id")
        .annotate(open=Count("*"), overdue=Count("created_at", filter=overdue_q(today)))
        .order_by("-open", "enterprise_id")[:LIST_SIZE]
    )
    names = dict(
        Enterprise.objects.filter(pk__in=[r["enterprise_id"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    return [
        {
            "id": r["enterprise_id"],
            "name": names.get(r["enterprise_id"], ""),
            "open": r["open"],
            "overdue": r["overdue"],
            "links": {
                "open": link(base, {"enterprise": str(r["enterprise_id"]), "state": OPEN}),
                "overdue": link(base, {"enterprise": str(r["enterprise_id"]), "overdue": "true"}),
            },
        }
        for r in rows
    ]
