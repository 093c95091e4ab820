"""Follow-up visits (复查): the original inspection's hazards, then vs now; recording
pass/fail calls the same Hazard.review transition as the ledger API."""

import datetime as dt

import pytest

from hazards.models import EventKind, Hazard, HazardEvent, State, local_today
from inspections.models import FollowUpCheck, Inspection, InspectionKind
from tests.support.factories import in_days, make_hazard
from tests.support.files import png


@pytest.fixture
def visit(world, start):
    """An original inspection at ent_a with two hazards (finalized), and a follow-up."""
    original = start()
    h1 = make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=original, title="甲")
    h2 = make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=original, title="乙")
    original.finalize(by=world.inspector)
    # The follow-up visit comes after the deadline: a hazard not reported done may be
    # failed on site (the ledger refuses that before the deadline).
    Hazard.objects.filter(pk__in=[h1.pk, h2.pk]).update(
        deadline=local_today() - dt.timedelta(days=1)
    )
    h1.refresh_from_db()
    h2.refresh_from_db()
    unrelated = make_hazard(enterprise=world.ent_a, by=world.inspector, title="不在原检查中")
    follow_up = start(kind=InspectionKind.FOLLOW_UP, original=original)
    return original, follow_up, h1, h2, unrelated


def test_follow_up_must_link_an_original_of_the_same_enterprise(world, api, start):
    original = start(enterprise=world.ent_b)
    client = api(world.inspector)
    res = client.post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_a.pk, "kind": "follow_up", "original": original.pk},
        format="json",
    )
    assert res.status_code == 400
    assert "original" in res.json()
    res = client.post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_b.pk, "kind": "routine", "original": original.pk},
        format="json",
    )
    assert res.status_code == 400
    assert "original" in res.json()
    res = client.post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_b.pk, "kind": "follow_up", "original": original.pk},
        format="json",
    )
    assert res.status_code == 201
    assert res.json()["original"] == original.pk
    assert Inspection.objects.count() == 2


def test_an_original_out_of_scope_is_400(world, api):
    hidden = Inspection.start(by=world.inspector_housing, enterprise=world.ent_c, kind="routine")
    res = api(world.inspector_transport).post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_b.pk, "kind": "follow_up", "original": hidden.pk},
        format="json",
    )
    assert res.status_code == 400
    assert "original" in res.json()


def test_lists_original_hazards_with_state_then_and_now(world, api, visit):
    original, follow_up, h1, h2, _ = visit
    h1.submit(by=world.user_a, note="已整改")
    res = api(world.inspector).get(f"/api/v1/inspections/{follow_up.pk}/follow-up/")
    assert res.status_code == 200
    rows = {r["id"]: r for r in res.json()["results"]}
    assert set(rows) == {h1.pk, h2.pk}
    assert rows[h1.pk]["state_at_original"] == "rectifying"
    assert rows[h1.pk]["state"] == "pending_review"
    assert rows[h2.pk]["state_at_original"] == "rectifying"
    assert rows[h2.pk]["state"] == "rectifying"
    assert rows[h1.pk]["follow_up_result"] is None


def test_passing_on_a_follow_up_closes_the_hazard_through_review(world, api, visit):
    _, follow_up, h1, _, _ = visit
    h1.submit(by=world.user_a, note="已整改")
    res = api(world.inspector).post(
        f"/api/v1/inspections/{follow_up.pk}/follow-up/{h1.pk}/",
        {"result": "pass", "comment": "现场复查合格"},
        format="json",
    )
    assert res.status_code == 200, res.content
    assert res.json()["state"] == "closed"
    assert res.json()["follow_up_result"] == "pass"
    h1.refresh_from_db()
    assert h1.state == State.CLOSED and h1.closed_at is not None
    event = HazardEvent.objects.filter(hazard=h1).latest("pk")
    assert event.kind == EventKind.REVIEW_PASSED
    assert (event.from_state, event.to_state) == ("pending_review", "closed")
    assert event.actor == world.inspector
    check = FollowUpCheck.objects.get()
    assert (check.inspection, check.hazard, check.event, check.result) == (
        follow_up,
        h1,
        event,
        "pass",
    )


def test_failing_on_a_follow_up_counts_a_failed_review(world, api, visit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, follow_up, _, h2, _ = visit
    res = api(world.inspector).post(
        f"/api/v1/inspections/{follow_up.pk}/follow-up/{h2.pk}/",
        {
            "result": "fail",
            "comment": "逾期未整改",
            "new_deadline": in_days(7).isoformat(),
            "evidence": [png()],
        },
        format="multipart",
    )
    assert res.status_code == 200, res.content
    h2.refresh_from_db()
    assert h2.state == State.RECTIFYING
    assert h2.failed_reviews == 1
    assert h2.deadline == in_days(7)
    event = HazardEvent.objects.filter(hazard=h2).latest("pk")
    assert event.kind == EventKind.REVIEW_FAILED
    assert event.note == "逾期未整改"
    assert event.evidence.count() == 1


def test_the_review_rules_of_the_ledger_apply(world, api, visit):
    _, follow_up, h1, h2, _ = visit
    client = api(world.inspector)
    # Pass before the enterprise submitted: the ledger refuses (409), nothing written.
    res = client.post(f"/api/v1/inspections/{follow_up.pk}/follow-up/{h2.pk}/", {"result": "pass"})
    assert res.status_code == 409
    # Fail without comment or new deadline: 400.
    res = client.post(f"/api/v1/inspections/{follow_up.pk}/follow-up/{h2.pk}/", {"result": "fail"})
    assert res.status_code == 400
    assert {"comment", "new_deadline"} <= set(res.json())
    res = client.post(f"/api/v1/inspections/{follow_up.pk}/follow-up/{h2.pk}/", {"result": "maybe"})
    assert res.status_code == 400
    h2.refresh_from_db()
    assert h2.state == State.RECTIFYING and h2.failed_reviews == 0
    assert not FollowUpCheck.objects.exists()
    assert HazardEvent.objects.filter(hazard=h2).count() == 1


def test_a_hazard_not_found_by_the_original_is_404(world, api, visit):
    _, follow_up, _, _, unrelated = visit
    res = api(world.inspector).post(
        f"/api/v1/inspections/{follow_up.pk}/follow-up/{unrelated.pk}/",
        {"result": "fail", "comment": "x", "new_deadline": in_days(3).isoformat()},
    )
    assert res.status_code == 404
    unrelated.refresh_from_db()
    assert unrelated.failed_reviews == 0


def test_a_routine_inspection_has_no_follow_up_list(world, api, visit):
    original, *_ = visit
    res = api(world.inspector).get(f"/api/v1/inspections/{original.pk}/follow-up/")
    assert res.status_code == 409


def test_a_follow_up_with_reviews_finalizes_and_then_refuses_more(world, api, visit):
    _, follow_up, h1, h2, _ = visit
    client = api(world.inspector)
    client.post(
        f"/api/v1/inspections/{follow_up.pk}/follow-up/{h2.pk}/",
        {"result": "fail", "comment": "未整改", "new_deadline": in_days(5).isoformat()},
    )
    res = client.post(f"/api/v1/inspections/{follow_up.pk}/finalize/")
    assert res.status_code == 200, res.content
    assert res.json()["notice_number"] == ""  # a follow-up finds no new hazards
    h1.submit(by=world.user_a, note="已整改")
    res = client.post(f"/api/v1/inspections/{follow_up.pk}/follow-up/{h1.pk}/", {"result": "pass"})
    assert res.status_code == 409
    h1.refresh_from_db()
    assert h1.state == State.PENDING_REVIEW


def test_outsider_cannot_review_through_a_follow_up(world, api, visit):
    _, follow_up, h1, _, _ = visit
    h1.submit(by=world.user_a, note="已整改")
    res = api(world.inspector_housing).post(
        f"/api/v1/inspections/{follow_up.pk}/follow-up/{h1.pk}/", {"result": "pass"}
    )
    assert res.status_code == 404
    h1.refresh_from_db()
    assert h1.state == State.PENDING_REVIEW
