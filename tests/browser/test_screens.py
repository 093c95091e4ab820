"""Every main page at a phone's and a desktop's size: no sideways scroll at 375 px,
touch targets of 44 px, no console error, CSP violation or off-site request — and
a screenshot of each for a reviewer (test-artifacts/screenshots/)."""

import pytest

from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screens(w, c):
    """(name, user, path) of every main page."""
    esc = c["escalation"]
    return [
        ("home-bureau", w.bureau, "/"),
        ("home-inspector", w.inspector, "/"),
        ("home-enterprise", w.user_a, "/"),
        ("home-leader", w.leader_a, "/"),
        ("ledger-bureau", w.bureau, "/hazards/"),
        ("ledger-enterprise", w.user_a, "/hazards/"),
        ("hazard-overdue-enterprise", w.user_a, f"/hazards/{c['overdue'].pk}/"),
        ("hazard-pending-inspector", w.inspector, f"/hazards/{c['pending'].pk}/"),
        ("hazard-escalated-bureau", w.bureau, f"/hazards/{c['escalated'].pk}/"),
        ("hazard-escalated-leader", w.leader_a, f"/hazards/{c['escalated'].pk}/"),
        ("hazard-closed-enterprise", w.user_a, f"/hazards/{c['closed'].pk}/"),
        ("new-hazard-choose-inspector", w.inspector, "/hazards/new/"),
        ("new-hazard-form-inspector", w.inspector, f"/hazards/new/?enterprise={w.ent_a.pk}"),
        ("new-hazard-enterprise", w.user_a, "/hazards/new/"),
        ("escalations-bureau", w.bureau, "/escalations/"),
        ("escalation-bureau", w.bureau, f"/escalations/{esc.pk}/"),
        ("escalations-leader", w.leader_a, "/escalations/"),
        ("escalation-leader", w.leader_a, f"/escalations/{esc.pk}/"),
        ("notifications-enterprise", w.user_a, "/notifications/"),
    ]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_main_page_looks_right(world, county, pages, login, url, screenshot, size):
    page = pages.phone() if size == "phone" else pages.desktop()
    page.goto(url("/login/"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    if size == "phone":
        assert_no_horizontal_overflow(page)
        assert_touch_targets(page)
    screenshot(page, "login")

    current = None
    for name, user, path in screens(world, county):
        if user != current:
            page.context.clear_cookies()
            login(page, user, via_form=False)
            current = user
        response = page.goto(url(path))
        assert response.status == 200, f"{path} as {user.username}: {response.status}"
        # Photos are served through the scoped view and really load.
        broken = page.evaluate(
            "() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0)"
            ".map((i) => i.src)"
        )
        assert not broken, f"{path} as {user.username}: broken images {broken}"
        if size == "phone":
            assert_no_horizontal_overflow(page)
            assert_touch_targets(page)
        screenshot(page, name)


def test_english_is_one_click_away(world, pages, login, url):
    page = login(pages.phone(), world.user_a)
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
