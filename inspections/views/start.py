"""My inspections, and starting one at an enterprise."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.selectors import colleagues_of
from config.errors import InvalidTransition
from enterprises.models import Enterprise
from hazards.models import State, local_today

from ..forms import StartForm
from ..models import (
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionKind,
    InspectionStatus,
)
from .common import (
    SEARCH_LIMIT,
    _detail_url,
    _visible,
    inspector_required,
)

# --- my inspections --------------------------------------------------------------------


@inspector_required
@require_safe
def inspection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = Inspection.inspectors.through.objects.filter(user_id=user.pk).values("inspection_id")
    inspections = (
        _visible(user)
        .filter(Q(pk__in=mine) | Q(created_by=user))
        .select_related("enterprise", "campaign")
        .annotate(
            items_total=Count("items", distinct=True),
            items_recorded=Count("items", filter=~Q(items__result=""), distinct=True),
            hazards_found=Count("hazards", filter=~Q(hazards__state=State.VOIDED), distinct=True),
            draft_first=Case(
                When(status=InspectionStatus.DRAFT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("draft_first", "-inspected_on", "-pk")
    )
    page = Paginator(inspections, 20).get_page(request.GET.get("page"))
    return render(request, "inspections/list.html", {"page": page})


# --- starting one ----------------------------------------------------------------------


@inspector_required
def start_search(request: HttpRequest) -> HttpResponse:
    """Step 1: find the enterprise, by name or unified social credit code, in scope."""
    user = request.user
    q = (request.GET.get("q") or "").strip()[:64]
    enterprises = Enterprise.objects.visible_to(user).select_related("township")
    results = None
    if q:
        results = list(
            enterprises.filter(
                Q(name__icontains=q) | Q(credit_code__istartswith=q.upper())
            ).order_by("name")[: SEARCH_LIMIT + 1]
        )
    recent_ids = (
        _visible(user)
        .filter(created_by=user)
        .order_by("-created_at")
        .values_list("enterprise_id", flat=True)[:30]
    )
    recent_ids = list(dict.fromkeys(recent_ids))[:5]
    recent = sorted(enterprises.filter(pk__in=recent_ids), key=lambda e: recent_ids.index(e.pk))
    return render(
        request,
        "inspections/start_search.html",
        {
            "q": q,
            "results": results[:SEARCH_LIMIT] if results is not None else None,
            "more": results is not None and len(results) > SEARCH_LIMIT,
            "recent": recent,
        },
    )


@inspector_required
def start(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    """Step 2: kind, date, checklist, co-inspectors, campaign (and the original for 复查)."""
    user = request.user
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(user).select_related("township", "supervising_department"),
        pk=enterprise_pk,
    )
    templates = ChecklistTemplate.objects.active().order_by("industry", "name")
    default_template = templates.for_enterprise(enterprise).first()
    colleagues = colleagues_of(user)
    today = local_today()
    campaigns = Campaign.objects.filter(ends_on__gte=today - dt.timedelta(days=30)).order_by(
        "-starts_on", "-pk"
    )
    originals = (
        _visible(user)
        .filter(enterprise=enterprise, status=InspectionStatus.FINALIZED)
        .exclude(notice_number="")
        .order_by("-inspected_on", "-pk")
    )
    form = StartForm(
        request.POST or None,
        templates=templates,
        colleagues=colleagues,
        campaigns=campaigns,
        originals=originals,
        default_template=default_template,
        initial=_start_initial(request, originals) if request.method == "GET" else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        try:
            inspection = Inspection.start(
                by=user,
                enterprise=enterprise,
                kind=kind,
                inspectors=[user, *data["co_inspectors"]],
                inspected_on=data["inspected_on"],
                template=data["template"] if kind != InspectionKind.FOLLOW_UP else None,
                campaign=data["campaign"],
                original=data["original"] if kind == InspectionKind.FOLLOW_UP else None,
            )
        except ValidationError as exc:
            form.add_model_errors(_aliased(exc, {"inspectors": "co_inspectors"}))
        except InvalidTransition as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已开始检查：%(name)s。") % {"name": enterprise.name},
            )
            for warning in inspection.warnings():
                messages.warning(request, warning)
            return redirect(_detail_url(inspection.pk))
    return render(
        request,
        "inspections/start.html",
        {"enterprise": enterprise, "form": form, "has_originals": originals.exists()},
    )


def _start_initial(request: HttpRequest, originals) -> dict:
    """``?kind=follow_up&original=<id>``: the 发起复查 button of a finalized inspection."""
    initial: dict = {}
    kind = request.GET.get("kind")
    if kind in InspectionKind.values:
        initial["kind"] = kind
    original = request.GET.get("original", "")
    if original.isdigit() and originals.filter(pk=original).exists():
        initial["original"] = int(original)
    return initial


def _aliased(exc: ValidationError, aliases: dict[str, str]) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({aliases.get(k, k): v for k, v in exc.message_dict.items()})
