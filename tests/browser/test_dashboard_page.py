"""The supervision dashboard in real Chromium: charts drawn from the vendored ECharts
under the CSP, usable at 375 px, tables readable when the chart library fails, and a
KPI drilling down to a ledger page that shows the same count."""

import datetime as dt

import pytest
from django.utils import timezone

from hazards.models import Hazard, Level
from tests.browser.conftest import assert_no_horizontal_overflow
from tests.support import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(world):
    today = timezone.localdate()
    people = [(world.ent_a, world.user_a), (world.ent_b, world.user_b), (world.ent_c, world.user_c)]
    for i in range(12):
        ent, person = people[i % 3]
        major = i % 5 == 0
        h = f.make_hazard(
            enterprise=ent,
            by=world.inspector,
            person=person,
            level=Level.MAJOR if major else Level.GENERAL,
            emergency_plan="撤离预案" if major else "",
        )
        if i % 4 == 1:
            h.submit(by=person, note="已整改")
            h.review(by=world.inspector, passed=True, comment="合格")
        elif i % 4 == 2:
            Hazard.objects.filter(pk=h.pk).update(deadline=today - dt.timedelta(days=3 + i))
    return world


def test_dashboard_on_a_phone_draws_charts_and_drills_down(county, pages, login, url, screenshot):
    page = login(pages.phone(), county.bureau, via_form=False)
    page.goto(url("/dashboard/"))
    # Every chart container got a canvas from ECharts (same-origin script, no inline JS).
    page.wait_for_selector("[data-chart='by_township'] canvas")
    assert page.locator("[data-chart] canvas").count() >= 4
    assert_no_horizontal_overflow(page)
    screenshot(page, "dashboard")

    overdue = page.locator("a.kpi-overdue")
    shown = overdue.locator(".kpi-value").inner_text()
    assert shown == str(Hazard.objects.overdue().count()) == "3"
    overdue.click()
    page.wait_for_url("**/hazards/?**")
    assert page.get_by_test_id("ledger-count").inner_text() == shown


def test_tables_stay_readable_when_the_chart_library_fails(county, pages, login, url, guard):
    guard.allow_console("echarts.min.js")
    guard.allow_console("Failed to load resource")
    page = login(pages.desktop(), county.bureau, via_form=False)
    page.route("**/vendor/echarts/echarts.min.js", lambda route: route.abort())
    page.goto(url("/dashboard/"))
    page.wait_for_load_state("load")
    assert page.locator("[data-chart] canvas").count() == 0
    table = page.get_by_test_id("by_township")
    assert table.is_visible()
    assert "城关镇" in table.inner_text()
    total = page.locator("a.kpi-total .kpi-value").inner_text()
    assert total == "12"
