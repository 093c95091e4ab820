"""Walking a checklist: each failed item becomes exactly one hazard, pre-filled
from the item, through the ledger's own Hazard.register."""

import pytest

from hazards.models import EventKind, Evidence, Hazard, HazardEvent, Level
from inspections.models import ChecklistItem, InspectionItem
from tests.support.factories import in_days
from tests.support.files import fake_image, png


def _items(client, inspection_id):
    res = client.get(f"/api/v1/inspections/{inspection_id}/items/")
    assert res.status_code == 200
    return {row["code"]: row for row in res.json()["results"]}


def _record(client, inspection_id, item_id, payload, fmt="json"):
    return client.patch(
        f"/api/v1/inspections/{inspection_id}/items/{item_id}/", payload, format=fmt
    )


def test_starting_with_a_template_copies_its_active_items(world, api, checklist):
    client = api(world.inspector)
    res = client.post(
        "/api/v1/inspections/",
        {
            "enterprise": world.ent_a.pk,
            "kind": "routine",
            "template": checklist.pk,
            "inspectors": [world.inspector.pk, world.bureau.pk],
        },
        format="json",
    )
    assert res.status_code == 201, res.content
    body = res.json()
    assert body["status"] == "draft"
    assert body["items_count"] == 3
    assert body["items_unrecorded"] == 3
    assert body["warnings"] == []
    items = _items(client, body["id"])
    assert sorted(items) == ["T-01", "T-02", "T-03"]  # the retired T-99 is not copied
    assert items["T-02"]["major_by_standard"] is True
    assert items["T-01"]["basis"].startswith("《中华人民共和国安全生产法》")


def test_walking_a_template_creates_exactly_the_hazards_for_failed_items(
    world, api, checklist, plan
):
    client = api(world.inspector)
    inspection_id = client.post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_a.pk, "kind": "routine", "template": checklist.pk},
        format="json",
    ).json()["id"]
    items = _items(client, inspection_id)

    assert (
        _record(client, inspection_id, items["T-01"]["id"], {"result": "pass"}).status_code == 200
    )
    res = _record(
        client,
        inspection_id,
        items["T-02"]["id"],
        {"result": "fail", "remark": "二号除尘器正压吹送", **plan, "emergency_plan": "停机撤人"},
    )
    assert res.status_code == 200, res.content
    major = res.json()["hazard_detail"]
    res = _record(
        client,
        inspection_id,
        items["T-03"]["id"],
        {"result": "fail", **plan, "location": "办公室", "funds": "500.00"},
    )
    assert res.status_code == 200, res.content
    general = res.json()["hazard_detail"]

    hazards = Hazard.objects.filter(inspection_id=inspection_id).order_by("code")
    assert hazards.count() == 2
    assert {h.title for h in hazards} == {"除尘系统采用正压吹送", "未建立隐患排查治理制度"}

    h_major = Hazard.objects.get(pk=major["id"])
    assert h_major.level == Level.MAJOR
    assert h_major.major_by_standard is True
    assert h_major.category == "equipment"
    assert h_major.basis == "《中华人民共和国安全生产法》第四十一条（T-02）"
    assert h_major.measures == "按要求整改T-02"
    assert h_major.deadline == in_days(60)  # default for a major hazard
    assert "二号除尘器正压吹送" in h_major.description
    assert h_major.created_by == world.inspector
    assert h_major.responsible_person == world.user_a

    h_general = Hazard.objects.get(pk=general["id"])
    assert h_general.level == Level.GENERAL
    assert h_general.major_by_standard is False
    assert h_general.deadline == in_days(15)  # default for a general hazard
    assert h_general.location == "办公室"
    assert str(h_general.funds) == "500.00"

    for hazard in hazards:
        created = HazardEvent.objects.get(hazard=hazard)
        assert created.kind == EventKind.CREATED
        assert created.actor == world.inspector
        assert created.to_state == "rectifying"

    detail = client.get(f"/api/v1/inspections/{inspection_id}/").json()
    assert sorted(detail["hazards"]) == sorted([major["id"], general["id"]])
    assert detail["items_unrecorded"] == 0


def test_recording_fail_twice_registers_one_hazard(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    client = api(world.inspector)
    first = _record(client, inspection.pk, item.pk, {"result": "fail", **plan})
    assert first.status_code == 200, first.content
    second = _record(client, inspection.pk, item.pk, {"result": "fail", "remark": "补充说明"})
    assert second.status_code == 200, second.content
    assert second.json()["hazard"] == first.json()["hazard"]
    assert second.json()["remark"] == "补充说明"
    assert Hazard.objects.filter(inspection=inspection).count() == 1
    assert HazardEvent.objects.filter(hazard__inspection=inspection).count() == 1


def test_a_failed_item_with_a_hazard_cannot_silently_become_pass(
    world, api, checklist, plan, start
):
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    client = api(world.inspector)
    _record(client, inspection.pk, item.pk, {"result": "fail", **plan})
    res = _record(client, inspection.pk, item.pk, {"result": "pass"})
    assert res.status_code == 409
    assert "作废" in res.json()["detail"]
    item.refresh_from_db()
    assert item.result == "fail"


def test_standard_major_item_cannot_be_registered_as_general(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-02")
    res = _record(
        api(world.inspector),
        inspection.pk,
        item.pk,
        {"result": "fail", **plan, "level": "general", "emergency_plan": "预案"},
    )
    assert res.status_code == 400
    assert "level" in res.json()
    assert not Hazard.objects.exists()
    item.refresh_from_db()
    assert item.result == ""


def test_standard_major_cannot_become_general_without_a_bureau_reason(
    world, api, checklist, plan, start
):
    from django.core.exceptions import ValidationError

    from config.errors import InvalidTransition

    inspection = start(template=checklist)
    item = inspection.items.get(code="T-02")
    res = _record(
        api(world.inspector),
        inspection.pk,
        item.pk,
        {"result": "fail", **plan, "emergency_plan": "撤人"},
    )
    hazard = Hazard.objects.get(pk=res.json()["hazard"])
    assert hazard.level == Level.MAJOR and hazard.major_by_standard

    with pytest.raises(InvalidTransition):
        hazard.change_level(by=world.inspector, level=Level.GENERAL, reason="现场已整改")
    with pytest.raises(ValidationError) as exc:
        hazard.change_level(by=world.bureau, level=Level.GENERAL, reason="")
    assert "reason" in exc.value.message_dict
    hazard.refresh_from_db()
    assert hazard.level == Level.MAJOR
    assert not hazard.events.filter(kind=EventKind.LEVEL_CHANGED).exists()

    event = hazard.change_level(by=world.bureau, level=Level.GENERAL, reason="经专家论证不构成重大")
    hazard.refresh_from_db()
    assert hazard.level == Level.GENERAL
    assert event.kind == EventKind.LEVEL_CHANGED
    assert event.actor == world.bureau
    assert event.data == {"from_level": "major", "to_level": "general"}
    assert event.note == "经专家论证不构成重大"


def test_an_inspector_may_grade_an_ordinary_item_major(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    res = _record(
        api(world.inspector),
        inspection.pk,
        item.pk,
        {"result": "fail", **plan, "level": "major", "emergency_plan": "断电警戒"},
    )
    assert res.status_code == 200, res.content
    hazard = Hazard.objects.get(pk=res.json()["hazard"])
    assert hazard.level == Level.MAJOR
    assert hazard.major_by_standard is False


def test_editing_a_template_leaves_past_inspections_unchanged(world, checklist, start):
    inspection = start(template=checklist)
    before = list(
        inspection.items.order_by("code").values_list("code", "text", "basis", "major_by_standard")
    )
    source = ChecklistItem.objects.get(template=checklist, code="T-01")
    source.text = "改写后的检查内容"
    source.basis = "改写后的依据"
    source.major_by_standard = True
    source.save()
    ChecklistItem.objects.create(
        template=checklist,
        code="T-04",
        text="新增项",
        hazard_title="新增",
        category="person",
        basis="新增",
    )
    checklist.is_active = False
    checklist.save()

    after = list(
        inspection.items.order_by("code").values_list("code", "text", "basis", "major_by_standard")
    )
    assert after == before
    assert before[0] == (
        "T-01",
        "配电箱是否可靠接地",
        "《中华人民共和国安全生产法》第四十一条（T-01）",
        False,
    )


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"result": "broken"}, "result"),
        ({"result": "fail"}, "responsible_person"),  # the plan is required on fail
        (
            {"result": "fail", "responsible_person": 999999, "responsible_leader": 1},
            "responsible_person",
        ),
        ({"result": "fail", "deadline": "not-a-date"}, "deadline"),
        ({"result": "fail", "funds": "-1"}, "funds"),
    ],
)
def test_bad_item_input_is_400_and_writes_nothing(world, api, checklist, start, payload, field):
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    res = _record(api(world.inspector), inspection.pk, item.pk, payload)
    assert res.status_code == 400
    assert field in res.json()
    item.refresh_from_db()
    assert item.result == "" and item.hazard_id is None
    assert not Hazard.objects.exists()


def test_plan_rules_of_the_ledger_apply(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    client = api(world.inspector)
    major = inspection.items.get(code="T-02")
    res = _record(client, inspection.pk, major.pk, {"result": "fail", **plan})
    assert res.status_code == 400
    assert "emergency_plan" in res.json()
    general = inspection.items.get(code="T-01")
    res = _record(
        client, inspection.pk, general.pk, {"result": "fail", **plan, "deadline": "2000-01-01"}
    )
    assert res.status_code == 400
    assert "deadline" in res.json()
    outsider = {**plan, "responsible_person": world.user_b.pk}  # another enterprise's user
    res = _record(client, inspection.pk, general.pk, {"result": "fail", **outsider})
    assert res.status_code == 400
    assert "responsible_person" in res.json()
    assert not Hazard.objects.exists()
    assert not InspectionItem.objects.exclude(result="").exists()


def test_before_photos_are_stored_with_the_hazard(
    world, api, checklist, plan, start, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    res = _record(
        api(world.inspector),
        inspection.pk,
        item.pk,
        {"result": "fail", **plan, "before": [png("a.png"), png("b.png")]},
        fmt="multipart",
    )
    assert res.status_code == 200, res.content
    hazard = Hazard.objects.get(pk=res.json()["hazard"])
    photos = Evidence.objects.filter(hazard=hazard)
    assert photos.count() == 2
    assert {p.phase for p in photos} == {Evidence.Phase.BEFORE}
    assert {p.event.kind for p in photos} == {EventKind.CREATED}


def test_a_fake_image_is_400_and_writes_nothing(
    world, api, checklist, plan, start, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    res = _record(
        api(world.inspector),
        inspection.pk,
        item.pk,
        {"result": "fail", **plan, "before": [png(), fake_image()]},
        fmt="multipart",
    )
    assert res.status_code == 400
    assert "before" in res.json()
    assert not Hazard.objects.exists()
    assert not Evidence.objects.exists()
    item.refresh_from_db()
    assert item.result == ""


def test_photos_on_a_passed_item_are_refused(world, api, checklist, start, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = start(template=checklist)
    item = inspection.items.get(code="T-01")
    res = _record(
        api(world.inspector),
        inspection.pk,
        item.pk,
        {"result": "pass", "before": [png()]},
        fmt="multipart",
    )
    assert res.status_code == 400
    assert "before" in res.json()
    item.refresh_from_db()
    assert item.result == ""
