"""The inspector's pages (docs/workflows.md, "The inspection workflow"): my inspections, start one at an enterprise,
walk its checklist on a phone, log free hazards, finalize and print the notice,
follow-up visits, and campaigns (read-only).

Views parse input with the forms in ``forms.py`` and write only through the model
transitions; ``InvalidTransition`` becomes a message, a model ``ValidationError``
becomes errors next to the field. Every lookup goes through ``visible_to``: an
inspection out of scope is a 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Role, User
from config.errors import InvalidTransition
from enterprises.models import Enterprise
from hazards.models import Evidence, Hazard, State, local_today

from .forms import FinalizeForm, FollowUpForm, FreeHazardForm, ItemResultForm, StartForm
from .models import (
    PROGRESS_FIELDS,
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionStatus,
    ItemResult,
    ReviewResult,
)
from .services import log_hazard

SEARCH_LIMIT = 20


def inspector_required(view):
    """Pages for inspectors and the bureau; anyone else is refused (403)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (user.is_superuser or user.role in (Role.INSPECTOR, Role.BUREAU)):
            raise PermissionDenied(_("只有检查员或安监局可以使用检查功能。"))
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
    persons = list(
        User.objects.filter(role=Role.ENTERPRISE, enterprise=enterprise, is_active=True).order_by(
            "display_name", "username"
        )
    )
    leaders = list(
        User.objects.filter(role=Role.LEADER, is_active=True)
        .annotate(
            rank=Case(
                When(enterprise_id=enterprise.pk, then=Value(0)),
                When(township_id=enterprise.township_id, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "display_name", "username")
    )
    for leader in leaders:
        leader.is_local = leader.rank < 2
    return persons, leaders


def _refuse(request: HttpRequest, exc: InvalidTransition, inspection_pk: int, anchor: str = ""):
    messages.error(request, exc.message)
    return redirect(_detail_url(inspection_pk, anchor))


def _refuse_finalized(request: HttpRequest, inspection: Inspection):
    messages.error(request, _("检查已定稿，不能修改；如需更正，请通过隐患整改流程办理。"))
    return redirect(_detail_url(inspection.pk))


def _photo_hint(request: HttpRequest, form) -> None:
    """File inputs cannot be refilled: say so when a refused form carried photos."""
    if any(key.endswith("photos") for key in request.FILES) and "photos" not in form.errors:
        form.add_error("photos", _("表单有误，照片尚未保存，请重新选择照片。"))


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
    colleagues = (
        User.objects.filter(role__in=(Role.INSPECTOR, Role.BUREAU), is_active=True)
        .exclude(pk=user.pk)
        .select_related("department")
        .annotate(
            same=Case(
                When(department_id=user.department_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("same", "display_name", "username")
    )
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
    if request.method == "POST" and not inspection.is_draft:
        return _refuse_finalized(request, inspection)
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
    if not inspection.is_draft:
        return _refuse_finalized(request, inspection)
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
    if not inspection.is_draft:
        messages.error(request, _("该检查已定稿，不能重复定稿。"))
        return redirect(_detail_url(inspection.pk))
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
    if request.method == "POST" and not inspection.is_draft:
        return _refuse_finalized(request, inspection)
    if not inspection.is_draft:
        return redirect(_detail_url(inspection.pk, anchor))
    if hazard.follow_up_result:
        messages.error(request, _("本次复查已记录该隐患的复查结果，不能重复复查。"))
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
