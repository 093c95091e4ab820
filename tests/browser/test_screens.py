"""Every main page at a phone's and a desktop's size: no sideways scroll at 375 px,
touch targets of 44 px, no console error, CSP violation or off-site request — and
a screenshot of each for a reviewer (test-artifacts/screenshots/)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from hazards.models import Escalation, Hazard, Level
from hazards.sweeps import escalate as sweep_module
from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets
from tests.support import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(world, tmp_path):
    """Hazards in every state, an escalation, photos and notifications."""
    from tests.support.files import jpeg

    today = timezone.localdate()
    w = world
    titles = [
        ("配电箱未可靠接地", "一号车间", "equipment"),
        ("消防通道堆放杂物", "二号仓库", "environment"),
        ("特种作业人员无证上岗", "装卸区", "person"),
        ("未建立隐患排查治理制度", "安全科", "management"),
        ("液氨储罐安全阀未校验", "储罐区", "equipment"),
    ]
    made = []
    for i, (title, location, category) in enumerate(titles * 3):
        enterprise = (w.ent_a, w.ent_b, w.ent_c)[i % 3]
        major = i % 5 == 4
        made.append(
            f.make_hazard(
                enterprise=enterprise,
                by=w.inspector if enterprise == w.ent_a else w.bureau,
                person=w.user_a if enterprise == w.ent_a else None,
                leader_user=w.leader_a if enterprise == w.ent_a else None,
                title=title,
                location=location,
                category=category,
                level=Level.MAJOR if major else Level.GENERAL,
                emergency_plan="立即停用，设置警戒区，配备应急救援器材" if major else "",
                deadline=today + dt.timedelta(days=3 + 4 * i),
                before=[jpeg("before.jpg", color=(120, 120, 120))],
            )
        )
    a = [h for h in made if h.enterprise == w.ent_a]
    Hazard.objects.filter(pk=a[0].pk).update(deadline=today - dt.timedelta(days=4))
    a[1].submit(by=w.user_a, note="已清理杂物并设置禁止堆放标识。", evidence=[jpeg("after.jpg")])
    for _ in range(2):
        a[2].submit(by=w.user_a, note="已整改", evidence=[jpeg("a.jpg", color=(40, 160, 90))])
        a[2].review(
            by=w.inspector,
            passed=False,
            comment="现场复查仍有人员无证上岗。",
            new_deadline=today + dt.timedelta(days=6),
        )
    a[3].submit(by=w.user_a, note="制度已印发")
    a[3].review(by=w.inspector, passed=True, comment="合格")
    sweep_module.sweep()
    Notification.objects.create(
        recipient=w.user_a,
        kind=NotificationKind.REVIEW,
        hazard=a[2],
        message=f"隐患 {a[2].code} 复查不合格（第 2 次），请于期限前重新整改。",
    )
    return {
        "overdue": a[0],
        "pending": a[1],
        "escalated": a[2],
        "closed": a[3],
        "escalation": Escalation.objects.get(hazard=a[2]),
    }


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
