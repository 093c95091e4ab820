"""What the hazards app does when a lower app signals a change (connected in apps.py)."""

from __future__ import annotations

from django.dispatch import receiver

from enterprises.models import Enterprise
from enterprises.signals import enterprise_moved

from .models import Hazard


@receiver(enterprise_moved, sender=Enterprise, dispatch_uid="hazards.copy_enterprise_placement")
def copy_enterprise_placement(sender, *, enterprise: Enterprise, **kwargs) -> None:
    """Hazards carry a copy of their enterprise's township / department / industry (the
    dashboard and the scope filters read them without a join over a million rows):
    keep it exact, in the transaction of the enterprise's save."""
    Hazard.objects.filter(enterprise_id=enterprise.pk).update(
        township_id=enterprise.township_id,
        department_id=enterprise.supervising_department_id,
        industry=enterprise.industry,
    )
