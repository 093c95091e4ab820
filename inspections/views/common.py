"""Helpers shared by the inspector's pages: the role gate, lookups in scope, the
refusal messages and the people pickers."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import User
from accounts.selectors import leaders_near, responsible_people
from config.errors import InvalidTransition
from enterprises.models import Enterprise

from ..models import (
    Inspection,
)

SEARCH_LIMIT = 20


def inspector_required(view):
    """Pages of the inspections function (``inspections.view``); other roles get 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        policy.require_role("inspections.view", request.user)
        return view(request, *args, **kwargs)

    return wrapper


def _detail_url(inspection_pk: int, anchor: str = "") -> str:
    url = reverse("inspections:detail", kwargs={"pk": inspection_pk})
    return f"{url}#{anchor}" if anchor else url


def _visible(user):
    return Inspection.objects.visible_to(user)


def _get_inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_object_or_404(
        _visible(request.user)
        .select_related("enterprise", "enterprise__township", "template", "campaign", "original")
        .prefetch_related("inspectors", "campaign__sectors", "campaign__townships"),
        pk=pk,
    )


def _people(enterprise: Enterprise) -> tuple[list[User], list[User]]:
    """The enterprise's own users (responsible person) and the leaders, this
    enterprise's and its township's first. Loaded once per page."""
    persons = list(responsible_people(enterprise))
    leaders = list(leaders_near(enterprise))
    for leader in leaders:
        leader.is_local = leader.near < 2
    return persons, leaders


def _refuse(request: HttpRequest, exc: InvalidTransition, inspection_pk: int, anchor: str = ""):
    messages.error(request, exc.message)
    return redirect(_detail_url(inspection_pk, anchor))


def _refused(request: HttpRequest, step: str, inspection: Inspection, anchor: str = ""):
    """The policy's refusal of ``step`` as a message on the inspection's page, or None
    when the step is allowed."""
    verdict = policy.decide(step, request.user, inspection)
    if verdict:
        return None
    messages.error(request, verdict.reason)
    return redirect(_detail_url(inspection.pk, anchor))


def _photo_hint(request: HttpRequest, form) -> None:
    """File inputs cannot be refilled: say so when a refused form carried photos."""
    if any(key.endswith("photos") for key in request.FILES) and "photos" not in form.errors:
        form.add_error("photos", _("表单有误，照片尚未保存，请重新选择照片。"))
