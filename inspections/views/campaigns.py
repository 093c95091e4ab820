"""Campaigns, read-only here (the bureau maintains them in the admin and the API)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from hazards.models import State, local_today

from ..models import (
    PROGRESS_FIELDS,
    Campaign,
)
from .common import (
    _visible,
    inspector_required,
)

# --- campaigns (read-only here; the bureau maintains them) ------------------------------


def _with_rate(campaign: Campaign) -> Campaign:
    found = campaign.hazards_found
    campaign.remediation_rate = round(100 * campaign.hazards_remediated / found) if found else None
    total = campaign.enterprises_total
    campaign.coverage_rate = round(100 * campaign.enterprises_inspected / total) if total else None
    return campaign


@inspector_required
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.with_progress(user=request.user).order_by("-starts_on", "-pk")
    page = Paginator(campaigns, 20).get_page(request.GET.get("page"))
    for campaign in page.object_list:
        _with_rate(campaign)
    return render(request, "inspections/campaign_list.html", {"page": page, "today": local_today()})


@inspector_required
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.with_progress(user=request.user).prefetch_related("sectors", "townships"),
        pk=pk,
    )
    _with_rate(campaign)
    inspections = (
        _visible(request.user)
        .filter(campaign=campaign)
        .select_related("enterprise")
        .annotate(
            hazards_found=Count("hazards", filter=~Q(hazards__state=State.VOIDED), distinct=True)
        )
        .order_by("-inspected_on", "-pk")
    )
    page = Paginator(inspections, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "page": page,
            "progress": {f: getattr(campaign, f) for f in PROGRESS_FIELDS},
            "today": local_today(),
        },
    )
