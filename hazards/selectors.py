"""Reads of the ledger that several pages share (docs/architecture.md, "Rules": selectors
pull, model methods push). Each takes a queryset already scoped with
``Hazard.objects.visible_to(user)``, so a selector can never widen the scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from .choices import Level, State
from .models import Escalation, HazardQuerySet
from .predicates import due_soon_q, overdue_q

# "Due soon" on the home pages: the same horizon as the deadline reminders
# (REMINDER_DAYS_BEFORE), shorter than the lists' DUE_SOON_DAYS.
HOME_DUE_SOON_DAYS = 3


def open_counts(
    hazards: HazardQuerySet, today: dt.date, *, due_soon_days: int = HOME_DUE_SOON_DAYS
) -> dict[str, int]:
    """The open-hazard figures of a home page, in one aggregate over open rows:
    ``open``, ``overdue``, ``due_soon``, ``pending`` (awaiting re-inspection), ``major``."""
    return hazards.open().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=overdue_q(today)),
        due_soon=Count("pk", filter=due_soon_q(today, days=due_soon_days)),
        pending=Count("pk", filter=Q(state=State.PENDING_REVIEW)),
        major=Count("pk", filter=Q(level=Level.MAJOR)),
    )


def awaiting_review(hazards: HazardQuerySet) -> HazardQuerySet:
    """Submitted, waiting for re-inspection (待复查), the earliest deadline first."""
    return (
        hazards.filter(state=State.PENDING_REVIEW)
        .with_flags()
        .select_related("enterprise")
        .order_by("deadline", "pk")
    )


def overdue_by_deadline(hazards: HazardQuerySet, today: dt.date) -> HazardQuerySet:
    """Overdue (逾期), the longest overdue first."""
    return (
        hazards.overdue(today).with_flags().select_related("enterprise").order_by("deadline", "pk")
    )


def rectifying_overdue_first(hazards: HazardQuerySet) -> HazardQuerySet:
    """Being rectified: the overdue ones first, then by deadline (what to fix first)."""
    return (
        hazards.filter(state=State.RECTIFYING)
        .with_flags()
        .select_related("enterprise")
        .order_by("-is_overdue_flag", "deadline", "pk")
    )


def unresolved_escalations(*, leader=None) -> QuerySet[Escalation]:
    """Escalations not yet resolved (待签收 or 已签收), of one leader or all of them."""
    escalations = Escalation.objects.exclude(state=Escalation.EscalationState.RESOLVED)
    return escalations.filter(leader=leader) if leader is not None else escalations
