"""The event builders (hazards/events.py) write exactly what the real workflow steps
write: for each kind, drive the real step and compare kind, from/to state, note and data
with the builder's draft."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from hazards import events
from hazards.models import Escalation, EventKind, HazardEvent, Level, State
from hazards.sweeps import escalate
from tests import factories as f
from tests.hazards.escalation_support import due_hazard


def stored(event: HazardEvent) -> tuple:
    """The event as the database holds it (data through its JSON round trip)."""
    row = HazardEvent.objects.get(pk=event.pk)
    return (row.kind, row.from_state, row.to_state, row.note, row.data)


def drafted(draft: events.EventDraft) -> tuple:
    return (draft.kind, draft.from_state, draft.to_state, draft.note, draft.data)


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def hazard(world):
    return f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)


def test_every_kind_has_a_builder():
    assert set(events.BUILDERS) == set(EventKind)
    for kind, builder in events.BUILDERS.items():
        assert builder.__name__ == kind.value


@pytest.mark.django_db
def test_created_matches_register(hazard):
    event = hazard.events.get(kind=EventKind.CREATED)
    draft = events.created(title=hazard.title, level=hazard.level, deadline=hazard.deadline)
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_submitted_matches_submit(world, hazard):
    event = hazard.submit(by=world.user_a, note="已按要求整改。")
    assert stored(event) == drafted(events.submitted(note="已按要求整改。"))


@pytest.mark.django_db
def test_review_passed_matches_review(world, hazard):
    hazard.submit(by=world.user_a, note="已整改。")
    event = hazard.review(by=world.inspector, passed=True, comment="现场复查合格。")
    assert stored(event) == drafted(events.review_passed(comment="现场复查合格。"))


@pytest.mark.django_db
def test_review_failed_matches_review(world, hazard):
    hazard.submit(by=world.user_a, note="已整改。")
    old, new = hazard.deadline, today() + dt.timedelta(days=20)
    event = hazard.review(by=world.inspector, passed=False, comment="不到位。", new_deadline=new)
    draft = events.review_failed(
        comment="不到位。", old_deadline=old, new_deadline=new, failed_reviews=1
    )
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_on_site_review_failed_matches_review(world, hazard):
    old = hazard.deadline
    with time_machine.travel(old + dt.timedelta(days=2)):
        new = today() + dt.timedelta(days=7)
        event = hazard.review(
            by=world.inspector, passed=False, comment="现场复查不合格。", new_deadline=new
        )
    draft = events.review_failed(
        comment="现场复查不合格。",
        old_deadline=old,
        new_deadline=new,
        failed_reviews=1,
        from_state=State.RECTIFYING,
    )
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_extended_matches_extend(world, hazard):
    old, new = hazard.deadline, hazard.deadline + dt.timedelta(days=15)
    event = hazard.extend(by=world.inspector, deadline=new, reason="设备到货延迟。")
    draft = events.extended(
        state=State.RECTIFYING, reason="设备到货延迟。", old_deadline=old, new_deadline=new
    )
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_voided_matches_void(world, hazard):
    hazard.submit(by=world.user_a, note="已整改。")
    event = hazard.void(by=world.bureau, reason="重复登记。")
    draft = events.voided(from_state=State.PENDING_REVIEW, reason="重复登记。")
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_level_changed_matches_change_level(world, hazard):
    event = hazard.change_level(
        by=world.inspector, level=Level.MAJOR, reason="涉及粉尘爆炸。", emergency_plan="撤离。"
    )
    draft = events.level_changed(
        state=State.RECTIFYING,
        reason="涉及粉尘爆炸。",
        from_level=Level.GENERAL,
        to_level=Level.MAJOR,
    )
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_escalation_events_match_the_sweep_acknowledge_and_resolve(world):
    hazard = due_hazard(world)
    [new] = escalate.sweep().escalations
    esc = Escalation.objects.get(pk=new.id)
    assert esc.reason == escalate.escalation_reason(code=hazard.code, failures=2)
    event = hazard.events.get(kind=EventKind.ESCALATED)
    draft = events.escalated(
        state=State.RECTIFYING,
        reason=esc.reason,
        round=1,
        escalation=esc.pk,
        leader=world.leader_a.pk,
    )
    assert stored(event) == drafted(draft)
    assert event.actor_id is None

    event = esc.acknowledge(by=world.leader_a, note="已签收，督促整改。")
    draft = events.escalation_acknowledged(
        state=State.RECTIFYING, note="已签收，督促整改。", round=1
    )
    assert stored(event) == drafted(draft)

    event = esc.resolve(by=world.bureau, outcome="interview", note="已约谈企业负责人。")
    draft = events.escalation_resolved(
        state=State.RECTIFYING, note="已约谈企业负责人。", round=1, outcome="interview"
    )
    assert stored(event) == drafted(draft)


@pytest.mark.django_db
def test_build_takes_instances_or_ids_and_saves_nothing(world, hazard):
    draft = events.submitted(note="已整改。")
    at = timezone.now() - dt.timedelta(days=1)
    by_instance = draft.build(hazard, by=world.user_a)
    by_id = draft.build(hazard.pk, by=world.user_a.pk, at=at)
    system = draft.build(hazard.pk, by=None)
    assert by_instance.pk is None and by_id.pk is None
    assert (by_instance.hazard_id, by_instance.actor_id) == (hazard.pk, world.user_a.pk)
    assert (by_id.hazard_id, by_id.actor_id, by_id.created_at) == (hazard.pk, world.user_a.pk, at)
    assert system.actor_id is None
    assert not hazard.events.filter(kind=EventKind.SUBMITTED).exists()
    # The draft's payload is copied, never shared with the rows built from it.
    by_instance.data["x"] = 1
    assert draft.data == {}
    saved = draft.create(hazard, by=world.user_a)
    assert stored(saved) == drafted(draft)
