"""Filters of the hazard ledger (the list filters of the OpenAPI schema), shared by the API list, the Excel
export, the browser ledger page and the dashboard's drill-down links.

The FilterSet only narrows a queryset that is already scoped with
``Hazard.objects.visible_to(user)``: a filter can never widen the scope, so an
out-of-scope hazard never shows up in a list, an export or a count.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from config.filters import IdFilter  # moved down (enterprises uses it); imported from here too
from enterprises.models import Department, Industry, Township

from .models import OPEN_STATES, Category, Hazard, Level, State
from .predicates import escalated_q, overdue_q

OPEN = "open"
# "YH-2026-000123", "yh-2026", "2026-0001", "000123": a code or a piece of one.
CODE_LIKE = re.compile(r"(?i)(yh-?)?[0-9][0-9-]{3,}")


class YesNoWidget(forms.Select):
    """A Chinese yes/no select (browser) that hands the raw value to the field, so a
    malformed value in the API is refused instead of silently ignored."""

    def __init__(self, attrs=None):
        super().__init__(attrs, choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


class StrictBooleanField(forms.Field):
    widget = YesNoWidget
    TRUE = {"true", "1", "yes"}
    FALSE = {"false", "0", "no"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(_("请填写 true 或 false。"), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IsoDateField(forms.DateField):
    """Dates as the schema documents them: YYYY-MM-DD only."""

    input_formats = ["%Y-%m-%d"]


class IsoDateFilter(django_filters.DateFilter):
    field_class = IsoDateField


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders by the chosen fields, then by pk, so pages never overlap or skip rows."""

    def filter(self, qs, value):
        ordering = [self.get_ordering_value(p) for p in value or () if p not in EMPTY_VALUES]
        if not ordering:
            return qs
        return qs.order_by(*ordering, "-pk" if ordering[-1].startswith("-") else "pk")


class HazardFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=[*State.choices, (OPEN, _("未销号（整改中或待复查）"))],
        method="filter_state",
        label=_("整改状态"),
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("隐患等级"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("隐患类别"))
    enterprise = IdFilter(field_name="enterprise_id", label=_("企业"))
    inspection = IdFilter(field_name="inspection_id", label=_("检查"))
    township = django_filters.ModelChoiceFilter(
        queryset=Township.objects.all(), label=_("所属乡镇")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("监管部门")
    )
    industry = django_filters.ChoiceFilter(choices=Industry.choices, label=_("行业"))
    overdue = StrictBooleanFilter(method="filter_overdue", widget=YesNoWidget, label=_("已逾期"))
    escalated = StrictBooleanFilter(
        method="filter_escalated", widget=YesNoWidget, label=_("已升级督办")
    )
    deadline_after = IsoDateFilter(
        field_name="deadline", lookup_expr="gte", label=_("整改期限不早于")
    )
    deadline_before = IsoDateFilter(
        field_name="deadline", lookup_expr="lte", label=_("整改期限不晚于")
    )
    # __date converts created_at to the current time zone (Asia/Shanghai) in SQL.
    created_after = IsoDateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("登记日期不早于")
    )
    created_before = IsoDateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("登记日期不晚于")
    )
    q = django_filters.CharFilter(method="search", label=_("编号、名称或企业"))
    ordering = StableOrderingFilter(
        fields=(("deadline", "deadline"), ("created_at", "created_at"), ("code", "code")),
        field_labels={
            "deadline": _("整改期限"),
            "created_at": _("登记时间"),
            "code": _("隐患编号"),
        },
        label=_("排序"),
    )

    class Meta:
        model = Hazard
        fields: list[str] = []

    def filter_state(self, queryset, name: str, value: list[str]):
        if not value:
            return queryset
        states = set(value)
        if OPEN in states:
            states.discard(OPEN)
            states.update(OPEN_STATES)
        return queryset.filter(state__in=sorted(states))

    def filter_overdue(self, queryset, name: str, value: bool):
        # The same condition as HazardQuerySet.with_flags(), so the flag and the filter agree.
        cond = overdue_q()
        return queryset.filter(cond) if value else queryset.exclude(cond)

    def filter_escalated(self, queryset, name: str, value: bool):
        # escalation_round is NOT NULL: "not escalated" is exactly round 0.
        return queryset.filter(escalated_q()) if value else queryset.exclude(escalated_q())

    def search(self, queryset, name: str, value: str):
        value = value.strip()
        if not value:
            return queryset
        if CODE_LIKE.fullmatch(value):
            # Looks like (part of) a hazard code: the code's trigram index answers in
            # milliseconds where the three-way OR scans the ledger (bench/RESULTS.md).
            return queryset.filter(code__icontains=value)
        return queryset.filter(
            Q(code__icontains=value)
            | Q(title__icontains=value)
            | Q(enterprise__name__icontains=value)
        )
