"""Deadline reminders and overdue notices: at most one of each kind per hazard and
Shanghai calendar day (``HazardNotice`` is unique on (hazard, kind, day)), with their
in-app notifications; their emails go out through hazards/sweeps/mail.py."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind
from config.clock import local_today

from ..models import Hazard, HazardNotice
from ..predicates import due_on_q, overdue_q
from .claim import BATCH_SIZE, MAX_BATCHES, insert_returning
from .mail import send_notice_emails


@dataclasses.dataclass
class NoticeResult:
    reminders: int = 0
    overdue: int = 0
    notifications: int = 0
    emails_sent: int = 0
    emails_failed: int = 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def _notice_batch(*, today: dt.date, now: dt.datetime, limit: int) -> tuple[NoticeResult, int]:
    """One transaction, three queries: today's reminder/overdue notices for up to
    ``limit`` hazards that have none yet, with their in-app notifications."""
    remind_day = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    result = NoticeResult()
    with transaction.atomic():
        targets = list(
            Hazard.objects.filter(overdue_q(today) | due_on_q(remind_day))
            .annotate(
                notice_kind=Case(
                    When(overdue_q(today), then=Value(HazardNotice.Kind.OVERDUE.value)),
                    default=Value(HazardNotice.Kind.REMINDER.value),
                    output_field=models.CharField(),
                )
            )
            .exclude(
                Exists(
                    HazardNotice.objects.filter(
                        hazard=OuterRef("pk"), day=today, kind=OuterRef("notice_kind")
                    )
                )
            )
            .order_by("pk")
            .values(
                "pk",
                "code",
                "title",
                "deadline",
                "notice_kind",
                "responsible_person_id",
                "responsible_leader_id",
                "enterprise__name",
            )[:limit]
        )
        if not targets:
            return result, 0
        by_pk = {h["pk"]: h for h in targets}
        inserted = insert_returning(
            [
                HazardNotice(hazard_id=h["pk"], kind=h["notice_kind"], day=today, created_at=now)
                for h in targets
            ],
            conflict=("hazard", "kind", "day"),
            returning=("hazard", "kind"),
        )
        notifications = []
        for hazard_id, kind in inserted:
            h = by_pk[hazard_id]
            if kind == HazardNotice.Kind.REMINDER:
                result.reminders += 1
                message = _(
                    "隐患 %(code)s“%(title)s”的整改期限为 %(deadline)s，还有 %(days)d 天到期，"
                    "请按期完成整改并提交。"
                ) % {
                    "code": h["code"],
                    "title": h["title"],
                    "deadline": h["deadline"].isoformat(),
                    "days": settings.REMINDER_DAYS_BEFORE,
                }
                recipients = [h["responsible_person_id"]]
                notification_kind = NotificationKind.REMINDER
            else:
                result.overdue += 1
                message = _(
                    "%(enterprise)s 的隐患 %(code)s“%(title)s”已超过整改期限 %(deadline)s，"
                    "逾期 %(days)d 天，请立即整改。"
                ) % {
                    "enterprise": h["enterprise__name"],
                    "code": h["code"],
                    "title": h["title"],
                    "deadline": h["deadline"].isoformat(),
                    "days": (today - h["deadline"]).days,
                }
                recipients = list(
                    dict.fromkeys([h["responsible_person_id"], h["responsible_leader_id"]])
                )
                notification_kind = NotificationKind.OVERDUE
            notifications.extend(
                Notification(
                    recipient_id=user_id,
                    kind=notification_kind,
                    hazard_id=hazard_id,
                    message=message,
                    created_at=now,
                )
                for user_id in recipients
            )
        Notification.objects.bulk_create(notifications)
        result.notifications = len(notifications)
        return result, len(targets)


def send_deadline_notices(
    *, today: dt.date | None = None, batch_size: int = BATCH_SIZE
) -> NoticeResult:
    """Reminders (REMINDER_DAYS_BEFORE days before the deadline, to the responsible
    person) and overdue notices (every day overdue, to the person and the leader).
    At most one of each kind per hazard and Shanghai calendar day, however often it runs."""
    today = today or local_today()
    now = timezone.now()
    total = NoticeResult()
    with translation.override(settings.LANGUAGE_CODE):
        for _batch in range(MAX_BATCHES):
            result, scanned = _notice_batch(today=today, now=now, limit=batch_size)
            total.reminders += result.reminders
            total.overdue += result.overdue
            total.notifications += result.notifications
            if scanned < batch_size:
                break
        total.emails_sent, total.emails_failed = send_notice_emails(today=today)
    return total
