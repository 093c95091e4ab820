"""The whole story of one hazard, in real Chromium at a phone's size:

an inspector signs in, walks a checklist, fails an item with a photo and finalizes;
the enterprise submits remediation with a photo; the inspector fails it — twice; the
escalation sweep runs (the code Celery beat runs); the responsible leader sees the
escalation and acknowledges it. Each step checks what that person sees; the guard of
tests/browser/conftest.py fails the test on a console error, a CSP violation, a request
to another host; every page is checked for sideways scrolling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import Escalation, EventKind, Hazard, HazardEvent, State
from hazards.sweeps.escalate import escalate_due
from inspections.models import ChecklistItem, ChecklistTemplate, Inspection, InspectionStatus
from tests.browser.conftest import assert_no_horizontal_overflow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def template(world):
    template = ChecklistTemplate.objects.create(
        key="e2e-trade", industry="industry_trade", name="端到端：工贸企业检查表"
    )
    for order, (code, text, title) in enumerate(
        [
            ("E2E-01", "配电箱、开关箱是否可靠接地", "配电箱未可靠接地"),
            ("E2E-02", "是否建立隐患排查治理制度", "未建立隐患排查治理制度"),
        ],
        start=1,
    ):
        ChecklistItem.objects.create(
            template=template,
            code=code,
            section="综合",
            text=text,
            hazard_title=title,
            category="equipment",
            basis="《中华人民共和国安全生产法》第四十一条",
            suggested_measures="立即整改，整改完成后报检查人员复查",
            order=order,
        )
    return template


def card(page, code: str):
    return page.locator(f"[data-testid=item-card][data-code='{code}']")


def fail_review(page, hazard: Hazard, comment: str, deadline: dt.date) -> None:
    page.goto(f"/hazards/{hazard.pk}/")
    form = page.get_by_test_id("form-review")
    form.get_by_text("不合格，退回整改").click()
    form.get_by_label("复查意见").fill(comment)
    form.get_by_label("新的整改期限").fill(deadline.isoformat())
    form.get_by_role("button", name="提交复查结论").click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")
    assert "复查结果已记录。" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("hazard-state").inner_text() == "整改中"
    assert_no_horizontal_overflow(page)


def submit_remediation(page, hazard: Hazard, note: str, photo) -> None:
    page.goto(f"/hazards/{hazard.pk}/")
    form = page.get_by_test_id("form-submit")
    form.get_by_label("整改情况说明").fill(note)
    form.locator("input[type=file][name=submit-evidence]").set_input_files(photo)
    form.get_by_role("button", name="提交整改").click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")
    assert page.get_by_test_id("hazard-state").inner_text() == "待复查"
    assert_no_horizontal_overflow(page)


def test_from_inspection_to_escalation_acknowledged(
    world, template, pages, login, jpeg, screenshot
):
    today = timezone.localdate()

    # 1. The inspector walks the checklist at 甲机械厂 and fails one item with a photo.
    inspector = login(pages.phone(), world.inspector)
    inspector.goto(f"/inspections/new/{world.ent_a.pk}/")
    inspector.get_by_label(world.bureau.name).check()  # a second inspector on the visit
    inspector.select_option("#id_template", label="端到端：工贸企业检查表")
    with inspector.expect_navigation():
        inspector.get_by_test_id("start-form").get_by_role("button", name="开始检查").click()
    inspection = Inspection.objects.get()
    assert "已检查 0 / 共 2 项" in inspector.get_by_test_id("progress").inner_text()
    assert_no_horizontal_overflow(inspector)

    item = card(inspector, "E2E-01")
    item.get_by_test_id("fail").click()
    fields = item.locator(".hazard-fields")
    fields.locator("select[name$='-responsible_person']").select_option(str(world.user_a.pk))
    fields.locator("select[name$='-responsible_leader']").select_option(str(world.leader_a.pk))
    fields.locator("input[name$='-location']").fill("一号车间配电房")
    fields.locator("input[type=file]").set_input_files(jpeg("before.jpg"))
    with inspector.expect_navigation():
        fields.get_by_test_id("confirm-fail").click()
    hazard = Hazard.objects.get()
    assert f"已登记隐患 {hazard.code}" in inspector.get_by_test_id("messages").inner_text()
    with inspector.expect_navigation():
        card(inspector, "E2E-02").get_by_test_id("pass").click()
    with inspector.expect_navigation():
        inspector.get_by_test_id("finalize-button").click()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FINALIZED
    assert inspection.notice_number in inspector.get_by_test_id("notice-number").inner_text()
    pdf = inspector.request.get(inspector.get_by_test_id("notice-pdf").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    screenshot(inspector, "e2e-1-inspection-finalized")

    # 2. The enterprise sees it on its home page and submits remediation with a photo.
    enterprise = login(pages.phone(), world.user_a)
    assert hazard.code in enterprise.get_by_test_id("my-hazards").inner_text()
    submit_remediation(enterprise, hazard, "已加装接地线。", jpeg("after-1.jpg"))
    screenshot(enterprise, "e2e-2-submitted")

    # 3. The inspector fails it; the enterprise tries again; the inspector fails it again.
    fail_review(inspector, hazard, "接地线线径不足。", today + dt.timedelta(days=7))
    submit_remediation(enterprise, hazard, "已更换接地线。", jpeg("after-2.jpg"))
    fail_review(inspector, hazard, "接地电阻仍超标。", today + dt.timedelta(days=5))
    hazard.refresh_from_db()
    assert hazard.failed_reviews == 2 and hazard.state == State.RECTIFYING
    screenshot(inspector, "e2e-3-failed-twice")

    # 4. The sweep Celery beat runs: the two-strike rule escalates it to its leader.
    escalate_due()
    escalation = Escalation.objects.get(hazard=hazard)
    assert escalation.round == 1 and escalation.leader == world.leader_a

    # 5. The leader sees the escalation, with the hazard's history, and acknowledges it.
    leader = login(pages.phone(), world.leader_a)
    assert leader.get_by_test_id("unread-count").inner_text() == "1"
    leader.get_by_role("link", name="我的督办").click()
    leader.wait_for_url("**/escalations/")
    row = leader.get_by_test_id("escalation")
    assert hazard.code in row.inner_text() and "待签收" in row.inner_text()
    row.click()
    leader.wait_for_url(f"**/escalations/{escalation.pk}/")
    failed = leader.locator("[data-testid=event][data-kind=review_failed]")
    assert failed.count() == 2
    assert "接地电阻仍超标" in failed.nth(1).inner_text()
    form = leader.get_by_test_id("form-acknowledge")
    form.get_by_label("签收意见").fill("已约谈企业负责人，责令五日内整改到位。")
    form.get_by_role("button", name="签收").click()
    leader.wait_for_url(f"**/escalations/{escalation.pk}/")
    assert leader.get_by_test_id("escalation-state").inner_text() == "已签收"
    assert_no_horizontal_overflow(leader)
    screenshot(leader, "e2e-5-acknowledged")

    # The ledger's record of it all, oldest first.
    kinds = list(HazardEvent.objects.filter(hazard=hazard).values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.SUBMITTED,
        EventKind.REVIEW_FAILED,
        EventKind.SUBMITTED,
        EventKind.REVIEW_FAILED,
        EventKind.ESCALATED,
        EventKind.ESCALATION_ACKNOWLEDGED,
    ]
