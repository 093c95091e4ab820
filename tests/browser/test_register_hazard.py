"""An inspector registers a hazard on a phone: finds the enterprise, fills in the
five-point plan; the form explains what is missing, in Chinese, next to the field."""

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import EventKind, Evidence, Hazard, HazardEvent, Level
from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inspector_registers_a_major_hazard_with_a_photo(world, pages, login, jpeg, screenshot):
    today = timezone.localdate()
    page = login(pages.phone(), world.inspector)
    page.get_by_role("link", name="登记隐患").click()
    page.wait_for_url("**/hazards/new/")

    search = page.get_by_test_id("enterprise-search")
    search.locator("input[name=q]").fill("甲机械")
    search.get_by_role("button", name="搜索").click()
    page.wait_for_url("**q=**")
    results = page.get_by_test_id("enterprise-results").locator("a")
    assert results.count() == 1
    results.first.click()
    page.wait_for_url(f"**enterprise={world.ent_a.pk}")
    assert world.ent_a.name in page.get_by_test_id("new-enterprise").inner_text()

    form = page.get_by_test_id("hazard-form")
    deadline = form.get_by_label("整改期限")
    assert deadline.input_value() == (today + dt.timedelta(days=15)).isoformat()
    form.get_by_label("隐患名称").fill("液氨储罐安全阀未定期校验")
    form.get_by_label("隐患位置").fill("储罐区")
    form.get_by_label("隐患类别").select_option("equipment")
    form.get_by_text("重大隐患", exact=True).click()
    # A major hazard gets 60 days by default, and its emergency plan is marked required.
    assert deadline.input_value() == (today + dt.timedelta(days=60)).isoformat()
    assert "is-required" in form.locator("[data-field=emergency_plan]").get_attribute("class")
    form.get_by_label("整改措施").fill("立即停用并送检安全阀，校验合格后方可投用")
    form.get_by_label("整改资金（元）").fill("8000")
    form.get_by_label("整改责任人").select_option(str(world.user_a.pk))
    form.get_by_label("责任领导").select_option(str(world.leader_a.pk))
    form.locator("input[type=file]").set_input_files(jpeg("valve.jpg"))
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "new-hazard-filled-inspector")

    form.get_by_role("button", name="登记隐患").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("error-emergency_plan").inner_text() == "重大隐患必须制定应急预案。"
    assert not Hazard.objects.exists()
    assert_no_horizontal_overflow(page)
    screenshot(page, "new-hazard-error-inspector")

    form = page.get_by_test_id("hazard-form")
    form.get_by_label("应急预案").fill("设置警戒区，配备防毒面具和应急喷淋，专人值守")
    form.locator("input[type=file]").set_input_files(jpeg("valve.jpg"))
    form.get_by_role("button", name="登记隐患").click()
    hazard = None
    page.wait_for_url("**/hazards/*/")
    hazard = Hazard.objects.get()
    assert page.get_by_test_id("hazard-code").inner_text() == hazard.code
    assert f"隐患 {hazard.code} 已登记。" in page.get_by_test_id("messages").inner_text()
    assert hazard.level == Level.MAJOR and hazard.enterprise == world.ent_a
    assert hazard.deadline == today + dt.timedelta(days=60)
    created = HazardEvent.objects.get(hazard=hazard, kind=EventKind.CREATED)
    assert created.actor == world.inspector
    assert Evidence.objects.get(hazard=hazard).phase == Evidence.Phase.BEFORE
    assert page.locator("[data-testid=event][data-kind=created] img").count() == 1
