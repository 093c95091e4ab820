"""What the hazard API answers: the shapes of a hazard, its events and its photos.

The inputs (registration and the transition bodies) are in ``api.py`` beside the views
that read them.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.reverse import reverse

from .models import Evidence, Hazard, HazardEvent


class HazardSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    responsible_person_name = serializers.CharField(
        source="responsible_person.name", read_only=True
    )
    responsible_leader_name = serializers.CharField(
        source="responsible_leader.name", read_only=True
    )
    is_overdue = serializers.BooleanField(read_only=True)
    escalated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Hazard
        fields = [
            "id",
            "code",
            "enterprise",
            "enterprise_name",
            "inspection",
            "title",
            "description",
            "location",
            "category",
            "level",
            "basis",
            "major_by_standard",
            "standard_item",
            "measures",
            "responsible_person",
            "responsible_person_name",
            "responsible_leader",
            "responsible_leader_name",
            "deadline",
            "funds",
            "emergency_plan",
            "state",
            "failed_reviews",
            "reviews",
            "is_overdue",
            "escalated",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields


class HazardEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.name", read_only=True, allow_null=True)
    evidence = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = HazardEvent
        fields = [
            "id",
            "kind",
            "actor",
            "actor_name",
            "from_state",
            "to_state",
            "note",
            "data",
            "evidence",
            "created_at",
        ]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    # Never the storage URL: photos are served only by the scoped file view.
    url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "hazard",
            "event",
            "phase",
            "content_type",
            "size",
            "width",
            "height",
            "sha256",
            "captured_at",
            "uploaded_by",
            "uploaded_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj: Evidence) -> str:
        return reverse(
            "api:evidence-file", kwargs={"pk": obj.pk}, request=self.context.get("request")
        )


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
