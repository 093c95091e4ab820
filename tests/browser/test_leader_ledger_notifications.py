"""Leader acknowledges an escalation; the ledger's filters and count; the bell."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from hazards.models import Escalation, EventKind, Hazard, HazardEvent, Level
from hazards.sweeps import escalate as sweep_module
from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets
from tests.support import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fail_twice(hazard, inspector) -> None:
    for comment in ("接地线未安装", "接地电阻仍超标"):
        hazard.submit(by=hazard.responsible_person, note="已整改")
        hazard.review(
            by=inspector,
            passed=False,
            comment=comment,
            new_deadline=timezone.localdate() + dt.timedelta(days=7),
        )


@pytest.fixture
def escalated(world):
    hazard = f.make_hazard(
        enterprise=world.ent_a,
        by=world.inspector,
        person=world.user_a,
        leader_user=world.leader_a,
        title="配电箱未可靠接地",
    )
    fail_twice(hazard, world.inspector)
    result = sweep_module.sweep()  # the same code the beat task runs
    assert result.escalations
    return Escalation.objects.get(hazard=hazard)


def test_leader_sees_the_escalation_and_acknowledges_it(world, escalated, pages, login, screenshot):
    page = login(pages.phone(), world.leader_a)
    todo = page.get_by_test_id("todo").filter(has_text="件督办等待您签收")
    assert todo.locator(".todo-count").inner_text() == "1"
    assert page.get_by_test_id("unread-count").inner_text() == "1"  # the escalation notice
    assert_no_horizontal_overflow(page)
    screenshot(page, "home-leader")

    page.get_by_role("link", name="我的督办").click()
    page.wait_for_url("**/escalations/")
    item = page.get_by_test_id("escalation")
    assert item.count() == 1 and escalated.hazard.code in item.inner_text()
    assert "待签收" in item.inner_text()
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "escalations-leader")

    item.click()
    page.wait_for_url(f"**/escalations/{escalated.pk}/")
    # The hazard's history: both failed reviews with the inspector's comments.
    failed = page.locator("[data-testid=event][data-kind=review_failed]")
    assert failed.count() == 2
    assert "接地线未安装" in failed.nth(0).inner_text()
    assert "接地电阻仍超标" in failed.nth(1).inner_text()
    assert page.locator("[data-testid=event][data-kind=escalated]").count() == 1
    assert page.get_by_test_id("form-resolve").count() == 0
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "escalation-detail-leader")

    form = page.get_by_test_id("form-acknowledge")
    form.get_by_role("button", name="签收").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("error-note").inner_text() == "此项为必填项。"

    form = page.get_by_test_id("form-acknowledge")
    form.get_by_label("签收意见").fill("已约谈企业负责人，责令三日内整改到位。")
    form.get_by_role("button", name="签收").click()
    page.wait_for_url(f"**/escalations/{escalated.pk}/")
    assert "已签收督办。" in page.get_by_test_id("messages").inner_text()
    assert page.get_by_test_id("escalation-state").inner_text() == "已签收"
    assert "已约谈企业负责人" in page.get_by_test_id("ack-note").inner_text()
    assert page.get_by_test_id("form-acknowledge").count() == 0
    ack = page.locator("[data-testid=event][data-kind=escalation_acknowledged]")
    assert world.leader_a.name in ack.inner_text()

    escalated.refresh_from_db()
    assert escalated.state == Escalation.EscalationState.ACKNOWLEDGED
    assert (
        HazardEvent.objects.get(
            hazard=escalated.hazard, kind=EventKind.ESCALATION_ACKNOWLEDGED
        ).actor
        == world.leader_a
    )


@pytest.fixture
def ledger(world):
    today = timezone.localdate()
    made = []
    for i in range(30):
        enterprise = (world.ent_a, world.ent_b, world.ent_c)[i % 3]
        major = i % 7 == 0
        made.append(
            f.make_hazard(
                enterprise=enterprise,
                by=world.bureau,
                title=("叉车制动失灵" if i % 5 == 0 else "消防器材过期") + f" {i + 1}号",
                level=Level.MAJOR if major else Level.GENERAL,
                emergency_plan="停用并设置警戒区" if major else "",
                deadline=today + dt.timedelta(days=5 + i),
            )
        )
    overdue = made[:6]
    Hazard.objects.filter(pk__in=[h.pk for h in overdue]).update(
        deadline=today - dt.timedelta(days=2)
    )
    return made


def test_ledger_filters_sort_and_count_on_desktop(world, ledger, pages, login, url, screenshot):
    page = login(pages.desktop(), world.bureau, via_form=False)
    page.goto(url("/hazards/"))
    assert page.get_by_test_id("ledger-count").inner_text() == "30"
    table = page.get_by_test_id("ledger-table")
    assert table.is_visible() and not page.get_by_test_id("ledger-cards").is_visible()
    assert table.locator("[data-testid=hazard-row]").count() == 25
    assert page.get_by_test_id("ledger-filters").is_visible()  # open on a wide screen
    screenshot(page, "ledger-bureau")

    filters = page.get_by_test_id("ledger-filters")
    filters.locator("[data-field=overdue] select").select_option("true")
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url("**overdue=true**")
    assert page.get_by_test_id("ledger-count").inner_text() == "6"
    assert page.get_by_test_id("active-filters").inner_text() == "1"
    export = page.get_by_test_id("export-link").get_attribute("href")
    assert export.startswith("/api/v1/hazards/export/?") and "overdue=true" in export

    filters = page.get_by_test_id("ledger-filters")
    filters.get_by_label("编号、名称或企业").fill("叉车")
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url("**q=**")
    expected = Hazard.objects.filter(
        title__contains="叉车", deadline__lt=timezone.localdate()
    ).count()
    assert page.get_by_test_id("ledger-count").inner_text() == str(expected)

    # Sorting by deadline from the table header keeps the filters.
    page.goto(url("/hazards/?state=rectifying"))
    page.get_by_role("link", name="整改期限").click()
    page.wait_for_url("**ordering=deadline**")
    assert "state=rectifying" in page.url
    rows = page.locator("[data-testid=hazard-row]")
    first = rows.nth(0).get_attribute("data-code")
    earliest = Hazard.objects.order_by("deadline", "pk").first()
    assert first == earliest.code
    screenshot(page, "ledger-sorted-bureau")


def test_ledger_on_a_phone_shows_cards_and_folds_the_filters(
    world, ledger, pages, login, url, screenshot
):
    page = login(pages.phone(), world.user_b, via_form=False)
    page.goto(url("/hazards/"))
    mine = Hazard.objects.filter(enterprise=world.ent_b).count()
    assert page.get_by_test_id("ledger-count").inner_text() == str(mine)
    assert page.get_by_test_id("ledger-cards").is_visible()
    assert not page.get_by_test_id("ledger-table").is_visible()
    assert not page.get_by_test_id("ledger-filters").is_visible()
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "ledger-enterprise")

    page.locator("details.filters > summary").click()
    filters = page.get_by_test_id("ledger-filters")
    assert filters.is_visible()
    filters.locator("[data-field=level] select").select_option("major")
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url("**level=major**")
    expected = Hazard.objects.filter(enterprise=world.ent_b, level=Level.MAJOR).count()
    assert page.get_by_test_id("ledger-count").inner_text() == str(expected)
    assert page.locator("[data-testid=ledger-cards] [data-testid=hazard-card]").count() == expected
    assert_no_horizontal_overflow(page)
    page.locator("details.filters > summary").click()
    assert_touch_targets(page)
    screenshot(page, "ledger-filters-open-enterprise")


def test_the_bell_counts_unread_notifications_and_leads_to_the_hazard(
    world, pages, login, screenshot
):
    hazard = f.make_hazard(enterprise=world.ent_a, by=world.inspector, person=world.user_a)
    Notification.objects.create(
        recipient=world.user_a,
        kind=NotificationKind.REVIEW,
        hazard=hazard,
        message=f"隐患 {hazard.code} 复查不合格（第 1 次），请重新整改。",
    )
    Notification.objects.create(
        recipient=world.user_a, kind=NotificationKind.REMINDER, message="有隐患即将到期。"
    )
    page = login(pages.phone(), world.user_a)
    assert page.get_by_test_id("unread-count").inner_text() == "2"
    page.get_by_test_id("bell").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_test_id("notification").count() == 2
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    screenshot(page, "notifications-enterprise")

    page.get_by_test_id("open-hazard").click()
    page.wait_for_url(f"**/hazards/{hazard.pk}/")
    assert page.get_by_test_id("unread-count").inner_text() == "1"

    page.get_by_test_id("bell").click()
    page.get_by_test_id("read-all").click()
    page.wait_for_url("**/notifications/")
    assert page.get_by_test_id("unread-count").count() == 0
    assert not Notification.objects.filter(recipient=world.user_a, read_at=None).exists()
