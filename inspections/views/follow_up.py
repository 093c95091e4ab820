"""Follow-up visits (复查): re-check the original inspection's hazards on site."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.errors import InvalidTransition
from hazards.models import Evidence, Hazard, State

from ..forms import FinalizeForm, FollowUpForm
from ..models import (
    Inspection,
    InspectionKind,
    ReviewResult,
)
from ..policy import ALREADY_CHECKED
from .common import (
    _detail_url,
    _get_inspection,
    _photo_hint,
    _refuse,
    _refused,
    inspector_required,
)

# --- follow-up visits (复查) ------------------------------------------------------------


def _original_hazards(inspection: Inspection):
    return inspection.original_hazards().prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
    )


def _render_follow_up(
    request: HttpRequest,
    inspection: Inspection,
    *,
    finalize_form: FinalizeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    hazards = list(_original_hazards(inspection))
    draft = inspection.is_draft
    rows = []
    for hazard in hazards:
        checkable = draft and hazard.is_open and not hazard.follow_up_result
        rows.append((hazard, FollowUpForm(hazard=hazard) if checkable else None))
    checked = sum(1 for h in hazards if h.follow_up_result)
    context = {
        "inspection": inspection,
        "rows": rows,
        "checked": checked,
        "total": len(hazards),
        "open_total": sum(1 for h in hazards if h.is_open or h.follow_up_result),
        "warnings": inspection.warnings() if draft else [],
        "finalize_form": finalize_form or FinalizeForm(initial={"summary": inspection.summary}),
        "state_labels": dict(State.choices),
        "notice_url": reverse("api:inspection-notice", kwargs={"pk": inspection.pk})
        if inspection.notice_number
        else "",
    }
    return render(request, "inspections/follow_up.html", context, status=status)


@inspector_required
def follow_up_review(request: HttpRequest, pk: int, hazard_pk: int) -> HttpResponse:
    inspection = _get_inspection(request, pk)
    if inspection.kind != InspectionKind.FOLLOW_UP or inspection.original_id is None:
        raise Http404
    hazard = get_object_or_404(
        _original_hazards(inspection).filter(
            pk__in=Hazard.objects.visible_to(request.user).values("pk")
        ),
        pk=hazard_pk,
    )
    anchor = f"hazard-{hazard.pk}"
    if request.method == "POST" and (
        refused := _refused(request, "inspections.follow_up", inspection)
    ):
        return refused
    if not inspection.is_draft:
        return redirect(_detail_url(inspection.pk, anchor))
    if hazard.follow_up_result:
        messages.error(request, ALREADY_CHECKED)
        return redirect(_detail_url(inspection.pk, anchor))
    form = FollowUpForm(request.POST or None, request.FILES or None, hazard=hazard)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            passed = data["result"] == ReviewResult.PASS
            try:
                inspection.record_follow_up(
                    by=request.user,
                    hazard=hazard,
                    passed=passed,
                    comment=data.get("comment") or "",
                    new_deadline=None if passed else data.get("new_deadline"),
                    evidence=data.get("photos") or None,
                )
            except InvalidTransition as exc:
                return _refuse(request, exc, inspection.pk, anchor)
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                if passed:
                    msg = _("%(code)s 复查合格，已销号。")
                else:
                    msg = _("%(code)s 复查不合格，已退回整改并重新确定期限。")
                messages.success(request, msg % {"code": hazard.code})
                return redirect(_detail_url(inspection.pk, anchor))
        _photo_hint(request, form)
    return render(
        request,
        "inspections/follow_up_item.html",
        {
            "inspection": inspection,
            "hazard": hazard,
            "form": form,
            "state_labels": dict(State.choices),
        },
    )
