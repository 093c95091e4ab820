"""Sign-in, the home page of each role ("what I must do today") and the
notifications inbox."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .models import Notification, Role

# "Due soon" on the home pages: the same horizon as the deadline reminders.
DUE_SOON_DAYS = 3
HOME_LIST = 8


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _todo(count: int, text: str, url: str, tone: str = "warn") -> dict:
    return {"count": count, "text": text, "url": url, "tone": tone}


def _ledger(query: str = "") -> str:
    return reverse("hazard-list") + (f"?{query}" if query else "")


def _open_counts(hazards, today: dt.date) -> dict:
    """The open-hazard figures of a home page, in one aggregate over open rows."""
    from hazards.models import Level, State

    return hazards.open().aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(state=State.RECTIFYING, deadline__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(
                state=State.RECTIFYING,
                deadline__gte=today,
                deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            ),
        ),
        pending=Count("pk", filter=Q(state=State.PENDING_REVIEW)),
        major=Count("pk", filter=Q(level=Level.MAJOR)),
    )


def _inspector_home(user, today: dt.date) -> dict:
    from hazards.models import Hazard, State
    from inspections.models import Inspection, InspectionStatus

    hazards = Hazard.objects.visible_to(user)
    counts = _open_counts(hazards, today)
    drafts_qs = (
        Inspection.objects.visible_to(user)
        .filter(status=InspectionStatus.DRAFT)
        .filter(Q(inspectors=user) | Q(created_by=user))
        .distinct()
    )
    drafts = list(
        drafts_qs.select_related("enterprise").order_by("-inspected_on", "-pk")[:HOME_LIST]
    )
    drafts_count = len(drafts) if len(drafts) < HOME_LIST else drafts_qs.count()
    pending = (
        hazards.filter(state=State.PENDING_REVIEW)
        .with_flags()
        .select_related("enterprise")
        .order_by("deadline", "pk")[:HOME_LIST]
    )
    overdue = (
        hazards.overdue(today).with_flags().select_related("enterprise").order_by("deadline", "pk")
    )[:HOME_LIST]
    try:
        inspections_url = reverse("inspections:list")
    except Exception:  # the inspector's pages are optional for the home page
        inspections_url = ""
    return {
        "counts": counts,
        "todo": [
            _todo(
                drafts_count,
                _("份检查尚未定稿"),
                inspections_url,
            ),
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
        "pending": pending,
        "overdue": overdue,
        "inspections_url": inspections_url,
    }


def _enterprise_home(user, today: dt.date) -> dict:
    from hazards.models import Hazard, State

    hazards = Hazard.objects.visible_to(user)
    counts = _open_counts(hazards, today)
    # Overdue first, then by deadline: what to fix first is at the top.
    mine = list(
        hazards.filter(state=State.RECTIFYING)
        .with_flags()
        .select_related("enterprise")
        .order_by("-is_overdue_flag", "deadline", "pk")[:50]
    )
    pending = hazards.filter(state=State.PENDING_REVIEW).with_flags().order_by("deadline", "pk")
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
        "mine": mine,
        "pending": pending[:HOME_LIST],
    }


def _leader_home(user, today: dt.date) -> dict:
    from hazards.models import Escalation, Hazard

    hazards = Hazard.objects.visible_to(user)
    counts = _open_counts(hazards, today)
    Esc = Escalation.EscalationState
    escalations = Escalation.objects.filter(leader=user).exclude(state=Esc.RESOLVED)
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
    from hazards.models import Escalation, Hazard, State

    hazards = Hazard.objects.visible_to(user)
    counts = _open_counts(hazards, today)
    Esc = Escalation.EscalationState
    unresolved = Escalation.objects.exclude(state=Esc.RESOLVED)
    esc_count = unresolved.count()
    pending = (
        hazards.filter(state=State.PENDING_REVIEW)
        .with_flags()
        .select_related("enterprise")
        .order_by("deadline", "pk")[:HOME_LIST]
    )
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
        "pending": pending,
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
    from hazards.models import local_today

    user = request.user
    role = Role.BUREAU if user.is_superuser else user.role
    today = local_today()
    context = HOMES[role](user, today) if role in HOMES else {"todo": []}
    context["todo"] = [item for item in context["todo"] if item["count"]]
    context.update({"today": today, "role_template": f"home/{role}.html"})
    return render(request, "home.html", context)


# --- notifications ---------------------------------------------------------------------


@login_required
@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=request.user)
    show = request.GET.get("show", "all")
    if show == "unread":
        mine = mine.unread()
    page = Paginator(mine.select_related("hazard"), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page, "show": show})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification.mark_read()
    return redirect(_safe_next(request, reverse("notifications")))


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification to its hazard, marking it read on the way."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification.mark_read()
    if notification.hazard_id:
        return redirect("hazard-detail", pk=notification.hazard_id)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    n = Notification.objects.filter(recipient=request.user).unread().update(read_at=timezone.now())
    if n:
        messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": n})
    return redirect(_safe_next(request, reverse("notifications")))
