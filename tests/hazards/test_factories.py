"""The factories of tests/support reach each state through the real steps: the event
log of a factory-made hazard reads like one the workflow wrote."""

import pytest

from hazards.models import Escalation, EventKind, State
from inspections.models import InspectionStatus
from tests.support.factories import HazardFactory, InspectionFactory

pytestmark = pytest.mark.django_db


def kinds(hazard) -> list[str]:
    return list(hazard.events.order_by("created_at", "pk").values_list("kind", flat=True))


@pytest.mark.parametrize(
    ("state", "events"),
    [
        (State.RECTIFYING, [EventKind.CREATED]),
        (State.PENDING_REVIEW, [EventKind.CREATED, EventKind.SUBMITTED]),
        (State.CLOSED, [EventKind.CREATED, EventKind.SUBMITTED, EventKind.REVIEW_PASSED]),
        (State.VOIDED, [EventKind.CREATED, EventKind.VOIDED]),
    ],
)
def test_hazard_factory_walks_to_each_state(state, events):
    hazard = HazardFactory(state=state)
    assert hazard.state == state
    assert hazard.code.startswith("YH-")
    assert kinds(hazard) == events


def test_failed_reviews_are_real_review_rounds():
    hazard = HazardFactory(state="pending_review", failed_reviews=2)
    assert hazard.failed_reviews == 2
    assert kinds(hazard).count(EventKind.REVIEW_FAILED) == 2
    assert hazard.state == State.PENDING_REVIEW


def test_escalated_runs_the_sweep_once_the_threshold_is_reached():
    hazard = HazardFactory(escalated=True)
    assert hazard.failed_reviews == 2 and hazard.escalation_round == 1
    assert Escalation.objects.get(hazard=hazard).leader == hazard.responsible_leader


def test_overdue_is_a_rectifying_hazard_past_its_deadline():
    hazard = HazardFactory(overdue=True)
    assert hazard.is_overdue
    with pytest.raises(ValueError):
        HazardFactory(state="closed", overdue=True)


def test_hazard_factory_does_not_build_without_the_database():
    with pytest.raises(TypeError):
        HazardFactory.build()


@pytest.mark.parametrize("state", [InspectionStatus.DRAFT, InspectionStatus.FINALIZED])
def test_inspection_factory_reaches_each_state(state):
    inspection = InspectionFactory(state=state, hazards=2)
    assert inspection.status == state
    assert inspection.hazards.count() == 2


def test_a_finalized_inspection_without_findings_gets_one_hazard_to_be_finalizable():
    inspection = InspectionFactory(state="finalized")
    assert inspection.status == InspectionStatus.FINALIZED
    assert inspection.hazards.count() == 1
