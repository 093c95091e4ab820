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

Beside this module: ``filters`` (the dashboard's filter form and value), ``links`` (the
ledger link of each figure), ``terminal`` (closed and voided hazards, from HazardTally
or live) and ``lists`` (oldest overdue, open escalations, top enterprises).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from config.clock import local_today
from enterprises.models import Department, Industry, Township
from hazards.choices import Level, State
from hazards.models import Hazard
from hazards.predicates import deadline_before_q, escalated_q, open_q, overdue_q

from .filters import DashboardFilters, local_midnight
from .links import FIGURE_PARAMS, NOT_VOIDED, link
from .lists import oldest_overdue, open_escalations, top_enterprises
from .terminal import GROUP, as_month, month_end, tally_scope, terminal_counts

STATE_KEYS = ("rectifying", "pending_review", "closed", "voided")
BREAKDOWN_KEYS = ("total", *STATE_KEYS, "overdue")
COUNT_KEYS = (*BREAKDOWN_KEYS, "major_open", "escalations_open")
OPEN_KEYS = ("rectifying", "pending_review", "overdue", "major_open", "escalations_open")
TREND_MONTHS = 12


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
        "overdue": overdue_q(today),
        "major_open": Q(level=Level.MAJOR) & open_q(),
        # Escalated (督办) hazards that are not yet closed or voided.
        "escalations_open": escalated_q() & open_q(),
    }


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
    return min(month_end(start), today)


def _add(into: dict[str, int], row: dict[str, int]) -> None:
    for key, value in row.items():
        into[key] = into.get(key, 0) + value


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


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
    open_rows_qs = scoped.filter(open_q())
    open_rows = (
        open_rows_qs.values(*GROUP)
        .annotate(**{key: Count("created_at", filter=cond[key]) for key in OPEN_KEYS})
        .order_by()
    )
    open_monthly = (
        open_rows_qs.filter(created_at__gte=local_midnight(starts[0]))
        .annotate(fm=TruncMonth("created_at"))
        .values("fm")
        .annotate(n=Count("*"))
        .order_by()
    )
    # (4) Closed and voided: the tally, or live.
    scope = tally_scope(user) if use_tally else None
    terminal, terminal_monthly = terminal_counts(scoped, filters, scope, starts[0])

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
        month = as_month(row["fm"])
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
    summary["oldest_overdue"] = oldest_overdue(scoped, today)
    summary["open_escalations"] = open_escalations(scoped)
    summary["top_enterprises"] = top_enterprises(scoped, today, base_params)
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
        scoped.filter(open_q() & deadline_before_q(today))
        .order_by()
        .aggregate(
            **{
                f"m{i}": Count(
                    "created_at", filter=Q(created_at__lt=ends[i]) & deadline_before_q(day)
                )
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
                    filter=Q(created_at__lt=ends[i], closed_at__gte=ends[i])
                    & deadline_before_q(day),
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
                            "created_before": month_end(start).isoformat(),
                        },
                    )
                },
            }
        )
    return rows
