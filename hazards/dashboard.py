"""The supervision dashboard (监管驾驶舱): every figure, computed in SQL, with its ledger link.

One scoped, filtered base queryset (``Hazard.objects.visible_to(user)`` narrowed by the
dashboard filters) feeds every figure, and every countable figure is defined by a set
of ledger filter parameters (the ``HazardFilter`` names: ``state``, ``level``,
``township``, ``department``, ``industry``, ``enterprise``, ``overdue``, ``escalated``,
``created_after``, ``created_before``). The link under a number is
``/hazards/?<dashboard filters + the figure's own parameters>``, so the ledger page
lists exactly the hazards the number counts.

The number of SQL queries does not depend on the data size (see ``build_summary``):
townships and departments (small reference tables: filter choices and names); open
hazards per (township, department, industry) and per registration month, live;
closed and voided hazards per the same groups and months — from HazardTally (exact,
kept by triggers) for the county and department scopes on PostgreSQL, plus two live
queries for the partial months at the ends of a date filter, or from the rows for
other scopes; overdue at each month end (open past deadline; closed late); the ten
oldest overdue hazards; unresolved escalations; the enterprises with the most open
hazards and their names. The KPIs, breakdowns and trend are sums over at most a few
thousand groups, so a million rows are never scanned; every live query is an
index-only scan of a covering (partial) index on PostgreSQL.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import NoReverseMatch, get_resolver, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from enterprises.models import Department, Enterprise, Industry, Township

from .models import OPEN_STATES, Escalation, Hazard, HazardTally, Level, State, local_today

STATE_KEYS = ("rectifying", "pending_review", "closed", "voided")
BREAKDOWN_KEYS = ("total", *STATE_KEYS, "overdue")
COUNT_KEYS = (*BREAKDOWN_KEYS, "major_open", "escalations_open")
OPEN_KEYS = ("rectifying", "pending_review", "overdue", "major_open", "escalations_open")
TERMINAL_STATES = (State.CLOSED, State.VOIDED)
TREND_MONTHS = 12
LIST_SIZE = 10

# HazardFilter's pseudo-state for "rectifying or pending review" (未销号).
OPEN = "open"

NOT_VOIDED = [State.RECTIFYING.value, State.PENDING_REVIEW.value, State.CLOSED.value]

# The ledger parameters that define each headline figure (on top of the dashboard's own
# filters).
FIGURE_PARAMS: dict[str, dict[str, str | list[str]]] = {
    "total": {},
    "rectifying": {"state": State.RECTIFYING.value},
    "pending_review": {"state": State.PENDING_REVIEW.value},
    "closed": {"state": State.CLOSED.value},
    "voided": {"state": State.VOIDED.value},
    "overdue": {"overdue": "true"},
    "major_open": {"level": Level.MAJOR.value, "state": OPEN},
    "escalations_open": {"escalated": "true", "state": OPEN},
}


def figure_conditions(today: dt.date) -> dict[str, Q]:
    """The SQL condition of each figure — the same sets as FIGURE_PARAMS select.
    (Counted with ``Count("created_at", filter=…)``: COUNT(*) takes no FILTER in Django,
    and created_at is a NOT NULL column of every covering index, so PostgreSQL answers
    from the index alone.)"""
    return {
        "total": Q(),
        "rectifying": Q(state=State.RECTIFYING),
        "pending_review": Q(state=State.PENDING_REVIEW),
        "closed": Q(state=State.CLOSED),
        "voided": Q(state=State.VOIDED),
        # Overdue = still being rectified and the deadline has passed (docs/workflows.md).
        "overdue": Q(state=State.RECTIFYING, deadline__lt=today),
        "major_open": Q(level=Level.MAJOR, state__in=OPEN_STATES),
        # Escalated (督办) hazards that are not yet closed or voided.
        "escalations_open": Q(escalation_round__gt=0, state__in=OPEN_STATES),
    }


# --- filters ------------------------------------------------------------------------


DATE_WIDGET = {"type": "date"}


class DashboardFilterForm(forms.Form):
    """The dashboard's filters: date range (registration date), township, department,
    industry, level. Choices come from reference rows loaded once per request."""

    created_after = forms.DateField(
        label=_("登记日期从"), required=False, widget=forms.DateInput(DATE_WIDGET, "%Y-%m-%d")
    )
    created_before = forms.DateField(
        label=_("登记日期至"), required=False, widget=forms.DateInput(DATE_WIDGET, "%Y-%m-%d")
    )
    township = forms.TypedChoiceField(label=_("乡镇"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(
        label=_("监管部门"), required=False, coerce=int, empty_value=None
    )
    industry = forms.ChoiceField(label=_("行业"), required=False)
    level = forms.ChoiceField(label=_("隐患等级"), required=False)

    def __init__(self, *args, townships: Iterable, departments: Iterable, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("全部"))]
        self.fields["township"].choices = every + [(t.pk, t.name) for t in townships]
        self.fields["department"].choices = every + [(d.pk, d.name) for d in departments]
        self.fields["industry"].choices = every + list(Industry.choices)
        self.fields["level"].choices = every + list(Level.choices)

    # Dates far outside the ledger's life are refused rather than overflowing datetime
    # arithmetic (local midnight of 9999-12-31 plus a day, of 0001-01-01 in UTC).
    EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2100, 12, 31)

    def _in_range(self, name: str) -> dt.date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not (self.EARLIEST <= value <= self.LATEST):
            raise forms.ValidationError(
                _("日期应在 %(start)s 至 %(end)s 之间。"),
                params={"start": self.EARLIEST.isoformat(), "end": self.LATEST.isoformat()},
            )
        return value

    def clean_created_after(self):
        return self._in_range("created_after")

    def clean_created_before(self):
        return self._in_range("created_before")

    def clean(self):
        data = super().clean()
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", _("结束日期不能早于开始日期。"))
        return data


@dataclass(frozen=True)
class DashboardFilters:
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    township: int | None = None
    department: int | None = None
    industry: str | None = None
    level: str | None = None

    @classmethod
    def from_cleaned(cls, data: dict) -> DashboardFilters:
        return cls(
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
            township=data.get("township"),
            department=data.get("department"),
            industry=data.get("industry") or None,
            level=data.get("level") or None,
        )

    def params(self) -> dict[str, str]:
        """The same filters as ledger query parameters."""
        out: dict[str, str] = {}
        if self.created_after:
            out["created_after"] = self.created_after.isoformat()
        if self.created_before:
            out["created_before"] = self.created_before.isoformat()
        for name in ("township", "department", "industry", "level"):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = str(value)
        return out

    def apply(self, qs):
        """Narrow a hazard queryset. Dates are local (Asia/Shanghai) registration dates,
        both ends inclusive, compared as datetimes so the created_at index is usable."""
        if self.created_after:
            qs = qs.filter(created_at__gte=local_midnight(self.created_after))
        if self.created_before:
            qs = qs.filter(created_at__lt=local_midnight(self.created_before + dt.timedelta(1)))
        if self.township is not None:
            qs = qs.filter(township_id=self.township)
        if self.department is not None:
            qs = qs.filter(department_id=self.department)
        if self.industry:
            qs = qs.filter(industry=self.industry)
        if self.level:
            qs = qs.filter(level=self.level)
        return qs


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- links ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _ledger_prefix(resolver) -> str:
    try:
        return reverse("hazard-list", urlconf=resolver.urlconf_name)
    except NoReverseMatch:  # the browser app is not installed: the documented path
        return "/hazards/"


def ledger_path() -> str:
    """The browser ledger page. Resolved once per URLconf: a dashboard has
    hundreds of links."""
    return _ledger_prefix(get_resolver(get_urlconf()))


def hazard_path(pk: int) -> str:
    return f"{ledger_path()}{pk}/"


def merge_params(base: dict[str, str], extra: dict) -> dict | None:
    """Base filters plus a figure's own parameters; None when they cannot both hold
    (e.g. the dashboard is filtered to general hazards and the figure counts major ones:
    that figure is 0 and no ledger query expresses it)."""
    merged: dict = dict(base)
    for key, value in extra.items():
        if key in ("created_after", "created_before"):
            continue
        if key in merged and merged[key] != value:
            return None
        merged[key] = value
    # Date ranges intersect.
    after = max(
        (v for v in (base.get("created_after"), extra.get("created_after")) if v), default=None
    )
    before = min(
        (v for v in (base.get("created_before"), extra.get("created_before")) if v),
        default=None,
    )
    if after and before and after > before:
        return None
    if after:
        merged["created_after"] = after
    if before:
        merged["created_before"] = before
    return merged


def link(base: dict[str, str], extra: dict, *, prefix: str | None = None) -> str | None:
    merged = merge_params(base, extra)
    if merged is None:
        return None
    query = urlencode(sorted(merged.items()), doseq=True)
    return f"{prefix or ledger_path()}?{query}" if query else (prefix or ledger_path())


# --- the summary -------------------------------------------------------------------------


def month_starts(today: dt.date, n: int = TREND_MONTHS) -> list[dt.date]:
    """First days of the last n months, oldest first, ending with the current month."""
    year, month = today.year, today.month
    out = []
    for _i in range(n):
        out.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return out[::-1]


def month_as_of(start: dt.date, today: dt.date) -> dt.date:
    """The day a month's "month end" figure is taken: its last day, or today if sooner."""
    last = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return min(last, today)


def _add(into: dict[str, int], row: dict[str, int]) -> None:
    for key, value in row.items():
        into[key] = into.get(key, 0) + value


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def tally_scope(user) -> tuple[str, int | None] | None:
    """The user's scope when HazardTally can answer for it: the county, or one
    supervising department (the tally has no enterprise or leader column). Mirrors
    ``HazardQuerySet.visible_to``; the tests hold the two equal."""
    if connection.vendor != "postgresql" or not getattr(user, "is_authenticated", False):
        return None
    if user.role == Role.BUREAU or user.is_superuser:
        return ("county", None)
    if user.role == Role.INSPECTOR and user.department_id is not None:
        if user.department.is_bureau:
            return ("county", None)
        return ("department", user.department_id)
    return None


def _month_end(day: dt.date) -> dt.date:
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
            first = _month_end(after) + dt.timedelta(days=1)
            edges.append((after, _month_end(after)))
    if before is not None:
        if before == _month_end(before):
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


GROUP = ("township_id", "department_id", "industry")


def _month(value) -> dt.date | None:
    """A month key: TruncMonth gives an aware datetime (current zone), the tally a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.replace(day=1)


TERMINAL_COUNTS = {
    "closed": Q(state=State.CLOSED),
    "voided": Q(state=State.VOIDED),
    "closed_on_time": Q(state=State.CLOSED, closed_on_time=True),
}


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
    return groups, [(_month(r["fm"]), _month(r["cm"]), r["state"], r["n"]) for r in monthly]


def _terminal(scoped, filters: DashboardFilters, scope, window: dt.date):
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


def build_summary(
    user, filters: DashboardFilters, *, townships=None, departments=None, use_tally: bool = True
) -> dict:
    """Every dashboard figure for ``user`` under ``filters``, with ledger links.

    ``townships`` / ``departments`` may be passed in when the caller already loaded them
    (the page needs them for the filter form); otherwise they are loaded here.
    ``use_tally=False`` counts everything from the hazard rows (tests and benchmarks
    compare the two).

    Open hazards are counted live from their rows (a partial covering index keeps that
    to an index-only scan of the open rows); closed and voided ones — nine in ten — come
    from HazardTally when the scope is the county or a department on PostgreSQL (see its
    docstring: it is kept exact by triggers in the same transaction), else from the rows.

    Monthly trend (the last 12 months, current month included):

    - ``found``: hazards registered (created_at, local time) in the month. Link: the
      month as a registration-date range.
    - ``closed``: hazards closed (销号, closed_at) in the month. No ledger link: the ledger
      filters by registration date, not closing date.
    - ``overdue_at_month_end``: 逾期未销号 as of the month's last day ``D`` (today for the
      current month): hazards registered on or before ``D`` whose deadline is before ``D``
      and that were not closed on or before ``D``. It is reconstructed from the hazard
      row, not replayed from the event log, so be aware:
      * it uses the hazard's *current* deadline — a deadline later moved by an extension
        or a failed review is applied to past months too;
      * voided hazards are left out of every month, because the hazard row does not
        store when it was voided (the event log does; replaying it per request would cost
        a scan of the events table);
      * a hazard open past its deadline counts whether it was being rectified or was
        awaiting re-inspection, since the row does not record its state on past dates.
        So the current month's point is the overdue KPI (rectifying past deadline) plus
        hazards awaiting re-inspection past their deadline.
      No ledger link: a past date's state cannot be expressed as ledger filters.
    """
    today = local_today()
    if townships is None:
        townships = list(Township.objects.only("id", "name"))
    if departments is None:
        departments = list(Department.objects.only("id", "name", "short_name"))
    base_params = filters.params()
    scoped = filters.apply(Hazard.objects.visible_to(user)).order_by()
    cond = figure_conditions(today)
    starts = month_starts(today)

    # (3) Open hazards per group, live, and those of them found in each trend month.
    open_q = scoped.filter(state__in=OPEN_STATES)
    open_rows = (
        open_q.values(*GROUP)
        .annotate(**{key: Count("created_at", filter=cond[key]) for key in OPEN_KEYS})
        .order_by()
    )
    open_monthly = (
        open_q.filter(created_at__gte=local_midnight(starts[0]))
        .annotate(fm=TruncMonth("created_at"))
        .values("fm")
        .annotate(n=Count("*"))
        .order_by()
    )
    # (4) Closed and voided: the tally, or live.
    scope = tally_scope(user) if use_tally else None
    terminal, terminal_monthly = _terminal(scoped, filters, scope, starts[0])

    # Roll the groups up into the KPIs and the three breakdowns.
    summed = (*COUNT_KEYS, "closed_on_time")
    totals: dict[str, int] = dict.fromkeys(summed, 0)
    by: dict[str, dict] = {dim: {} for dim in GROUP}
    for row in (*open_rows, *terminal):
        counts = {key: row[key] or 0 for key in summed if key in row}
        counts["total"] = sum(counts.get(k, 0) for k in STATE_KEYS)
        _add(totals, counts)
        for dim, acc in by.items():
            _add(acc.setdefault(row[dim], dict.fromkeys(COUNT_KEYS, 0)), counts)
    # ... and the months into the trend's found / closed.
    found: dict[dt.date | None, int] = {}
    closed_by_month: dict[dt.date | None, int] = {}
    for row in open_monthly:
        month = _month(row["fm"])
        found[month] = found.get(month, 0) + row["n"]
    for fm, cm, state, n in terminal_monthly:
        found[fm] = found.get(fm, 0) + n
        if state == State.CLOSED:
            closed_by_month[cm] = closed_by_month.get(cm, 0) + n

    closed = totals["closed"]
    summary: dict = {
        "today": today.isoformat(),
        "filters": base_params,
        "counts": {key: totals[key] for key in COUNT_KEYS},
        "links": {key: link(base_params, FIGURE_PARAMS[key]) for key in COUNT_KEYS},
        "closed_on_time": totals["closed_on_time"],
        "remediation_rate": _rate(closed, totals["total"] - totals["voided"]),
        "on_time_rate": _rate(totals["closed_on_time"], closed),
        # The rates' terms, each a ledger figure of its own (on-time closing is not a
        # ledger filter, so its numerator has no link).
        "rate_terms": {
            "closed": closed,
            "not_voided": totals["total"] - totals["voided"],
            "links": {
                "closed": link(base_params, FIGURE_PARAMS["closed"]),
                "not_voided": link(base_params, {"state": NOT_VOIDED}),
            },
        },
    }

    town_names = {t.pk: t.name for t in townships}
    dept_names = {d.pk: d.name for d in departments}
    industry_names = dict(Industry.choices)
    summary["by_township"] = _breakdown(by["township_id"], "township", town_names, base_params)
    summary["by_department"] = _breakdown(
        by["department_id"], "department", dept_names, base_params
    )
    summary["by_industry"] = _breakdown(by["industry"], "industry", industry_names, base_params)

    summary["trend"] = _trend(scoped, today, starts, found, closed_by_month, base_params)
    summary["oldest_overdue"] = _oldest_overdue(scoped, today)
    summary["open_escalations"] = _open_escalations(scoped)
    summary["top_enterprises"] = _top_enterprises(scoped, today, base_params)
    return summary


def _breakdown(acc: dict, param: str, names: dict, base: dict) -> list:
    """Rows with hazards, largest first; every cell is a link."""
    rows = []
    for key, counts in acc.items():
        if not counts["total"]:
            continue
        row = {"id": key, "name": str(names.get(key, key))}
        row.update({k: counts[k] for k in BREAKDOWN_KEYS})
        # For the charts: rectifying within the deadline, the rest of "rectifying".
        row["rectifying_in_time"] = counts["rectifying"] - counts["overdue"]
        row["links"] = {
            k: link(base, {param: str(key), **FIGURE_PARAMS[k]}) for k in BREAKDOWN_KEYS
        }
        row["links"]["rectifying_in_time"] = link(
            base, {param: str(key), "state": State.RECTIFYING.value, "overdue": "false"}
        )
        rows.append(row)
    rows.sort(key=lambda r: (-r["total"], r["name"]))
    return rows


def _trend(scoped, today: dt.date, starts, found, closed_by_month, base: dict) -> list[dict]:
    # (5) and (6): overdue at each month end, one conditional count per month. Only two
    # kinds of hazard can count: open ones past their deadline, and ones closed late
    # (after their deadline) within the window — a hazard closed on time was closed by
    # the day its deadline passed. Each kind is one index-only scan.
    as_of = [month_as_of(s, today) for s in starts]
    ends = [local_midnight(day + dt.timedelta(days=1)) for day in as_of]
    still_open = (
        scoped.filter(state__in=OPEN_STATES, deadline__lt=today)
        .order_by()
        .aggregate(
            **{
                f"m{i}": Count("created_at", filter=Q(created_at__lt=ends[i], deadline__lt=day))
                for i, day in enumerate(as_of)
            }
        )
    )
    closed_late = (
        scoped.filter(state=State.CLOSED, closed_on_time=False, closed_at__gte=ends[0])
        .order_by()
        .aggregate(
            **{
                f"m{i}": Count(
                    "created_at",
                    filter=Q(created_at__lt=ends[i], deadline__lt=day, closed_at__gte=ends[i]),
                )
                for i, day in enumerate(as_of)
            }
        )
    )

    rows = []
    for i, start in enumerate(starts):
        key = f"m{i}"
        rows.append(
            {
                "month": start.strftime("%Y-%m"),
                "found": found.get(start, 0),
                "closed": closed_by_month.get(start, 0),
                "overdue_at_month_end": (still_open[key] or 0) + (closed_late[key] or 0),
                "as_of": as_of[i].isoformat(),
                "links": {
                    "found": link(
                        base,
                        {
                            "created_after": start.isoformat(),
                            "created_before": _month_end(start).isoformat(),
                        },
                    )
                },
            }
        )
    return rows


def _oldest_overdue(scoped, today: dt.date) -> list[dict]:
    # (7) The partial index on open deadlines serves this in deadline order.
    rows = (
        scoped.filter(state=State.RECTIFYING, deadline__lt=today)
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


def _open_escalations(scoped) -> list[dict]:
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


def _top_enterprises(scoped, today: dt.date, base: dict) -> list[dict]:
    # (9) Enterprises with the most open hazards; (10) their names.
    rows = list(
        scoped.filter(state__in=OPEN_STATES)
        .values("enterprise_id")
        .annotate(
            open=Count("*"),
            overdue=Count("created_at", filter=Q(state=State.RECTIFYING, deadline__lt=today)),
        )
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
