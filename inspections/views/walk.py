"""Walking the checklist: one card per item, free hazards, finalizing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import InvalidTransition
from hazards.models import Evidence, State

from ..forms import FinalizeForm, FreeHazardForm, ItemResultForm
from ..models import (
    Inspection,
    InspectionItem,
    InspectionKind,
    ItemResult,
)
from ..services import log_hazard
from .common import (
    _detail_url,
    _get_inspection,
    _people,
    _photo_hint,
    _refuse,
    _refused,
    inspector_required,
)
from .follow_up import _render_follow_up

# --- walking the checklist -------------------------------------------------------------


def _items(inspection: Inspection) -> list[InspectionItem]:
    return list(
        inspection.items.select_related(
            "hazard", "hazard__responsible_person", "hazard__responsible_leader"
        )
        .prefetch_related(
            Prefetch("hazard__evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
        .order_by("order", "pk")
    )


def _render_walk(
    request: HttpRequest,
    inspection: Inspection,
    *,
    finalize_form: FinalizeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if inspection.kind == InspectionKind.FOLLOW_UP and inspection.original_id:
        return _render_follow_up(request, inspection, finalize_form=finalize_form, status=status)
    items = _items(inspection)
    free_hazards = list(
        inspection.hazards.filter(inspection_items__isnull=True)
        .select_related("responsible_person", "responsible_leader")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    recorded = sum(1 for item in items if item.result)
    draft = inspection.is_draft
    cards = []
    if draft:
        persons, leaders = _people(inspection.enterprise)
        for item in items:
            cards.append((item, ItemResultForm(item=item, persons=persons, leaders=leaders)))
    else:
        cards = [(item, None) for item in items]
    hazards_found = sum(
        1 for item in items if item.hazard_id and item.hazard.state != State.VOIDED
    ) + sum(1 for h in free_hazards if h.state != State.VOIDED)
    context = {
        "inspection": inspection,
        "cards": cards,
        "free_hazards": free_hazards,
        "recorded": recorded,
        "total": len(items),
        "unrecorded": len(items) - recorded,
        "failed": sum(1 for item in items if item.result == ItemResult.FAIL),
        "hazards_found": hazards_found,
        "warnings": inspection.warnings() if draft else [],
        "finalize_form": finalize_form or FinalizeForm(initial={"summary": inspection.summary}),
        "follow_ups": [] if draft else list(inspection.follow_ups.order_by("-inspected_on", "-pk")),
        "notice_url": reverse("api:inspection-notice", kwargs={"pk": inspection.pk})
        if inspection.notice_number
        else "",
    }
    return render(request, "inspections/detail.html", context, status=status)


@inspector_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_walk(request, _get_inspection(request, pk))


def _next_anchor(inspection: Inspection, item: InspectionItem) -> str:
    """Where the inspector goes after recording an item: the next unrecorded one."""
    todo = inspection.items.filter(result="").order_by("order", "pk")
    after = todo.filter(Q(order__gt=item.order) | Q(order=item.order, pk__gt=item.pk)).first()
    nxt = after or todo.first()
    return f"item-{nxt.pk}" if nxt else "finalize"


@inspector_required
def item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """One card on its own page: the no-JS fallback and where its errors are shown."""
    inspection = _get_inspection(request, pk)
    entry = get_object_or_404(
        inspection.items.select_related(
            "hazard", "hazard__responsible_person", "hazard__responsible_leader"
        ).prefetch_related("hazard__evidence"),
        pk=item_pk,
    )
    if request.method == "POST" and (
        refused := _refused(request, "inspections.record_item", inspection)
    ):
        return refused
    if not inspection.is_draft:
        return redirect(_detail_url(inspection.pk, f"item-{entry.pk}"))
    persons, leaders = _people(inspection.enterprise)
    form = ItemResultForm(
        request.POST or None,
        request.FILES or None,
        item=entry,
        persons=persons,
        leaders=leaders,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            result = data["result"]
            try:
                entry = inspection.record_item(
                    by=request.user,
                    item=entry,
                    result=result,
                    remark=data.get("remark") or "",
                    hazard_fields=form.plan_fields()
                    if result == ItemResult.FAIL and not form.has_hazard
                    else None,
                    photos=data.get("photos") or None,
                )
            except InvalidTransition as exc:
                return _refuse(request, exc, inspection.pk, f"item-{entry.pk}")
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                if result == ItemResult.FAIL and entry.hazard_id:
                    messages.success(
                        request,
                        _("%(code)s 不合格，已登记隐患 %(hazard)s。")
                        % {"code": entry.code, "hazard": entry.hazard.code},
                    )
                else:
                    messages.success(
                        request,
                        _("%(code)s：%(result)s。")
                        % {"code": entry.code, "result": _result_label(result)},
                    )
                return redirect(_detail_url(inspection.pk, _next_anchor(inspection, entry)))
        _photo_hint(request, form)
    return render(
        request,
        "inspections/item.html",
        {"inspection": inspection, "item": entry, "form": form, "no_persons": not persons},
    )


def _result_label(result: str) -> str:
    return {
        ItemResult.PASS: _("合格"),
        ItemResult.FAIL: _("不合格"),
        ItemResult.NA: _("不适用"),
    }.get(result, result)


@inspector_required
def hazard_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A free hazard: found on site, not covered by any checklist item."""
    inspection = _get_inspection(request, pk)
    if refused := _refused(request, "inspections.log_hazard", inspection):
        return refused
    persons, leaders = _people(inspection.enterprise)
    form = FreeHazardForm(
        request.POST or None, request.FILES or None, persons=persons, leaders=leaders
    )
    if request.method == "POST":
        if form.is_valid():
            fields = form.hazard_fields()
            try:
                hazard = log_hazard(
                    inspection,
                    by=request.user,
                    before=form.cleaned_data.get("photos") or None,
                    **fields,
                )
            except InvalidTransition as exc:
                return _refuse(request, exc, inspection.pk)
            except ValidationError as exc:
                form.add_model_errors(exc)
            else:
                messages.success(
                    request,
                    _("已登记隐患 %(code)s：%(title)s。")
                    % {"code": hazard.code, "title": hazard.title},
                )
                return redirect(_detail_url(inspection.pk, "hazards"))
        _photo_hint(request, form)
    return render(
        request,
        "inspections/hazard_new.html",
        {"inspection": inspection, "form": form, "no_persons": not persons},
    )


@inspector_required
@require_POST
def finalize(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _get_inspection(request, pk)
    if refused := _refused(request, "inspections.finalize", inspection):
        return refused
    form = FinalizeForm(request.POST)
    if form.is_valid():
        try:
            summary = form.cleaned_data["summary"]
            if summary != inspection.summary:
                inspection.edit(by=request.user, summary=summary)
            inspection.finalize(by=request.user)
        except InvalidTransition as exc:
            return _refuse(request, exc, inspection.pk)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            if inspection.notice_number:
                messages.success(
                    request,
                    _("检查已定稿，责令限期整改指令书文书号：%(number)s。")
                    % {"number": inspection.notice_number},
                )
            else:
                messages.success(request, _("检查已定稿，本次检查未发现隐患。"))
            return redirect(_detail_url(inspection.pk))
    return _render_walk(request, _get_inspection(request, pk), finalize_form=form)
