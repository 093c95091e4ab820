"""Registering hazards through the API: who may, the five-point plan, codes."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazards.models import EventKind, Evidence, Hazard, HazardCodeCounter, HazardEvent
from inspections.models import Inspection
from tests.support import factories as f
from tests.support.api import HAZARDS, payload
from tests.support.files import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _nothing_written():
    return (
        Hazard.objects.count(),
        HazardEvent.objects.count(),
        Evidence.objects.count(),
        list(HazardCodeCounter.objects.values_list("year", "last")),
    )


def test_inspector_registers_a_hazard_with_code_and_created_event(world, api):
    resp = api(world.inspector).post(HAZARDS, payload(world), format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    year = timezone.localdate().year
    assert re.fullmatch(rf"YH-{year}-\d{{6}}", body["code"])
    assert body["state"] == "rectifying"
    assert body["enterprise_name"] == "甲机械厂"
    assert body["responsible_person_name"] == world.user_a.display_name
    assert body["responsible_leader_name"] == world.leader_a.display_name
    assert body["is_overdue"] is False and body["escalated"] is False
    assert body["failed_reviews"] == 0 and body["reviews"] == 0
    hazard = Hazard.objects.get(pk=body["id"])
    assert hazard.created_by == world.inspector
    # Copied from the enterprise for the dashboard.
    assert (hazard.township_id, hazard.department_id) == (world.t1.pk, world.bureau_dept.pk)
    event = HazardEvent.objects.get(hazard=hazard)
    assert (event.kind, event.actor, event.from_state, event.to_state) == (
        EventKind.CREATED,
        world.inspector,
        "",
        "rectifying",
    )


def test_output_has_every_spec_field(world, api):
    body = api(world.bureau).post(HAZARDS, payload(world), format="json").json()
    assert set(body) == {
        "id", "code", "enterprise", "enterprise_name", "inspection", "title", "description",
        "location", "category", "level", "basis", "major_by_standard", "standard_item",
        "measures", "responsible_person", "responsible_person_name", "responsible_leader",
        "responsible_leader_name", "deadline", "funds", "emergency_plan", "state",
        "failed_reviews", "reviews", "is_overdue", "escalated", "created_at", "closed_at",
    }  # fmt: skip


def test_enterprise_self_reports_for_itself_only(world, api):
    resp = api(world.user_a).post(HAZARDS, payload(world), format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["inspection"] is None
    # Another enterprise's id reads as unknown: 400 on the field, nothing written.
    before = _nothing_written()
    resp = api(world.user_b).post(HAZARDS, payload(world), format="json")
    assert resp.status_code == 400
    assert set(resp.json()) == {"enterprise"}
    assert _nothing_written() == before


def test_self_report_cannot_cite_an_inspection(world, api):
    inspection = Inspection.objects.create(
        enterprise=world.ent_a, kind="routine", created_by=world.inspector
    )
    before = _nothing_written()
    resp = api(world.user_a).post(HAZARDS, payload(world, inspection=inspection.pk), format="json")
    assert resp.status_code == 400
    assert "inspection" in resp.json()
    assert _nothing_written() == before


def test_inspection_must_be_of_the_same_enterprise_and_visible(world, api):
    at_a = Inspection.objects.create(
        enterprise=world.ent_a, kind="routine", created_by=world.inspector
    )
    at_b = Inspection.objects.create(
        enterprise=world.ent_b, kind="routine", created_by=world.inspector
    )
    resp = api(world.inspector).post(HAZARDS, payload(world, inspection=at_a.pk), format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["inspection"] == at_a.pk

    before = _nothing_written()
    resp = api(world.inspector).post(HAZARDS, payload(world, inspection=at_b.pk), format="json")
    assert resp.status_code == 400 and "inspection" in resp.json()
    # The housing inspector does not see enterprise A's inspection at all.
    resp = api(world.inspector_housing).post(
        HAZARDS,
        payload(world, enterprise=world.ent_c.pk, responsible_person=world.user_c.pk,
                inspection=at_a.pk),
        format="json",
    )  # fmt: skip
    assert resp.status_code == 400 and "inspection" in resp.json()
    assert _nothing_written() == before


def test_department_inspector_registers_only_in_his_sector(world, api):
    before = _nothing_written()
    resp = api(world.inspector_housing).post(HAZARDS, payload(world), format="json")
    assert resp.status_code == 400
    assert set(resp.json()) == {"enterprise"}
    assert _nothing_written() == before
    resp = api(world.inspector_housing).post(
        HAZARDS,
        payload(world, enterprise=world.ent_c.pk, responsible_person=world.user_c.pk),
        format="json",
    )
    assert resp.status_code == 201, resp.content


@pytest.mark.parametrize("who", ["leader_a", "leader_t2"])
def test_leaders_do_not_register(world, api, who):
    before = _nothing_written()
    resp = api(getattr(world, who)).post(HAZARDS, payload(world), format="json")
    assert resp.status_code == 403
    assert _nothing_written() == before


def test_anonymous_cannot_register(world, api):
    assert api().post(HAZARDS, payload(world), format="json").status_code in (401, 403)
    assert Hazard.objects.count() == 0


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"responsible_person": "user_b"}, "responsible_person"),
        ({"responsible_person": "inspector"}, "responsible_person"),
        ({"responsible_leader": "user_a"}, "responsible_leader"),
        ({"level": "major", "emergency_plan": ""}, "emergency_plan"),
        ({"level": "major", "emergency_plan": "   "}, "emergency_plan"),
        ({"funds": "-1.00"}, "funds"),
        ({"funds": "abc"}, "funds"),
        ({"deadline": "next week"}, "deadline"),
        ({"enterprise": 999999}, "enterprise"),
        ({"enterprise": "甲机械厂"}, "enterprise"),
        ({"responsible_person": 999999}, "responsible_person"),
        ({"responsible_leader": 999999}, "responsible_leader"),
        ({"inspection": 999999}, "inspection"),
        ({"category": "weather"}, "category"),
        ({"level": "critical"}, "level"),
        ({"measures": ""}, "measures"),
        ({"title": ""}, "title"),
        # Major-by-standard comes only with a standard item, never as a flag.
        ({"major_by_standard": True, "level": "general"}, "major_by_standard"),
        (
            {"major_by_standard": True, "level": "major", "emergency_plan": "预案"},
            "major_by_standard",
        ),
        ({"standard_item": 999999}, "standard_item"),
    ],
)
def test_invalid_registration_is_400_on_the_field_and_writes_nothing(world, api, over, field):
    for key, value in list(over.items()):
        if isinstance(value, str) and hasattr(world, value):
            over[key] = getattr(world, value).pk
    f.make_hazard(enterprise=world.ent_a, by=world.inspector)  # the counter exists
    before = _nothing_written()
    resp = api(world.inspector).post(HAZARDS, payload(world, **over), format="json")
    assert resp.status_code == 400, resp.content
    assert field in resp.json(), resp.json()
    assert _nothing_written() == before


def test_missing_fields_are_listed(world, api):
    resp = api(world.inspector).post(HAZARDS, {"enterprise": world.ent_a.pk}, format="json")
    assert resp.status_code == 400
    assert {"title", "category", "measures", "responsible_person", "deadline"} <= set(resp.json())


def test_major_hazard_with_emergency_plan_is_accepted(world, api):
    resp = api(world.inspector).post(
        HAZARDS,
        payload(world, level="major", emergency_plan="设置警戒区，配备灭火器材", funds="80000"),
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["level"] == "major"


def test_malformed_json_is_400_and_writes_nothing(world, api):
    before = _nothing_written()
    resp = api(world.inspector).post(
        HAZARDS, data='{"enterprise": 1, "title": ', content_type="application/json"
    )
    assert resp.status_code == 400
    assert "detail" in resp.json()
    assert _nothing_written() == before


def test_wrong_json_types_are_400(world, api):
    before = _nothing_written()
    resp = api(world.inspector).post(HAZARDS, data="[1, 2, 3]", content_type="application/json")
    assert resp.status_code == 400
    resp = api(world.inspector).post(
        HAZARDS, payload(world, enterprise=[world.ent_a.pk], funds={"x": 1}), format="json"
    )
    assert resp.status_code == 400
    assert {"enterprise", "funds"} <= set(resp.json())
    assert _nothing_written() == before


def test_state_and_counters_cannot_be_set_on_create(world, api):
    resp = api(world.inspector).post(
        HAZARDS,
        payload(world, state="closed", failed_reviews=5, code="YH-1999-000001", escalated=True),
        format="json",
    )
    assert resp.status_code == 201
    body = resp.json()
    assert body["state"] == "rectifying"
    assert body["failed_reviews"] == 0
    assert body["code"] != "YH-1999-000001"
    assert body["escalated"] is False


def test_multipart_registration_keeps_before_photos(world, api):
    data = payload(world)
    data["before"] = [jpeg("a.jpg"), jpeg("b.jpg")]
    resp = api(world.inspector).post(HAZARDS, data, format="multipart")
    assert resp.status_code == 201, resp.content
    hazard = Hazard.objects.get(pk=resp.json()["id"])
    created = HazardEvent.objects.get(hazard=hazard, kind=EventKind.CREATED)
    photos = list(hazard.evidence.all())
    assert len(photos) == 2
    assert {p.phase for p in photos} == {Evidence.Phase.BEFORE}
    assert {p.event_id for p in photos} == {created.pk}


def test_a_bad_before_photo_refuses_the_whole_registration(world, api):
    before = _nothing_written()
    data = payload(world)
    data["before"] = [jpeg("ok.jpg"), SimpleUploadedFile("x.jpg", b"not an image")]
    resp = api(world.inspector).post(HAZARDS, data, format="multipart")
    assert resp.status_code == 400
    assert "before" in resp.json()
    assert _nothing_written() == before


def test_codes_are_gap_free_even_after_a_refused_registration(world, api):
    client = api(world.inspector)
    first = client.post(HAZARDS, payload(world), format="json").json()["code"]
    assert client.post(HAZARDS, payload(world, funds="-5"), format="json").status_code == 400
    assert client.post(HAZARDS, payload(world, level="major"), format="json").status_code == 400
    second = client.post(HAZARDS, payload(world), format="json").json()["code"]
    third = api(world.user_a).post(HAZARDS, payload(world), format="json").json()["code"]
    numbers = [int(code.rsplit("-", 1)[1]) for code in (first, second, third)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_codes_restart_each_year(world, api):
    with time_machine.travel("2030-12-31 23:50 +0800", tick=False):
        data = payload(world, deadline="2031-01-10")
        last_2030 = api(world.inspector).post(HAZARDS, data, format="json").json()["code"]
    with time_machine.travel("2031-01-01 00:10 +0800", tick=False):
        data = payload(world, deadline="2031-01-10")
        first_2031 = api(world.inspector).post(HAZARDS, data, format="json").json()["code"]
    assert last_2030 == "YH-2030-000001"
    assert first_2031 == "YH-2031-000001"


def test_no_put_patch_or_delete(world, api):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    client = api(world.bureau)
    detail = f"{HAZARDS}{hazard.pk}/"
    assert client.delete(detail).status_code == 405
    assert client.patch(detail, {"state": "closed"}, format="json").status_code == 405
    assert client.put(detail, payload(world), format="json").status_code == 405
    hazard.refresh_from_db()
    assert hazard.state == "rectifying"
    assert Hazard.objects.filter(pk=hazard.pk).exists()


def test_deadline_today_is_allowed(world, api):
    resp = api(world.inspector).post(
        HAZARDS, payload(world, deadline=timezone.localdate().isoformat()), format="json"
    )
    assert resp.status_code == 201, resp.content
