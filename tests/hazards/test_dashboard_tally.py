"""HazardTally — the dashboard's counts of closed and voided hazards — stays exact
(PostgreSQL triggers, same transaction), and figures read from it equal figures
counted from the hazard rows, whatever the scope and date filter."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from dashboard.filters import DashboardFilters
from dashboard.models import HazardTally
from dashboard.summary import build_summary
from dashboard.tally import rebuild_tally, tally_drift
from dashboard.terminal import tally_scope
from hazards.models import Hazard, Level, State
from tests.support import factories as f

pytestmark = pytest.mark.postgres

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=TZ)
TODAY = NOW.date()


def _at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=TZ)


@pytest.fixture
def spread(world):
    """Hazards registered across several months, closed, voided and open."""
    w = world
    with time_machine.travel(NOW, tick=False):
        people = [(w.ent_a, w.user_a), (w.ent_b, w.user_b), (w.ent_c, w.user_c)]
        created = [
            _at(2025, 11, 30, 23),  # late evening: still November in Shanghai
            _at(2025, 12, 1, 0),  # first minute of December, local time
            _at(2026, 1, 14),
            _at(2026, 1, 31, 22),
            _at(2026, 2, 1, 8),
            _at(2026, 3, 10),
            _at(2026, 3, 11),
            _at(2026, 4, 2),
            _at(2026, 5, 20),
            _at(2026, 6, 1),
            _at(2026, 6, 14),
        ]
        hazards = []
        for i, when in enumerate(created * 2):
            ent, person = people[i % 3]
            level = Level.MAJOR if i % 7 == 0 else Level.GENERAL
            h = f.make_hazard(
                enterprise=ent,
                by=w.inspector,
                person=person,
                level=level,
                emergency_plan="预案" if level == Level.MAJOR else "",
            )
            if i % 4 in (1, 2):
                h.submit(by=person, note="已整改")
                h.review(by=w.inspector, passed=True, comment="合格")
            elif i % 4 == 3 and i % 3:
                h.void(by=w.bureau, reason="重复")
            closed_at = when + dt.timedelta(days=20 + i)
            Hazard.objects.filter(pk=h.pk).update(
                created_at=when,
                deadline=(when + dt.timedelta(days=10 + i % 15)).date(),
            )
            Hazard.objects.filter(pk=h.pk, state=State.CLOSED).update(
                closed_at=min(closed_at, NOW),
                closed_on_time=i % 5 != 0,
            )
            hazards.append(h)
    w.hazards = hazards
    return w


def test_triggers_keep_the_tally_exact_through_transitions(spread):
    assert HazardTally.objects.exists()
    assert tally_drift() == 0
    w = spread
    # An enterprise moving township copies the move onto its hazards: the tally follows.
    w.ent_c.township = w.t2
    w.ent_c.save()
    assert tally_drift() == 0
    # Closing and voiding after the fact.
    open_ones = list(Hazard.objects.filter(state=State.RECTIFYING).order_by("pk")[:2])
    person = open_ones[0].enterprise.users.first()
    open_ones[0].submit(by=person, note="已整改")
    open_ones[0].review(by=w.inspector, passed=True, comment="合格")
    open_ones[1].void(by=w.bureau, reason="重复")
    assert tally_drift() == 0


def test_rebuild_matches_the_triggers(spread):
    before = sorted(
        HazardTally.objects.filter(n__gt=0).values_list(
            "created_month",
            "township_id",
            "department_id",
            "industry",
            "level",
            "state",
            "closed_on_time",
            "closed_month",
            "n",
        )
    )
    rebuild_tally()
    after = sorted(
        HazardTally.objects.values_list(
            "created_month",
            "township_id",
            "department_id",
            "industry",
            "level",
            "state",
            "closed_on_time",
            "closed_month",
            "n",
        )
    )
    assert before == after
    # Local months: 23:00 on 30 November is November in Shanghai, December in UTC+0.
    months = {row[0] for row in after}
    assert dt.date(2025, 11, 1) in months and dt.date(2025, 12, 1) in months


def test_drift_is_detected(spread):
    HazardTally.objects.filter(pk=HazardTally.objects.order_by("pk").first().pk).update(n=999)
    assert tally_drift() == 1
    rebuild_tally()
    assert tally_drift() == 0


RANGES = [
    (None, None),
    (dt.date(2026, 1, 1), None),
    (None, dt.date(2026, 3, 31)),
    (dt.date(2026, 1, 15), dt.date(2026, 3, 10)),
    (dt.date(2026, 3, 10), dt.date(2026, 3, 10)),
    (dt.date(2025, 11, 30), dt.date(2025, 12, 1)),
    (dt.date(2026, 1, 31), dt.date(2026, 2, 1)),
    (dt.date(2026, 2, 1), dt.date(2026, 5, 31)),
    (dt.date(2026, 6, 2), None),
]


def _comparable(summary):
    keep = ("counts", "closed_on_time", "remediation_rate", "on_time_rate", "trend", "links")
    out = {k: summary[k] for k in keep}
    for key in ("by_township", "by_department", "by_industry"):
        out[key] = sorted(summary[key], key=lambda r: str(r["id"]))
    return out


@pytest.mark.parametrize("after,before", RANGES)
@pytest.mark.parametrize("who", ["bureau", "inspector", "inspector_housing"])
def test_tally_figures_equal_live_figures(spread, who, after, before):
    user = getattr(spread, who)
    assert tally_scope(user) is not None
    with time_machine.travel(NOW, tick=False):
        for extra in ({}, {"level": Level.GENERAL}, {"township": spread.t1.pk}):
            filters = DashboardFilters(created_after=after, created_before=before, **extra)
            from_tally = build_summary(user, filters)
            live = build_summary(user, filters, use_tally=False)
            assert _comparable(from_tally) == _comparable(live), (who, after, before, extra)


def test_tally_scope_mirrors_visible_to(spread):
    w = spread
    assert tally_scope(w.bureau) == ("county", None)
    assert tally_scope(w.inspector) == ("county", None)  # the bureau's own department
    assert tally_scope(w.inspector_housing) == ("department", w.housing.pk)
    for user in (w.user_a, w.leader_a, w.leader_t2):
        assert tally_scope(user) is None  # counted from the rows
    for user in (w.bureau, w.inspector, w.inspector_housing):
        kind, dept = tally_scope(user)
        tally = HazardTally.objects.all()
        if dept:
            tally = tally.filter(department_id=dept)
        terminal = Hazard.objects.visible_to(user).filter(state__in=[State.CLOSED, State.VOIDED])
        assert sum(tally.values_list("n", flat=True)) == terminal.count()


@pytest.mark.django_db(transaction=True)
def test_concurrent_closings_in_one_bucket_are_both_counted(world):
    """Two reviews closing hazards of the same group at once: the tally row they share
    is locked by the first, the second waits and adds on top — no lost update."""
    w = world
    hazards = []
    for _ in range(2):
        h = f.make_hazard(enterprise=w.ent_a, by=w.inspector, person=w.user_a)
        h.submit(by=w.user_a, note="已整改")
        hazards.append(h)
    barrier = threading.Barrier(2)
    errors = []

    def close(hazard):
        try:
            barrier.wait(timeout=10)
            hazard.review(by=w.inspector, passed=True, comment="合格")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close, args=(h,)) for h in hazards]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert connection.vendor == "postgresql"
    assert sum(HazardTally.objects.filter(state=State.CLOSED).values_list("n", flat=True)) == 2
    assert tally_drift() == 0
