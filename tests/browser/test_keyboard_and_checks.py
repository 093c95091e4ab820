"""The accessibility checks catch what they claim to (a violation put into a real page
fails them), a form works from the keyboard alone with a visible focus ring and
announces its errors, and the signed-out and English pages pass too.
The crawl of every page: test_accessibility.py; helpers: tests/browser/a11y.py."""

from __future__ import annotations

import pytest

from tests.browser.a11y import (
    assert_axe_clean,
    axe_violations,
    focus_indicator,
    page_problems,
    text_zoom_problems,
    with_axe,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BREAK_PAGE_JS = """() => {
  const main = document.querySelector("main");
  const faint = document.createElement("p");
  faint.textContent = "对比度不足的说明文字";
  faint.style.color = "#b0b0b0";  // the CSSOM, which the CSP allows (a style attribute it would not)
  faint.style.background = "#ffffff";
  main.append(faint);
  const dot = document.createElement("span");
  dot.className = "dot";
  dot.setAttribute("aria-label", "未读");  // a name on an element whose role allows none
  main.append(dot);
}"""


def test_the_scan_fails_on_a_violation_put_into_a_real_page(world, county, pages, login):
    page = login(with_axe(pages.phone()), world.user_a, via_form=False)
    page.goto("/notifications/")
    assert_axe_clean(page)
    assert page_problems(page) == []
    assert text_zoom_problems(page) == []

    page.evaluate(BREAK_PAGE_JS)
    found = {v["id"]: v for v in axe_violations(page)}
    assert {"color-contrast", "aria-prohibited-attr"} <= set(found)
    assert "对比度不足" in found["color-contrast"]["nodes"][0]["html"]
    with pytest.raises(AssertionError, match="color-contrast"):
        assert_axe_clean(page)

    # The page-level checks fail too: no skip link, a doubled title, text too wide at 200 %.
    page.evaluate(
        """() => {
          document.querySelector(".skip-link").remove();
          document.title = "通知 · 通知";
          const wide = document.createElement("div");
          wide.textContent = "宽";
          wide.style.width = "30rem";
          document.querySelector("main").append(wide);
        }"""
    )
    problems = " ".join(page_problems(page))
    assert "skip link" in problems and "repeats itself" in problems
    assert "scrolls sideways" in " ".join(text_zoom_problems(page))


def test_a_form_can_be_filled_and_sent_from_the_keyboard_with_focus_always_visible(
    world, pages, login
):
    page = login(with_axe(pages.phone()), world.inspector, via_form=False)
    page.goto(f"/hazards/new/?enterprise={world.ent_a.pk}")

    # The first Tab reaches the skip link, shown on screen; Enter jumps past the header.
    page.keyboard.press("Tab")
    first = focus_indicator(page)
    assert first["text"] == "跳到主要内容" and first["ring"] and first["visible"], first
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = focus_indicator(page)
        assert focused, "focus left the page"
        assert focused["ring"], f"no visible focus ring on {focused}"
        assert focused["visible"], f"the focused element is off screen: {focused}"
        seen.append(focused)
        if focused["tag"] == "button" and focused["text"] == "登记隐患":
            break
    else:
        pytest.fail(f"Tab never reached the submit button; it went through {seen}")
    kinds = {(f["tag"], f["type"]) for f in seen}
    assert {("input", "text"), ("textarea", "textarea"), ("input", "radio")} <= kinds
    assert ("select", "select-one") in kinds and ("input", "file") in kinds

    # Sent empty: the summary is announced (role="alert") and takes the focus; every
    # field in error points at its message; the page with errors passes axe too.
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.get_by_test_id("form-errors")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("() => document.activeElement.dataset.testid") == "form-errors"
    links = page.evaluate(
        """() => [...document.querySelectorAll("[aria-invalid=true], fieldset[aria-describedby]")]
          .map((el) => ({name: el.name || el.tagName, described: (el.getAttribute("aria-describedby") || "")
            .split(" ").filter(Boolean).map((id) => (document.getElementById(id) || {}).textContent || "")}))"""
    )
    assert any(link["name"] == "title" for link in links), links
    for link in links:
        assert link["described"] and all(text.strip() for text in link["described"]), link
    errors = page.evaluate(
        """() => [...document.querySelectorAll(".field-errors")].map((box) =>
          !!document.querySelector(`[aria-describedby~="${box.id}"]`))"""
    )
    assert errors and all(errors), "an error message no field points at"
    assert_axe_clean(page)


def test_the_sign_in_page_and_its_errors_pass(pages, url, world):
    page = with_axe(pages.phone())
    page.goto(url("/login/"))
    assert_axe_clean(page)
    assert text_zoom_problems(page) == []
    assert page_problems(page, signed_in=False) == []
    page.fill("#id_username", world.user_a.username)
    page.fill("#id_password", "wrong password")
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    assert_axe_clean(page)


def test_english_pages_say_so_and_pass(world, county, pages, login):
    page = login(with_axe(pages.desktop()), world.user_a, via_form=False)
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    for path in ("/", "/hazards/", f"/hazards/{county['overdue'].pk}/", "/notifications/"):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == "en"
        assert page_problems(page) == [], path
        assert_axe_clean(page)


def test_each_dashboard_chart_is_named_and_points_at_its_table(world, county, pages, login):
    page = login(with_axe(pages.desktop()), world.bureau, via_form=False)
    page.goto("/dashboard/")
    page.wait_for_selector(".chart.chart-ready")
    charts = page.evaluate(
        """() => [...document.querySelectorAll("[data-chart]")].map((el) => {
          const text = (attr) => (el.getAttribute(attr) || "").split(" ").filter(Boolean)
            .map((id) => document.getElementById(id));
          return {
            chart: el.dataset.chart, role: el.getAttribute("role"),
            name: el.getAttribute("aria-label") || "",
            description: text("aria-describedby").map((n) => n ? n.textContent.trim() : ""),
            details: text("aria-details").map((n) => n ? n.tagName.toLowerCase() : null),
            caption: text("aria-details").map((n) => n && n.caption ? n.caption.textContent : ""),
          };
        })"""
    )
    assert len(charts) >= 2, charts
    for chart in charts:
        assert chart["role"] == "img" and chart["name"].strip(), chart
        assert chart["description"] and all(chart["description"]), chart
        assert chart["details"] == ["table"] and chart["caption"][0].strip(), chart
    assert_axe_clean(page)
