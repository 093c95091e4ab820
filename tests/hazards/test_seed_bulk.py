"""seed_bulk builds a realistic county: proportions, valid codes, consistent rows."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from accounts.models import Notification, NotificationKind
from dashboard.filters import DashboardFilters
from dashboard.summary import build_summary
from enterprises.models import Enterprise
from hazards.models import (
    Escalation,
    EventKind,
    Hazard,
    HazardCodeCounter,
    HazardEvent,
    State,
    local_today,
)
from inspections.models import Inspection
from tests.support import factories as f

CODE = re.compile(r"YH-(\d{4})-(\d{6})")


def seed(**kw):
    out = StringIO()
    options = {"enterprises": 30, "hazards": 3000, "townships": 6, "years": 3, "seed": 7}
    options.update(kw)
    call_command("seed_bulk", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_bulk_proportions_and_consistency():
    output = seed()
    assert "seed_bulk done" in output
    hazards = Hazard.objects.all()
    assert hazards.count() == 3000
    assert Enterprise.objects.count() == 30
    share = {
        row["state"]: row["n"] / 3000 for row in hazards.values("state").annotate(n=Count("pk"))
    }
    assert 0.75 <= share[State.CLOSED] <= 0.92
    assert 0.01 <= share[State.PENDING_REVIEW] <= 0.10
    assert 0.01 <= share[State.VOIDED] <= 0.08
    overdue = hazards.overdue(local_today()).count() / 3000
    assert 0.01 <= overdue <= 0.10
    in_time = hazards.filter(state=State.RECTIFYING, deadline__gte=local_today()).count()
    assert in_time > 0

    # Rows agree with each other.
    assert not hazards.filter(state=State.CLOSED, closed_at__isnull=True).exists()
    assert not hazards.exclude(state=State.CLOSED).filter(closed_at__isnull=False).exists()
    for h in hazards.filter(state=State.CLOSED)[:300]:
        assert h.closed_on_time == (local_date(h.closed_at) <= h.deadline)
    mismatched = hazards.exclude(township_id=f_enterprise("township_id")).count()
    assert mismatched == 0
    assert hazards.exclude(department_id=f_enterprise("supervising_department_id")).count() == 0
    assert hazards.exclude(industry=f_enterprise("industry")).count() == 0
    assert (
        hazards.filter(inspection__isnull=False)
        .exclude(inspection__enterprise_id=f_enterprise("id"))
        .count()
        == 0
    )
    assert Inspection.objects.count() > 0

    # An event for each transition: every hazard was registered; every closed one passed.
    kinds = dict(HazardEvent.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds[EventKind.CREATED] == 3000
    assert kinds[EventKind.REVIEW_PASSED] == share[State.CLOSED] * 3000
    assert kinds[EventKind.VOIDED] == round(share[State.VOIDED] * 3000)
    assert kinds[EventKind.SUBMITTED] >= kinds[EventKind.REVIEW_PASSED]

    # Escalated hazards have one Escalation per round and nothing is left due.
    escalated = hazards.filter(escalation_round__gt=0)
    assert escalated.exists()
    per_hazard = dict(
        Escalation.objects.values_list("hazard_id").annotate(n=Count("pk")).order_by()
    )
    for h in escalated:
        assert per_hazard[h.pk] == h.escalation_round
        assert h.failed_reviews >= 2
    assert Hazard.objects.due_for_escalation(2).count() == 0
    # Each step of an escalation has its event, and the leader was notified.
    steps = dict(Escalation.objects.values_list("state").annotate(n=Count("pk")))
    acknowledged = steps.get("acknowledged", 0) + steps.get("resolved", 0)
    assert kinds.get(EventKind.ESCALATED) == Escalation.objects.count()
    assert kinds.get(EventKind.ESCALATION_ACKNOWLEDGED, 0) == acknowledged
    assert kinds.get(EventKind.ESCALATION_RESOLVED, 0) == steps.get("resolved", 0)
    assert (
        Notification.objects.filter(kind=NotificationKind.ESCALATION).count()
        == Escalation.objects.count()
    )


def local_date(value):
    from django.utils import timezone

    return timezone.localtime(value).date()


def f_enterprise(field):
    from django.db.models import F

    return F(f"enterprise__{field}")


@pytest.mark.django_db
def test_codes_are_valid_unique_and_counters_continue(world):
    seed(hazards=1500)
    seed(hazards=500, seed=8)  # a second run adds to the first
    codes = list(Hazard.objects.values_list("code", "created_at"))
    assert len({c for c, _t in codes}) == 2000
    last = {}
    for code, created in codes:
        match = CODE.fullmatch(code)
        assert match, code
        assert int(match.group(1)) == local_date(created).year
        year = int(match.group(1))
        last[year] = max(last.get(year, 0), int(match.group(2)))
    assert dict(HazardCodeCounter.objects.values_list("year", "last")) == last
    # Registering after the load takes the next code, no clash.
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    year = local_date(hazard.created_at).year
    assert hazard.code == f"YH-{year}-{last[year] + 1:06d}"
    assert Hazard.objects.aggregate(m=Max("pk"))["m"] == hazard.pk


@pytest.mark.django_db
def test_dashboard_on_seeded_data_matches_plain_counts(world):
    seed(hazards=2000)
    summary = build_summary(world.bureau, DashboardFilters())
    counts = summary["counts"]
    assert counts["total"] == Hazard.objects.count()
    assert counts["closed"] == Hazard.objects.filter(state=State.CLOSED).count()
    assert counts["overdue"] == Hazard.objects.overdue().count()
    assert sum(r["total"] for r in summary["by_township"]) == counts["total"]
    assert (
        sum(r["found"] for r in summary["trend"])
        == Hazard.objects.filter(created_at__gte=summary_window_start(summary)).count()
    )


def summary_window_start(summary):
    import datetime as dt

    from dashboard.filters import local_midnight

    year, month = map(int, summary["trend"][0]["month"].split("-"))
    return local_midnight(dt.date(year, month, 1))


@pytest.mark.django_db
def test_seeded_history_reads_like_the_workflow_wrote_it():
    """Events come from the same builders as the workflow (hazards/events.py): the same
    payload keys per kind, and escalations named, worded and notified as the sweep does."""
    import datetime as dt

    from hazards import events
    from hazards.sweeps.escalate import escalation_reason

    seed(hazards=1500)
    day = dt.date(2026, 1, 1)
    keys = {
        EventKind.CREATED: events.created(title="", level="", deadline=day),
        EventKind.SUBMITTED: events.submitted(note=""),
        EventKind.REVIEW_PASSED: events.review_passed(),
        EventKind.REVIEW_FAILED: events.review_failed(
            comment="", old_deadline=day, new_deadline=day, failed_reviews=1
        ),
        EventKind.EXTENDED: events.extended(
            state="", reason="", old_deadline=day, new_deadline=day
        ),
        EventKind.VOIDED: events.voided(from_state="", reason=""),
        EventKind.ESCALATED: events.escalated(state="", reason="", round=1, escalation=1, leader=1),
        EventKind.ESCALATION_ACKNOWLEDGED: events.escalation_acknowledged(
            state="", note="", round=1
        ),
        EventKind.ESCALATION_RESOLVED: events.escalation_resolved(
            state="", note="", round=1, outcome=""
        ),
    }
    seen = set()
    for kind, data in HazardEvent.objects.values_list("kind", "data").iterator():
        assert set(data) == set(keys[kind].data), kind
        seen.add(kind)
    assert EventKind.ESCALATED in seen and EventKind.REVIEW_FAILED in seen

    escalations = {e.pk: e for e in Escalation.objects.select_related("hazard")}
    for event in HazardEvent.objects.filter(kind=EventKind.ESCALATED):
        esc = escalations[event.data["escalation"]]
        assert (esc.hazard_id, esc.round, esc.leader_id) == (
            event.hazard_id,
            event.data["round"],
            event.data["leader"],
        )
        assert (
            event.note
            == esc.reason
            == escalation_reason(code=esc.hazard.code, failures=esc.round + 1)
        )
        assert event.actor_id is None
    notified = Notification.objects.filter(kind=NotificationKind.ESCALATION).first()
    assert "已升级督办" in notified.message and "请及时签收并督促整改" in notified.message
