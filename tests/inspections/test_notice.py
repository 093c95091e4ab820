"""The rectification notice (责令限期整改指令书) PDF: opens, A4, numbered, and its text
extracts with the enterprise, every hazard code and deadline, in Chinese."""

import io

from pypdf import PdfReader

from inspections.notice import chinese_date
from tests.support.factories import in_days

from .test_finalize import _walk


def _finalized(world, api, checklist, plan, start, fail=("T-01", "T-02", "T-03")):
    inspection = start(template=checklist)
    client = api(world.inspector)
    _walk(client, inspection, plan, fail=fail)
    assert client.post(f"/api/v1/inspections/{inspection.pk}/finalize/").status_code == 200
    inspection.refresh_from_db()
    return inspection


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_notice_pdf_has_number_enterprise_codes_and_deadlines(world, api, checklist, plan, start):
    inspection = _finalized(world, api, checklist, plan, start)
    res = api(world.inspector).get(f"/api/v1/inspections/{inspection.pk}/notice.pdf")
    assert res.status_code == 200
    assert res["Content-Type"] == "application/pdf"
    pdf = res.content
    assert pdf.startswith(b"%PDF")

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points

    text = _text(pdf)
    flat = text.replace("\n", "")
    assert "责令限期整改指令书" in text
    assert "〔" in inspection.notice_number
    assert inspection.notice_number in text
    assert "第0001号" in text
    assert world.ent_a.name in text
    assert "《中华人民共和国安全生产法》第六十五条" in flat
    hazards = list(inspection.hazards.all())
    assert len(hazards) == 3
    for hazard in hazards:
        assert hazard.code in text
        assert chinese_date(hazard.deadline) in text
        assert hazard.title in flat
    assert "【重大事故隐患】除尘系统采用正压吹送" in flat
    for inspector in inspection.inspectors.all():
        assert inspector.name in text
    assert "检查人员（签名）" in text


def test_two_finalized_inspections_print_0001_and_0002(world, api, checklist, plan, start):
    first = _finalized(world, api, checklist, plan, start, fail=("T-01",))
    second = _finalized(world, api, checklist, plan, start, fail=("T-03",))
    client = api(world.inspector)
    text1 = _text(client.get(f"/api/v1/inspections/{first.pk}/notice.pdf").content)
    text2 = _text(client.get(f"/api/v1/inspections/{second.pk}/notice.pdf").content)
    assert "安监责改 第0001号" in text1
    assert "安监责改 第0002号" in text2


def test_a_reprinted_notice_keeps_the_deadline_it_gave(world, api, checklist, plan, start):
    inspection = _finalized(world, api, checklist, plan, start, fail=("T-01",))
    hazard = inspection.hazards.get()
    given = hazard.deadline
    hazard.extend(by=world.inspector, deadline=in_days(40), reason="设备到货延迟")
    text = _text(
        api(world.inspector).get(f"/api/v1/inspections/{inspection.pk}/notice.pdf").content
    )
    assert chinese_date(given) in text
    assert chinese_date(in_days(40)) not in text


def test_a_draft_has_no_notice(world, api, checklist, start):
    inspection = start(template=checklist)
    res = api(world.inspector).get(f"/api/v1/inspections/{inspection.pk}/notice.pdf")
    assert res.status_code == 409
    assert res.json()["detail"] == "检查定稿后才能出具责令限期整改指令书。"


def test_no_hazards_no_notice(world, api, checklist, plan, start):
    inspection = _finalized(world, api, checklist, plan, start, fail=())
    res = api(world.inspector).get(f"/api/v1/inspections/{inspection.pk}/notice.pdf")
    assert res.status_code == 409


def test_a_pdf_accepting_client_gets_the_pdf(world, api, checklist, plan, start):
    inspection = _finalized(world, api, checklist, plan, start, fail=("T-01",))
    res = api(world.inspector).get(
        f"/api/v1/inspections/{inspection.pk}/notice.pdf", HTTP_ACCEPT="application/pdf"
    )
    assert res.status_code == 200
    assert res.content.startswith(b"%PDF")
