"""The inspection workflow end to end (docs/workflows.md): from "start an inspection" with a shipped template to the PDF
notice in hand, then a follow-up visit that closes or fails what it found."""

import io
import threading

import pytest
from django.db import connection
from pypdf import PdfReader

from hazards.models import Level, State
from inspections.checklists import load_checklists, read_shipped
from inspections.models import ChecklistItem, ChecklistTemplate, Inspection
from inspections.notice import chinese_date
from tests.support.factories import in_days, make_hazard


def test_from_shipped_template_to_notice_to_follow_up(world, api):
    load_checklists(ChecklistTemplate, ChecklistItem, read_shipped())  # no-op after migrate
    client = api(world.inspector)
    template = client.get("/api/v1/checklists/?industry=industry_trade").json()["results"][0]
    major_code = next(i["code"] for i in template["items"] if i["major_by_standard"])
    general_code = next(i["code"] for i in template["items"] if not i["major_by_standard"])

    res = client.post(
        "/api/v1/inspections/",
        {
            "enterprise": world.ent_a.pk,
            "kind": "routine",
            "template": template["id"],
            "inspectors": [world.inspector.pk, world.bureau.pk],
        },
        format="json",
    )
    assert res.status_code == 201, res.content
    inspection_id = res.json()["id"]
    items = client.get(f"/api/v1/inspections/{inspection_id}/items/?page_size=200").json()
    assert items["count"] == len(template["items"])
    plan = {"responsible_person": world.user_a.pk, "responsible_leader": world.leader_a.pk}
    for item in items["results"]:
        if item["code"] == major_code:
            payload = {"result": "fail", **plan, "emergency_plan": "立即停产，撤出人员"}
        elif item["code"] == general_code:
            payload = {"result": "fail", **plan, "deadline": in_days(10).isoformat()}
        else:
            payload = {"result": "pass"}
        r = client.patch(
            f"/api/v1/inspections/{inspection_id}/items/{item['id']}/", payload, format="json"
        )
        assert r.status_code == 200, (item["code"], r.content)

    res = client.post(f"/api/v1/inspections/{inspection_id}/finalize/")
    assert res.status_code == 200, res.content
    assert res.json()["notice_number"].endswith("第0001号")
    hazards = list(Inspection.objects.get(pk=inspection_id).hazards.order_by("code"))
    assert sorted(h.level for h in hazards) == [Level.GENERAL, Level.MAJOR]

    pdf = client.get(f"/api/v1/inspections/{inspection_id}/notice.pdf")
    assert pdf.status_code == 200
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert world.ent_a.name in text
    for hazard in hazards:
        assert hazard.code in text and chinese_date(hazard.deadline) in text

    # The follow-up visit: one hazard remediated and passed, the other failed.
    fixed, unfixed = hazards
    fixed.submit(by=world.user_a, note="已整改完毕")
    unfixed.submit(by=world.user_a, note="已整改")  # reported done, found inadequate on site
    res = client.post(
        "/api/v1/inspections/",
        {"enterprise": world.ent_a.pk, "kind": "follow_up", "original": inspection_id},
        format="json",
    )
    follow_up_id = res.json()["id"]
    listing = client.get(f"/api/v1/inspections/{follow_up_id}/follow-up/").json()["results"]
    assert {r["id"] for r in listing} == {fixed.pk, unfixed.pk}
    assert (
        client.post(
            f"/api/v1/inspections/{follow_up_id}/follow-up/{fixed.pk}/", {"result": "pass"}
        ).json()["state"]
        == "closed"
    )
    assert (
        client.post(
            f"/api/v1/inspections/{follow_up_id}/follow-up/{unfixed.pk}/",
            {"result": "fail", "comment": "未整改", "new_deadline": in_days(5).isoformat()},
        ).json()["failed_reviews"]
        == 1
    )
    assert client.post(f"/api/v1/inspections/{follow_up_id}/finalize/").status_code == 200
    fixed.refresh_from_db()
    unfixed.refresh_from_db()
    assert fixed.state == State.CLOSED
    assert unfixed.state == State.RECTIFYING and unfixed.deadline == in_days(5)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_finalizing_never_shares_a_notice_number(world):
    """Two inspectors finalize at once: the per-year counter row lock serialises them."""
    inspections = []
    for _ in range(4):
        inspection = Inspection.start(
            by=world.inspector, enterprise=world.ent_a, kind="routine", inspectors=[world.inspector]
        )
        make_hazard(enterprise=world.ent_a, by=world.inspector, inspection=inspection)
        inspections.append(inspection)
    barrier = threading.Barrier(len(inspections))
    errors = []

    def run(inspection):
        try:
            barrier.wait()
            inspection.finalize(by=world.inspector)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in inspections]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(Inspection.objects.values_list("notice_seq", flat=True))
    assert seqs == [1, 2, 3, 4]
