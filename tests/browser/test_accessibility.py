"""Every page each role reaches passes axe-core's WCAG 2.0/2.1 A and AA rules, at 375 px
and at a desktop's width, and keeps the page-level promises axe does not check (lang,
skip link, landmarks, titles); text at 200 % fits a phone without sideways scrolling;
forms work from the keyboard with a visible focus ring and announce their errors.
What is promised and why: docs/accessibility.md. The helpers: tests/browser/a11y.py."""

from __future__ import annotations

import pytest

from tests.browser.a11y import (
    axe_violations,
    crawl,
    describe,
    page_problems,
    text_zoom_problems,
    with_axe,
)
from tests.browser.conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The demo accounts' roles (tests/support/world.py): who signs in, and the routes its
# crawl must reach at the least (a floor, so that a broken crawl cannot pass by
# scanning nothing; pages added later are reached without being listed here).
ROLES = {
    "bureau": (
        "bureau",
        {"home", "hazard-list", "hazard-detail", "escalation-list", "escalation-detail"}
        | {"dashboard", "notifications", "inspections:list"},
    ),
    "inspector": (
        "inspector",
        {"home", "hazard-list", "hazard-detail", "hazard-new", "dashboard", "notifications"}
        | {"inspections:list", "inspections:detail", "inspections:start"},
    ),
    "inspector2": ("inspector2", {"home", "hazard-list", "dashboard", "notifications"}),
    "ent_a": ("user_a", {"home", "hazard-list", "hazard-detail", "hazard-new", "notifications"}),
    "leader_a": (
        "leader_a",
        {"home", "hazard-list", "escalation-list", "escalation-detail", "dashboard"},
    ),
}


def seeds(role: str, world, county, inspections) -> list[str]:
    """Pages whose forms only an object in one particular state shows, visited besides
    whatever the crawl finds (it follows one link per route)."""
    return {
        "bureau": [f"/escalations/{county['escalation'].pk}/"],
        "inspector": [
            f"/hazards/{county['pending'].pk}/",  # the review form
            f"/hazards/new/?enterprise={world.ent_a.pk}",  # the registration form
            f"/inspections/{inspections['draft'].pk}/",  # the checklist
        ],
        "inspector2": [],
        "ent_a": [f"/hazards/{county['overdue'].pk}/"],  # the submission form
        "leader_a": [f"/escalations/{county['escalation'].pk}/"],
    }[role]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_meets_wcag_aa(role, world, county, inspections, pages, login):
    username, floor = ROLES[role]
    user = getattr(world, username)
    problems: list[str] = []
    titles: dict[str, str] = {}

    def on_phone(page, visit) -> None:
        found = [*page_problems(page), *text_zoom_problems(page)]
        found += describe(axe_violations(page))
        problems.extend(f"[375px] {visit.path}: {p}" for p in found)
        if visit.title in titles.values() and titles.get(visit.route) != visit.title:
            problems.append(f"{visit.path}: title {visit.title!r} is another page's too")
        titles.setdefault(visit.route, visit.title)

    phone = login(with_axe(pages.phone()), user, via_form=False)
    visits = crawl(phone, seeds=seeds(role, world, county, inspections), visit=on_phone)
    assert floor <= {v.route for v in visits}, (
        f"the crawl as {username} missed {floor - {v.route for v in visits}}"
    )

    # The same pages at a desktop's width, in one signed-in context.
    desk = login(with_axe(pages.desktop()), user, via_form=False)
    for visit in visits:
        desk.goto(visit.path)
        problems.extend(
            f"[{DESKTOP['width']}px] {visit.path}: {p}" for p in describe(axe_violations(desk))
        )
    assert not problems, f"as {username}, {len(visits)} pages:\n" + "\n".join(problems)
