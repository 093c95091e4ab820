"""The ledger export: the 台帐 layout in a real .xlsx, scoped and filtered."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hazards.export import write_ledger
from hazards.models import Hazard, Level
from inspections.models import Inspection
from tests.support import factories as f

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/hazards/export/"
HEADERS = [
    "序号", "隐患编号", "企业名称", "所属乡镇", "行业", "检查日期", "隐患描述", "隐患位置",
    "隐患类别", "隐患等级", "整改措施", "整改资金", "整改责任人", "责任领导", "整改期限",
    "整改状态", "复查次数/不合格次数", "销号日期",
]  # fmt: skip


def _sheet(resp):
    assert resp.status_code == 200, resp.content
    assert resp["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert resp["Content-Disposition"].startswith("attachment;")
    body = b"".join(resp.streaming_content)
    return load_workbook(io.BytesIO(body)).active


def _rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=3, values_only=True)]


def test_export_layout_and_values(world, api):
    w = world
    inspection = Inspection.objects.create(
        enterprise=w.ent_a,
        kind="routine",
        inspected_on=dt.date(2026, 5, 6),
        created_by=w.inspector,
    )
    deadline = timezone.localdate() + dt.timedelta(days=10)
    hazard = f.make_hazard(
        enterprise=w.ent_a,
        by=w.inspector,
        person=w.user_a,
        leader_user=w.leader_a,
        inspection=inspection,
        title="配电箱未接地",
        description="一号车间配电箱未可靠接地。",
        level=Level.MAJOR,
        emergency_plan="断电警戒",
        funds=Decimal("1234.50"),
        deadline=deadline,
    )
    hazard.submit(by=w.user_a, note="已整改")
    hazard.review(by=w.inspector, passed=True)
    hazard.refresh_from_db()

    ws = _sheet(api(w.bureau).get(EXPORT))
    assert "隐患排查治理台帐" in ws["A1"].value
    assert "A1:R1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == HEADERS
    assert ws.freeze_panes == "A3"
    assert ws.column_dimensions["C"].width >= 20  # enterprise names fit
    assert ws.column_dimensions["G"].width >= 30  # descriptions fit

    rows = _rows(ws)
    assert len(rows) == 1
    row = dict(zip(HEADERS, rows[0], strict=True))
    assert row["序号"] == 1
    assert row["隐患编号"] == hazard.code
    assert row["企业名称"] == "甲机械厂"
    assert row["所属乡镇"] == "城关镇"
    assert row["行业"] == "工贸"
    assert row["隐患描述"] == "配电箱未接地：一号车间配电箱未可靠接地。"
    assert row["隐患类别"] == "物的不安全状态"
    assert row["隐患等级"] == "重大隐患"
    assert row["整改资金"] == pytest.approx(1234.5)
    assert row["整改责任人"] == w.user_a.display_name
    assert row["责任领导"] == w.leader_a.display_name
    assert row["整改状态"] == "已销号"
    assert row["复查次数/不合格次数"] == "1/0"
    # Dates are real dates (openpyxl reads them back as datetimes), not text.
    assert row["检查日期"] == dt.datetime(2026, 5, 6)
    assert row["整改期限"] == dt.datetime.combine(deadline, dt.time())
    assert row["销号日期"] == dt.datetime.combine(
        timezone.localtime(hazard.closed_at).date(), dt.time()
    )
    date_cells = {c.column_letter: c for c in ws[3] if c.column_letter in "FOR"}
    for cell in date_cells.values():
        assert cell.is_date and "yy" in cell.number_format


def test_export_has_only_rows_in_scope(world, api):
    w = world
    a = f.make_hazard(enterprise=w.ent_a, by=w.inspector)
    b = f.make_hazard(enterprise=w.ent_b, by=w.inspector)
    c = f.make_hazard(enterprise=w.ent_c, by=w.inspector)

    def codes(user, **params):
        return {r[1] for r in _rows(_sheet(api(user).get(EXPORT, params)))}

    assert codes(w.bureau) == {a.code, b.code, c.code}
    assert codes(w.user_a) == {a.code}
    assert codes(w.user_b) == {b.code}
    assert codes(w.inspector_housing) == {c.code}
    # A filter cannot reach outside the scope.
    assert codes(w.user_a, enterprise=w.ent_b.pk) == set()
    assert api().get(EXPORT).status_code in (401, 403)


def test_export_applies_the_list_filters_and_ordering(world, api):
    w = world
    today = timezone.localdate()
    late = f.make_hazard(enterprise=w.ent_a, by=w.inspector)
    Hazard.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=1))
    soon = f.make_hazard(enterprise=w.ent_a, by=w.inspector, deadline=today + dt.timedelta(days=1))
    later = f.make_hazard(enterprise=w.ent_b, by=w.inspector, deadline=today + dt.timedelta(days=9))

    rows = _rows(_sheet(api(w.bureau).get(EXPORT, {"overdue": "true"})))
    assert [r[1] for r in rows] == [late.code]
    assert rows[0][15] == "整改中（已逾期）"

    rows = _rows(_sheet(api(w.bureau).get(EXPORT, {"ordering": "-deadline"})))
    assert [r[1] for r in rows] == [later.code, soon.code, late.code]
    assert [r[0] for r in rows] == [1, 2, 3]

    rows = _rows(_sheet(api(w.bureau).get(EXPORT, {"enterprise": w.ent_b.pk})))
    assert [r[1] for r in rows] == [later.code]


def test_export_answers_a_spreadsheet_accept_header_and_refuses_bad_filters(world, api):
    f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert len(_rows(_sheet(api(world.bureau).get(EXPORT, HTTP_ACCEPT=xlsx)))) == 1
    resp = api(world.bureau).get(EXPORT, {"deadline_before": "soon"}, HTTP_ACCEPT=xlsx)
    assert resp.status_code == 400
    assert "deadline_before" in resp.json()


def test_empty_export_still_has_the_header(world, api):
    ws = _sheet(api(world.leader_other).get(EXPORT))
    assert [c.value for c in ws[2]] == HEADERS
    assert _rows(ws) == []


def test_export_streams_in_chunks_with_a_fixed_number_of_queries(
    world, django_assert_max_num_queries, monkeypatch
):
    """Rows cross several fetch chunks; the query count does not depend on the rows."""
    import hazards.export as export

    monkeypatch.setattr(export, "CHUNK_SIZE", 50)
    template = f.make_hazard(enterprise=world.ent_a, by=world.inspector)
    fields = {
        fld.attname: getattr(template, fld.attname)
        for fld in Hazard._meta.concrete_fields
        if fld.attname not in ("id", "code")
    }
    Hazard.objects.bulk_create([Hazard(code=f"YH-2099-{n:06d}", **fields) for n in range(1, 260)])
    out = io.BytesIO()
    # Each chunk of an iterator is one fetch on PostgreSQL's server-side cursor (not a new
    # query); SQLite runs one query. Either way: a handful of queries, not one per row.
    with django_assert_max_num_queries(3):
        count = write_ledger(Hazard.objects.all().order_by("code"), out)
    assert count == 260
    ws = load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 260
    assert [r[0] for r in rows] == list(range(1, 261))
