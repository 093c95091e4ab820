"""Ledger links under the dashboard's numbers: ``/hazards/?<dashboard filters + the
figure's own parameters>``, so the ledger lists exactly the hazards a number counts.

Every countable figure is defined by a set of ledger filter parameters (the
``HazardFilter`` names: ``state``, ``level``, ``township``, ``department``,
``industry``, ``enterprise``, ``overdue``, ``escalated``, ``created_after``,
``created_before``).
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.urls import NoReverseMatch, get_resolver, get_urlconf, reverse

from hazards.choices import Level, State

# HazardFilter's pseudo-state for "rectifying or pending review" (未销号).
OPEN = "open"

NOT_VOIDED = [State.RECTIFYING.value, State.PENDING_REVIEW.value, State.CLOSED.value]

# The ledger parameters that define each headline figure (on top of the dashboard's own
# filters).
FIGURE_PARAMS: dict[str, dict[str, str | list[str]]] = {
    "total": {},
    "rectifying": {"state": State.RECTIFYING.value},
    "pending_review": {"state": State.PENDING_REVIEW.value},
    "closed": {"state": State.CLOSED.value},
    "voided": {"state": State.VOIDED.value},
    "overdue": {"overdue": "true"},
    "major_open": {"level": Level.MAJOR.value, "state": OPEN},
    "escalations_open": {"escalated": "true", "state": OPEN},
}


@functools.lru_cache(maxsize=8)
def _ledger_prefix(resolver) -> str:
    try:
        return reverse("hazard-list", urlconf=resolver.urlconf_name)
    except NoReverseMatch:  # the browser app is not installed: the documented path
        return "/hazards/"


def ledger_path() -> str:
    """The browser ledger page. Resolved once per URLconf: a dashboard has
    hundreds of links."""
    return _ledger_prefix(get_resolver(get_urlconf()))


def hazard_path(pk: int) -> str:
    return f"{ledger_path()}{pk}/"


def merge_params(base: dict[str, str], extra: dict) -> dict | None:
    """Base filters plus a figure's own parameters; None when they cannot both hold
    (e.g. the dashboard is filtered to general hazards and the figure counts major ones:
    that figure is 0 and no ledger query expresses it)."""
    merged: dict = dict(base)
    for key, value in extra.items():
        if key in ("created_after", "created_before"):
            continue
        if key in merged and merged[key] != value:
            return None
        merged[key] = value
    # Date ranges intersect.
    after = max(
        (v for v in (base.get("created_after"), extra.get("created_after")) if v), default=None
    )
    before = min(
        (v for v in (base.get("created_before"), extra.get("created_before")) if v),
        default=None,
    )
    if after and before and after > before:
        return None
    if after:
        merged["created_after"] = after
    if before:
        merged["created_before"] = before
    return merged


def link(base: dict[str, str], extra: dict, *, prefix: str | None = None) -> str | None:
    merged = merge_params(base, extra)
    if merged is None:
        return None
    query = urlencode(sorted(merged.items()), doseq=True)
    return f"{prefix or ledger_path()}?{query}" if query else (prefix or ledger_path())
