"""Reads of inspections that several pages share (docs/architecture.md, "Rules")."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Inspection, InspectionStatus


def drafts_of(user) -> QuerySet[Inspection]:
    """Draft inspections (not yet finalized) in the user's scope that the user leads or
    takes part in."""
    return (
        Inspection.objects.visible_to(user)
        .filter(status=InspectionStatus.DRAFT)
        .filter(Q(inspectors=user) | Q(created_by=user))
        .distinct()
    )
