"""/api/v1/escalations/: the two-strike escalations (升级督办).

The bureau sees every escalation and resolves them with an accountability outcome;
a leader sees the escalations addressed to him and acknowledges them; everyone
else sees none (an empty list, and 404 for any id). Each step happens once: a
second acknowledgement or resolution is 409, and every step is an event in the
hazard's timeline (written by the Escalation transition methods).
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import StepPermission

from .filters import IdFilter
from .models import Escalation


def escalations_visible_to(user) -> QuerySet[Escalation]:
    """Escalations in the user's scope (``Escalation.objects.visible_to``), with their hazards."""
    return Escalation.objects.visible_to(user).select_related("hazard")


class EscalationSerializer(serializers.ModelSerializer):
    hazard_code = serializers.CharField(source="hazard.code", read_only=True)

    class Meta:
        model = Escalation
        fields = [
            "id",
            "hazard",
            "hazard_code",
            "round",
            "leader",
            "reason",
            "state",
            "outcome",
            "acknowledgement_note",
            "resolution_note",
            "created_at",
            "acknowledged_at",
            "resolved_at",
        ]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=2000,
        help_text=_("签收意见"),
        error_messages={"required": _("请填写签收意见。"), "blank": _("请填写签收意见。")},
    )


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Escalation.Outcome.choices,
        help_text=_("追责结果：约谈、通报批评、罚款、停产整顿、其他"),
        error_messages={
            "required": _("请选择追责结果：约谈、通报批评、罚款、停产整顿或其他。"),
            "invalid_choice": _("请选择追责结果：约谈、通报批评、罚款、停产整顿或其他。"),
        },
    )
    note = serializers.CharField(
        max_length=2000,
        help_text=_("处理说明"),
        error_messages={"required": _("请填写处理说明。"), "blank": _("请填写处理说明。")},
    )


_DETAIL = OpenApiResponse(OpenApiTypes.OBJECT, description=_('{"detail": "原因"}'))
STEP_RESPONSES = {
    200: EscalationSerializer,
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("字段错误：{字段: [消息]}")),
    403: _DETAIL,
    404: _DETAIL,
    409: _DETAIL,
}


class EscalationFilter(django_filters.FilterSet):
    """Integer filters that refuse ``1.5`` or ``abc`` (400) instead of guessing."""

    hazard = IdFilter()
    round = IdFilter()
    leader = IdFilter()

    class Meta:
        model = Escalation
        fields = ["state", "hazard", "round", "leader"]


@extend_schema_view(
    list=extend_schema(
        summary=_("升级督办列表（安监局：全部；责任领导：本人的）"), tags=["escalations"]
    ),
    retrieve=extend_schema(
        summary=_("升级督办详情"),
        responses={200: EscalationSerializer, 404: _DETAIL},
        tags=["escalations"],
    ),
)
class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EscalationSerializer
    # Looked up first: an escalation out of scope is 404 for every role, then the
    # policy refuses the wrong role or a leader it is not addressed to (403).
    permission_classes = [
        StepPermission(
            acknowledge="hazards.acknowledge_escalation",
            resolve="hazards.resolve_escalation",
            scope_first=True,
        )
    ]
    filterset_class = EscalationFilter
    ordering_fields = ["created_at", "round"]

    def get_queryset(self):
        return escalations_visible_to(self.request.user)

    def _validated(self, serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _fresh(self, pk: int) -> Response:
        return Response(EscalationSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(
        summary=_("责任领导签收（填写签收意见，只能签收一次）"),
        request=AcknowledgeSerializer,
        responses=STEP_RESPONSES,
        tags=["escalations"],
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        escalation = self.get_object()
        data = self._validated(AcknowledgeSerializer, request)
        escalation.acknowledge(by=request.user, note=data["note"])
        return self._fresh(escalation.pk)

    @extend_schema(
        summary=_("安监局追责处理（选择追责结果并填写说明，只能处理一次）"),
        request=ResolveSerializer,
        responses=STEP_RESPONSES,
        tags=["escalations"],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        escalation = self.get_object()
        data = self._validated(ResolveSerializer, request)
        escalation.resolve(by=request.user, outcome=data["outcome"], note=data["note"])
        return self._fresh(escalation.pk)
