"""The workflow through the API: every transition, its event row, and the refusals."""

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import EventKind, Hazard, HazardEvent, Level, State
from tests.support import factories as f
from tests.support.api import future, last_event, snapshot, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def hazard(world):
    return f.make_hazard(
        enterprise=world.ent_a, by=world.inspector, person=world.user_a, leader_user=world.leader_a
    )


def _pending(world, hazard):
    hazard.submit(by=world.user_a, note="已整改")
    return hazard


def _closed(world, hazard):
    _pending(world, hazard)
    hazard.review(by=world.inspector, passed=True)
    return hazard


def _voided(world, hazard):
    hazard.void(by=world.bureau, reason="重复登记")
    return hazard


def _assert_event(hazard, *, kind, actor, from_state, to_state, note=""):
    event = last_event(hazard)
    assert (event.kind, event.actor_id, event.from_state, event.to_state) == (
        kind,
        actor.pk,
        from_state,
        to_state,
    )
    if note:
        assert event.note == note
    return event


# --- submit ------------------------------------------------------------------------------


def test_owner_submits_remediation(world, api, hazard):
    resp = api(world.user_a).post(url(hazard, "submit"), {"note": "已加装接地线"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "pending_review"
    hazard.refresh_from_db()
    assert hazard.state == State.PENDING_REVIEW
    _assert_event(
        hazard,
        kind=EventKind.SUBMITTED,
        actor=world.user_a,
        from_state="rectifying",
        to_state="pending_review",
        note="已加装接地线",
    )


def test_another_user_of_the_owner_enterprise_may_submit(world, api, hazard):
    resp = api(world.user_a2).post(url(hazard, "submit"), {"note": "整改完毕"})
    assert resp.status_code == 200
    _assert_event(
        hazard,
        kind=EventKind.SUBMITTED,
        actor=world.user_a2,
        from_state="rectifying",
        to_state="pending_review",
    )


def test_peer_enterprise_cannot_even_see_the_hazard(world, api, hazard):
    before = snapshot(hazard)
    resp = api(world.user_b).post(url(hazard, "submit"), {"note": "不是我们的"})
    assert resp.status_code == 404
    assert snapshot(hazard) == before


@pytest.mark.parametrize("who", ["inspector", "bureau", "leader_a"])
def test_only_enterprise_users_submit(world, api, hazard, who):
    # A role that may never submit is refused up front (403), before scope or body.
    before = snapshot(hazard)
    resp = api(getattr(world, who)).post(url(hazard, "submit"), {"note": "代为提交"})
    assert resp.status_code == 403
    assert resp.json()["detail"] == "只有企业用户可以提交本企业的隐患整改。"
    assert snapshot(hazard) == before


def test_outsider_inspector_gets_404(world, api, hazard):
    before = snapshot(hazard)
    for action, data in [
        ("submit", {"note": "x"}),
        ("review", {"result": "pass"}),
        ("extend", {"deadline": future(30).isoformat(), "reason": "x"}),
        ("void", {"reason": "x"}),
        ("level", {"level": "major", "emergency_plan": "x"}),
    ]:
        resp = api(world.inspector_housing).post(url(hazard, action), data)
        # Steps an inspector may take: out of scope looks missing (404). Steps no
        # inspector may take are refused by role (403), which says nothing about the hazard.
        expected = 403 if action in ("submit", "void") else 404
        assert resp.status_code == expected, action
    assert snapshot(hazard) == before


def test_submit_while_pending_is_409(world, api, hazard):
    _pending(world, hazard)
    before = snapshot(hazard)
    resp = api(world.user_a).post(url(hazard, "submit"), {"note": "再次提交"})
    assert resp.status_code == 409
    assert "待复查" in resp.json()["detail"]
    assert snapshot(hazard) == before


@pytest.mark.parametrize("make", [_closed, _voided])
def test_submit_closed_or_voided_is_409(world, api, hazard, make):
    make(world, hazard)
    before = snapshot(hazard)
    resp = api(world.user_a).post(url(hazard, "submit"), {"note": "再次提交"})
    assert resp.status_code == 409
    assert snapshot(hazard) == before


@pytest.mark.parametrize("note", ["", "   "])
def test_submit_needs_a_note(world, api, hazard, note):
    before = snapshot(hazard)
    resp = api(world.user_a).post(url(hazard, "submit"), {"note": note})
    assert resp.status_code == 400
    assert resp.json()["note"] == ["请填写整改情况说明。"]
    assert snapshot(hazard) == before


# --- review ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inspector", "bureau"])
def test_review_pass_closes(world, api, hazard, who):
    _pending(world, hazard)
    reviewer = getattr(world, who)
    resp = api(reviewer).post(url(hazard, "review"), {"result": "pass", "comment": "整改到位"})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["state"] == "closed" and body["closed_at"] and body["reviews"] == 1
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED
    assert hazard.closed_on_time is True
    _assert_event(
        hazard,
        kind=EventKind.REVIEW_PASSED,
        actor=reviewer,
        from_state="pending_review",
        to_state="closed",
        note="整改到位",
    )


def test_review_fail_sends_back_with_new_deadline(world, api, hazard):
    _pending(world, hazard)
    new = future(20)
    resp = api(world.inspector).post(
        url(hazard, "review"),
        {"result": "fail", "comment": "接地电阻不合格", "new_deadline": new.isoformat()},
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["state"], body["failed_reviews"], body["deadline"]) == (
        "rectifying",
        1,
        new.isoformat(),
    )
    event = _assert_event(
        hazard,
        kind=EventKind.REVIEW_FAILED,
        actor=world.inspector,
        from_state="pending_review",
        to_state="rectifying",
        note="接地电阻不合格",
    )
    assert event.data["new_deadline"] == new.isoformat()
    assert event.data["failed_reviews"] == 1


def test_on_site_recheck_fails_a_rectifying_hazard_after_its_deadline(world, api):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    resp = api(world.inspector).post(
        url(hazard, "review"),
        {"result": "fail", "comment": "现场复查仍未整改", "new_deadline": future(7).isoformat()},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["failed_reviews"] == 1
    _assert_event(
        hazard,
        kind=EventKind.REVIEW_FAILED,
        actor=world.inspector,
        from_state="rectifying",
        to_state="rectifying",
    )


def test_review_pass_before_submission_is_409(world, api, hazard):
    before = snapshot(hazard)
    resp = api(world.inspector).post(url(hazard, "review"), {"result": "pass"})
    assert resp.status_code == 409
    assert resp.json()["detail"] == "企业尚未提交整改，不能复查合格销号。"
    assert snapshot(hazard) == before


@pytest.mark.parametrize(("make", "label"), [(_closed, "已销号"), (_voided, "已作废")])
def test_review_of_closed_or_voided_is_409(world, api, hazard, make, label):
    make(world, hazard)
    before = snapshot(hazard)
    for data in (
        {"result": "pass"},
        {"result": "fail", "comment": "x", "new_deadline": future().isoformat()},
    ):
        resp = api(world.bureau).post(url(hazard, "review"), data)
        assert resp.status_code == 409
        assert resp.json()["detail"] == f"隐患当前状态为“{label}”，不能复查。"
    assert snapshot(hazard) == before


@pytest.mark.parametrize("who", ["user_a", "leader_a"])
def test_owner_enterprise_and_leader_cannot_review(world, api, hazard, who):
    _pending(world, hazard)
    before = snapshot(hazard)
    resp = api(getattr(world, who)).post(url(hazard, "review"), {"result": "pass"})
    assert resp.status_code == 403
    assert resp.json()["detail"] == "只有检查员或安监局可以复查。"
    assert snapshot(hazard) == before


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"result": "fail"}, {"comment", "new_deadline"}),
        ({"result": "fail", "comment": "不合格"}, {"new_deadline"}),
        ({"result": "fail", "new_deadline": "2021-01-01", "comment": "x"}, {"new_deadline"}),
        ({"result": "fail", "new_deadline": "明天", "comment": "x"}, {"new_deadline"}),
        ({"result": "maybe"}, {"result"}),
        ({}, {"result"}),
    ],
)
def test_review_validation_is_400_and_changes_nothing(world, api, hazard, data, fields):
    _pending(world, hazard)
    before = snapshot(hazard)
    resp = api(world.inspector).post(url(hazard, "review"), data, format="json")
    assert resp.status_code == 400
    assert set(resp.json()) == fields
    assert snapshot(hazard) == before


# --- extend ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inspector", "bureau"])
def test_extend_moves_the_deadline_with_a_reason(world, api, hazard, who):
    old = hazard.deadline
    new = old + dt.timedelta(days=15)
    actor = getattr(world, who)
    resp = api(actor).post(
        url(hazard, "extend"), {"deadline": new.isoformat(), "reason": "设备到货延迟"}
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["deadline"] == new.isoformat()
    assert resp.json()["state"] == "rectifying"
    event = _assert_event(
        hazard,
        kind=EventKind.EXTENDED,
        actor=actor,
        from_state="rectifying",
        to_state="rectifying",
        note="设备到货延迟",
    )
    assert event.data == {"old_deadline": old.isoformat(), "new_deadline": new.isoformat()}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"deadline": "2020-01-01", "reason": "x"}, "deadline"),
        ({"reason": "x"}, "deadline"),
        ({"deadline": "later", "reason": "x"}, "deadline"),
        ({"deadline": "FUTURE", "reason": ""}, "reason"),
        ({"deadline": "SAME", "reason": "x"}, "deadline"),
    ],
)
def test_extend_validation(world, api, hazard, data, field):
    data = dict(data)
    if data.get("deadline") == "FUTURE":
        data["deadline"] = future(40).isoformat()
    if data.get("deadline") == "SAME":
        data["deadline"] = hazard.deadline.isoformat()
    before = snapshot(hazard)
    resp = api(world.inspector).post(url(hazard, "extend"), data, format="json")
    assert resp.status_code == 400
    assert field in resp.json()
    assert snapshot(hazard) == before


@pytest.mark.parametrize("who", ["user_a", "leader_a"])
def test_enterprise_and_leader_cannot_extend(world, api, hazard, who):
    before = snapshot(hazard)
    resp = api(getattr(world, who)).post(
        url(hazard, "extend"), {"deadline": future(60).isoformat(), "reason": "请求延期"}
    )
    assert resp.status_code == 403
    assert resp.json()["detail"] == "只有检查员或安监局可以延期。"
    assert snapshot(hazard) == before


def test_extend_closed_is_409(world, api, hazard):
    _closed(world, hazard)
    before = snapshot(hazard)
    resp = api(world.bureau).post(
        url(hazard, "extend"), {"deadline": future(60).isoformat(), "reason": "x"}
    )
    assert resp.status_code == 409
    assert snapshot(hazard) == before


# --- void ---------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [lambda w, h: h, _pending])
def test_bureau_voids_an_open_hazard(world, api, hazard, make):
    make(world, hazard)
    from_state = Hazard.objects.get(pk=hazard.pk).state
    resp = api(world.bureau).post(url(hazard, "void"), {"reason": "误登记"})
    assert resp.status_code == 200, resp.content
    assert resp.json()["state"] == "voided"
    _assert_event(
        hazard,
        kind=EventKind.VOIDED,
        actor=world.bureau,
        from_state=from_state,
        to_state="voided",
        note="误登记",
    )
    # Voided, not deleted.
    assert Hazard.objects.filter(pk=hazard.pk).exists()


@pytest.mark.parametrize("who", ["inspector", "user_a", "leader_a"])
def test_only_the_bureau_voids(world, api, hazard, who):
    before = snapshot(hazard)
    resp = api(getattr(world, who)).post(url(hazard, "void"), {"reason": "误登记"})
    assert resp.status_code == 403
    assert resp.json()["detail"] == "只有安监局可以作废隐患。"
    assert snapshot(hazard) == before


def test_void_needs_a_reason_and_an_open_hazard(world, api, hazard):
    before = snapshot(hazard)
    resp = api(world.bureau).post(url(hazard, "void"), {"reason": " "})
    assert resp.status_code == 400 and "reason" in resp.json()
    assert snapshot(hazard) == before
    _closed(world, hazard)
    before = snapshot(hazard)
    resp = api(world.bureau).post(url(hazard, "void"), {"reason": "误登记"})
    assert resp.status_code == 409
    assert snapshot(hazard) == before


# --- level --------------------------------------------------------------------------------


def test_inspector_upgrades_to_major_with_a_plan(world, api, hazard):
    resp = api(world.inspector).post(
        url(hazard, "level"),
        {"level": "major", "reason": "涉及人员密集区域", "emergency_plan": "疏散预案"},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["level"] == "major"
    assert resp.json()["emergency_plan"] == "疏散预案"
    event = _assert_event(
        hazard,
        kind=EventKind.LEVEL_CHANGED,
        actor=world.inspector,
        from_state="rectifying",
        to_state="rectifying",
    )
    assert event.data == {"from_level": "general", "to_level": "major"}


def test_upgrade_without_plan_is_400(world, api, hazard):
    before = snapshot(hazard)
    resp = api(world.inspector).post(url(hazard, "level"), {"level": "major"})
    assert resp.status_code == 400
    assert "emergency_plan" in resp.json()
    assert snapshot(hazard) == before


def test_enterprise_cannot_regrade_its_own_hazard(world, api):
    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        level=Level.MAJOR,
        emergency_plan="预案",
    )
    before = snapshot(hazard)
    resp = api(world.user_a).post(url(hazard, "level"), {"level": "general", "reason": "小事"})
    assert resp.status_code == 403
    assert snapshot(hazard) == before


def test_only_bureau_downgrades_a_standard_major_hazard(world, api):
    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        level=Level.MAJOR,
        major_by_standard=True,
        emergency_plan="预案",
    )
    before = snapshot(hazard)
    resp = api(world.inspector).post(url(hazard, "level"), {"level": "general", "reason": "x"})
    assert resp.status_code == 409
    assert snapshot(hazard) == before
    resp = api(world.bureau).post(url(hazard, "level"), {"level": "general"})
    assert resp.status_code == 400 and "reason" in resp.json()
    assert snapshot(hazard) == before
    resp = api(world.bureau).post(
        url(hazard, "level"), {"level": "general", "reason": "经专家论证不构成重大隐患"}
    )
    assert resp.status_code == 200
    _assert_event(
        hazard,
        kind=EventKind.LEVEL_CHANGED,
        actor=world.bureau,
        from_state="rectifying",
        to_state="rectifying",
        note="经专家论证不构成重大隐患",
    )


# --- events -------------------------------------------------------------------------------


def test_events_are_the_full_timeline_oldest_first(world, api, hazard):
    client = api(world.user_a)
    client.post(url(hazard, "submit"), {"note": "第一次整改"})
    api(world.inspector).post(
        url(hazard, "review"),
        {"result": "fail", "comment": "不到位", "new_deadline": future(5).isoformat()},
    )
    client.post(url(hazard, "submit"), {"note": "第二次整改"})
    api(world.bureau).post(url(hazard, "review"), {"result": "pass"})

    resp = client.get(url(hazard, "events"))
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 5
    rows = body["results"]
    assert [r["kind"] for r in rows] == [
        "created",
        "submitted",
        "review_failed",
        "submitted",
        "review_passed",
    ]
    assert [(r["from_state"], r["to_state"]) for r in rows] == [
        ("", "rectifying"),
        ("rectifying", "pending_review"),
        ("pending_review", "rectifying"),
        ("rectifying", "pending_review"),
        ("pending_review", "closed"),
    ]
    assert rows[1]["actor_name"] == world.user_a.display_name
    assert rows[1]["note"] == "第一次整改"
    assert rows[2]["actor"] == world.inspector.pk
    assert HazardEvent.objects.filter(hazard=hazard).count() == 5


def test_events_are_scoped(world, api, hazard):
    assert api(world.leader_a).get(url(hazard, "events")).status_code == 200
    assert api(world.user_b).get(url(hazard, "events")).status_code == 404
    assert api(world.inspector_housing).get(url(hazard, "events")).status_code == 404
    assert api().get(url(hazard, "events")).status_code in (401, 403)


def test_on_site_failure_of_a_rectifying_hazard_waits_for_the_deadline(world, api, hazard):
    # Before the deadline the enterprise still has time: failing it would count a strike.
    before = snapshot(hazard)
    resp = api(world.inspector).post(
        url(hazard, "review"),
        {"result": "fail", "comment": "现场未整改", "new_deadline": future(10).isoformat()},
    )
    assert resp.status_code == 409
    assert "整改期限" in resp.json()["detail"] and "未到" in resp.json()["detail"]
    assert snapshot(hazard) == before
    # After it, an on-site re-check may fail it directly.
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    resp = api(world.inspector).post(
        url(hazard, "review"),
        {"result": "fail", "comment": "逾期仍未整改", "new_deadline": future(10).isoformat()},
    )
    assert resp.status_code == 200, resp.content
    hazard.refresh_from_db()
    assert hazard.failed_reviews == 1 and hazard.state == State.RECTIFYING
    event = HazardEvent.objects.get(hazard=hazard, kind=EventKind.REVIEW_FAILED)
    assert event.from_state == State.RECTIFYING and event.note == "逾期仍未整改"
