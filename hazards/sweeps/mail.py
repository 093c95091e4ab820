"""Phase 2 of the sweeps: email, at least once, normally exactly once (see
hazards/sweeps/__init__.py). Every row whose email is not marked sent is delivered in
its own short transaction: lock it, re-check the mark, send, set the mark."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..models import Escalation, HazardNotice

logger = logging.getLogger(__name__)

# Emails per sweep; the rest go out on the next sweep.
EMAIL_BATCH_SIZE = 500
# An escalation email that could not be delivered for this long is given up on
# (logged), so one bad address is not retried forever.
EMAIL_RETRY_WINDOW = dt.timedelta(days=7)


def _mailer():
    """A fresh connection of the default mailer (MAILERS, built from EMAIL_*)."""
    return mailers.default


def _deliver(
    queryset: models.QuerySet, pk: int, mark: str, build: Callable[[models.Model], list]
) -> int | None:
    """Send one row's email(s) once: lock the row, re-check the mark, send, set the mark.

    Returns the number of messages sent (0: nobody to email, the in-app notification is
    the channel), None when it was already sent or another worker is sending it right
    now, and raises when sending failed (the mark stays unset for the next sweep)."""
    with transaction.atomic():
        row = (
            queryset.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, **{f"{mark}__isnull": True})
            .first()
        )
        if row is None:
            return None
        messages = build(row)
        sent = _mailer().send_messages(messages) if messages else 0
        type(row).objects.filter(pk=pk).update(**{mark: timezone.now()})
    return sent or 0


def _message_id(key: str) -> str:
    """A Message-ID fixed by the row, not by the attempt: if a send is ever repeated
    (see the module docstring), the copies carry the same ID, and mail systems that
    de-duplicate on it show the recipient one message."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<hazard-ledger.{key}@{domain}>"


def _escalation_email(esc: Escalation) -> list[EmailMessage]:
    leader = esc.leader
    if not leader.email:
        return []  # nothing to send: the in-app notification is the channel
    hazard = esc.hazard
    subject = _("【升级督办】隐患 %(code)s 整改不到位，请签收（第 %(round)d 轮）") % {
        "code": hazard.code,
        "round": esc.round,
    }
    body = _(
        "%(leader)s：\n\n%(enterprise)s 的隐患 %(code)s“%(title)s”已升级督办（第 %(round)d 轮）。\n"
        "%(reason)s\n\n整改期限：%(deadline)s\n请登录隐患台帐签收，并督促落实整改。\n"
    ) % {
        "leader": leader.name,
        "enterprise": hazard.enterprise.name,
        "code": hazard.code,
        "title": hazard.title,
        "round": esc.round,
        "reason": esc.reason,
        "deadline": hazard.deadline.isoformat(),
    }
    return [
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [leader.email],
            headers={"Message-ID": _message_id(f"escalation.{esc.pk}")},
        )
    ]


def send_escalation_emails(*, now: dt.datetime | None = None, limit: int = EMAIL_BATCH_SIZE):
    """Phase 2 of the sweep: email every escalation whose email is not marked sent —
    the ones phase 1 just created, and any a killed worker or a mail outage left behind."""
    now = now or timezone.now()
    pending = list(
        Escalation.objects.filter(
            notified_at__isnull=True, created_at__gte=now - EMAIL_RETRY_WINDOW
        )
        # Once resolved the email has no purpose (and the row is frozen on PostgreSQL).
        .exclude(state=Escalation.EscalationState.RESOLVED)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    queryset = Escalation.objects.exclude(state=Escalation.EscalationState.RESOLVED).select_related(
        "leader", "hazard__enterprise"
    )
    sent = failed = 0
    with translation.override(settings.LANGUAGE_CODE):
        for pk in pending:
            try:
                sent += _deliver(queryset, pk, "notified_at", _escalation_email) or 0
            except Exception:
                failed += 1
                logger.exception("escalation %s: email not sent; the next sweep retries", pk)
    return sent, failed


def _notice_email(notice: HazardNotice) -> list[EmailMessage]:
    hazard = notice.hazard
    if notice.kind == HazardNotice.Kind.REMINDER:
        people = [hazard.responsible_person]
        subject = _("【整改提醒】隐患 %(code)s 将于 %(deadline)s 到期")
        body = _(
            "%(enterprise)s 的隐患 %(code)s“%(title)s”整改期限为 %(deadline)s，请按期完成整改。\n"
        )
    else:
        people = [hazard.responsible_person, hazard.responsible_leader]
        subject = _("【逾期通知】隐患 %(code)s 已超过整改期限 %(deadline)s")
        body = _(
            "%(enterprise)s 的隐患 %(code)s“%(title)s”已超过整改期限 %(deadline)s，请立即整改。\n"
        )
    to = list(dict.fromkeys(p.email for p in people if p.email))
    if not to:
        return []
    values = {
        "enterprise": hazard.enterprise.name,
        "code": hazard.code,
        "title": hazard.title,
        "deadline": hazard.deadline.isoformat(),
    }
    return [
        EmailMessage(
            subject % values,
            body % values,
            settings.DEFAULT_FROM_EMAIL,
            to,
            headers={"Message-ID": _message_id(f"notice.{notice.pk}")},
        )
    ]


def send_notice_emails(*, today: dt.date, limit: int = EMAIL_BATCH_SIZE) -> tuple[int, int]:
    # Yesterday's unsent notices still go out; older ones are superseded by today's.
    pending = list(
        HazardNotice.objects.filter(sent_at__isnull=True, day__gte=today - dt.timedelta(days=1))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    queryset = HazardNotice.objects.select_related(
        "hazard__enterprise", "hazard__responsible_person", "hazard__responsible_leader"
    )
    sent = failed = 0
    for pk in pending:
        try:
            sent += _deliver(queryset, pk, "sent_at", _notice_email) or 0
        except Exception:
            failed += 1
            logger.exception("notice %s: email not sent; the next run retries", pk)
    return sent, failed
