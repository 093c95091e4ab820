"""Checklists and campaigns API: the reference an inspection is planned with. Checklists
are read-only here (the bureau maintains them in the admin); campaigns are read by
everyone signed in, within his scope, and written by the bureau."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import StepPermission
from enterprises.models import Industry, Township

from .models import PROGRESS_FIELDS, Campaign, ChecklistItem, ChecklistTemplate

# --- checklists ------------------------------------------------------------------------


# What a checklist item says; an inspection item carries a copy of the same fields.
ITEM_TEXT_FIELDS = [
    "code",
    "section",
    "text",
    "hazard_title",
    "category",
    "major_by_standard",
    "basis",
    "suggested_measures",
    "order",
]


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        # A major-by-standard item also names its 判定标准, 文号 and article.
        fields = ["id", *ITEM_TEXT_FIELDS, "standard", "standard_number", "article"]


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True, source="active_items")

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "key", "industry", "sub_industry", "base", "name", "description", "items"]


@extend_schema(tags=["checklists"])
class ChecklistViewSet(viewsets.ReadOnlyModelViewSet):
    """Active checklist templates with their own active items (filters: ``industry``,
    ``sub_industry``); a sub-industry's template names its ``base``, whose items an
    inspection copies first."""

    serializer_class = ChecklistTemplateSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ["industry", "sub_industry"]
    ordering_fields = ["industry", "name"]

    def get_queryset(self):
        items = ChecklistItem.objects.filter(is_active=True).order_by("order", "code")
        return ChecklistTemplate.objects.active().prefetch_related(
            Prefetch("items", queryset=items, to_attr="active_items")
        )


# --- campaigns -------------------------------------------------------------------------


class CampaignProgressSerializer(serializers.Serializer):
    enterprises_total = serializers.IntegerField()
    enterprises_inspected = serializers.IntegerField()
    inspections_count = serializers.IntegerField()
    hazards_found = serializers.IntegerField()
    hazards_remediated = serializers.IntegerField()
    hazards_overdue = serializers.IntegerField()
    remediation_rate = serializers.FloatField(allow_null=True)


class CampaignSerializer(serializers.ModelSerializer):
    industries = serializers.MultipleChoiceField(choices=Industry.choices, required=False)
    townships = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Township.objects.all(), required=False
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "kind",
            "industries",
            "townships",
            "starts_on",
            "ends_on",
            "description",
            "progress",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    @extend_schema_field(CampaignProgressSerializer)
    def get_progress(self, obj: Campaign) -> dict:
        data = {f: getattr(obj, f, 0) for f in PROGRESS_FIELDS}
        found = data["hazards_found"]
        data["remediation_rate"] = round(data["hazards_remediated"] / found, 4) if found else None
        return data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["industries"] = sorted(data["industries"])
        return data

    def validate(self, attrs):
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": [_("结束日期不能早于开始日期。")]})
        return attrs

    def create(self, validated_data):
        industries = validated_data.pop("industries", [])
        townships = validated_data.pop("townships", [])
        campaign = Campaign.objects.create(**validated_data)
        campaign.set_industries(industries)
        campaign.townships.set(townships)
        return campaign

    def update(self, instance, validated_data):
        industries = validated_data.pop("industries", None)
        townships = validated_data.pop("townships", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        if industries is not None:
            instance.set_industries(industries)
        if townships is not None:
            instance.townships.set(townships)
        return instance


@extend_schema(tags=["campaigns"])
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns (专项整治 / 安全生产大检查) with progress counted within the caller's scope.
    Read: anyone signed in; write: the bureau."""

    serializer_class = CampaignSerializer
    permission_classes = [
        StepPermission(
            create="inspections.create_campaign",
            update="inspections.edit_campaign",
            partial_update="inspections.edit_campaign",
        )
    ]
    filterset_fields = ["kind"]
    ordering_fields = ["starts_on", "ends_on", "name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Campaign.objects.with_progress(user=self.request.user).prefetch_related(
            "sectors", "townships"
        )

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)

    def _respond(self, campaign: Campaign, code: int) -> Response:
        fresh = self.get_queryset().get(pk=campaign.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._respond(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(
            self.get_object(), data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self._respond(serializer.instance, status.HTTP_200_OK)
