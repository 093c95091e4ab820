"""The inspector's pages (docs/workflows.md): start an inspection, walk its checklist, log
hazards with photos, finalize, follow-up visits, campaigns.

Each page writes through the model transitions; these tests check what the
inspector sees, that bad input is refused next to the field with nothing
written, and that scope, state and CSRF are enforced."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.errors import InvalidTransition
from hazards.models import EventKind, Evidence, Hazard, HazardEvent, Level, State
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    FollowUpCheck,
    Inspection,
    InspectionKind,
    InspectionStatus,
)
from tests.support.factories import in_days
from tests.support.files import fake_image, jpeg

pytestmark = pytest.mark.django_db


def not_an_image() -> SimpleUploadedFile:
    return fake_image("x.jpg", content_type="image/jpeg")


def make_template(n: int = 3, *, industry: str = "industry_trade", key: str = "web-trade"):
    template = ChecklistTemplate.objects.create(key=key, industry=industry, name=f"测试检查表{key}")
    # Item codes are unique across templates: each extra template gets its own prefix.
    prefix = "W" if key == "web-trade" else "W" + key.removeprefix("web-")
    for i in range(1, n + 1):
        ChecklistItem.objects.create(
            template=template,
            code=f"{prefix}-{i:02d}",
            section="电气安全" if i % 2 else "安全管理",
            text=f"检查内容第{i}项：配电箱是否可靠接地",
            hazard_title=f"隐患{i}：配电箱未可靠接地",
            category="equipment",
            major_by_standard=(i == 2),
            basis=f"《工贸企业重大事故隐患判定标准》第{i}条",
            suggested_measures=f"建议措施{i}",
            order=i,
        )
    return template


@pytest.fixture
def template(db):
    return make_template()


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def draft(world, template):
    return Inspection.start(
        by=world.inspector,
        enterprise=world.ent_a,
        kind=InspectionKind.ROUTINE,
        inspectors=[world.inspector, world.bureau],
        template=template,
    )


def items_by_code(inspection):
    return {i.code: i for i in inspection.items.all()}


def plan(world, **extra) -> dict:
    data = {
        "responsible_person": world.user_a.pk,
        "responsible_leader": world.leader_a.pk,
        "measures": "加装接地线并检测",
        "deadline": in_days(10).isoformat(),
        "funds": "800",
        "location": "一号车间",
    }
    data.update(extra)
    return data


def post_item(client, inspection, item, data: dict, files: dict | None = None):
    prefix = f"i{item.pk}-"
    payload = {prefix + k: v for k, v in data.items()}
    for key, value in (files or {}).items():
        payload[prefix + key] = value
    return client.post(f"/inspections/{inspection.pk}/items/{item.pk}/", payload)


def text(response) -> str:
    return response.content.decode()


# --- who may use the pages ----------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client):
    res = client.get("/inspections/")
    assert res.status_code == 302
    assert res["Location"].startswith("/login/")


@pytest.mark.parametrize("who", ["user_a", "leader_a"])
def test_enterprise_users_and_leaders_are_refused(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get("/inspections/").status_code == 403
    assert client.get("/inspections/new/").status_code == 403


# --- my inspections -----------------------------------------------------------------


def test_my_inspections_lists_drafts_first_and_not_other_peoples(world, client_for, template):
    done = Inspection.start(
        by=world.inspector, enterprise=world.ent_b, kind="spot", inspectors=[world.inspector]
    )
    done.edit(by=world.inspector, summary="无问题")
    # A finalized inspection needs something recorded: a hazard logged directly.
    from tests.support.factories import make_hazard

    make_hazard(enterprise=world.ent_b, by=world.inspector, inspection=done)
    done.finalize(by=world.inspector)
    mine = Inspection.start(
        by=world.inspector, enterprise=world.ent_a, kind="routine", template=template
    )
    Inspection.start(by=world.inspector_housing, enterprise=world.ent_c, kind="routine")

    res = client_for(world.inspector).get("/inspections/")
    assert res.status_code == 200
    body = text(res)
    assert body.index("甲机械厂") < body.index("乙物流公司")  # the draft comes first
    assert "丙建筑公司" not in body  # someone else's inspection
    assert "已检查 0 / 共 3 项" in body
    assert done.notice_number in body
    assert f'href="/inspections/{mine.pk}/"' in body


# --- starting one -------------------------------------------------------------------


def test_search_finds_enterprises_by_name_or_credit_code_in_scope(world, client_for):
    client = client_for(world.inspector_housing)
    res = client.get("/inspections/new/", {"q": "建筑"})
    assert "丙建筑公司" in text(res)
    res = client.get("/inspections/new/", {"q": world.ent_c.credit_code[:10].lower()})
    assert "丙建筑公司" in text(res)
    # 甲机械厂 is supervised by the bureau, not by 住建局: not found, as if absent.
    res = client.get("/inspections/new/", {"q": "机械"})
    assert "甲机械厂" not in text(res)
    assert "没有找到" in text(res)


def test_start_page_out_of_scope_or_missing_enterprise_is_404(world, client_for):
    client = client_for(world.inspector_housing)
    assert client.get(f"/inspections/new/{world.ent_a.pk}/").status_code == 404
    assert (
        client.post(f"/inspections/new/{world.ent_a.pk}/", {"kind": "routine"}).status_code == 404
    )
    assert client.get("/inspections/new/999999/").status_code == 404
    assert Inspection.objects.count() == 0


def test_start_defaults_to_the_enterprise_industry_checklist(world, client_for, template):
    make_template(2, industry="transport", key="web-transport")
    res = client_for(world.inspector).get(f"/inspections/new/{world.ent_a.pk}/")
    assert res.status_code == 200
    form = res.context["form"]
    default = ChecklistTemplate.objects.get(pk=form["template"].value())
    assert default.industry == world.ent_a.industry == "industry_trade"
    assert form["inspected_on"].value() == timezone.localdate()
    body = text(res)
    assert "执法检查应有两名以上检查人员" in body
    assert "日常检查" in body and "复查" in body


def test_starting_an_inspection_copies_the_checklist_and_lists_the_inspectors(
    world, client_for, template
):
    client = client_for(world.inspector)
    res = client.post(
        f"/inspections/new/{world.ent_a.pk}/",
        {
            "kind": "routine",
            "inspected_on": timezone.localdate().isoformat(),
            "template": template.pk,
            "co_inspectors": [world.bureau.pk],
        },
    )
    inspection = Inspection.objects.get()
    assert res.status_code == 302
    assert res["Location"] == f"/inspections/{inspection.pk}/"
    assert inspection.created_by == world.inspector
    assert set(inspection.inspectors.all()) == {world.inspector, world.bureau}
    assert inspection.items.count() == 3
    page = client.get(res["Location"])
    assert "已开始检查：甲机械厂" in text(page)
    assert "执法检查应有两名以上检查人员" not in text(page)


def test_a_single_inspector_is_warned_but_may_start(world, client_for, template):
    client = client_for(world.inspector)
    res = client.post(
        f"/inspections/new/{world.ent_a.pk}/",
        {"kind": "spot", "inspected_on": timezone.localdate().isoformat(), "template": ""},
        follow=True,
    )
    assert res.status_code == 200
    assert Inspection.objects.get().inspectors.count() == 1
    assert "执法检查应有两名以上检查人员" in text(res)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "nonsense"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"inspected_on": "昨天"}, "inspected_on"),
        ({"inspected_on": ""}, "inspected_on"),
        ({"template": "abc"}, "template"),
        ({"template": "999999"}, "template"),
        ({"co_inspectors": ["abc"]}, "co_inspectors"),
        ({"campaign": "999999"}, "campaign"),
        ({"kind": "follow_up"}, "original"),
    ],
)
def test_bad_start_input_is_shown_next_to_the_field_and_nothing_is_created(
    world, client_for, template, data, field
):
    payload = {"kind": "routine", "inspected_on": timezone.localdate().isoformat()}
    payload.update(data)
    res = client_for(world.inspector).post(f"/inspections/new/{world.ent_a.pk}/", payload)
    assert res.status_code == 200
    assert field in res.context["form"].errors
    assert f'data-testid="error-{field}"' in text(res)
    assert Inspection.objects.count() == 0


def test_a_future_date_and_a_non_inspector_colleague_are_refused(world, client_for):
    client = client_for(world.inspector)
    res = client.post(
        f"/inspections/new/{world.ent_a.pk}/",
        {"kind": "routine", "inspected_on": in_days(3).isoformat()},
    )
    assert "检查日期不能晚于今天" in text(res)
    res = client.post(
        f"/inspections/new/{world.ent_a.pk}/",
        {
            "kind": "routine",
            "inspected_on": timezone.localdate().isoformat(),
            "co_inspectors": [world.user_a.pk],  # an enterprise user is not offered
        },
    )
    assert "co_inspectors" in res.context["form"].errors
    assert Inspection.objects.count() == 0


# --- walking the checklist ----------------------------------------------------------


def test_the_checklist_shows_one_card_per_item_with_its_basis_and_progress(
    world, client_for, draft
):
    res = client_for(world.inspector).get(f"/inspections/{draft.pk}/")
    assert res.status_code == 200
    body = text(res)
    assert body.count('data-testid="item-card"') == 3
    assert "已检查 0 / 共 3 项" in body
    assert "《工贸企业重大事故隐患判定标准》第1条" in body
    assert "按判定标准，不合格即为重大事故隐患" in body
    assert 'capture="environment"' in body and 'accept="image/*"' in body
    assert body.count(">合格</button>") == 3
    # The responsible person is chosen among ent_a's own users, not other enterprises'.
    assert world.user_a.name in body and world.user_b.name not in body
    # The default deadline of a general item is +15 days, of a major one +60.
    assert in_days(15).isoformat() in body and in_days(60).isoformat() in body


def test_recording_pass_moves_to_the_next_unrecorded_item(world, client_for, draft):
    client = client_for(world.inspector)
    items = items_by_code(draft)
    res = post_item(client, draft, items["W-01"], {"result": "pass", "remark": "良好"})
    assert res.status_code == 302
    assert res["Location"] == f"/inspections/{draft.pk}/#item-{items['W-02'].pk}"
    item = items["W-01"]
    item.refresh_from_db()
    assert (item.result, item.remark, item.recorded_by) == ("pass", "良好", world.inspector)
    page = client.get(res["Location"])
    assert "W-01：合格" in text(page)
    assert "已检查 1 / 共 3 项" in text(page)


def test_failing_an_item_registers_its_hazard_with_the_photo(world, client_for, draft):
    client = client_for(world.inspector)
    item = items_by_code(draft)["W-01"]
    res = post_item(client, draft, item, {"result": "fail", **plan(world)}, {"photos": jpeg()})
    assert res.status_code == 302, res.context["form"].errors if res.context else res
    item.refresh_from_db()
    hazard = item.hazard
    assert hazard.title == "隐患1：配电箱未可靠接地"
    assert hazard.inspection == draft
    assert hazard.level == Level.GENERAL
    assert hazard.responsible_person == world.user_a
    assert hazard.deadline == in_days(10)
    assert hazard.basis == "《工贸企业重大事故隐患判定标准》第1条"
    event = HazardEvent.objects.get(hazard=hazard)
    assert event.kind == EventKind.CREATED and event.actor == world.inspector
    photo = Evidence.objects.get(hazard=hazard)
    assert photo.phase == Evidence.Phase.BEFORE and photo.content_type == "image/jpeg"
    page = text(client.get(f"/inspections/{draft.pk}/"))
    assert f"不合格，已登记隐患 {hazard.code}" in page
    assert f"/api/v1/evidence/{photo.pk}/file/" in page
    # Once registered, pass / N/A are no longer offered for that item.
    assert page.count(">合格</button>") == 2


def test_failing_without_the_plan_shows_errors_next_to_the_fields(world, client_for, draft):
    client = client_for(world.inspector)
    item = items_by_code(draft)["W-01"]
    res = post_item(client, draft, item, {"result": "fail", "measures": ""}, {"photos": jpeg()})
    assert res.status_code == 200
    errors = res.context["form"].errors
    assert errors["responsible_person"] == ["请指定整改责任人。"]
    assert errors["responsible_leader"] == ["请指定责任领导。"]
    assert errors["measures"] == ["请填写整改措施。"]
    body = text(res)
    assert 'data-testid="error-responsible_person"' in body
    assert "照片尚未保存，请重新选择照片" in body
    assert Hazard.objects.count() == 0 and Evidence.objects.count() == 0
    item.refresh_from_db()
    assert item.result == ""


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"deadline": "2001-01-01"}, "deadline", "整改期限不能早于今天"),
        ({"deadline": "明天"}, "deadline", ""),
        ({"funds": "-5"}, "funds", "整改资金不能为负数"),
        ({"funds": "很多"}, "funds", ""),
        ({"responsible_person": "abc"}, "responsible_person", "所选人员无效"),
        ({"responsible_leader": "999999"}, "responsible_leader", "所选人员无效"),
        ({"level": "catastrophic"}, "level", ""),
        ({"level": "major", "emergency_plan": ""}, "emergency_plan", "重大隐患必须制定应急预案"),
    ],
)
def test_bad_hazard_fields_are_refused_and_nothing_is_written(
    world, client_for, draft, data, field, message
):
    item = items_by_code(draft)["W-01"]
    res = post_item(
        client_for(world.inspector), draft, item, {"result": "fail", **plan(world, **data)}
    )
    assert res.status_code == 200
    assert field in res.context["form"].errors
    assert message in " ".join(res.context["form"].errors[field])
    assert Hazard.objects.count() == 0


def test_a_person_of_another_enterprise_is_not_accepted(world, client_for, draft):
    item = items_by_code(draft)["W-01"]
    res = post_item(
        client_for(world.inspector),
        draft,
        item,
        {"result": "fail", **plan(world, responsible_person=world.user_b.pk)},
    )
    assert "responsible_person" in res.context["form"].errors
    assert Hazard.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused(world, client_for, draft):
    item = items_by_code(draft)["W-01"]
    res = post_item(
        client_for(world.inspector),
        draft,
        item,
        {"result": "fail", **plan(world)},
        {"photos": not_an_image()},
    )
    assert res.status_code == 200
    assert "不是有效的图片" in " ".join(res.context["form"].errors["photos"])
    assert Hazard.objects.count() == 0 and Evidence.objects.count() == 0


def test_photos_on_a_passed_item_are_refused(world, client_for, draft):
    item = items_by_code(draft)["W-01"]
    res = post_item(
        client_for(world.inspector), draft, item, {"result": "pass"}, {"photos": jpeg()}
    )
    assert res.status_code == 200
    assert "photos" in res.context["form"].errors
    item.refresh_from_db()
    assert item.result == "" and Evidence.objects.count() == 0


@pytest.mark.parametrize("result", ["", "maybe"])
def test_a_missing_or_unknown_result_is_refused(world, client_for, draft, result):
    item = items_by_code(draft)["W-01"]
    res = post_item(client_for(world.inspector), draft, item, {"result": result})
    assert res.status_code == 200
    assert 'data-testid="error-result"' in text(res)
    item.refresh_from_db()
    assert item.result == ""


def test_a_major_by_standard_item_stays_major_and_needs_an_emergency_plan(world, client_for, draft):
    client = client_for(world.inspector)
    item = items_by_code(draft)["W-02"]
    page = text(client.get(f"/inspections/{draft.pk}/items/{item.pk}/"))
    assert re.search(rf'<select name="i{item.pk}-level"[^>]*disabled', page)
    # The locked level ignores what is posted; the plan is required for a major hazard.
    res = post_item(client, draft, item, {"result": "fail", **plan(world, level="general")})
    assert res.context["form"].errors["emergency_plan"] == ["重大隐患必须制定应急预案。"]
    assert Hazard.objects.count() == 0
    res = post_item(
        client,
        draft,
        item,
        {"result": "fail", **plan(world, level="general", emergency_plan="停用除尘系统，疏散")},
    )
    assert res.status_code == 302
    item.refresh_from_db()
    assert item.hazard.level == Level.MAJOR and item.hazard.major_by_standard


def test_passing_an_item_whose_hazard_is_registered_is_refused_with_a_message(
    world, client_for, draft
):
    client = client_for(world.inspector)
    item = items_by_code(draft)["W-01"]
    assert post_item(client, draft, item, {"result": "fail", **plan(world)}).status_code == 302
    res = post_item(client, draft, item, {"result": "pass"}, None)
    assert res.status_code == 302
    item.refresh_from_db()
    assert item.result == "fail"
    page = text(client.get(res["Location"]))
    assert "该检查项已登记隐患" in page


def test_adding_photos_to_an_already_failed_item(world, client_for, draft):
    client = client_for(world.inspector)
    item = items_by_code(draft)["W-01"]
    post_item(client, draft, item, {"result": "fail", **plan(world)})
    res = post_item(client, draft, item, {"result": "fail", "remark": "补拍"}, {"photos": jpeg()})
    assert res.status_code == 302
    item.refresh_from_db()
    assert Hazard.objects.count() == 1
    assert item.hazard.evidence.count() == 1 and item.remark == "补拍"


def test_out_of_scope_inspections_and_foreign_items_are_404(world, client_for, draft, template):
    outsider = client_for(world.inspector_housing)
    item = items_by_code(draft)["W-01"]
    assert outsider.get(f"/inspections/{draft.pk}/").status_code == 404
    assert post_item(outsider, draft, item, {"result": "pass"}).status_code == 404
    assert outsider.post(f"/inspections/{draft.pk}/finalize/").status_code == 404
    assert outsider.get(f"/inspections/{draft.pk}/hazards/new/").status_code == 404
    other = Inspection.start(
        by=world.inspector, enterprise=world.ent_b, kind="routine", template=template
    )
    foreign = other.items.first()
    client = client_for(world.inspector)
    assert client.get(f"/inspections/{draft.pk}/items/{foreign.pk}/").status_code == 404
    assert post_item(client, draft, foreign, {"result": "pass"}).status_code == 404
    assert client.get("/inspections/999999/").status_code == 404
    item.refresh_from_db()
    foreign.refresh_from_db()
    assert item.result == "" and foreign.result == ""


def test_a_peer_inspector_in_scope_sees_the_inspection(world, client_for, draft):
    from tests.support.factories import inspector

    peer = inspector(world.bureau_dept, username="peer")
    assert client_for(peer).get(f"/inspections/{draft.pk}/").status_code == 200


def checklist_page_queries(world, client, n: int) -> int:
    template = make_template(n, key=f"web-{n}")
    inspection = Inspection.start(
        by=world.inspector, enterprise=world.ent_a, kind="routine", template=template
    )
    # Fail a fifth of the items (hazards with photos) and pass another fifth, so the
    # cards show everything they can and a per-hazard query would show up.
    items = list(inspection.items.order_by("order"))
    for item in items[: n // 5]:
        data = {"result": "fail", **plan(world, level="major", emergency_plan="预案")}
        post_item(client, inspection, item, data, {"photos": jpeg()})
    for item in items[n // 5 : 2 * n // 5]:
        post_item(client, inspection, item, {"result": "pass"})
    assert inspection.hazards.count() == n // 5
    client.get(f"/inspections/{inspection.pk}/")  # consume the messages of the posts
    with CaptureQueriesContext(connection) as ctx:
        res = client.get(f"/inspections/{inspection.pk}/")
    assert res.status_code == 200
    assert text(res).count('data-testid="item-card"') == n
    assert text(res).count('data-testid="hazard-brief"') == n // 5
    return len(ctx.captured_queries)


def test_checklist_page_query_count_does_not_grow_with_items(world, client_for):
    client = client_for(world.inspector)
    ten = checklist_page_queries(world, client, 10)
    thirty = checklist_page_queries(world, client, 30)
    assert ten == thirty
    assert ten <= 15


# --- free hazards -------------------------------------------------------------------


def test_a_free_hazard_is_logged_on_the_inspection(world, client_for, draft):
    client = client_for(world.inspector)
    res = client.post(
        f"/inspections/{draft.pk}/hazards/new/",
        {
            "title": "消防通道堆放杂物",
            "category": "environment",
            **plan(world),
            "level": "general",
            "photos": jpeg(),
        },
    )
    assert res.status_code == 302
    assert res["Location"] == f"/inspections/{draft.pk}/#hazards"
    hazard = Hazard.objects.get()
    assert (hazard.inspection, hazard.title, hazard.created_by) == (
        draft,
        "消防通道堆放杂物",
        world.inspector,
    )
    assert HazardEvent.objects.get(hazard=hazard).kind == EventKind.CREATED
    assert hazard.evidence.count() == 1
    page = text(client.get(f"/inspections/{draft.pk}/"))
    assert "消防通道堆放杂物" in page and hazard.code in page


def test_a_free_hazard_with_missing_fields_is_refused(world, client_for, draft):
    res = client_for(world.inspector).post(
        f"/inspections/{draft.pk}/hazards/new/", {"category": "nope", "funds": "x"}
    )
    assert res.status_code == 200
    errors = res.context["form"].errors
    assert errors["title"] == ["请填写隐患名称。"]
    assert {"category", "funds", "responsible_person", "responsible_leader"} <= set(errors)
    assert Hazard.objects.count() == 0


# --- finalize and the notice --------------------------------------------------------


def test_finalizing_with_unrecorded_items_explains_why(world, client_for, draft):
    client = client_for(world.inspector)
    res = client.post(f"/inspections/{draft.pk}/finalize/", {"summary": "检查了配电"})
    assert res.status_code == 200
    assert "还有 3 个检查项未填写检查结果" in text(res)
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.DRAFT
    assert draft.summary == "检查了配电"  # what he typed is kept


def test_finalizing_without_anything_recorded_explains_why(world, client_for):
    empty = Inspection.start(by=world.inspector, enterprise=world.ent_a, kind="spot")
    res = client_for(world.inspector).post(f"/inspections/{empty.pk}/finalize/")
    assert "没有任何检查项、隐患或复查记录" in text(res)
    empty.refresh_from_db()
    assert empty.is_draft


def walk_all(client, world, inspection, *, fail_code="W-01"):
    for code, item in items_by_code(inspection).items():
        if code == fail_code:
            data = {"result": "fail", **plan(world)}
        elif code == "W-02":
            data = {"result": "na"}
        else:
            data = {"result": "pass"}
        assert post_item(client, inspection, item, data).status_code == 302


def test_finalizing_numbers_the_notice_and_links_the_pdf(world, client_for, draft):
    client = client_for(world.inspector)
    walk_all(client, world, draft)
    res = client.post(
        f"/inspections/{draft.pk}/finalize/", {"summary": "发现一处隐患"}, follow=True
    )
    draft.refresh_from_db()
    assert draft.status == InspectionStatus.FINALIZED and draft.notice_number
    body = text(res)
    assert f"文书号：{draft.notice_number}" in body
    assert f'href="/api/v1/inspections/{draft.pk}/notice.pdf"' in body
    # Illegal actions are no longer offered.
    assert ">合格</button>" not in body and 'data-testid="finalize-button"' not in body
    pdf = client.get(f"/api/v1/inspections/{draft.pk}/notice.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_a_finalized_inspection_refuses_edits_with_a_message(world, client_for, draft):
    client = client_for(world.inspector)
    walk_all(client, world, draft)
    client.post(f"/inspections/{draft.pk}/finalize/")
    item = items_by_code(draft)["W-03"]
    res = post_item(client, draft, item, {"result": "fail", **plan(world)}, None)
    assert res.status_code == 302
    assert "检查已定稿，不能修改" in text(client.get(res["Location"]))
    item.refresh_from_db()
    assert item.result == "pass"
    res = client.post(f"/inspections/{draft.pk}/hazards/new/", {"title": "x"}, follow=True)
    assert "检查已定稿，不能修改" in text(res)
    res = client.post(f"/inspections/{draft.pk}/finalize/", follow=True)
    assert "不能重复定稿" in text(res)
    assert Hazard.objects.count() == 1


def test_forms_need_a_csrf_token(world, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.inspector)
    item = items_by_code(draft)["W-01"]
    assert post_item(client, draft, item, {"result": "pass"}).status_code == 403
    assert client.post(f"/inspections/{draft.pk}/finalize/").status_code == 403
    page = text(client.get(f"/inspections/{draft.pk}/"))
    assert page.count('name="csrfmiddlewaretoken"') >= 4
    item.refresh_from_db()
    assert item.result == ""


def test_finalize_is_post_only(world, client_for, draft):
    assert client_for(world.inspector).get(f"/inspections/{draft.pk}/finalize/").status_code == 405


# --- follow-up visits ---------------------------------------------------------------


@pytest.fixture
def finalized(world, client_for, draft):
    client = client_for(world.inspector)
    walk_all(client, world, draft)
    client.post(f"/inspections/{draft.pk}/finalize/")
    draft.refresh_from_db()
    # Follow-up visits in these tests come after the deadline: a hazard still being
    # rectified may then be failed on site (before it, the ledger refuses).
    Hazard.objects.filter(inspection=draft).update(
        deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    return draft


def start_follow_up(client, world, original):
    """What 发起复查 does: the start form, pre-filled as a 复查 of that inspection."""
    page = client.get(f"/inspections/{original.pk}/")
    link = f"/inspections/new/{original.enterprise_id}/?kind=follow_up&amp;original={original.pk}"
    assert link in text(page)
    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert form["kind"].value() == "follow_up" and form["original"].value() == original.pk
    return client.post(
        f"/inspections/new/{original.enterprise_id}/",
        {
            "kind": "follow_up",
            "original": original.pk,
            "inspected_on": timezone.localdate().isoformat(),
            "co_inspectors": [world.bureau.pk],
        },
    )


def test_a_follow_up_visit_lists_the_original_hazards_then_and_now(world, client_for, finalized):
    client = client_for(world.inspector)
    res = start_follow_up(client, world, finalized)
    visit = Inspection.objects.get(kind=InspectionKind.FOLLOW_UP)
    assert res["Location"] == f"/inspections/{visit.pk}/"
    assert visit.original == finalized and visit.enterprise == finalized.enterprise
    assert set(visit.inspectors.all()) == {world.inspector, world.bureau}
    assert visit.items.count() == 0  # a 复查 re-checks hazards, not a checklist
    hazard = finalized.hazards.get()
    body = text(client.get(res["Location"]))
    assert hazard.code in body and "原检查时" in body and "整改中" in body
    # The enterprise has not submitted: closing it is not offered, failing is.
    assert 'data-testid="review-pass"' not in body
    assert 'data-testid="review-fail"' in body


def test_failing_a_follow_up_check_calls_review_and_sets_a_new_deadline(
    world, client_for, finalized
):
    client = client_for(world.inspector)
    start_follow_up(client, world, finalized)
    visit = Inspection.objects.get(kind=InspectionKind.FOLLOW_UP)
    hazard = finalized.hazards.get()
    url = f"/inspections/{visit.pk}/follow-up/{hazard.pk}/"
    prefix = f"h{hazard.pk}-"
    res = client.post(url, {prefix + "result": "fail", prefix + "comment": ""})
    assert res.status_code == 200
    assert res.context["form"].errors["comment"] == ["复查不合格时必须填写复查意见。"]
    hazard.refresh_from_db()
    assert hazard.failed_reviews == 0
    res = client.post(
        url,
        {
            prefix + "result": "fail",
            prefix + "comment": "接地线未安装",
            prefix + "new_deadline": in_days(7).isoformat(),
        },
    )
    assert res.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING
    assert hazard.failed_reviews == 1 and hazard.deadline == in_days(7)
    event = hazard.events.get(kind=EventKind.REVIEW_FAILED)
    assert event.actor == world.inspector and event.note == "接地线未安装"
    assert FollowUpCheck.objects.get(inspection=visit, hazard=hazard).event == event
    # The same visit does not count a second failure against the same hazard.
    res = client.post(
        url,
        {
            prefix + "result": "fail",
            prefix + "comment": "再次",
            prefix + "new_deadline": in_days(7).isoformat(),
        },
        follow=True,
    )
    assert "不能重复复查" in text(res)
    hazard.refresh_from_db()
    assert hazard.failed_reviews == 1
    # The visit can now be finalized.
    res = client.post(f"/inspections/{visit.pk}/finalize/", follow=True)
    visit.refresh_from_db()
    assert visit.status == InspectionStatus.FINALIZED


def test_one_visit_records_one_verdict_per_hazard_in_the_model_and_the_api(
    world, client_for, finalized
):
    """The guard lives in Inspection.record_follow_up, so the API refuses it too (409)."""
    from rest_framework.test import APIClient

    visit = Inspection.start(
        by=world.inspector, enterprise=world.ent_a, kind="follow_up", original=finalized
    )
    hazard = finalized.hazards.get()
    visit.record_follow_up(
        by=world.inspector, hazard=hazard, passed=False, comment="未整改", new_deadline=in_days(5)
    )
    with pytest.raises(InvalidTransition):
        visit.record_follow_up(
            by=world.inspector, hazard=hazard, passed=False, comment="又", new_deadline=in_days(5)
        )
    api = APIClient()
    api.force_authenticate(world.inspector)
    res = api.post(
        f"/api/v1/inspections/{visit.pk}/follow-up/{hazard.pk}/",
        {"result": "fail", "comment": "再次", "new_deadline": in_days(6).isoformat()},
    )
    assert res.status_code == 409
    hazard.refresh_from_db()
    assert hazard.failed_reviews == 1 and hazard.deadline == in_days(5)
    assert hazard.events.filter(kind=EventKind.REVIEW_FAILED).count() == 1
    assert FollowUpCheck.objects.filter(inspection=visit).count() == 1


def test_passing_a_submitted_hazard_on_a_follow_up_closes_it(world, client_for, finalized):
    hazard = finalized.hazards.get()
    hazard.submit(by=world.user_a, note="已加装接地线")
    client = client_for(world.inspector)
    start_follow_up(client, world, finalized)
    visit = Inspection.objects.get(kind=InspectionKind.FOLLOW_UP)
    body = text(client.get(f"/inspections/{visit.pk}/"))
    assert 'data-testid="review-pass"' in body
    prefix = f"h{hazard.pk}-"
    res = client.post(
        f"/inspections/{visit.pk}/follow-up/{hazard.pk}/",
        {prefix + "result": "pass", prefix + "comment": "现场核实已整改"},
        follow=True,
    )
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED
    assert hazard.events.filter(kind=EventKind.REVIEW_PASSED, actor=world.inspector).exists()
    assert "复查合格，已销号" in text(res)


def test_only_a_finalized_inspection_with_hazards_can_be_followed_up(world, client_for, draft):
    client = client_for(world.inspector)
    assert 'data-testid="start-follow-up"' not in text(client.get(f"/inspections/{draft.pk}/"))
    res = client.post(
        f"/inspections/new/{world.ent_a.pk}/",
        {
            "kind": "follow_up",
            "original": draft.pk,
            "inspected_on": timezone.localdate().isoformat(),
        },
    )
    assert res.status_code == 200
    assert "所选项无效" in " ".join(res.context["form"].errors["original"])
    assert Inspection.objects.filter(kind=InspectionKind.FOLLOW_UP).count() == 0


def test_follow_up_of_a_hazard_outside_the_original_is_404(world, client_for, finalized):
    from tests.support.factories import make_hazard

    client = client_for(world.inspector)
    start_follow_up(client, world, finalized)
    visit = Inspection.objects.get(kind=InspectionKind.FOLLOW_UP)
    stranger = make_hazard(enterprise=world.ent_a, by=world.inspector)
    prefix = f"h{stranger.pk}-"
    res = client.post(
        f"/inspections/{visit.pk}/follow-up/{stranger.pk}/",
        {prefix + "result": "fail", prefix + "comment": "x", prefix + "new_deadline": in_days(3)},
    )
    assert res.status_code == 404
    stranger.refresh_from_db()
    assert stranger.failed_reviews == 0
    hazard = finalized.hazards.get()
    # On a routine inspection there is nothing to follow up.
    assert client.get(f"/inspections/{finalized.pk}/follow-up/{hazard.pk}/").status_code == 404


# --- campaigns ----------------------------------------------------------------------


def test_campaigns_show_progress_in_scope(world, client_for, finalized):
    campaign = Campaign.objects.create(
        name="2026年工贸行业专项整治",
        kind="special",
        starts_on=in_days(-10),
        ends_on=in_days(20),
    )
    campaign.set_industries(["industry_trade"])
    Inspection.objects.filter(pk=finalized.pk).update(campaign=campaign)
    client = client_for(world.inspector)
    res = client.get("/inspections/campaigns/")
    assert res.status_code == 200
    body = text(res)
    assert "2026年工贸行业专项整治" in body and "进行中" in body
    res = client.get(f"/inspections/campaigns/{campaign.pk}/")
    assert res.status_code == 200
    assert res.context["progress"]["hazards_found"] == 1
    assert res.context["progress"]["enterprises_inspected"] == 1
    assert "甲机械厂" in text(res)
    # 住建局's inspector sees the campaign, but not the bureau's inspection in it.
    res = client_for(world.inspector_housing).get(f"/inspections/campaigns/{campaign.pk}/")
    assert res.context["progress"]["hazards_found"] == 0
    assert "甲机械厂" not in text(res)
    assert client.get("/inspections/campaigns/999999/").status_code == 404
