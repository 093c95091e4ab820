"""In-app notifications that follow ledger transitions (run after commit)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts import policy
from accounts.models import Notification, NotificationKind


def notify_submitted(hazard_id: int) -> None:
    from .models import Hazard

    hazard = Hazard.objects.select_related("enterprise").get(pk=hazard_id)
    # The inspector who logged it gets to know that it awaits re-inspection (he, or the
    # bureau's officer who logged it, is one who may review it).
    if hazard.created_by_id and policy.role_allows("hazards.review", hazard.created_by):
        Notification.objects.create(
            recipient_id=hazard.created_by_id,
            kind=NotificationKind.SUBMITTED,
            hazard=hazard,
            message=_("%(enterprise)s 已提交隐患 %(code)s 的整改，待复查。")
            % {"enterprise": hazard.enterprise.name, "code": hazard.code},
        )


def notify_reviewed(hazard_id: int, event_id: int) -> None:
    from .models import EventKind, Hazard, HazardEvent

    hazard = Hazard.objects.get(pk=hazard_id)
    event = HazardEvent.objects.get(pk=event_id)
    if event.kind == EventKind.REVIEW_PASSED:
        message = _("隐患 %(code)s 复查合格，已销号。") % {"code": hazard.code}
    else:
        message = _("隐患 %(code)s 复查不合格（第 %(n)d 次），请于 %(deadline)s 前重新整改。") % {
            "code": hazard.code,
            "n": hazard.failed_reviews,
            "deadline": hazard.deadline.isoformat(),
        }
    Notification.objects.create(
        recipient_id=hazard.responsible_person_id,
        kind=NotificationKind.REVIEW,
        hazard=hazard,
        message=message,
    )
