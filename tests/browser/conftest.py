"""Browser tests: real Chromium (Debian's ``/usr/bin/chromium``; Playwright's own
browser download does not work here) driven by Playwright's sync API against
pytest-django's ``live_server``.

Run them with::

    APP_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -q -p no:warnings tests/browser

Every browser test module starts with::

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

(the live server runs in another thread, so test data must be committed).
Without Chromium at ``CHROMIUM`` the tests are skipped locally and fail in CI
(``REQUIRE_SERVICES=1``).

Fixtures, for this folder and for later end-to-end scenarios:

``pages``
    A factory of fresh, isolated pages (one browser context each)::

        page = pages.phone()        # 375×812, touch, Chinese UI
        page = pages.desktop()      # 1280×800
        page = pages.new(width=768, height=1024)

    Each page is watched by the ``guard`` from its first request. At the end of
    the test the guard fails the test on any console error, uncaught page
    error, CSP violation, or request to a host other than the live server.
``phone_page`` / ``desktop_page``
    One page of each size, from ``pages``.
``guard``
    The recorder behind every page. ``guard.allow_console("substring")`` lets an
    expected console error through (e.g. a 404 page the test asks for on
    purpose); ``guard.problems()`` lists what was recorded so far;
    ``guard.check()`` fails now instead of at teardown; ``guard.reset()``
    forgets (tests/browser/test_harness.py shows that the guard does catch each
    kind of problem).
``url(path)``
    The live server's absolute URL for a path: ``page.goto(url("/hazards/"))``.
``login(page, user, *, password=PASSWORD, via_form=True)``
    Sign in through the login page (the real form, CSRF and all), or, with
    ``via_form=False``, by putting a fresh session cookie in the context (fast,
    for tests about something else). Returns the page, now on the home page.
``screenshot(page, name)``
    Writes ``test-artifacts/screenshots/<name>-phone.png`` (or ``-desktop``, by
    the page's width), full page. The folder is git-ignored; CI keeps it as
    an artifact.
``assert_no_horizontal_overflow(page)``
    ``document.documentElement.scrollWidth`` is at most the layout viewport's
    width (``clientWidth``; see OVERFLOW_JS for why not ``innerWidth``); on
    failure it names the elements that stick out.
``assert_touch_targets(page, minimum=44)``
    Every visible button, ``.btn``, input, select, textarea, ``summary``, nav link
    and choice label is at least ``minimum`` CSS pixels high.
``jpeg(name="photo.jpg")``
    Writes a small JPEG (Pillow) into the test's tmp dir and returns its path,
    for ``locator.set_input_files(path)``.

Users come from the ``world`` fixture of tests/conftest.py; every factory user's
password is ``PASSWORD``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.support.factories import PASSWORD
from tests.support.files import jpeg_file

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# Reports CSP violations both into window.__csp (for a look from the test) and, at
# once, to Python through an exposed binding, so that a violation on a page the
# test has since navigated away from is not lost.


def _serialize_live_server_on_sqlite() -> None:
    """With SQLite the live server shares the test's in-memory connection with every
    request thread; a page's parallel requests (its photos) then interleave on one
    connection and one of them intermittently sees no session (a 403). One request at
    a time fixes that. PostgreSQL (CI) keeps Django's threaded server."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test import testcases

    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override

    testcases.LiveServerThread.server_class = SerialWSGIServer


_serialize_live_server_on_sqlite()

CSP_INIT_SCRIPT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var v = {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
           line: e.lineNumber, sample: e.sample};
  window.__csp.push(v);
  if (window.__reportCsp) { window.__reportCsp(JSON.stringify(v)); }
});
"""


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    for item in items:
        if item.get_closest_marker("browser"):
            if required:
                raise pytest.UsageError(f"{item.nodeid} needs Chromium at {CHROMIUM}")
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}"))


class Guard:
    """Records what must never happen on a page of ours."""

    def __init__(self, origin: str):
        self.origin = origin
        self.netloc = urlsplit(origin).netloc
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.csp: list[str] = []
        self.offsite: list[str] = []
        self._allowed: list[str] = []
        self._pages: list = []

    def allow_console(self, substring: str) -> None:
        self._allowed.append(substring)

    def reset(self) -> None:
        """Forget what was recorded so far (for tests of the guard itself)."""
        self.collect()
        self.console.clear()
        self.page_errors.clear()
        self.csp.clear()
        self.offsite.clear()
        for page in self._pages:
            try:
                if not page.is_closed():
                    page.evaluate("() => { window.__csp = []; }")
            except Exception:
                pass

    def watch(self, context, page) -> None:
        self._pages.append(page)
        context.add_init_script(CSP_INIT_SCRIPT)
        context.expose_binding("__reportCsp", lambda source, data: self.csp.append(data))
        context.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _on_request(self, request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != self.netloc:
            self.offsite.append(f"{request.method} {request.url}")

    def _on_console(self, msg) -> None:
        text = msg.text
        if "Content Security Policy" in text:
            self.csp.append(text)
            return
        if msg.type == "error" and not any(a in text for a in self._allowed):
            location = msg.location or {}
            self.console.append(
                f"{text} ({location.get('url', '')}:{location.get('lineNumber', '')})"
            )

    def collect(self) -> None:
        """Read window.__csp of the pages still open (belt and braces)."""
        for page in self._pages:
            try:
                if page.is_closed():
                    continue
                for v in page.evaluate("() => window.__csp || []"):
                    text = repr(v)
                    if not any(text in seen or seen in text for seen in self.csp):
                        self.csp.append(text)
            except Exception:
                pass

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"CSP violation: {m}" for m in self.csp]
            + [f"request to another host: {m}" for m in self.offsite]
        )

    def check(self) -> None:
        self.collect()
        found = self.problems()
        if found:
            pytest.fail("The browser saw problems:\n  " + "\n  ".join(found), pytrace=False)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def url(live_server):
    def make(path: str = "/") -> str:
        return live_server.url + path

    return make


@pytest.fixture
def guard(live_server):
    return Guard(live_server.url)


class Pages:
    def __init__(self, browser, guard: Guard, base_url: str):
        self.browser = browser
        self.guard = guard
        self.base_url = base_url
        self.contexts: list = []

    def new(self, *, width: int, height: int, mobile: bool = False):
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=2 if mobile else 1,
            is_mobile=mobile,
            has_touch=mobile,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            base_url=self.base_url,
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        self.guard.watch(context, page)
        self.contexts.append(context)
        return page

    def phone(self):
        return self.new(**PHONE, mobile=True)

    def desktop(self):
        return self.new(**DESKTOP)

    def close(self) -> None:
        for context in self.contexts:
            try:
                context.close()
            except Exception:
                pass


@pytest.fixture
def pages(browser, guard, live_server):
    pages = Pages(browser, guard, live_server.url)
    yield pages
    guard.collect()
    pages.close()
    guard.check()


@pytest.fixture
def phone_page(pages):
    return pages.phone()


@pytest.fixture
def desktop_page(pages):
    return pages.desktop()


@pytest.fixture
def login(url):
    from django.conf import settings
    from django.test import Client

    def do(page, user, *, password: str = PASSWORD, via_form: bool = True):
        if via_form:
            page.goto(url("/login/"))
            page.fill("#id_username", user.username)
            page.fill("#id_password", password)
            with page.expect_navigation():
                page.click("form button[type=submit]")
            assert "/login/" not in page.url, f"login as {user.username} failed"
            return page
        client = Client()
        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": url("/"),
                }
            ]
        )
        page.goto(url("/"))
        return page

    return do


def _kind(page) -> str:
    return "phone" if (page.viewport_size or DESKTOP)["width"] < 600 else "desktop"


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
        path = SCREENSHOTS / f"{safe}-{_kind(page)}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError:
            # Screenshots are review artifacts, not assertions: a very tall page on a
            # busy machine can make Chromium refuse the full-page capture. Take the
            # viewport instead rather than failing the test over a picture.
            page.screenshot(path=str(path), full_page=False)
        return path

    return take


# Not window.innerWidth: in a mobile context Chromium zooms out to fit wide content,
# and innerWidth grows with it (608 for a 600-px-wide box at 375), so that check would
# never fail on a phone. clientWidth is the layout viewport: 375.
OVERFLOW_JS = """() => {
  const w = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > w) {
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 0.5 && r.width > 0) {
        out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
                 + " right=" + Math.round(r.right));
      }
      if (out.length > 8) break;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, layoutWidth: w, culprits: out};
}"""


def assert_no_horizontal_overflow(page) -> None:
    result = page.evaluate(OVERFLOW_JS)
    assert result["scrollWidth"] <= result["layoutWidth"], (
        f"{page.url} scrolls sideways: scrollWidth {result['scrollWidth']} > "
        f"{result['layoutWidth']}; sticking out: {result['culprits']}"
    )


TOUCH_JS = """(minimum) => {
  const sel = [
    "button", "a.btn", "input:not([type=hidden]):not([type=checkbox]):not([type=radio])",
    "select", "textarea", "summary", ".navstrip a", "fieldset.choices label", ".tabs a", ".photo-pick",
    ".pagination a", ".bell"
  ].join(",");
  const small = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // Not drawn, or drawn invisibly behind its own label (the photo picker's input):
    // the label is the target then, and it is checked as a label.
    if (r.width <= 1 || r.height <= 1 || style.visibility === "hidden" || style.opacity === "0") continue;
    if (r.height + 0.5 < minimum) {
      small.push(el.tagName.toLowerCase() + " '" + (el.innerText || el.name || "").trim().slice(0, 20)
                 + "' h=" + Math.round(r.height));
    }
  }
  return small;
}"""


def assert_touch_targets(page, minimum: int = 44) -> None:
    small = page.evaluate(TOUCH_JS, minimum)
    assert not small, f"{page.url}: touch targets under {minimum}px: {small}"


@pytest.fixture
def jpeg(tmp_path):
    def make(name: str = "photo.jpg", color=(180, 90, 40)) -> str:
        return jpeg_file(tmp_path, name, color=color)

    return make


@pytest.fixture(name="assert_no_horizontal_overflow")
def _overflow_fixture():
    return assert_no_horizontal_overflow


@pytest.fixture(name="assert_touch_targets")
def _touch_fixture():
    return assert_touch_targets
