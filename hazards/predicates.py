"""What the ledger's words mean, written once (docs/architecture.md, "Rules").

Each word is a ``Q`` factory over ``Hazard`` columns; the QuerySet methods
(``Hazard.objects.overdue()`` …), the list filters, the dashboard, the home pages, the
inspections pages and the sweeps all build on these. Nobody else writes
``deadline__lt``: ``tests/architecture/test_one_definition.py`` greps for it.

``prefix`` lets a caller apply a predicate across a relation
(``overdue_q(today, prefix="hazards__")`` on enterprises).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from config.clock import local_today

from .choices import OPEN_STATES, State

# How far ahead "due soon" (即将到期) looks, for home pages and lists.
DUE_SOON_DAYS = 7


def _q(prefix: str, **lookups) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def open_q(*, prefix: str = "") -> Q:
    """Not yet closed or voided (未销号): being rectified or awaiting re-inspection."""
    return _q(prefix, state__in=OPEN_STATES)


def overdue_q(today: dt.date | None = None, *, prefix: str = "") -> Q:
    """Overdue (逾期): still being rectified and the deadline has passed."""
    return _q(prefix, state=State.RECTIFYING, deadline__lt=today or local_today())


def due_soon_q(today: dt.date | None = None, *, days: int = DUE_SOON_DAYS, prefix: str = "") -> Q:
    """Due soon (即将到期): being rectified, deadline today or within ``days``."""
    today = today or local_today()
    return _q(
        prefix,
        state=State.RECTIFYING,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=days),
    )


def due_on_q(day: dt.date, *, prefix: str = "") -> Q:
    """Being rectified with the deadline exactly on ``day`` (the reminder sweep)."""
    return _q(prefix, state=State.RECTIFYING, deadline=day)


def deadline_before_q(day: dt.date, *, prefix: str = "") -> Q:
    """The deadline lies before ``day``, whatever the state: the building block of
    "was overdue at a past date" (the dashboard's month-end trend), which combines it
    with the hazard's history."""
    return _q(prefix, deadline__lt=day)


def escalated_q(*, prefix: str = "") -> Q:
    """Escalated (已升级督办) at least once under the two-strike rule."""
    return _q(prefix, escalation_round__gt=0)


def may_fail_on_site(state: str, deadline: dt.date, today: dt.date | None = None) -> bool:
    """A rectifying hazard may be failed on an on-site re-check only after its deadline:
    before it the enterprise still has time, and a failure counts toward the
    two-strike rule (docs/workflows.md). That is exactly "overdue"."""
    return is_overdue(state, deadline, today)


def is_overdue(state: str, deadline: dt.date, today: dt.date | None = None) -> bool:
    """The Python twin of ``overdue_q`` for one loaded row."""
    return state == State.RECTIFYING and deadline < (today or local_today())
