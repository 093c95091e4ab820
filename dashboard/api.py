"""GET /api/v1/dashboard/summary/ — the dashboard's figures as JSON.

Same filters, scope and numbers as the /dashboard/ page: both call
``dashboard.summary.build_summary``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.models import Department, Industry, Township
from hazards.choices import Level

from .filters import DashboardFilterForm, DashboardFilters
from .summary import build_summary


def _links_field(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(allow_null=True), help_text=help_text)


class CountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    rectifying = serializers.IntegerField()
    pending_review = serializers.IntegerField()
    closed = serializers.IntegerField()
    voided = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="rectifying with the deadline passed")
    major_open = serializers.IntegerField(help_text="major hazards rectifying or pending review")
    escalations_open = serializers.IntegerField(
        help_text="escalated hazards not yet closed or voided"
    )


class BreakdownRowSerializer(serializers.Serializer):
    id = serializers.JSONField(help_text="township / department id, or industry key")
    name = serializers.CharField()
    total = serializers.IntegerField()
    rectifying = serializers.IntegerField()
    pending_review = serializers.IntegerField()
    closed = serializers.IntegerField()
    voided = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rectifying_in_time = serializers.IntegerField(help_text="rectifying, deadline not passed")
    links = _links_field("ledger URL per figure")


class TrendRowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    found = serializers.IntegerField()
    closed = serializers.IntegerField()
    overdue_at_month_end = serializers.IntegerField(
        help_text="open past the (current) deadline on the month's last day (today for the "
        "current month); voided hazards excluded"
    )
    as_of = serializers.DateField()
    links = _links_field("ledger URL for 'found'")


class OverdueItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    level = serializers.CharField()
    enterprise = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    deadline = serializers.DateField()
    days_overdue = serializers.IntegerField()
    failed_reviews = serializers.IntegerField()
    url = serializers.CharField()


class EscalationItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    hazard = serializers.IntegerField()
    hazard_code = serializers.CharField()
    hazard_title = serializers.CharField()
    enterprise_name = serializers.CharField()
    round = serializers.IntegerField()
    state = serializers.CharField()
    state_display = serializers.CharField()
    leader_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    url = serializers.CharField()


class TopEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    links = _links_field("ledger URLs for 'open' and 'overdue'")


class RateTermsSerializer(serializers.Serializer):
    closed = serializers.IntegerField()
    not_voided = serializers.IntegerField(help_text="total - voided")
    links = _links_field("ledger URLs for 'closed' and 'not_voided'")


class DashboardSummarySerializer(serializers.Serializer):
    today = serializers.DateField()
    filters = serializers.DictField(child=serializers.CharField())
    counts = CountsSerializer()
    links = _links_field("ledger URL per count; null when the filters exclude the figure")
    closed_on_time = serializers.IntegerField()
    rate_terms = RateTermsSerializer()
    remediation_rate = serializers.FloatField(
        allow_null=True, help_text="closed / (total - voided)"
    )
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="closed on or before the deadline / closed"
    )
    by_township = BreakdownRowSerializer(many=True)
    by_department = BreakdownRowSerializer(many=True)
    by_industry = BreakdownRowSerializer(many=True)
    trend = TrendRowSerializer(many=True)
    oldest_overdue = OverdueItemSerializer(many=True)
    open_escalations = EscalationItemSerializer(many=True)
    top_enterprises = TopEnterpriseSerializer(many=True)


def parse_filters(data) -> tuple[DashboardFilters, DashboardFilterForm, list, list]:
    """Validate the query string against the reference rows (loaded once)."""
    townships = list(Township.objects.only("id", "name"))
    departments = list(Department.objects.only("id", "name", "short_name"))
    form = DashboardFilterForm(data, townships=townships, departments=departments)
    form.is_valid()
    return DashboardFilters.from_cleaned(form.cleaned_data), form, townships, departments


class DashboardSummaryView(APIView):
    @extend_schema(
        summary="Supervision dashboard figures (监管驾驶舱)",
        description=(
            "KPIs, rates, breakdowns by township / department / industry, a 12-month trend "
            "and the overdue, escalation and top-enterprise lists, within the caller's scope "
            "(bureau: the county; inspector: his department's enterprises; enterprise user: "
            "its enterprise; leader: the hazards he leads and his township's). Every count "
            "comes with a link to the ledger filtered to exactly the hazards it counts."
        ),
        parameters=[
            OpenApiParameter("created_after", OpenApiTypes.DATE, description="registered on/after"),
            OpenApiParameter(
                "created_before", OpenApiTypes.DATE, description="registered on/before"
            ),
            OpenApiParameter("township", OpenApiTypes.INT),
            OpenApiParameter("department", OpenApiTypes.INT),
            OpenApiParameter(
                "industry",
                OpenApiTypes.STR,
                enum=Industry.values,
            ),
            OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values),
        ],
        responses=DashboardSummarySerializer,
    )
    def get(self, request):
        filters, form, townships, departments = parse_filters(request.query_params)
        if form.errors:
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        return Response(
            build_summary(request.user, filters, townships=townships, departments=departments)
        )
