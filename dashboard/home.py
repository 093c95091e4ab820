"""The home page of each role: "what I must do today", then the lists behind it.

It reads hazards, escalations and inspections, so it lives on the readers' floor
(here) rather than in ``accounts``; the shared reads are the apps' selectors.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import policy
from accounts.models import Role
from config.clock import local_today
from hazards import selectors as hazard_reads
from hazards.models import Escalation, Hazard
from inspections.selectors import drafts_of

HOME_LIST = 8


def _todo(count: int, text: str, url: str, tone: str = "warn") -> dict:
    return {"count": count, "text": text, "url": url, "tone": tone}


def _ledger(query: str = "") -> str:
    return reverse("hazard-list") + (f"?{query}" if query else "")


def _inspector_home(user, today: dt.date) -> dict:
    hazards = Hazard.objects.visible_to(user)
    counts = hazard_reads.open_counts(hazards, today)
    drafts_qs = drafts_of(user)
    drafts = list(
        drafts_qs.select_related("enterprise").order_by("-inspected_on", "-pk")[:HOME_LIST]
    )
    drafts_count = len(drafts) if len(drafts) < HOME_LIST else drafts_qs.count()
    try:
        inspections_url = reverse("inspections:list")
    except NoReverseMatch:  # the inspector's pages are optional for the home page
        inspections_url = ""
    return {
        "counts": counts,
        "todo": [
            _todo(drafts_count, _("份检查尚未定稿"), inspections_url),
            _todo(
                counts["pending"],
                _("条隐患已提交整改，等待复查"),
                _ledger("state=pending_review&ordering=deadline"),
            ),
            _todo(
                counts["overdue"],
                _("条隐患逾期未整改"),
                _ledger("overdue=true&ordering=deadline"),
                "danger",
            ),
        ],
        "drafts": drafts,
        "pending": hazard_reads.awaiting_review(hazards)[:HOME_LIST],
        "overdue": hazard_reads.overdue_by_deadline(hazards, today)[:HOME_LIST],
        "inspections_url": inspections_url,
    }


def _enterprise_home(user, today: dt.date) -> dict:
    hazards = Hazard.objects.visible_to(user)
    counts = hazard_reads.open_counts(hazards, today)
    return {
        "counts": counts,
        "todo": [
            _todo(
                counts["overdue"],
                _("条隐患已逾期，请立即整改并提交"),
                _ledger("overdue=true&ordering=deadline"),
                "danger",
            ),
            _todo(
                counts["due_soon"],
                _("条隐患 3 天内到期"),
                _ledger("state=rectifying&ordering=deadline"),
            ),
        ],
        # Overdue first, then by deadline: what to fix first is at the top.
        "mine": list(hazard_reads.rectifying_overdue_first(hazards)[:50]),
        "pending": hazard_reads.awaiting_review(hazards)[:HOME_LIST],
    }


def _leader_home(user, today: dt.date) -> dict:
    hazards = Hazard.objects.visible_to(user)
    counts = hazard_reads.open_counts(hazards, today)
    escalations = hazard_reads.unresolved_escalations(leader=user)
    Esc = Escalation.EscalationState
    open_escalations = list(
        escalations.filter(state=Esc.OPEN)
        .select_related("hazard__enterprise")
        .order_by("-created_at", "-pk")
    )
    return {
        "counts": counts,
        "todo": [
            _todo(
                len(open_escalations),
                _("件督办等待您签收"),
                reverse("escalation-list"),
                "danger",
            ),
            _todo(
                counts["overdue"],
                _("条您负责或辖区内的隐患逾期未整改"),
                _ledger("overdue=true&ordering=deadline"),
            ),
        ],
        "open_escalations": open_escalations,
        "acknowledged": escalations.filter(state=Esc.ACKNOWLEDGED).count(),
    }


def _bureau_home(user, today: dt.date) -> dict:
    hazards = Hazard.objects.visible_to(user)
    counts = hazard_reads.open_counts(hazards, today)
    unresolved = hazard_reads.unresolved_escalations()
    esc_count = unresolved.count()
    kpis = [
        (_("未销号隐患"), counts["open"], _ledger("state=open"), ""),
        (_("逾期未整改"), counts["overdue"], _ledger("overdue=true&ordering=deadline"), "danger"),
        (_("待复查"), counts["pending"], _ledger("state=pending_review&ordering=deadline"), "info"),
        (_("重大隐患（未销号）"), counts["major"], _ledger("level=major&state=open"), "warn"),
        (_("未处理督办"), esc_count, reverse("escalation-list"), "danger"),
    ]
    return {
        "counts": counts,
        "kpis": kpis,
        "todo": [
            _todo(
                esc_count,
                _("件升级督办待追责处理"),
                reverse("escalation-list"),
                "danger",
            ),
            _todo(
                counts["pending"],
                _("条隐患等待复查"),
                _ledger("state=pending_review&ordering=deadline"),
            ),
            _todo(
                counts["overdue"],
                _("条隐患逾期未整改"),
                _ledger("overdue=true&ordering=deadline"),
            ),
        ],
        "escalations": unresolved.select_related("hazard__enterprise", "leader").order_by(
            "-created_at", "-pk"
        )[:HOME_LIST],
        "pending": hazard_reads.awaiting_review(hazards)[:HOME_LIST],
    }


HOMES = {
    Role.INSPECTOR: _inspector_home,
    Role.ENTERPRISE: _enterprise_home,
    Role.LEADER: _leader_home,
    Role.BUREAU: _bureau_home,
}


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The role's home page: what this person must do today, then the lists behind it."""
    user = request.user
    # A superuser counts as bureau (the policy says so once).
    role = Role.BUREAU if policy.is_bureau(user) else user.role
    today = local_today()
    context = HOMES[role](user, today) if role in HOMES else {"todo": []}
    context["todo"] = [item for item in context["todo"] if item["count"]]
    context.update({"today": today, "role_template": f"home/{role}.html"})
    return render(request, "home.html", context)
