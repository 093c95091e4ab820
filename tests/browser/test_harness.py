"""The harness catches what it promises to: a CSP violation, a request to another
host, a console error, sideways scrolling and small touch targets. Without this,
a guard that silently records nothing would let every browser test pass."""

import pytest

from tests.browser.conftest import assert_no_horizontal_overflow, assert_touch_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_guard_records_csp_violations(world, pages, login, guard):
    page = login(pages.phone(), world.user_a, via_form=False)
    assert guard.problems() == []
    # Markup with an inline style attribute and an inline script: both refused by the CSP.
    page.evaluate(
        """() => {
        const div = document.createElement("div");
        div.setAttribute("style", "color: red");
        document.body.appendChild(div);
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
    }"""
    )
    page.wait_for_function("() => window.__csp.length >= 2")
    assert page.evaluate("() => window.__ran") is None
    problems = guard.problems()
    assert any("CSP violation" in p and "style-src" in p for p in problems), problems
    assert any("CSP violation" in p and "script-src" in p for p in problems), problems
    guard.reset()


def test_guard_records_requests_to_other_hosts_and_console_errors(world, pages, url, guard):
    page = pages.phone()
    page.goto(url("/login/"))
    other = url("/login/").replace("localhost", "127.0.0.1")
    page.goto(other)
    page.evaluate("() => console.error('boom')")
    problems = guard.problems()
    assert any("request to another host" in p and "127.0.0.1" in p for p in problems), problems
    assert any("console error: boom" in p for p in problems), problems
    guard.reset()


def test_overflow_and_touch_target_checks_fail_when_they_should(world, pages, url):
    page = pages.phone()
    page.goto(url("/login/"))
    assert_no_horizontal_overflow(page)
    assert_touch_targets(page)
    page.evaluate(
        """() => {
        const wide = document.createElement("div");
        wide.style.width = "600px";
        wide.style.height = "10px";
        document.body.appendChild(wide);
        const tiny = document.createElement("button");
        tiny.textContent = "x";
        tiny.style.minHeight = "0";
        tiny.style.height = "20px";
        tiny.style.padding = "0";
        document.body.appendChild(tiny);
    }"""
    )
    with pytest.raises(AssertionError, match="scrolls sideways"):
        assert_no_horizontal_overflow(page)
    with pytest.raises(AssertionError, match="touch targets under 44px"):
        assert_touch_targets(page)
