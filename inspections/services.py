"""Workflows that span the inspections and hazards apps (docs/architecture.md, "Writes").

``log_hazard`` registers a hazard found during an inspection but not tied to a
checklist item (a "free" finding). It belongs here rather than in a view so the
HTML page and any future API call share the same guard: a finalized inspection's
notice has been issued, so nothing may be added to it afterwards.
"""

from __future__ import annotations

from django.db import transaction

from accounts import policy
from hazards.models import Hazard

from .models import Inspection


@transaction.atomic
def log_hazard(inspection: Inspection, *, by, before: list | None = None, **fields) -> Hazard:
    """Register a free hazard on a draft inspection through ``Hazard.register``.

    The inspection row is locked first, so a hazard cannot slip in while another
    request finalizes the inspection and numbers its notice.
    """
    locked = (
        Inspection.objects.select_for_update().select_related("enterprise").get(pk=inspection.pk)
    )
    policy.require("inspections.log_hazard", by, locked)
    return Hazard.register(
        by=by, enterprise=locked.enterprise, inspection=locked, before=before, **fields
    )
