"""The supervision dashboard page (监管驾驶舱) at /dashboard/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from enterprises.models import Industry

from .api import parse_filters
from .filters import DashboardFilters
from .links import ledger_path
from .summary import build_summary


def _chart_data(summary: dict) -> dict:
    """What static/js/dashboard.js draws; the tables on the page carry the same numbers."""

    def series(rows: list[dict]) -> dict:
        keys = ("rectifying_in_time", "overdue", "pending_review")
        return {
            "names": [r["name"] for r in rows],
            **{key: [r[key] for r in rows] for key in keys},
            "links": {key: [r["links"][key] for r in rows] for key in keys},
        }

    return {
        "labels": {
            "rectifying_in_time": _("整改中（未逾期）"),
            "pending_review": _("待复查"),
            "overdue": _("逾期未整改"),
            "found": _("新发现"),
            "closed_in_month": _("当月销号"),
            "overdue_at_month_end": _("月末逾期未销号"),
        },
        "by_township": series(summary["by_township"]),
        "by_department": series(summary["by_department"]),
        "by_industry": series(summary["by_industry"]),
        "trend": {
            "months": [r["month"] for r in summary["trend"]],
            "found": [r["found"] for r in summary["trend"]],
            "closed": [r["closed"] for r in summary["trend"]],
            "overdue_at_month_end": [r["overdue_at_month_end"] for r in summary["trend"]],
            "links": [r["links"]["found"] for r in summary["trend"]],
        },
    }


@login_required
@require_safe
def dashboard(request):
    filters, form, townships, departments = parse_filters(request.GET)
    if form.errors:
        # Show the errors, and the figures without the filters that did not parse.
        filters = DashboardFilters.from_cleaned(
            {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
        )
    summary = build_summary(request.user, filters, townships=townships, departments=departments)
    counts, links = summary["counts"], summary["links"]
    kpis = [
        (key, label, counts[key], links[key])
        for key, label in (
            ("total", _("隐患总数")),
            ("rectifying", _("整改中")),
            ("pending_review", _("待复查")),
            ("closed", _("已销号")),
            ("overdue", _("逾期未整改")),
            ("major_open", _("重大隐患未销号")),
            ("escalations_open", _("督办中")),
            ("voided", _("已作废")),
        )
    ]
    breakdowns = [
        ("by_township", _("按乡镇"), _("乡镇"), summary["by_township"]),
        ("by_department", _("按监管部门"), _("监管部门"), summary["by_department"]),
        ("by_industry", _("按行业"), _("行业"), summary["by_industry"]),
    ]
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "summary": summary,
            "kpis": kpis,
            "breakdowns": breakdowns,
            "chart_data": _chart_data(summary),
            "ledger_url": ledger_path(),
            "industries": dict(Industry.choices),
        },
    )
