"""Sign-in and the notifications inbox. (Each role's home page reads the ledger, so it
lives above the domains: dashboard/home.py.)"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .models import Notification


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
