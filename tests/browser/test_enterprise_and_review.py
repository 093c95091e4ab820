"""The remediation loop in real Chromium at a phone's size: the enterprise sees its
hazards overdue first, opens one and submits remediation with a photo; the
inspector fails it with a comment and a new deadline and sees the timeline."""

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import EventKind, Evidence, Hazard, HazardEvent, State
from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets
from tests.support import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def three_hazards(world):
    today = timezone.localdate()
    later = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        title="叉车未按期检验",
        deadline=today + dt.timedelta(days=20),
    )
    sooner = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        title="消防通道堆放杂物",
        location="二号仓库",
        deadline=today + dt.timedelta(days=2),
    )
    overdue = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        title="配电箱未可靠接地",
        location="一号车间",
        measures="加装接地线，接地电阻不大于4Ω，并由电工检测签字",
        deadline=today + dt.timedelta(days=30),
    )
    Hazard.objects.filter(pk=overdue.pk).update(deadline=today - dt.timedelta(days=3))
    return overdue, sooner, later


def test_enterprise_submits_remediation_for_the_overdue_hazard_first(
    world, three_hazards, pages, login, jpeg, screenshot
):
    overdue, sooner, later = three_hazards
    page = login(pages.phone(), world.user_a)

    # Home: what to do today, then my hazards, overdue first and then by deadline.
    overdue_todo = page.get_by_test_id("todo").filter(has_text="条隐患已逾期")
    assert overdue_todo.locator(".todo-count").inner_text() == "1"
    cards = page.locator("[data-testid=my-hazards] [data-testid=hazard-card]")
    assert [cards.nth(i).get_attribute("data-code") for i in range(3)] == [
        overdue.code,
        sooner.code,
        later.code,
    ]
    assert "逾期 3 天" in cards.nth(0).inner_text()
    assert "剩余 2 天" in cards.nth(1).inner_text()
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "home-enterprise")

    # The hazard's page: the plan, the deadline flagged overdue, the form to submit.
    cards.nth(0).click()
    page.wait_for_url(f"**/hazards/{overdue.pk}/")
    assert page.get_by_test_id("hazard-title").inner_text() == "配电箱未可靠接地"
    assert page.get_by_test_id("overdue-flag").is_visible()
    assert "接地电阻不大于4Ω" in page.get_by_test_id("measures").inner_text()
    assert page.get_by_test_id("form-review").count() == 0
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "hazard-detail-enterprise")

    # Submitting without a note: the error is next to the field, in Chinese.
    form = page.get_by_test_id("form-submit")
    form.get_by_role("button", name="提交整改").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("error-note").inner_text() == "此项为必填项。"
    assert Hazard.objects.get(pk=overdue.pk).state == State.RECTIFYING

    # Now properly, with a photo from the "camera".
    form = page.get_by_test_id("form-submit")
    file_input = form.locator("input[type=file][name=submit-evidence]")
    assert file_input.get_attribute("accept") == "image/*"
    assert file_input.get_attribute("capture") == "environment"
    form.get_by_label("整改情况说明").fill("已加装接地线，经检测接地电阻 2.1Ω。")
    file_input.set_input_files(jpeg("after.jpg"))
    assert page.locator(".photo-preview img").count() == 1
    form.get_by_role("button", name="提交整改").click()
    page.wait_for_url(f"**/hazards/{overdue.pk}/")

    assert "整改情况已提交，等待复查。" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("hazard-state").inner_text() == "待复查"
    assert page.get_by_test_id("form-submit").count() == 0
    event = page.locator("[data-testid=event][data-kind=submitted]")
    assert "已加装接地线" in event.inner_text()
    photo = event.locator("img")
    photo.scroll_into_view_if_needed()  # thumbnails load lazily
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    screenshot(page, "hazard-submitted-enterprise")

    hazard = Hazard.objects.get(pk=overdue.pk)
    assert hazard.state == State.PENDING_REVIEW
    submitted = HazardEvent.objects.get(hazard=hazard, kind=EventKind.SUBMITTED)
    assert submitted.actor == world.user_a
    assert Evidence.objects.get(event=submitted).phase == Evidence.Phase.AFTER


def test_inspector_fails_the_review_and_sees_the_timeline(
    world, three_hazards, pages, login, screenshot
):
    overdue, _, _ = three_hazards
    Hazard.objects.get(pk=overdue.pk).submit(by=world.user_a, note="已整改完毕")
    new_deadline = timezone.localdate() + dt.timedelta(days=10)

    page = login(pages.phone(), world.inspector)
    todo = page.get_by_test_id("todo").filter(has_text="条隐患已提交整改，等待复查")
    assert todo.locator(".todo-count").inner_text() == "1"
    page.locator(f"[data-testid=pending-review] [data-code='{overdue.code}'] a").click()
    page.wait_for_url(f"**/hazards/{overdue.pk}/")
    assert page.get_by_test_id("form-submit").count() == 0
    form = page.get_by_test_id("form-review")
    screenshot(page, "hazard-review-inspector")

    # The new deadline is asked for only when failing (progressive enhancement).
    form.get_by_text("合格，予以销号").click()
    assert not form.locator("[data-field=new_deadline]").is_visible()
    form.get_by_text("不合格，退回整改").click()
    assert form.locator("[data-field=new_deadline]").is_visible()

    # Failing without a comment is refused next to the field.
    form.get_by_label("新的整改期限").fill(new_deadline.isoformat())
    form.get_by_role("button", name="提交复查结论").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("error-comment").inner_text() == "复查不合格时必须填写复查意见。"
    assert Hazard.objects.get(pk=overdue.pk).state == State.PENDING_REVIEW

    form = page.get_by_test_id("form-review")
    form.get_by_text("不合格，退回整改").click()
    form.get_by_label("复查意见").fill("接地线线径不足，仍不符合要求。")
    form.get_by_label("新的整改期限").fill(new_deadline.isoformat())
    form.get_by_role("button", name="提交复查结论").click()
    page.wait_for_url(f"**/hazards/{overdue.pk}/")

    assert "复查结果已记录。" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("hazard-state").inner_text() == "整改中"
    failed = page.locator("[data-testid=event][data-kind=review_failed]")
    text = failed.inner_text()
    assert "复查不合格" in text and "接地线线径不足" in text and world.inspector.name in text
    assert f"→ {new_deadline.isoformat()}" in text
    assert "待复查 → 整改中" in text
    kinds = page.locator("[data-testid=event]").evaluate_all(
        "(els) => els.map((e) => e.dataset.kind)"
    )
    assert kinds == ["created", "submitted", "review_failed"]
    assert_no_horizontal_overflow(page)
    screenshot(page, "hazard-failed-inspector")

    hazard = Hazard.objects.get(pk=overdue.pk)
    assert hazard.failed_reviews == 1 and hazard.deadline == new_deadline
    assert (
        HazardEvent.objects.get(hazard=hazard, kind=EventKind.REVIEW_FAILED).actor
        == world.inspector
    )
