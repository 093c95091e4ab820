"""An inspector on site with a phone, in real Chromium at 375 px: signs in, starts an
inspection at an enterprise, walks its checklist, fails an item with a photo from
the camera input, finalizes, and opens the rectification notice PDF.

The guard of tests/browser/conftest.py fails the test on any console error, CSP
violation or request to another host; each step also checks what the inspector
sees, that nothing scrolls sideways and that touch targets are big enough."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import EventKind, Evidence, Hazard, HazardEvent, Level
from inspections.models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    Inspection,
    InspectionStatus,
)
from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets
from tests.support import factories as f

# serialized_rollback: the flush after this test must not take the checklists the
# migrations ship away from the tests that run after it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TEMPLATE_NAME = "浏览器测试：工贸企业日常检查表"


@pytest.fixture
def checklist(world):
    template = ChecklistTemplate.objects.create(
        key="browser-trade", industry="industry_trade", name=TEMPLATE_NAME
    )
    rows = [
        ("BT-01", "用电安全", "配电箱、开关箱是否可靠接地，箱门完好", "配电箱未可靠接地", False),
        ("BT-02", "粉尘防爆", "粉尘涉爆除尘系统是否采用正压吹送", "除尘系统采用正压吹送", True),
        (
            "BT-03",
            "有限空间",
            "有限空间作业是否执行先通风、再检测、后作业",
            "有限空间作业未检测",
            False,
        ),
        ("BT-04", "安全管理", "是否建立并落实隐患排查治理制度", "未建立隐患排查治理制度", False),
    ]
    for order, (code, section, text, title, major) in enumerate(rows, start=1):
        ChecklistItem.objects.create(
            template=template,
            code=code,
            section=section,
            text=text,
            hazard_title=title,
            category="equipment" if order < 4 else "management",
            major_by_standard=major,
            basis=f"《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第{order}条",
            suggested_measures="立即整改，整改完成后报检查人员复查",
            order=order,
        )
    colleague = f.inspector(world.bureau_dept, username="colleague", display_name="李建国")
    world.inspector.display_name = "王志强"
    world.inspector.save(update_fields=["display_name"])
    world.user_a.display_name = "赵安全"
    world.user_a.save(update_fields=["display_name"])
    today = timezone.localdate()
    Campaign.objects.create(
        name="2026年冬季工贸行业安全生产专项整治",
        kind="special",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=50),
    ).set_industries(["industry_trade"])
    return template, colleague


def progress(page) -> str:
    return page.get_by_test_id("progress").inner_text()


def card(page, code: str):
    return page.locator(f"[data-testid=item-card][data-code='{code}']")


def check_page(page) -> None:
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)


def test_inspector_walks_a_checklist_on_a_phone_and_prints_the_notice(
    world, checklist, pages, login, jpeg, screenshot
):
    template, colleague = checklist
    page = login(pages.phone(), world.inspector)

    # My inspections: nothing yet, one obvious way to start.
    page.goto("/inspections/")
    assert page.get_by_role("heading", name="我的检查").is_visible()
    assert "还没有检查记录" in page.locator(".insp").inner_text()
    check_page(page)
    screenshot(page, "inspector-01-my-inspections-empty")
    page.get_by_test_id("start-inspection").click()

    # Find the enterprise by part of its name (only enterprises in scope are searched).
    page.wait_for_url("**/inspections/new/")
    page.fill("#id_q", "甲机械")
    with page.expect_navigation():
        page.get_by_role("button", name="搜索").click()
    results = page.get_by_test_id("enterprise-results")
    assert "甲机械厂" in results.inner_text()
    assert "乙物流公司" not in results.inner_text()
    check_page(page)
    screenshot(page, "inspector-02-search")
    results.get_by_text("甲机械厂").click()

    # The start form: kind, date, checklist, co-inspectors (warned while alone), campaign.
    page.wait_for_url(f"**/inspections/new/{world.ent_a.pk}/")
    form = page.get_by_test_id("start-form")
    assert page.get_by_label("日常检查").is_checked()
    warning = page.get_by_test_id("two-inspectors-warning")
    assert warning.is_visible()
    assert "执法检查应有两名以上检查人员" in warning.inner_text()
    check_page(page)
    screenshot(page, "inspector-03-start-form")
    page.get_by_label("李建国").check()
    assert not warning.is_visible()  # CSS alone: works without JavaScript
    page.select_option("#id_template", label=TEMPLATE_NAME)
    page.select_option("#id_campaign", label="2026年冬季工贸行业安全生产专项整治")
    with page.expect_navigation():
        form.get_by_role("button", name="开始检查").click()

    # The checklist: one card per item, the rule it comes from, the progress.
    inspection = Inspection.objects.get()
    page.wait_for_url(f"**/inspections/{inspection.pk}/")
    assert "已开始检查：甲机械厂" in page.get_by_test_id("messages").inner_text()
    header = page.get_by_test_id("inspection-header").inner_text()
    assert "甲机械厂" in header and "王志强" in header and "李建国" in header
    assert "已检查 0 / 共 4 项" in progress(page)
    assert page.get_by_test_id("item-card").count() == 4
    first = card(page, "BT-01")
    assert "配电箱、开关箱是否可靠接地" in first.inner_text()
    assert "应急管理部令第10号" in first.inner_text()
    assert "按判定标准，不合格即为重大事故隐患" in card(page, "BT-02").inner_text()
    # The hazard fields stay folded away until 不合格 is chosen.
    assert not first.locator(".hazard-fields").is_visible()
    check_page(page)
    screenshot(page, "inspector-04-checklist")

    # Finalizing too early says what is missing, and changes nothing.
    with page.expect_navigation():
        page.get_by_test_id("finalize-button").click()
    assert "还有 4 个检查项未填写检查结果" in page.get_by_test_id("finalize-errors").inner_text()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT

    # 合格: one tap, and on to the next item.
    with page.expect_navigation():
        card(page, "BT-01").get_by_test_id("pass").click()
    assert "BT-01：合格" in page.get_by_test_id("messages").inner_text()
    assert "已检查 1 / 共 4 项" in progress(page)
    assert card(page, "BT-01").get_by_test_id("item-result").inner_text() == "合格"
    assert page.url.endswith(f"#item-{inspection.items.get(code='BT-02').pk}")

    # 不合格 on a major-by-standard item: the hazard's plan appears, pre-filled; the
    # level is locked as 重大 and the default deadline is 60 days.
    major = card(page, "BT-02")
    major.get_by_test_id("fail").click()
    fields = major.locator(".hazard-fields")
    assert fields.is_visible()
    assert "除尘系统采用正压吹送" in fields.inner_text()
    level = fields.locator("select[name$='-level']")
    assert level.is_disabled() and level.input_value() == "major"
    deadline = fields.locator("input[name$='-deadline']")
    assert deadline.input_value() == (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    assert fields.locator("textarea[name$='-measures']").input_value().startswith("立即整改")
    person = fields.locator("select[name$='-responsible_person']")
    options = person.locator("option").all_inner_texts()
    assert any("赵安全" in o for o in options)  # ent_a's own users only
    assert not any(world.user_b.name in o for o in options)
    person.select_option(str(world.user_a.pk))
    fields.locator("select[name$='-responsible_leader']").select_option(str(world.leader_a.pk))
    camera = fields.locator("input[type=file]")
    assert camera.get_attribute("capture") == "environment"
    assert camera.get_attribute("accept") == "image/*"
    camera.set_input_files(jpeg("dust.jpg"))
    fields.locator("input[name$='-location']").fill("抛光车间除尘器")
    check_page(page)
    screenshot(page, "inspector-05-fail-form")

    # Forgetting the emergency plan of a major hazard: the error sits next to the field,
    # and the photo is asked for again (a browser cannot refill a file input).
    with page.expect_navigation():
        fields.get_by_test_id("confirm-fail").click()
    assert page.get_by_test_id("error-emergency_plan").inner_text() == "重大隐患必须制定应急预案。"
    assert "请重新选择照片" in page.get_by_test_id("error-photos").inner_text()
    assert Hazard.objects.count() == 0
    check_page(page)
    screenshot(page, "inspector-06-fail-errors")
    retry = page.locator("[data-testid=item-card][data-code='BT-02']")
    assert retry.locator("input[name$='-location']").input_value() == "抛光车间除尘器"
    retry.locator("textarea[name$='-emergency_plan']").fill("停用除尘系统，清理积尘，设置警戒区")
    retry.locator("input[type=file]").set_input_files(jpeg("dust.jpg"))
    with page.expect_navigation():
        retry.get_by_test_id("confirm-fail").click()

    hazard = Hazard.objects.get()
    assert f"BT-02 不合格，已登记隐患 {hazard.code}" in page.get_by_test_id("messages").inner_text()
    assert "已检查 2 / 共 4 项" in progress(page)
    brief = card(page, "BT-02").get_by_test_id("hazard-brief")
    assert hazard.code in brief.inner_text() and "重大隐患" in brief.inner_text()
    assert "赵安全" in brief.inner_text()
    photo = brief.locator("img")
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert hazard.level == Level.MAJOR and hazard.major_by_standard
    assert hazard.responsible_leader == world.leader_a
    assert HazardEvent.objects.get(hazard=hazard).kind == EventKind.CREATED
    assert Evidence.objects.get(hazard=hazard).phase == Evidence.Phase.BEFORE
    # Once its hazard is registered, the item can no longer be passed.
    assert card(page, "BT-02").get_by_test_id("pass").count() == 0
    check_page(page)
    screenshot(page, "inspector-07-hazard-registered")

    with page.expect_navigation():
        card(page, "BT-03").get_by_test_id("na").click()
    with page.expect_navigation():
        card(page, "BT-04").get_by_test_id("pass").click()
    assert "已检查 4 / 共 4 项" in progress(page)

    # Finalize: the notice gets its number; editing is no longer offered.
    page.get_by_test_id("finalize").locator("textarea").fill(
        "检查粉尘涉爆除尘系统等4项，发现重大隐患1处。"
    )
    with page.expect_navigation():
        page.get_by_test_id("finalize-button").click()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.FINALIZED
    assert page.get_by_test_id("inspection-status").inner_text() == "已定稿"
    assert inspection.notice_number in page.get_by_test_id("notice-number").inner_text()
    assert page.get_by_test_id("pass").count() == 0
    assert page.get_by_test_id("finalize-button").count() == 0
    check_page(page)
    screenshot(page, "inspector-08-finalized")

    # The notice PDF, with the browser's own session.
    link = page.get_by_test_id("notice-pdf")
    href = link.get_attribute("href")
    assert href == f"/api/v1/inspections/{inspection.pk}/notice.pdf"
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # My inspections now lists it; the campaign counts it.
    page.goto("/inspections/")
    assert inspection.notice_number in page.get_by_test_id("inspection-list").inner_text()
    check_page(page)
    screenshot(page, "inspector-09-my-inspections")
    page.goto("/inspections/campaigns/")
    campaign = page.get_by_test_id("campaign-card").first
    assert "2026年冬季工贸行业安全生产专项整治" in campaign.inner_text()
    check_page(page)
    screenshot(page, "inspector-10-campaigns")

    # The same pages at desktop size, for the reviewer.
    desk = login(pages.desktop(), world.inspector, via_form=False)
    for path, name in (
        ("/inspections/", "inspector-my-inspections"),
        (f"/inspections/new/{world.ent_a.pk}/", "inspector-start-form"),
        (f"/inspections/{inspection.pk}/", "inspector-finalized"),
        ("/inspections/campaigns/", "inspector-campaigns"),
    ):
        desk.goto(path)
        assert_no_horizontal_overflow(desk)
        screenshot(desk, name)


def test_a_follow_up_visit_fails_a_hazard_with_a_new_deadline(
    world, checklist, pages, login, screenshot
):
    original = Inspection.start(
        by=world.inspector,
        enterprise=world.ent_a,
        kind="routine",
        inspectors=[world.inspector, checklist[1]],
    )
    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        inspection=original,
        title="消防通道堆放杂物",
    )
    fixed = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        inspection=original,
        title="灭火器过期未更换",
    )
    original.finalize(by=world.inspector)
    fixed.submit(by=world.user_a, note="已更换全部灭火器")
    # The visit comes after the deadline: the unremediated hazard may be failed on site.
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))

    page = login(pages.phone(), world.inspector, via_form=False)
    page.goto(f"/inspections/{original.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("start-follow-up").click()
    # The start form, pre-filled as a 复查 of that inspection (no checklist to pick).
    assert page.get_by_label("复查", exact=True).is_checked()
    assert page.locator("#id_original").input_value() == str(original.pk)
    assert not page.locator("#id_template").is_visible()
    page.get_by_label("李建国").check()
    with page.expect_navigation():
        page.get_by_test_id("start-form").get_by_role("button", name="开始检查").click()
    visit = Inspection.objects.get(original=original)
    page.wait_for_url(f"**/inspections/{visit.pk}/")
    cards = page.get_by_test_id("follow-up-card")
    assert cards.count() == 2
    open_card = page.locator(f"[data-testid=follow-up-card][data-code='{hazard.code}']")
    done_card = page.locator(f"[data-testid=follow-up-card][data-code='{fixed.code}']")
    # Not submitted yet: it cannot be closed, only failed. Submitted: both are offered.
    assert open_card.get_by_test_id("review-pass").count() == 0
    assert done_card.get_by_test_id("review-pass").is_visible()
    check_page(page)
    screenshot(page, "inspector-11-follow-up")

    with page.expect_navigation():
        done_card.get_by_test_id("review-pass").click()
    assert f"{fixed.code} 复查合格，已销号" in page.get_by_test_id("messages").inner_text()

    open_card = page.locator(f"[data-testid=follow-up-card][data-code='{hazard.code}']")
    open_card.locator("textarea[name$='-comment']").fill("通道仍堆放纸箱")
    open_card.get_by_test_id("review-fail").click()
    new_deadline = timezone.localdate() + dt.timedelta(days=7)
    open_card.locator("input[name$='-new_deadline']").fill(new_deadline.isoformat())
    with page.expect_navigation():
        open_card.get_by_test_id("confirm-review-fail").click()
    assert f"{hazard.code} 复查不合格" in page.get_by_test_id("messages").inner_text()
    hazard.refresh_from_db()
    assert hazard.failed_reviews == 1 and hazard.deadline == new_deadline
    assert hazard.events.filter(kind=EventKind.REVIEW_FAILED, note="通道仍堆放纸箱").exists()
    result = page.locator(f"[data-testid=follow-up-card][data-code='{hazard.code}']")
    assert result.get_by_test_id("follow-up-result").inner_text() == "本次复查：不合格"
    assert result.get_by_test_id("review-fail").count() == 0  # one verdict per visit
    check_page(page)
    screenshot(page, "inspector-12-follow-up-done")


def test_a_free_hazard_on_a_phone_gets_the_major_deadline_when_graded_major(
    world, checklist, pages, login, jpeg, screenshot
):
    inspection = Inspection.start(
        by=world.inspector,
        enterprise=world.ent_a,
        kind="spot",
        inspectors=[world.inspector, checklist[1]],
    )
    page = login(pages.phone(), world.inspector, via_form=False)
    page.goto(f"/inspections/{inspection.pk}/")
    assert "本次检查未使用检查表" in page.locator(".insp").inner_text()
    page.get_by_test_id("add-hazard").click()
    page.wait_for_url(f"**/inspections/{inspection.pk}/hazards/new/")
    today = timezone.localdate()
    deadline = page.locator("#id_deadline")
    assert deadline.input_value() == (today + dt.timedelta(days=15)).isoformat()
    page.fill("#id_title", "液氨储罐区未设置泄漏报警装置")
    page.select_option("#id_category", "equipment")
    # inspect.js: grading it major moves the untouched deadline to +60 days.
    page.select_option("#id_level", "major")
    assert deadline.input_value() == (today + dt.timedelta(days=60)).isoformat()
    page.select_option("#id_responsible_person", str(world.user_a.pk))
    page.select_option("#id_responsible_leader", str(world.leader_a.pk))
    page.fill("#id_measures", "加装可燃有毒气体泄漏报警装置并与紧急切断联锁")
    page.fill("#id_emergency_plan", "设置警戒区，配备正压式空气呼吸器")
    page.locator("#id_photos").set_input_files([jpeg("a.jpg"), jpeg("b.jpg", (40, 90, 180))])
    check_page(page)
    screenshot(page, "inspector-13-free-hazard")
    with page.expect_navigation():
        page.get_by_test_id("save-hazard").click()
    hazard = Hazard.objects.get()
    assert hazard.inspection == inspection and hazard.level == Level.MAJOR
    assert hazard.deadline == today + dt.timedelta(days=60)
    assert hazard.evidence.count() == 2
    assert f"已登记隐患 {hazard.code}" in page.get_by_test_id("messages").inner_text()
    assert hazard.code in page.locator("#hazards").inner_text()


def test_failing_an_item_works_without_javascript(world, checklist, browser, live_server):
    """County phones and locked-down browsers: the plain forms must do the whole job."""
    from django.conf import settings
    from django.test import Client

    template, _ = checklist
    inspection = Inspection.start(
        by=world.inspector, enterprise=world.ent_a, kind="routine", template=template
    )
    client = Client()
    client.force_login(world.inspector)
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 375, "height": 812},
        base_url=live_server.url,
        locale="zh-CN",
    )
    try:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.goto(f"/inspections/{inspection.pk}/")
        item = card(page, "BT-01")
        assert not item.locator(".hazard-fields").is_visible()
        item.get_by_test_id("fail").click()  # a <label> for a checkbox: CSS does the rest
        fields = item.locator(".hazard-fields")
        assert fields.is_visible()
        fields.locator("select[name$='-responsible_person']").select_option(str(world.user_a.pk))
        fields.locator("select[name$='-responsible_leader']").select_option(str(world.leader_a.pk))
        with page.expect_navigation():
            fields.get_by_test_id("confirm-fail").click()
        hazard = Hazard.objects.get()
        assert hazard.title == "配电箱未可靠接地"
        assert hazard.deadline == timezone.localdate() + dt.timedelta(days=15)
        assert "已检查 1 / 共 4 项" in progress(page)
    finally:
        context.close()
