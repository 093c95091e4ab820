"""A hazard's page and its action forms: every action goes through the model's
transition; bad input comes back next to the field and changes nothing; an
illegal action is a message, never a 500; out of scope is 404; CSRF is enforced."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hazards.models import EventKind, Evidence, Hazard, HazardEvent, State
from tests.support.files import jpeg


def detail(h):
    return reverse("hazard-detail", args=[h.pk])


def action(h, name):
    return reverse(f"hazard-{name}", args=[h.pk])


def snapshot(h) -> tuple:
    fresh = Hazard.objects.get(pk=h.pk)
    return (
        fresh.state,
        fresh.deadline,
        fresh.failed_reviews,
        HazardEvent.objects.filter(hazard=h).count(),
        Evidence.objects.filter(hazard=h).count(),
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def future(days: int = 20) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# --- reading ---------------------------------------------------------------------------------


def test_detail_shows_the_plan_timeline_and_countdown(world, hazard_a, login):
    response = login(world.user_a).get(detail(hazard_a))
    html = response.content.decode()
    assert response.status_code == 200
    for text in (hazard_a.code, hazard_a.title, hazard_a.measures, "剩余 10 天", "登记"):
        assert text in html
    assert world.inspector.name in html  # the timeline names who registered it


def test_out_of_scope_and_missing_hazards_are_404(world, hazard_a, login):
    assert login(world.user_b).get(detail(hazard_a)).status_code == 404
    assert login(world.inspector_housing).get(detail(hazard_a)).status_code == 404
    assert login(world.bureau).get("/hazards/999999/").status_code == 404
    # the actions too, and nothing changes
    before = snapshot(hazard_a)
    response = login(world.user_b).post(action(hazard_a, "submit"), {"submit-note": "已整改"})
    assert response.status_code == 404
    assert snapshot(hazard_a) == before


def test_only_the_allowed_actions_are_offered(world, hazard_a, login):
    enterprise = login(world.user_a).get(detail(hazard_a)).content.decode()
    assert 'data-testid="form-submit"' in enterprise
    assert 'data-testid="form-review"' not in enterprise
    assert 'data-testid="form-void"' not in enterprise
    inspector = login(world.inspector).get(detail(hazard_a)).content.decode()
    assert 'data-testid="form-submit"' not in inspector
    # Before the deadline, with nothing submitted, there is nothing to re-check yet.
    assert 'data-testid="form-review"' not in inspector
    assert 'data-testid="form-extend"' in inspector
    assert 'data-testid="form-void"' not in inspector
    # Once the deadline has passed, an on-site re-check may fail it.
    Hazard.objects.filter(pk=hazard_a.pk).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    inspector = login(world.inspector).get(detail(hazard_a)).content.decode()
    assert 'data-testid="form-review"' in inspector
    bureau = login(world.bureau).get(detail(hazard_a)).content.decode()
    assert 'data-testid="form-void"' in bureau
    leader = login(world.leader_a).get(detail(hazard_a)).content.decode()
    assert 'data-testid="actions"' not in leader


def test_evidence_photos_are_served_only_in_scope(world, hazard_a, login):
    hazard_a.submit(by=world.user_a, note="已整改", evidence=[jpeg()])
    photo = Evidence.objects.get(hazard=hazard_a)
    url = reverse("api:evidence-file", args=[photo.pk])
    assert url in login(world.user_a).get(detail(hazard_a)).content.decode()
    assert login(world.user_a).get(url).status_code == 200
    assert login(world.user_b).get(url).status_code == 404


# --- submit (enterprise) -----------------------------------------------------------------------


def test_enterprise_submits_remediation_with_photos(world, hazard_a, login):
    client = login(world.user_a2)  # a colleague at the same enterprise may submit too
    response = client.post(
        action(hazard_a, "submit"),
        {
            "submit-note": "已加装接地线并检测合格",
            "submit-evidence": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    assert response.status_code == 302 and response["Location"] == detail(hazard_a)
    hazard_a.refresh_from_db()
    assert hazard_a.state == State.PENDING_REVIEW
    event = HazardEvent.objects.get(hazard=hazard_a, kind=EventKind.SUBMITTED)
    assert event.actor == world.user_a2 and event.note == "已加装接地线并检测合格"
    assert event.from_state == State.RECTIFYING and event.to_state == State.PENDING_REVIEW
    assert event.evidence.filter(phase=Evidence.Phase.AFTER).count() == 2
    assert "整改情况已提交，等待复查。" in messages_of(response)


def test_submit_without_a_note_is_refused_next_to_the_field(world, hazard_a, login):
    before = snapshot(hazard_a)
    response = login(world.user_a).post(action(hazard_a, "submit"), {"submit-note": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="error-note"' in html and "此项为必填项。" in html
    assert snapshot(hazard_a) == before


def test_submit_with_a_file_that_is_not_an_image_changes_nothing(world, hazard_a, login):
    before = snapshot(hazard_a)
    fake = SimpleUploadedFile("report.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = login(world.user_a).post(
        action(hazard_a, "submit"), {"submit-note": "已整改", "submit-evidence": [jpeg(), fake]}
    )
    assert response.status_code == 200
    assert 'data-testid="error-evidence"' in response.content.decode()
    assert snapshot(hazard_a) == before


def test_submitting_twice_is_a_message_not_a_500(world, hazard_a, login):
    client = login(world.user_a)
    client.post(action(hazard_a, "submit"), {"submit-note": "已整改"})
    before = snapshot(hazard_a)
    response = client.post(action(hazard_a, "submit"), {"submit-note": "再次提交"})
    assert response.status_code == 302
    assert messages_of(response)[-1] == "隐患当前状态为“待复查”，不能提交整改。"
    assert snapshot(hazard_a) == before


def test_an_inspector_cannot_submit_for_the_enterprise(world, hazard_a, login):
    before = snapshot(hazard_a)
    response = login(world.inspector).post(action(hazard_a, "submit"), {"submit-note": "代填"})
    # A role that may never submit: 403 with the reason, not a redirect.
    assert response.status_code == 403
    assert "只有企业用户可以提交本企业的隐患整改。" in response.content.decode()
    assert snapshot(hazard_a) == before


# --- review (inspector / bureau) ---------------------------------------------------------------


@pytest.fixture
def submitted(world, hazard_a):
    hazard_a.submit(by=world.user_a, note="已整改")
    return hazard_a


def test_inspector_fails_a_review_with_comment_and_new_deadline(world, submitted, login):
    response = login(world.inspector).post(
        action(submitted, "review"),
        {
            "review-result": "fail",
            "review-comment": "接地电阻仍超标",
            "review-new_deadline": future(),
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.RECTIFYING and submitted.failed_reviews == 1
    assert submitted.deadline.isoformat() == future()
    event = HazardEvent.objects.get(hazard=submitted, kind=EventKind.REVIEW_FAILED)
    assert event.actor == world.inspector and event.note == "接地电阻仍超标"
    page = login(world.user_a).get(detail(submitted)).content.decode()
    assert "复查不合格" in page and "接地电阻仍超标" in page


def test_inspector_passes_a_review_and_the_hazard_closes(world, submitted, login):
    response = login(world.inspector).post(action(submitted, "review"), {"review-result": "pass"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.CLOSED and submitted.closed_at is not None
    assert HazardEvent.objects.filter(hazard=submitted, kind=EventKind.REVIEW_PASSED).exists()
    html = login(world.inspector).get(detail(submitted)).content.decode()
    assert 'data-testid="actions"' not in html  # nothing left to do on a closed hazard


@pytest.mark.parametrize(
    "data, field",
    [
        ({"review-result": "fail", "review-new_deadline": future()}, "comment"),
        ({"review-result": "fail", "review-comment": "未整改"}, "new_deadline"),
        (
            {"review-result": "fail", "review-comment": "未整改", "review-new_deadline": "下周"},
            "new_deadline",
        ),
        (
            {
                "review-result": "fail",
                "review-comment": "未整改",
                "review-new_deadline": "2000-01-01",
            },
            "new_deadline",
        ),
        ({"review-result": "maybe"}, "result"),
        ({}, "result"),
    ],
)
def test_a_bad_review_is_refused_next_to_the_field(world, submitted, login, data, field):
    before = snapshot(submitted)
    response = login(world.inspector).post(action(submitted, "review"), data)
    assert response.status_code == 200
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert snapshot(submitted) == before


def test_reviewing_a_closed_hazard_is_a_message_not_a_500(world, submitted, login):
    client = login(world.inspector)
    client.post(action(submitted, "review"), {"review-result": "pass"})
    before = snapshot(submitted)
    response = client.post(
        action(submitted, "review"),
        {"review-result": "fail", "review-comment": "x", "review-new_deadline": future()},
    )
    assert response.status_code == 302
    assert messages_of(response)[-1] == "隐患当前状态为“已销号”，不能复查。"
    assert snapshot(submitted) == before


def test_an_enterprise_user_cannot_review(world, submitted, login):
    before = snapshot(submitted)
    client = login(world.user_a)
    response = client.post(action(submitted, "review"), {"review-result": "pass"})
    assert response.status_code == 403
    assert "只有检查员或安监局可以复查。" in response.content.decode()
    # a form that does not even parse: the same answer, the role decides first
    response = client.post(action(submitted, "review"), {})
    assert response.status_code == 403
    assert snapshot(submitted) == before


# --- extend / void -------------------------------------------------------------------------------


def test_extend_needs_a_later_deadline_and_a_reason(world, hazard_a, login):
    client = login(world.inspector)
    before = snapshot(hazard_a)
    response = client.post(
        action(hazard_a, "extend"),
        {
            "extend-deadline": (hazard_a.deadline - dt.timedelta(days=1)).isoformat(),
            "extend-reason": "设备未到货",
        },
    )
    assert response.status_code == 200
    assert "新的整改期限应晚于原期限。" in response.content.decode()
    assert snapshot(hazard_a) == before
    response = client.post(
        action(hazard_a, "extend"), {"extend-deadline": future(40), "extend-reason": "设备未到货"}
    )
    assert response.status_code == 302
    hazard_a.refresh_from_db()
    assert hazard_a.deadline.isoformat() == future(40)
    assert HazardEvent.objects.get(hazard=hazard_a, kind=EventKind.EXTENDED).note == "设备未到货"


def test_only_the_bureau_voids(world, hazard_a, login):
    before = snapshot(hazard_a)
    response = login(world.inspector).post(action(hazard_a, "void"), {"void-reason": "重复登记"})
    assert response.status_code == 403
    assert "只有安监局可以作废隐患。" in response.content.decode()
    assert snapshot(hazard_a) == before
    response = login(world.bureau).post(action(hazard_a, "void"), {"void-reason": "重复登记"})
    assert response.status_code == 302
    hazard_a.refresh_from_db()
    assert hazard_a.state == State.VOIDED
    assert HazardEvent.objects.get(hazard=hazard_a, kind=EventKind.VOIDED).actor == world.bureau


# --- transport -------------------------------------------------------------------------------------


def test_csrf_is_enforced_on_every_action(world, hazard_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bureau)
    before = snapshot(hazard_a)
    for name, data in (
        ("submit", {"submit-note": "x"}),
        ("review", {"review-result": "pass"}),
        ("extend", {"extend-deadline": future(40), "extend-reason": "x"}),
        ("void", {"void-reason": "x"}),
    ):
        assert client.post(action(hazard_a, name), data).status_code == 403
    assert snapshot(hazard_a) == before
    # with the token from the page, the same POST goes through
    page = client.get(detail(hazard_a))
    token = (
        page.cookies["csrftoken"].value
        if "csrftoken" in page.cookies
        else client.cookies["csrftoken"].value
    )
    response = client.post(
        action(hazard_a, "void"), {"void-reason": "重复登记", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_actions_accept_only_post(world, hazard_a, login):
    assert login(world.user_a).get(action(hazard_a, "submit")).status_code == 405


def test_detail_query_count_does_not_grow_with_the_history(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.support import factories as f

    quiet = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    busy = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    for _ in range(4):
        busy.submit(by=world.user_a, note="已整改", evidence=[jpeg(), jpeg()])
        busy.review(
            by=world.inspector,
            passed=False,
            comment="未整改到位",
            new_deadline=busy.deadline + dt.timedelta(days=1),
        )
    client = login(world.inspector)

    def count(h) -> int:
        client.get(detail(h))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(h)).status_code == 200
        return len(ctx)

    assert count(quiet) == count(busy)
