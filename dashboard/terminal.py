"""Closed and voided hazards for the dashboard: from HazardTally where it can answer
(the county or one department, on PostgreSQL; whole registration months), counted live
from the hazard rows otherwise and for the partial months at the ends of a date filter.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts import policy
from hazards.choices import TERMINAL_STATES, State

from .filters import DashboardFilters, local_midnight
from .models import HazardTally

GROUP = ("township_id", "department_id", "industry")

TERMINAL_COUNTS = {
    "closed": Q(state=State.CLOSED),
    "voided": Q(state=State.VOIDED),
    "closed_on_time": Q(state=State.CLOSED, closed_on_time=True),
}


def tally_scope(user) -> tuple[str, int | None] | None:
    """The user's scope when HazardTally can answer for it: the county, or one
    supervising department (the tally has no enterprise or leader column). Mirrors
    ``HazardQuerySet.visible_to``; the tests hold the two equal."""
    if connection.vendor != "postgresql" or not getattr(user, "is_authenticated", False):
        return None
    if policy.is_bureau(user):
        return ("county", None)
    if policy.is_inspector(user) and user.department_id is not None:
        if user.department.is_bureau:
            return ("county", None)
        return ("department", user.department_id)
    return None


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def split_months(
    after: dt.date | None, before: dt.date | None
) -> tuple[dt.date | None, dt.date | None, list[tuple[dt.date, dt.date]]]:
    """Split the registration-date range [after, before] (inclusive; None = open) into
    the whole months the tally answers — (first month, last month), None = unbounded —
    and at most two partial-month day ranges that are counted live."""
    first = last = None
    edges: list[tuple[dt.date, dt.date]] = []
    if after is not None:
        if after.day == 1:
            first = after
        else:
            first = month_end(after) + dt.timedelta(days=1)
            edges.append((after, month_end(after)))
    if before is not None:
        if before == month_end(before):
            last = before.replace(day=1)
        else:
            last = (before.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            edges.append((before.replace(day=1), before))
    clipped: list[tuple[dt.date, dt.date]] = []
    for lo, hi in edges:
        lo = max(lo, after) if after else lo
        hi = min(hi, before) if before else hi
        if lo <= hi and (lo, hi) not in clipped:
            clipped.append((lo, hi))
    return first, last, clipped


def as_month(value) -> dt.date | None:
    """A month key: TruncMonth gives an aware datetime (current zone), the tally a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


def _live_terminal(qs, window: dt.date) -> tuple[list[dict], list[tuple]]:
    """Closed and voided hazards counted from the hazard rows, in the tally's shapes:
    per group (closed, voided, closed_on_time), and (registration month, closing month,
    state, n) for those registered or closed in the trend window."""
    qs = qs.filter(state__in=TERMINAL_STATES)
    groups = list(
        qs.values(*GROUP)
        .annotate(**{k: Count("created_at", filter=q) for k, q in TERMINAL_COUNTS.items()})
        .order_by()
    )
    start = local_midnight(window)
    monthly = (
        qs.filter(Q(created_at__gte=start) | Q(closed_at__gte=start))
        .annotate(fm=TruncMonth("created_at"), cm=TruncMonth("closed_at"))
        .values("state", "fm", "cm")
        .annotate(n=Count("*"))
        .order_by()
    )
    return groups, [(as_month(r["fm"]), as_month(r["cm"]), r["state"], r["n"]) for r in monthly]


def terminal_counts(scoped, filters: DashboardFilters, scope, window: dt.date):
    """(4) Closed and voided hazards (see ``_live_terminal`` for the shapes). From
    HazardTally when the scope allows it — whole months only: the partial months at the
    ends of a date filter are counted live — otherwise from the hazard rows."""
    if scope is None:
        return _live_terminal(scoped, window)
    first, last, edges = split_months(filters.created_after, filters.created_before)
    tally = HazardTally.objects.filter(n__gt=0)
    if scope[0] == "department":
        tally = tally.filter(department_id=scope[1])
    if filters.township is not None:
        tally = tally.filter(township_id=filters.township)
    if filters.department is not None:
        tally = tally.filter(department_id=filters.department)
    if filters.industry:
        tally = tally.filter(industry=filters.industry)
    if filters.level:
        tally = tally.filter(level=filters.level)
    if first:
        tally = tally.filter(created_month__gte=first)
    if last:
        tally = tally.filter(created_month__lte=last)
    groups = list(
        tally.values(*GROUP)
        .annotate(**{k: Sum("n", filter=q) for k, q in TERMINAL_COUNTS.items()})
        .order_by()
    )
    monthly_rows = (
        tally.filter(Q(created_month__gte=window) | Q(state=State.CLOSED, closed_month__gte=window))
        .values("state", "created_month", "closed_month")
        .annotate(n=Sum("n"))
        .order_by()
    )
    monthly = [(r["created_month"], r["closed_month"], r["state"], r["n"]) for r in monthly_rows]
    if edges:
        days = Q()
        for lo, hi in edges:
            days |= Q(
                created_at__gte=local_midnight(lo),
                created_at__lt=local_midnight(hi + dt.timedelta(days=1)),
            )
        more_groups, more_monthly = _live_terminal(scoped.filter(days), window)
        groups += more_groups
        monthly += more_monthly
    return groups, monthly
