"""HTML pages of the ledger: the ledger list, a hazard's page with the actions the
user may take, registering a hazard, and the escalations (督办).

Every write calls the model's transition method, exactly as the API does
(docs/architecture.md, "Writes"). A ``ValidationError`` goes back on the form next to its
field; an ``InvalidTransition`` becomes a message on the hazard's page, never a
500. Every lookup goes through the caller's scope, so a hazard out of scope and
a missing one are the same 404.
"""

from __future__ import annotations

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts import policy
from config.errors import InvalidTransition
from enterprises.models import Enterprise

from .filters import HazardFilter
from .forms import (
    AcknowledgeForm,
    EnterpriseSearchForm,
    ExtendForm,
    HazardForm,
    ResolveForm,
    ReviewForm,
    SubmitForm,
    VoidForm,
    add_model_errors,
)
from .models import Escalation, Evidence, Hazard, HazardEvent

PAGE_SIZE = 25

# The ledger's sort choices: the values HazardFilter's ``ordering`` accepts.
SORTS = [
    ("", gettext_lazy("登记时间（最新在前）")),
    ("deadline", gettext_lazy("整改期限（最早在前）")),
    ("-deadline", gettext_lazy("整改期限（最晚在前）")),
    ("created_at", gettext_lazy("登记时间（最早在前）")),
    ("code", gettext_lazy("隐患编号")),
]
# Shown in the ledger's filter panel, in this order; the rest are hidden inputs.
FILTER_FIELDS = (
    "q",
    "state",
    "level",
    "category",
    "overdue",
    "escalated",
    "industry",
    "township",
    "department",
    "deadline_after",
    "deadline_before",
    "created_after",
    "created_before",
)
SCOPE_FIELDS = ("industry", "township", "department")


# --- the ledger -----------------------------------------------------------------------------


def _dress_filter_form(form) -> None:
    """Widgets for people, not for the API: tick boxes for states, date pickers, and
    "全部" for an unset choice. The fields and what they accept stay the FilterSet's."""
    form.fields["state"].widget = django_forms.CheckboxSelectMultiple(
        choices=form.fields["state"].choices
    )
    for field in form.fields.values():
        if isinstance(field, django_forms.DateField):
            field.widget.input_type = "date"
        elif getattr(field, "empty_label", None) is not None:
            field.empty_label = _("全部")
            # The widget holds a copy of the choices bound to the class's field.
            field.widget.choices = field.choices


@login_required
@require_safe
def hazard_list(request: HttpRequest) -> HttpResponse:
    """The ledger in the user's scope, with the API's filters (the same FilterSet),
    so its count equals the dashboard figure that links here."""
    hazards = (
        Hazard.objects.visible_to(request.user)
        .with_flags()
        .select_related("enterprise", "responsible_person")
    )
    filterset = HazardFilter(request.GET, queryset=hazards, request=request)
    form = filterset.form
    _dress_filter_form(form)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))

    shown = [f for f in FILTER_FIELDS if f in form.fields]
    if policy.is_enterprise(request.user):  # one enterprise: nothing to break down
        shown = [f for f in shown if f not in SCOPE_FIELDS]
    active = sum(1 for name in shown if request.GET.getlist(name) not in ([], [""]))
    enterprise = None
    if form.is_valid() and form.cleaned_data.get("enterprise"):
        enterprise = (
            Enterprise.objects.visible_to(request.user)
            .filter(pk=form.cleaned_data["enterprise"])
            .first()
        )
    return render(
        request,
        "hazards/list.html",
        {
            "page": page,
            "form": form,
            "fields": [form[name] for name in shown],
            "hidden": [form[name] for name in ("enterprise", "inspection") if name in form.fields],
            "active_filters": active,
            "enterprise": enterprise,
            "sorts": SORTS,
            "sort": request.GET.get("ordering", ""),
            "can_register": policy.role_allows("hazards.register", request.user),
        },
    )


# --- one hazard ---------------------------------------------------------------------------


def _hazard_or_404(request: HttpRequest, pk: int) -> Hazard:
    return get_object_or_404(
        Hazard.objects.visible_to(request.user)
        .with_flags()
        .select_related(
            "enterprise",
            "township",
            "department",
            "inspection",
            "responsible_person",
            "responsible_leader",
            "created_by",
            "standard_item",
        ),
        pk=pk,
    )


# The hazard page's actions and the policy's steps they take (hazards/policy.py).
HAZARD_STEPS = {
    "submit": "hazards.submit",
    "review": "hazards.review",
    "extend": "hazards.extend",
    "void": "hazards.void",
}


def allowed_actions(user, hazard: Hazard) -> set[str]:
    """The actions offered on the hazard's page: exactly those its transition
    methods would accept from this user now (the same policy answers both)."""
    return policy.allowed(user, hazard, HAZARD_STEPS)


ACTION_FORMS = {
    "submit": SubmitForm,
    "review": ReviewForm,
    "extend": ExtendForm,
    "void": VoidForm,
}


def timeline(hazard: Hazard):
    return (
        HazardEvent.objects.filter(hazard=hazard)
        .select_related("actor")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def _render_detail(
    request: HttpRequest, hazard: Hazard, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    actions = allowed_actions(request.user, hazard)
    may_pass = policy.decide("hazards.pass_review", request.user, hazard).allowed
    action_forms = {}
    for name in actions:
        if bound and name in bound:
            action_forms[name] = bound[name]
        elif name == "review":
            action_forms[name] = ReviewForm(may_pass=may_pass)
        else:
            action_forms[name] = ACTION_FORMS[name]()
    photos = list(Evidence.objects.filter(hazard=hazard).order_by("uploaded_at", "pk"))
    escalations = list(
        Escalation.objects.filter(hazard=hazard).select_related("leader").order_by("round")
    )
    my_escalation = next(
        (
            e
            for e in escalations
            if e.leader_id == request.user.pk and e.state == Escalation.EscalationState.OPEN
        ),
        None,
    )
    return render(
        request,
        "hazards/detail.html",
        {
            "hazard": hazard,
            "events": timeline(hazard),
            "photos": photos,
            "before_photos": [p for p in photos if p.phase == Evidence.Phase.BEFORE],
            "after_photos": [p for p in photos if p.phase == Evidence.Phase.AFTER],
            "review_photos": [p for p in photos if p.phase == Evidence.Phase.REVIEW],
            "escalations": escalations,
            "my_escalation": my_escalation,
            "forms": action_forms,
            "may_pass": may_pass,
            "open_form": next(iter(bound)) if bound else "",
        },
        status=status,
    )


@login_required
@require_safe
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _hazard_or_404(request, pk))


def _act(request: HttpRequest, pk: int, name: str, perform, success: str) -> HttpResponse:
    """Run one action: parse the form, call the transition, and answer like a page.

    ``perform(hazard, form)`` calls the model's transition method. A form that does
    not parse comes back with its errors; an action the hazard's state or the user's
    role does not allow comes back as a message on the hazard's page."""
    # A role that may never take this step: 403, before the hazard is even looked up.
    policy.require_role(HAZARD_STEPS[name], request.user)
    hazard = _hazard_or_404(request, pk)
    form_class = ACTION_FORMS[name]
    kwargs = {}
    if name == "review":
        kwargs["may_pass"] = policy.decide("hazards.pass_review", request.user, hazard).allowed
    form = form_class(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        if name not in allowed_actions(request.user, hazard):
            messages.error(request, _("您当前不能对这条隐患进行此操作。"))
            return redirect("hazard-detail", pk=hazard.pk)
        return _render_detail(request, hazard, bound={name: form})
    try:
        perform(hazard, form.cleaned_data)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("hazard-detail", pk=hazard.pk)
    except ValidationError as exc:
        add_model_errors(form, exc)
        return _render_detail(request, hazard, bound={name: form})
    messages.success(request, success)
    return redirect("hazard-detail", pk=hazard.pk)


@login_required
@require_POST
def hazard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(hazard: Hazard, data: dict) -> None:
        hazard.submit(
            by=request.user, note=data["note"], evidence=data["evidence"], before=data["before"]
        )

    return _act(request, pk, "submit", perform, _("整改情况已提交，等待复查。"))


@login_required
@require_POST
def hazard_review(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(hazard: Hazard, data: dict) -> None:
        hazard.review(
            by=request.user,
            passed=data["result"] == "pass",
            comment=data["comment"],
            new_deadline=data["new_deadline"],
            evidence=data["evidence"],
        )

    return _act(request, pk, "review", perform, _("复查结果已记录。"))


@login_required
@require_POST
def hazard_extend(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(hazard: Hazard, data: dict) -> None:
        hazard.extend(by=request.user, deadline=data["deadline"], reason=data["reason"])

    return _act(request, pk, "extend", perform, _("整改期限已延长。"))


@login_required
@require_POST
def hazard_void(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(hazard: Hazard, data: dict) -> None:
        hazard.void(by=request.user, reason=data["reason"])

    return _act(request, pk, "void", perform, _("隐患已作废。"))


# --- registering a hazard -------------------------------------------------------------------


@login_required
def hazard_new(request: HttpRequest) -> HttpResponse:
    """Register a hazard: an inspector or the bureau picks an enterprise in scope
    first; an enterprise user reports one of its own (自查自报)."""
    user = request.user
    policy.require_role("hazards.register", user)
    if policy.is_enterprise(user):  # 自查自报: always its own enterprise
        if not user.enterprise_id:
            raise PermissionDenied
        enterprise = user.enterprise
    else:
        raw = request.GET.get("enterprise", "")
        if not raw:
            search = EnterpriseSearchForm(request.GET)
            return render(
                request,
                "hazards/new_choose.html",
                {"search": search, "results": search.results(user)},
            )
        if not raw.isdigit():
            raise Http404
        enterprise = get_object_or_404(
            Enterprise.objects.visible_to(user).select_related("township"), pk=int(raw)
        )

    if request.method == "POST":
        form = HazardForm(request.POST, request.FILES, enterprise=enterprise)
        if form.is_valid():
            try:
                hazard = Hazard.register(by=user, enterprise=enterprise, **form.plan())
            except ValidationError as exc:
                add_model_errors(form, exc)
            else:
                messages.success(request, _("隐患 %(code)s 已登记。") % {"code": hazard.code})
                return redirect("hazard-detail", pk=hazard.pk)
    else:
        form = HazardForm(enterprise=enterprise)
    return render(
        request,
        "hazards/new.html",
        {"form": form, "enterprise": enterprise, "self_report": policy.is_enterprise(user)},
    )


# --- escalations (督办) ----------------------------------------------------------------------

ESCALATION_TABS = [
    ("active", gettext_lazy("未处理")),
    ("resolved", gettext_lazy("已处理")),
    ("all", gettext_lazy("全部")),
]


def _escalation_user(request: HttpRequest) -> None:
    policy.require_role("hazards.view_escalations", request.user)


@login_required
@require_safe
def escalation_list(request: HttpRequest) -> HttpResponse:
    """A leader's escalations (我的督办), or all of them for the bureau."""
    _escalation_user(request)
    tab = request.GET.get("state", "active")
    if tab not in dict(ESCALATION_TABS):
        tab = "active"
    qs = Escalation.objects.visible_to(request.user).select_related("hazard__enterprise", "leader")
    Esc = Escalation.EscalationState
    if tab == "active":
        qs = qs.filter(state__in=[Esc.OPEN, Esc.ACKNOWLEDGED])
    elif tab == "resolved":
        qs = qs.filter(state=Esc.RESOLVED)
    page = Paginator(qs.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "hazards/escalations.html", {"page": page, "tabs": ESCALATION_TABS, "tab": tab}
    )


def _escalation_or_404(request: HttpRequest, pk: int) -> Escalation:
    _escalation_user(request)
    return get_object_or_404(
        Escalation.objects.visible_to(request.user).select_related(
            "hazard__enterprise",
            "hazard__responsible_person",
            "hazard__responsible_leader",
            "leader",
            "resolved_by",
        ),
        pk=pk,
    )


ESCALATION_STEPS = {
    "acknowledge": "hazards.acknowledge_escalation",
    "resolve": "hazards.resolve_escalation",
}
ESCALATION_FORMS = {"acknowledge": AcknowledgeForm, "resolve": ResolveForm}


def _escalation_forms(user, esc: Escalation) -> dict:
    allowed = policy.allowed(user, esc, ESCALATION_STEPS)
    return {name: form for name, form in ESCALATION_FORMS.items() if name in allowed}


def _render_escalation(request: HttpRequest, esc: Escalation, bound: dict | None = None):
    allowed = _escalation_forms(request.user, esc)
    forms = {name: (bound or {}).get(name) or cls() for name, cls in allowed.items()}
    hazard = esc.hazard
    return render(
        request,
        "hazards/escalation_detail.html",
        {"esc": esc, "hazard": hazard, "events": timeline(hazard), "forms": forms},
    )


@login_required
@require_safe
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_escalation(request, _escalation_or_404(request, pk))


def _esc_act(request: HttpRequest, pk: int, name: str, form_class, perform, success: str):
    policy.require_role(ESCALATION_STEPS[name], request.user)
    esc = _escalation_or_404(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        if name not in _escalation_forms(request.user, esc):
            messages.error(request, _("您当前不能对这条督办进行此操作。"))
            return redirect("escalation-detail", pk=esc.pk)
        return _render_escalation(request, esc, {name: form})
    try:
        perform(esc, form.cleaned_data)
    except InvalidTransition as exc:
        messages.error(request, exc.message)
        return redirect("escalation-detail", pk=esc.pk)
    except ValidationError as exc:
        add_model_errors(form, exc)
        return _render_escalation(request, esc, {name: form})
    messages.success(request, success)
    return redirect("escalation-detail", pk=esc.pk)


@login_required
@require_POST
def escalation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(esc: Escalation, data: dict) -> None:
        esc.acknowledge(by=request.user, note=data["note"])

    return _esc_act(request, pk, "acknowledge", AcknowledgeForm, perform, _("已签收督办。"))


@login_required
@require_POST
def escalation_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    def perform(esc: Escalation, data: dict) -> None:
        esc.resolve(by=request.user, outcome=data["outcome"], note=data["note"])

    return _esc_act(request, pk, "resolve", ResolveForm, perform, _("追责处理已记录。"))
