"""The hazard ledger API: scoped reads, registration, and one endpoint
per workflow transition.

Views never change ``state`` themselves: every write calls the model's transition
method (docs/architecture.md, "Writes"), whose ``InvalidTransition`` becomes 409 and whose
``ValidationError`` becomes 400 with field errors (config/exceptions.py).
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import User
from accounts.permissions import StepPermission
from enterprises.models import Enterprise

from .export import XLSX_CONTENT_TYPE, ledger_response
from .filters import HazardFilter
from .models import Evidence, Hazard, HazardEvent, Level
from .photos import PhotoListField, PhotoSerializerMixin
from .serializers import (
    ErrorDetailSerializer,
    EvidenceSerializer,
    HazardEventSerializer,
    HazardSerializer,
)

# --- fields ---------------------------------------------------------------------------


def _related(field: str):
    """The model a Hazard foreign key points to. The ledger refers to inspections by
    string ("inspections.Inspection"): it sits below them and must not import them
    (docs/architecture.md, "Apps and floors")."""
    return Hazard._meta.get_field(field).related_model


class VisiblePrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id that must be in the caller's scope: out of scope reads as unknown."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.context["request"].user)


# --- input ----------------------------------------------------------------------------


class HazardCreateSerializer(PhotoSerializerMixin, serializers.ModelSerializer):
    enterprise = VisiblePrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    inspection = VisiblePrimaryKeyRelatedField(
        queryset=_related("inspection").objects.all(), required=False, allow_null=True
    )
    responsible_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True)
    )
    responsible_leader = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True)
    )
    before = PhotoListField(help_text=_("整改前照片（multipart，可多张）"))
    standard_item = serializers.PrimaryKeyRelatedField(
        queryset=_related("standard_item").objects.filter(major_by_standard=True, is_active=True),
        required=False,
        allow_null=True,
        help_text=_("判定标准条目：按判定标准为重大事故隐患的检查项（等级随之为重大）"),
    )

    class Meta:
        model = Hazard
        fields = [
            "enterprise",
            "inspection",
            "title",
            "description",
            "location",
            "category",
            "level",
            "basis",
            "standard_item",
            "measures",
            "responsible_person",
            "responsible_leader",
            "deadline",
            "funds",
            "emergency_plan",
            "before",
        ]

    def validate(self, attrs: dict) -> dict:
        # Major-by-standard is a fact about a 判定标准 article, not a flag: only a
        # standard item says so, and it brings its level and citation along.
        flag = self.initial_data.get("major_by_standard")
        item = attrs.get("standard_item")
        if item is None and flag not in (None, "", False, "false", "False", "0", 0):
            raise serializers.ValidationError(
                {
                    "major_by_standard": [
                        _("按判定标准认定重大隐患须选择判定标准条目（standard_item）。")
                    ]
                }
            )
        if item is not None:
            if attrs.get("level", Level.MAJOR) != Level.MAJOR:
                raise serializers.ValidationError(
                    {"level": [_("按判定标准认定的重大隐患，等级必须为重大隐患。")]}
                )
            attrs["level"] = Level.MAJOR
            attrs["major_by_standard"] = True
            attrs["basis"] = attrs.get("basis") or item.basis
        return attrs

    def create(self, validated_data: dict) -> Hazard:
        # Hazard.register validates the five-point plan and rolls everything back
        # (code counter included) when it fails, so a refused hazard burns no code.
        return Hazard.register(by=self.context["request"].user, **validated_data)


class SubmitSerializer(PhotoSerializerMixin, serializers.Serializer):
    note = serializers.CharField(
        error_messages={"required": _("请填写整改情况说明。"), "blank": _("请填写整改情况说明。")}
    )
    evidence = PhotoListField(help_text=_("整改后照片（multipart，可多张）"))
    before = PhotoListField(help_text=_("整改前照片（multipart，可多张）"))


class ReviewSerializer(PhotoSerializerMixin, serializers.Serializer):
    result = serializers.ChoiceField(choices=[("pass", _("合格")), ("fail", _("不合格"))])
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None)
    evidence = PhotoListField(help_text=_("复查照片（multipart，可多张）"))


class ExtendSerializer(serializers.Serializer):
    deadline = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class LevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    emergency_plan = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None
    )


# --- views ----------------------------------------------------------------------------


class FallbackToJSONMixin:
    """Downloads answer any Accept header; their errors are still JSON."""

    binary_actions: tuple[str, ...] = ()

    def perform_content_negotiation(self, request, force=False):
        if getattr(self, "action", None) in self.binary_actions:
            force = True
        return super().perform_content_negotiation(request, force=force)


TRANSITION_ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("字段错误：{字段: [消息]}")),
    404: OpenApiResponse(ErrorDetailSerializer, description=_("不存在或不在权限范围内")),
    409: OpenApiResponse(ErrorDetailSerializer, description=_("当前状态不允许此操作")),
}
MULTIPART_OR_JSON = ["multipart/form-data", "application/json"]


def _transition_schema(request_serializer, summary: str, *, multipart: bool = False):
    request = (
        {media: request_serializer for media in MULTIPART_OR_JSON}
        if multipart
        else request_serializer
    )
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: HazardSerializer, **TRANSITION_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(summary=_("隐患台帐（分页、筛选、排序）")),
    retrieve=extend_schema(
        summary=_("隐患详情"), responses={200: HazardSerializer, 404: ErrorDetailSerializer}
    ),
    create=extend_schema(
        summary=_("登记隐患（检查发现或企业自查自报）"),
        request={media: HazardCreateSerializer for media in MULTIPART_OR_JSON},
        responses={
            201: HazardSerializer,
            400: TRANSITION_ERRORS[400],
            403: ErrorDetailSerializer,
        },
    ),
)
class HazardViewSet(
    FallbackToJSONMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Hazards in the caller's scope. No PUT, PATCH or DELETE: nothing in the ledger is
    edited in place or deleted; state changes only through the transition actions."""

    serializer_class = HazardSerializer
    # A role that may never take a step is refused (403) before the body is read.
    permission_classes = [
        StepPermission(
            create="hazards.register",
            submit="hazards.submit",
            review="hazards.review",
            extend="hazards.extend",
            void="hazards.void",
            level="hazards.change_level",
        )
    ]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = [DjangoFilterBackend]
    filterset_class = HazardFilter
    binary_actions = ("export",)

    def get_queryset(self):
        return (
            Hazard.objects.visible_to(self.request.user)
            .with_flags()
            .select_related("enterprise", "responsible_person", "responsible_leader")
        )

    def filter_queryset(self, queryset):
        # The ledger filters narrow lists and exports; a detail URL is just the id.
        if self.action in ("list", "export"):
            return super().filter_queryset(queryset)
        return queryset

    def get_serializer_class(self):
        if self.action == "create":
            return HazardCreateSerializer
        return HazardSerializer

    def _fresh(self, pk: int) -> Response:
        hazard = self.get_queryset().get(pk=pk)
        return Response(HazardSerializer(hazard, context=self.get_serializer_context()).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hazard = serializer.save()
        response = self._fresh(hazard.pk)
        response.status_code = status.HTTP_201_CREATED
        return response

    def _validated(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @_transition_schema(SubmitSerializer, _("企业提交整改（附整改前后照片）"), multipart=True)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        hazard = self.get_object()
        data = self._validated(SubmitSerializer, request)
        hazard.submit(
            by=request.user,
            note=data["note"],
            evidence=data.get("evidence", []),
            before=data.get("before", []),
        )
        return self._fresh(hazard.pk)

    @_transition_schema(ReviewSerializer, _("复查：合格销号或不合格退回"), multipart=True)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        hazard = self.get_object()
        data = self._validated(ReviewSerializer, request)
        hazard.review(
            by=request.user,
            passed=data["result"] == "pass",
            comment=data["comment"],
            new_deadline=data["new_deadline"],
            evidence=data.get("evidence", []),
        )
        return self._fresh(hazard.pk)

    @_transition_schema(ExtendSerializer, _("延期"))
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        hazard = self.get_object()
        data = self._validated(ExtendSerializer, request)
        hazard.extend(by=request.user, deadline=data["deadline"], reason=data["reason"])
        return self._fresh(hazard.pk)

    @_transition_schema(VoidSerializer, _("作废（安监局）"))
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        hazard = self.get_object()
        data = self._validated(VoidSerializer, request)
        hazard.void(by=request.user, reason=data["reason"])
        return self._fresh(hazard.pk)

    @_transition_schema(LevelSerializer, _("变更隐患等级"))
    @action(detail=True, methods=["post"])
    def level(self, request, pk=None):
        hazard = self.get_object()
        data = self._validated(LevelSerializer, request)
        hazard.change_level(
            by=request.user,
            level=data["level"],
            reason=data["reason"],
            emergency_plan=data["emergency_plan"],
        )
        return self._fresh(hazard.pk)

    @extend_schema(
        summary=_("隐患的全部记录（按时间先后）"),
        responses={200: HazardEventSerializer(many=True), 404: ErrorDetailSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None):
        hazard = self.get_object()
        events = (
            HazardEvent.objects.filter(hazard=hazard)
            .select_related("actor")
            .prefetch_related("evidence")
            .order_by("created_at", "pk")
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(HazardEventSerializer(page, many=True).data)

    @extend_schema(
        summary=_("隐患的证据照片"),
        responses={200: EvidenceSerializer(many=True), 404: ErrorDetailSerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], url_path="evidence")
    def evidence(self, request, pk=None):
        hazard = self.get_object()
        photos = Evidence.objects.filter(hazard=hazard).order_by("uploaded_at", "pk")
        page = self.paginate_queryset(photos)
        data = EvidenceSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary=_("导出隐患台帐（.xlsx，与列表相同的筛选）"),
        filters=True,
        responses={
            (200, XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("台帐 Excel 文件")
            ),
            (400, "application/json"): TRANSITION_ERRORS[400],
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def export(self, request):
        queryset = self.filter_queryset(Hazard.objects.visible_to(request.user))
        return ledger_response(queryset)


@extend_schema_view(
    retrieve=extend_schema(
        summary=_("证据照片信息"),
        responses={200: EvidenceSerializer, 404: ErrorDetailSerializer},
    ),
)
class EvidenceViewSet(FallbackToJSONMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence photos, scoped exactly like their hazards."""

    serializer_class = EvidenceSerializer
    permission_classes = [StepPermission(read="hazards.download_evidence")]
    binary_actions = ("file",)

    def get_queryset(self):
        visible = Hazard.objects.visible_to(self.request.user).values("pk")
        return Evidence.objects.filter(hazard__in=visible)

    @extend_schema(
        summary=_("下载证据照片（需登录，权限同隐患）"),
        responses={
            (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "image/webp"): OpenApiResponse(OpenApiTypes.BINARY),
            (404, "application/json"): ErrorDetailSerializer,
        },
    )
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        photo = self.get_object()
        try:
            handle = photo.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=photo.content_type)
        ext = photo.file.name.rsplit(".", 1)[-1]
        response["Content-Disposition"] = f'inline; filename="{photo.sha256[:16]}.{ext}"'
        response["Cache-Control"] = "private, max-age=3600"
        return response
