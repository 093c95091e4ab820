"""Accessibility checks for the browser tests (WCAG 2.1 AA, which GB/T 37668-2019 follows;
what the app promises is in docs/accessibility.md).

``with_axe(page)``
    Puts the vendored axe-core (tests/browser/vendor/axe.min.js) into every document the
    page's context loads from now on. Call it before the first navigation you scan.
``axe_violations(page)`` / ``assert_axe_clean(page)``
    Runs axe with the WCAG 2.0 and 2.1 A and AA rules only (``WCAG_TAGS``) and lists, or
    fails on, what it finds.
``page_problems(page)``
    What axe does not check: ``lang`` is zh-Hans or en, the first focusable element is a
    skip link to ``<main id="main">``, the page has a header, a navigation and one main,
    the title is not doubled.
``text_zoom_problems(page)``
    Text at 200 % (the root font size doubled, as a browser's text-size setting does)
    still fits the layout viewport without sideways scrolling.
``focus_indicator(page)``
    The element that has focus, and whether a focus ring (outline or box-shadow) shows.
``crawl(page, seeds=..., visit=...)``
    From the home page, follows the links a signed-in user sees, once per route (see
    ``crawl``), and calls ``visit`` on each page. New pages are covered without extra
    work: a link in the navigation, or on a page that is reached, is enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import OVERFLOW_JS

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def with_axe(page):
    """axe-core in every document of this page's context, before the page's own scripts.

    Not ``page.add_script_tag``: the app's Content-Security-Policy (scripts from 'self'
    or with the response's nonce) blocks the inline script that it inserts, and a context
    with ``bypass_csp`` would blind the guard that reports CSP violations. An init script
    is run by the browser itself, which the CSP does not govern."""
    page.context.add_init_script(path=str(AXE_JS))
    return page


RUN_AXE_JS = """async (tags) => {
  if (typeof window.axe === "undefined") { return null; }
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 4).map((n) => ({
      target: n.target.join(" "), html: n.html.slice(0, 180),
      summary: (n.failureSummary || "").split("\\n").slice(0, 3).join(" "),
    })),
  }));
}"""


def axe_violations(page) -> list[dict]:
    found = page.evaluate(RUN_AXE_JS, WCAG_TAGS)
    assert found is not None, f"axe-core is not loaded on {page.url}: call with_axe(page) first"
    return found


def describe(violations: Iterable[dict]) -> list[str]:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}, {v['count']} elements): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {node['target']}  {node['html']}")
            if node["summary"]:
                lines.append(f"      {node['summary']}")
    return lines


def assert_axe_clean(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url} fails WCAG 2.1 A/AA:\n" + "\n".join(describe(violations))


PAGE_JS = """() => {
  const focusable = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const first = document.querySelector(focusable);
  const main = document.querySelectorAll("main");
  return {
    lang: document.documentElement.getAttribute("lang") || "",
    title: document.title,
    firstFocusable: first ? first.outerHTML.slice(0, 120) : "",
    skipLink: !!first && first.matches("a[href='#main']"),
    mains: main.length,
    mainId: main.length ? main[0].id : "",
    headers: document.querySelectorAll("header").length,
    navs: document.querySelectorAll("nav").length,
  };
}"""


def page_problems(page, *, signed_in: bool = True) -> list[str]:
    """Signed out (the sign-in page), there is no navigation to have."""
    facts = page.evaluate(PAGE_JS)
    problems = []
    if facts["lang"] not in ("zh-hans", "zh-Hans", "en"):
        problems.append(f"<html lang={facts['lang']!r}>, not zh-Hans or en")
    if not facts["skipLink"]:
        problems.append(
            f"the first focusable element is not a skip link to #main: {facts['firstFocusable']}"
        )
    if facts["mains"] != 1 or facts["mainId"] != "main":
        problems.append(f"{facts['mains']} <main> elements (id={facts['mainId']!r}), not one")
    if not facts["headers"] or (signed_in and not facts["navs"]):
        problems.append("no <header> or no <nav> landmark")
    parts = [p.strip() for p in facts["title"].split("·")]
    if not facts["title"].strip() or len(parts) != len(set(parts)):
        problems.append(f"title {facts['title']!r} is empty or repeats itself")
    return problems


ZOOM_JS = """(size) => {
  document.documentElement.style.fontSize = size;
  return parseFloat(getComputedStyle(document.body).fontSize);
}"""


def text_zoom_problems(page, percent: int = 200) -> list[str]:
    """Doubles the root font size through the CSSOM (allowed under the CSP, unlike a
    style attribute), measures, and puts it back."""
    base = page.evaluate(ZOOM_JS, "")
    try:
        zoomed = page.evaluate(ZOOM_JS, f"{percent}%")
        if zoomed < base * percent / 100 - 0.5:
            return [f"body text does not follow the root font size ({base}px → {zoomed}px)"]
        result = page.evaluate(OVERFLOW_JS)
        if result["scrollWidth"] > result["layoutWidth"]:
            return [
                f"at {percent}% text the page scrolls sideways: scrollWidth "
                f"{result['scrollWidth']} > {result['layoutWidth']}; {result['culprits']}"
            ]
        return []
    finally:
        page.evaluate(ZOOM_JS, "")


FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const shows = (node) => {
    const s = getComputedStyle(node);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
    return outline || (s.boxShadow && s.boxShadow !== "none");
  };
  const r = el.getBoundingClientRect();
  const hidden = r.width <= 1 || r.height <= 1 || getComputedStyle(el).opacity === "0";
  // A visually hidden control (the photo input) shows its focus on its label.
  const drawn = hidden ? [...(el.labels || [])] : [el];
  const box = drawn.length ? drawn[0].getBoundingClientRect() : r;
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", id: el.id,
    text: (el.innerText || el.value || el.name || "").trim().slice(0, 30),
    ring: drawn.some(shows),
    visible: box.width > 1 && box.height > 1 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def focus_indicator(page) -> dict | None:
    return page.evaluate(FOCUS_JS)


# --- the crawl ------------------------------------------------------------------------

SKIP_PREFIXES = ("/admin/", "/api/", "/i18n/", "/__")
SKIP_ROUTES = {"logout", "set_language", "healthz"}

LINKS_JS = """() => [...document.querySelectorAll("a[href]")]
  .filter((a) => !a.hasAttribute("download")).map((a) => a.href)"""


@dataclass
class Visit:
    path: str
    route: str
    title: str


def route_of(path: str) -> str | None:
    """The URL pattern's name (``hazard-detail``, ``inspections:item``) or None for a path
    that is not a page of ours."""
    if path.startswith(SKIP_PREFIXES) or path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    return None if name in SKIP_ROUTES else name


def crawl(
    page,
    *,
    seeds: Iterable[str] = (),
    visit: Callable[[object, Visit], None],
    limit: int = 60,
) -> list[Visit]:
    """Breadth-first from ``/`` and the ``seeds`` (paths always visited: a form that only
    a particular object shows). From each page, the first link to each route not seen
    yet is followed, so every kind of page is scanned once however many rows a list has,
    and a new page is reached as soon as any page links to it. Links to other hosts, the
    admin, the API, static files and downloads are left alone; a link that answers with
    anything other than an HTML page of status 200 is a failure (a user could follow it).
    """
    origin = urlsplit(page.url)
    queue = ["/", *seeds]
    queued = set(queue)
    routes = {route_of(p) for p in queue}
    visits: list[Visit] = []
    while queue:
        path = queue.pop(0)
        assert len(visits) < limit, f"the crawl passed {limit} pages: raise the limit"
        try:
            response = page.goto(path)
        except PlaywrightError as exc:  # a download (a PDF, a spreadsheet), not a page
            if "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc):
                continue
            raise
        assert response is not None and response.status == 200, (
            f"{path} answered {response.status if response else 'nothing'}"
        )
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        here = urlsplit(page.url)
        current = here.path + (f"?{here.query}" if here.query else "")
        this = Visit(path=current, route=route_of(here.path) or path, title=page.title())
        visits.append(this)
        for href in page.evaluate(LINKS_JS):
            parts = urlsplit(href)
            if parts.netloc != origin.netloc:
                continue
            route = route_of(parts.path)
            if route is None or route in routes:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in queued:
                routes.add(route)
                queued.add(target)
                queue.append(target)
        visit(page, this)
    return visits
