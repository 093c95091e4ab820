"""Inspections as inspectors run them: checklist templates per industry, campaigns,
the inspection itself (draft → finalized), the items it checked and follow-up visits.

- ``checklists.py``: ``ChecklistTemplate``, ``ChecklistItem``;
- ``campaigns.py``: ``Campaign`` (with its progress in SQL), ``CampaignSector``;
- ``inspection.py``: ``Inspection`` and its transitions, the notice counter;
- ``items.py``: ``InspectionItem`` (what was checked), ``FollowUpCheck``.

Who may take which step, and when, is ``inspections/policy.py``; the vocabulary is
``inspections/choices.py``. Everything is importable from ``inspections.models``.
"""

from ..choices import CampaignKind, InspectionKind, InspectionStatus, ItemResult, ReviewResult
from .campaigns import PROGRESS_FIELDS, Campaign, CampaignQuerySet, CampaignSector
from .checklists import ChecklistItem, ChecklistTemplate, ChecklistTemplateQuerySet
from .inspection import (
    NOTICE_PREFIX,
    Inspection,
    InspectionQuerySet,
    NoticeCounter,
    format_notice_number,
)
from .items import FollowUpCheck, InspectionItem

__all__ = [
    "NOTICE_PREFIX",
    "PROGRESS_FIELDS",
    "Campaign",
    "CampaignKind",
    "CampaignQuerySet",
    "CampaignSector",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistTemplateQuerySet",
    "FollowUpCheck",
    "Inspection",
    "InspectionItem",
    "InspectionKind",
    "InspectionQuerySet",
    "InspectionStatus",
    "ItemResult",
    "NoticeCounter",
    "ReviewResult",
    "format_notice_number",
]
