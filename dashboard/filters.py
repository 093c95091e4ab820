"""The dashboard's own filters (registration dates, township, department, industry,
level): the form that validates them and the value that narrows a hazard queryset."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry
from hazards.choices import Level

DATE_WIDGET = {"type": "date"}


class DashboardFilterForm(forms.Form):
    """The dashboard's filters: date range (registration date), township, department,
    industry, level. Choices come from reference rows loaded once per request."""

    created_after = forms.DateField(
        label=_("登记日期从"), required=False, widget=forms.DateInput(DATE_WIDGET, "%Y-%m-%d")
    )
    created_before = forms.DateField(
        label=_("登记日期至"), required=False, widget=forms.DateInput(DATE_WIDGET, "%Y-%m-%d")
    )
    township = forms.TypedChoiceField(label=_("乡镇"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(
        label=_("监管部门"), required=False, coerce=int, empty_value=None
    )
    industry = forms.ChoiceField(label=_("行业"), required=False)
    level = forms.ChoiceField(label=_("隐患等级"), required=False)

    def __init__(self, *args, townships: Iterable, departments: Iterable, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("全部"))]
        self.fields["township"].choices = every + [(t.pk, t.name) for t in townships]
        self.fields["department"].choices = every + [(d.pk, d.name) for d in departments]
        self.fields["industry"].choices = every + list(Industry.choices)
        self.fields["level"].choices = every + list(Level.choices)

    # Dates far outside the ledger's life are refused rather than overflowing datetime
    # arithmetic (local midnight of 9999-12-31 plus a day, of 0001-01-01 in UTC).
    EARLIEST, LATEST = dt.date(1970, 1, 1), dt.date(2100, 12, 31)

    def _in_range(self, name: str) -> dt.date | None:
        value = self.cleaned_data.get(name)
        if value is not None and not (self.EARLIEST <= value <= self.LATEST):
            raise forms.ValidationError(
                _("日期应在 %(start)s 至 %(end)s 之间。"),
                params={"start": self.EARLIEST.isoformat(), "end": self.LATEST.isoformat()},
            )
        return value

    def clean_created_after(self):
        return self._in_range("created_after")

    def clean_created_before(self):
        return self._in_range("created_before")

    def clean(self):
        data = super().clean()
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", _("结束日期不能早于开始日期。"))
        return data


@dataclass(frozen=True)
class DashboardFilters:
    created_after: dt.date | None = None
    created_before: dt.date | None = None
    township: int | None = None
    department: int | None = None
    industry: str | None = None
    level: str | None = None

    @classmethod
    def from_cleaned(cls, data: dict) -> DashboardFilters:
        return cls(
            created_after=data.get("created_after"),
            created_before=data.get("created_before"),
            township=data.get("township"),
            department=data.get("department"),
            industry=data.get("industry") or None,
            level=data.get("level") or None,
        )

    def params(self) -> dict[str, str]:
        """The same filters as ledger query parameters."""
        out: dict[str, str] = {}
        if self.created_after:
            out["created_after"] = self.created_after.isoformat()
        if self.created_before:
            out["created_before"] = self.created_before.isoformat()
        for name in ("township", "department", "industry", "level"):
            value = getattr(self, name)
            if value not in (None, ""):
                out[name] = str(value)
        return out

    def apply(self, qs):
        """Narrow a hazard queryset. Dates are local (Asia/Shanghai) registration dates,
        both ends inclusive, compared as datetimes so the created_at index is usable."""
        if self.created_after:
            qs = qs.filter(created_at__gte=local_midnight(self.created_after))
        if self.created_before:
            qs = qs.filter(created_at__lt=local_midnight(self.created_before + dt.timedelta(1)))
        if self.township is not None:
            qs = qs.filter(township_id=self.township)
        if self.department is not None:
            qs = qs.filter(department_id=self.department)
        if self.industry:
            qs = qs.filter(industry=self.industry)
        if self.level:
            qs = qs.filter(level=self.level)
        return qs


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
