"""draft → finalized: guards, clear errors, and a finalized inspection refuses edits."""

from hazards.models import Hazard
from inspections.models import Inspection, InspectionStatus, NoticeCounter
from tests.support.factories import make_hazard


def _walk(client, inspection, plan, fail=("T-01",)):
    for item in inspection.items.all():
        payload = {"result": "fail", **plan} if item.code in fail else {"result": "pass"}
        if item.code == "T-02" and item.code in fail:
            payload["emergency_plan"] = "停机撤人，设置警戒"
        res = client.patch(
            f"/api/v1/inspections/{inspection.pk}/items/{item.pk}/", payload, format="json"
        )
        assert res.status_code == 200, res.content


def test_finalizing_a_walked_inspection_numbers_its_notice(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    client = api(world.inspector)
    _walk(client, inspection, plan)
    res = client.post(f"/api/v1/inspections/{inspection.pk}/finalize/")
    assert res.status_code == 200, res.content
    body = res.json()
    assert body["status"] == "finalized"
    year = body["finalized_at"][:4]
    assert body["notice_number"] == f"〔{year}〕安监责改 第0001号"
    inspection.refresh_from_db()
    assert inspection.finalized_by == world.inspector
    assert (inspection.notice_year, inspection.notice_seq) == (int(year), 1)


def test_notice_numbers_are_sequential_per_year(world, api, checklist, plan, start):
    client = api(world.inspector)
    numbers = []
    for _ in range(2):
        inspection = start(template=checklist)
        _walk(client, inspection, plan)
        numbers.append(client.post(f"/api/v1/inspections/{inspection.pk}/finalize/").json())
    assert [n["notice_number"][-6:] for n in numbers] == ["第0001号", "第0002号"]
    assert NoticeCounter.objects.get().last == 2


def test_an_inspection_without_hazards_gets_no_notice_number(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    client = api(world.inspector)
    _walk(client, inspection, plan, fail=())
    res = client.post(f"/api/v1/inspections/{inspection.pk}/finalize/")
    assert res.status_code == 200
    assert res.json()["notice_number"] == ""
    assert not NoticeCounter.objects.exists()


def test_finalizing_with_nothing_recorded_is_a_clear_400(world, api, start):
    inspection = start()  # no template, no hazards
    res = api(world.inspector).post(f"/api/v1/inspections/{inspection.pk}/finalize/")
    assert res.status_code == 400
    assert res.json() == {"items": ["本次检查没有任何检查项、隐患或复查记录，不能定稿。"]}
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT


def test_finalizing_without_an_inspector_is_a_clear_400(world, api, start):
    inspection = start(inspectors=[])
    make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=inspection)
    res = api(world.inspector).post(f"/api/v1/inspections/{inspection.pk}/finalize/")
    assert res.status_code == 400
    assert "inspectors" in res.json()
    assert "检查人员" in res.json()["inspectors"][0]
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT and inspection.notice_number == ""


def test_unrecorded_items_block_finalizing_and_say_how_many(world, api, checklist, plan, start):
    inspection = start(template=checklist)
    client = api(world.inspector)
    item = inspection.items.get(code="T-01")
    client.patch(
        f"/api/v1/inspections/{inspection.pk}/items/{item.pk}/", {"result": "na"}, format="json"
    )
    res = client.post(f"/api/v1/inspections/{inspection.pk}/finalize/")
    assert res.status_code == 400
    assert res.json()["items"] == [
        "还有 2 个检查项未填写检查结果（符合、不符合或不适用），不能定稿。"
    ]
    assert Inspection.objects.get(pk=inspection.pk).status == InspectionStatus.DRAFT


def test_an_inspection_with_only_directly_logged_hazards_can_be_finalized(world, api, start):
    inspection = start()
    make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=inspection)
    res = api(world.inspector).post(f"/api/v1/inspections/{inspection.pk}/finalize/")
    assert res.status_code == 200
    assert res.json()["notice_number"].endswith("第0001号")


def test_finalized_inspections_refuse_edits(world, api, checklist, plan, start):
    inspection = start(template=checklist, summary="定稿内容")
    client = api(world.inspector)
    _walk(client, inspection, plan)
    assert client.post(f"/api/v1/inspections/{inspection.pk}/finalize/").status_code == 200
    base = f"/api/v1/inspections/{inspection.pk}"
    item = inspection.items.get(code="T-03")

    again = client.post(f"{base}/finalize/")
    assert again.status_code == 409
    assert again.json()["detail"] == "该检查已定稿，不能重复定稿。"
    edit = client.patch(f"{base}/", {"summary": "改"}, format="json")
    assert edit.status_code == 409
    assert "已定稿" in edit.json()["detail"]
    record = client.patch(f"{base}/items/{item.pk}/", {"result": "fail", **plan}, format="json")
    assert record.status_code == 409

    inspection.refresh_from_db()
    item.refresh_from_db()
    assert inspection.summary == "定稿内容"
    assert item.result == "pass"
    assert Hazard.objects.filter(inspection=inspection).count() == 1
    assert NoticeCounter.objects.get().last == 1


def test_enterprise_users_cannot_finalize(world, api, start):
    inspection = start()
    make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=inspection)
    assert (
        api(world.user_a).post(f"/api/v1/inspections/{inspection.pk}/finalize/").status_code == 403
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT
