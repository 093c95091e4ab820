"""Inspections API: inspections, their items, follow-up visits and the rectification
notice (checklists and campaigns are in ``api_checklists.py``). Every lookup goes through
``visible_to`` (docs/architecture.md, "Reads"): an inspection out of scope is a 404,
exactly like a missing one. Writes call the
model's transition methods; serializers only validate and shape."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts import policy
from accounts.models import User
from accounts.permissions import StepPermission
from enterprises.models import Enterprise
from hazards.models import Hazard, Level, State
from hazards.photos import PhotoListField, PhotoSerializerMixin

from .api_checklists import ITEM_TEXT_FIELDS
from .models import (
    Campaign,
    ChecklistTemplate,
    Inspection,
    InspectionItem,
    InspectionKind,
    ItemResult,
    ReviewResult,
)

WRITE_ERRORS = {
    400: OpenApiResponse(description=gettext_lazy("输入有误：{字段: [错误信息]}")),
    404: OpenApiResponse(description=gettext_lazy("不存在或不在权限范围内")),
    409: OpenApiResponse(description=gettext_lazy("当前状态不允许该操作：{detail}")),
}


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- inspections -----------------------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    inspector_names = serializers.SerializerMethodField()
    hazards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    items_count = serializers.IntegerField(read_only=True)
    items_unrecorded = serializers.IntegerField(read_only=True)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "kind",
            "status",
            "inspected_on",
            "inspectors",
            "inspector_names",
            "summary",
            "campaign",
            "original",
            "template",
            "hazards",
            "items_count",
            "items_unrecorded",
            "notice_number",
            "finalized_at",
            "finalized_by",
            "created_by",
            "created_at",
            "warnings",
        ]
        read_only_fields = fields

    def get_inspector_names(self, obj: Inspection) -> list[str]:
        return [u.name for u in obj.inspectors.all()]

    def get_warnings(self, obj: Inspection) -> list[str]:
        return obj.warnings()


class InspectionCreateSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none())
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    inspected_on = serializers.DateField(required=False)
    inspectors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False
    )
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    template = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistTemplate.objects.active(), required=False, allow_null=True
    )
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )
    original = serializers.PrimaryKeyRelatedField(
        queryset=Inspection.objects.none(), required=False, allow_null=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        # Out of scope reads as "does not exist": a 400 naming the field, nothing written.
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user)
        self.fields["original"].queryset = Inspection.objects.visible_to(user)


class InspectionUpdateSerializer(serializers.Serializer):
    inspected_on = serializers.DateField(required=False)
    inspectors = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False
    )
    summary = serializers.CharField(required=False, allow_blank=True)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True
    )


class HazardBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hazard
        fields = ["id", "code", "title", "level", "state", "deadline", "major_by_standard"]


class InspectionItemSerializer(serializers.ModelSerializer):
    hazard_detail = HazardBriefSerializer(source="hazard", read_only=True)

    class Meta:
        model = InspectionItem
        fields = [
            "id",
            *ITEM_TEXT_FIELDS,
            "result",
            "remark",
            "hazard",
            "hazard_detail",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class ItemRecordSerializer(PhotoSerializerMixin, serializers.Serializer):
    """Record one item. On ``fail`` the hazard's plan (五落实) comes with it; the title,
    category, basis, level and measures are pre-filled from the item."""

    result = serializers.ChoiceField(choices=ItemResult.choices)
    remark = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    responsible_leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True
    )
    deadline = serializers.DateField(
        required=False, allow_null=True, help_text=gettext_lazy("默认：一般隐患 15 天，重大 60 天")
    )
    funds = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    emergency_plan = serializers.CharField(required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    measures = serializers.CharField(required=False, allow_blank=True)
    before = PhotoListField(help_text=gettext_lazy("整改前照片"))


class FollowUpHazardSerializer(serializers.ModelSerializer):
    state_at_original = serializers.ChoiceField(choices=State.choices, read_only=True)
    follow_up_result = serializers.ChoiceField(
        choices=ReviewResult.choices, read_only=True, allow_null=True
    )

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "title",
            "level",
            "deadline",
            "state_at_original",
            "state",
            "failed_reviews",
            "follow_up_result",
        ]
        read_only_fields = fields


class FollowUpReviewSerializer(PhotoSerializerMixin, serializers.Serializer):
    result = serializers.ChoiceField(choices=ReviewResult.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    new_deadline = serializers.DateField(required=False, allow_null=True)
    evidence = PhotoListField()


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


@extend_schema(tags=["inspections"])
class InspectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Inspections in the caller's scope (inspectors and the bureau)."""

    serializer_class = InspectionSerializer
    permission_classes = [
        StepPermission(
            "inspections.view",
            read="inspections.view",
            create="inspections.start",
            partial_update="inspections.edit",
            finalize="inspections.finalize",
            item="inspections.record_item",
            follow_up_review="inspections.follow_up",
        )
    ]
    filterset_fields = ["enterprise", "kind", "status", "campaign", "original"]
    ordering_fields = ["inspected_on", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("enterprise", "template", "campaign")
            .prefetch_related(
                "inspectors",
                "campaign__sectors",
                "campaign__townships",
                Prefetch("hazards", queryset=Hazard.objects.only("pk", "inspection_id")),
            )
            .annotate(
                items_count=Count("items", distinct=True),
                items_unrecorded=Count("items", filter=Q(items__result=""), distinct=True),
            )
            # Meta.ordering does not apply to aggregated queries: say it again for paging.
            .order_by("-inspected_on", "-pk")
        )

    def _detail(self, inspection: Inspection, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=inspection.pk)
        return Response(
            InspectionSerializer(fresh, context=self.get_serializer_context()).data, code
        )

    @extend_schema(
        request=InspectionCreateSerializer, responses={201: InspectionSerializer, **WRITE_ERRORS}
    )
    def create(self, request):
        """Start a draft inspection; a ``template`` copies its active items onto it."""
        serializer = InspectionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        inspection = Inspection.start(by=request.user, **serializer.validated_data)
        return self._detail(inspection, status.HTTP_201_CREATED)

    @extend_schema(
        request=InspectionUpdateSerializer, responses={200: InspectionSerializer, **WRITE_ERRORS}
    )
    def partial_update(self, request, pk=None):
        """Edit a draft (409 once finalized)."""
        inspection = self.get_object()
        policy.require("inspections.edit", request.user, inspection)
        serializer = InspectionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        inspection.edit(by=request.user, **serializer.validated_data)
        return self._detail(inspection)

    @extend_schema(request=None, responses={200: InspectionSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        """draft → finalized; numbers the rectification notice when hazards were found."""
        inspection = self.get_object()
        inspection.finalize(by=request.user)
        return self._detail(inspection)

    # --- items ----------------------------------------------------------------------
    @extend_schema(responses=InspectionItemSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="items")
    def items(self, request, pk=None):
        inspection = self.get_object()
        qs = inspection.items.select_related("hazard").order_by("order", "pk")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(InspectionItemSerializer(page, many=True).data)

    @extend_schema(
        methods=["GET"], responses={200: InspectionItemSerializer, 404: WRITE_ERRORS[404]}
    )
    @extend_schema(
        methods=["PATCH"],
        request={
            "application/json": ItemRecordSerializer,
            "multipart/form-data": ItemRecordSerializer,
        },
        responses={200: InspectionItemSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "记录检查结果。不符合（fail）时按检查项登记一条隐患（只登记一次），"
            "须提供整改责任人、责任领导；重大隐患须提供应急预案。"
        ),
    )
    @action(detail=True, methods=["get", "patch"], url_path=r"items/(?P<item_id>[0-9]+)")
    def item(self, request, pk=None, item_id=None):
        inspection = self.get_object()
        item = get_object_or_404(inspection.items.select_related("hazard"), pk=item_id)
        if request.method == "PATCH":
            policy.require("inspections.record_item", request.user, inspection)
            serializer = ItemRecordSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            result = data.pop("result")
            remark = data.pop("remark", "")
            photos = data.pop("before", None)
            item = inspection.record_item(
                by=request.user,
                item=item,
                result=result,
                remark=remark,
                hazard_fields=data,
                photos=photos,
            )
            item = inspection.items.select_related("hazard").get(pk=item.pk)
        return Response(InspectionItemSerializer(item).data)

    # --- follow-up visits -------------------------------------------------------------
    def _follow_up(self) -> Inspection:
        inspection = self.get_object()
        policy.require("inspections.view_follow_up", self.request.user, inspection)
        return inspection

    @extend_schema(responses={200: FollowUpHazardSerializer(many=True), **WRITE_ERRORS})
    @action(detail=True, methods=["get"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """The original inspection's hazards: state at the original inspection vs now."""
        inspection = self._follow_up()
        page = self.paginate_queryset(inspection.original_hazards())
        return self.get_paginated_response(FollowUpHazardSerializer(page, many=True).data)

    @extend_schema(
        request={
            "application/json": FollowUpReviewSerializer,
            "multipart/form-data": FollowUpReviewSerializer,
        },
        responses={200: FollowUpHazardSerializer, **WRITE_ERRORS},
        description=gettext_lazy(
            "在复查中复查原检查的一条隐患：与台帐复查接口相同的 review 流转"
            "（合格销号；不合格须填写意见和新期限）。"
        ),
    )
    @action(detail=True, methods=["post"], url_path=r"follow-up/(?P<hazard_id>[0-9]+)")
    def follow_up_review(self, request, pk=None, hazard_id=None):
        inspection = self._follow_up()
        hazard = get_object_or_404(
            Hazard.objects.visible_to(request.user).filter(inspection_id=inspection.original_id),
            pk=hazard_id,
        )
        serializer = FollowUpReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inspection.record_follow_up(
            by=request.user,
            hazard=hazard,
            passed=data["result"] == ReviewResult.PASS,
            comment=data.get("comment", ""),
            new_deadline=data.get("new_deadline"),
            evidence=data.get("evidence"),
        )
        row = inspection.original_hazards().get(pk=hazard.pk)
        return Response(FollowUpHazardSerializer(row).data)

    # --- the rectification notice ----------------------------------------------------
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: WRITE_ERRORS[404],
            409: OpenApiResponse(
                DetailSerializer, description=gettext_lazy("检查尚未定稿或未发现隐患")
            ),
        },
        description=gettext_lazy("责令限期整改指令书（PDF，A4）。"),
    )
    def notice(self, request, pk=None):
        from .notice import render_notice

        inspection = self.get_object()
        policy.require("inspections.print_notice", request.user, inspection)
        pdf = render_notice(inspection)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"notice-{inspection.notice_year}-{inspection.notice_seq:04d}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response

    def get_renderers(self):
        if getattr(self, "action", None) == "notice":
            return [JSONRenderer(), PDFRenderer()]
        return super().get_renderers()
