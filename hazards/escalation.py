"""The escalation sweep (two-strike rule) and the deadline reminder / overdue job.

Both run from Celery beat (hazards/tasks.py) and from ``manage.py escalate``.
Each is split in two phases, so that nothing is duplicated or lost when two
beats fire at once, a sweep runs twice, or a worker is killed mid-task:

Phase 1 — rows, exactly once. One transaction per batch, set-based: the number
of SQL queries does not depend on how many hazards are scanned. Candidates are
read in one SELECT, the once-only rows (``Escalation`` unique on (hazard, round),
``HazardNotice`` unique on (hazard, kind, day)) are written with one
``INSERT … ON CONFLICT DO NOTHING RETURNING``, and only the rows the database
reports as inserted *by this statement* get their HazardEvent and in-app
Notification, in the same transaction. A second sweep racing us either waits on
the conflicting key and inserts nothing, or sees our committed rows (the
escalation sweep also locks the due hazards with SKIP LOCKED, so two sweeps split
the work rather than race for it); a worker killed before COMMIT leaves nothing
behind, and the next sweep does it all.

Phase 2 — email, at least once, normally exactly once. Every row whose email is
not marked sent (``Escalation.notified_at`` / ``HazardNotice.sent_at`` NULL) is
delivered in its own short transaction: lock the row (``SKIP LOCKED``: another
worker sending it right now is left alone), re-check the mark, send, set the
mark, commit. A worker killed before the send leaves the mark unset and the next
sweep sends it; the only duplicate possible is a kill between the mail server
accepting the message and our COMMIT (milliseconds) — SMTP offers no way to
make a send and a database write atomic, so that window cannot be closed.
A send that fails (mail server down) rolls back and is retried by the next sweep.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import connection, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind

from .models import Escalation, EventKind, Hazard, HazardEvent, HazardNotice, State, local_today

logger = logging.getLogger(__name__)

# Rows per phase-1 transaction. A backlog larger than this (first deploy over an
# old ledger) is worked off in several transactions of constant query count each.
BATCH_SIZE = 1000
# Emails per sweep; the rest go out on the next sweep.
EMAIL_BATCH_SIZE = 500
# An escalation email that could not be delivered for this long is given up on
# (logged), so one bad address is not retried forever.
EMAIL_RETRY_WINDOW = dt.timedelta(days=7)
_MAX_BATCHES = 10_000


# --- results -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class NewEscalation:
    id: int
    hazard_id: int
    hazard_code: str
    round: int
    leader_id: int


@dataclasses.dataclass
class SweepResult:
    escalations: list[NewEscalation] = dataclasses.field(default_factory=list)
    emails_sent: int = 0
    emails_failed: int = 0

    def as_dict(self) -> dict:
        return {
            "escalated": [f"{e.hazard_code}#{e.round}" for e in self.escalations],
            "emails_sent": self.emails_sent,
            "emails_failed": self.emails_failed,
        }


@dataclasses.dataclass
class NoticeResult:
    reminders: int = 0
    overdue: int = 0
    notifications: int = 0
    emails_sent: int = 0
    emails_failed: int = 0

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


# --- the claim: INSERT … ON CONFLICT DO NOTHING RETURNING ---------------------------------


def insert_returning(
    objs: list[models.Model], *, conflict: Iterable[str], returning: Iterable[str]
) -> list[tuple]:
    """Insert the unsaved instances ``objs`` (all of one model), skipping any that
    violate the unique constraint on ``conflict``; return the ``returning`` columns of
    the rows this statement really inserted.

    That return value is the claim: PostgreSQL and SQLite (3.35+) both report only
    the inserted rows, so whoever inserted a row — and nobody else — goes on to
    write its event and notification. (``bulk_create(ignore_conflicts=True)`` cannot
    say which rows it inserted.) One query, whatever the number of rows (SQLite
    splits beyond its bind-parameter cap, tens of thousands of rows).
    """
    if not objs:
        return []
    opts = objs[0]._meta
    qn = connection.ops.quote_name
    # The columns bulk_create would write: every concrete field but the serial key.
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    tail = (
        f" ON CONFLICT ({', '.join(qn(opts.get_field(n).column) for n in conflict)}) DO NOTHING"
        f" RETURNING {', '.join(qn(opts.get_field(n).column) for n in returning)}"
    )
    # Chunked only where the backend caps bind parameters (SQLite), as bulk_create is.
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [
                f.get_db_prep_save(f.pre_save(obj, True), connection)
                for obj in chunk
                for f in fields
            ]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            inserted.extend(cursor.fetchall())
    return inserted


# --- phase 1: escalations ----------------------------------------------------------------


def _threshold(threshold: int | None) -> int:
    return int(threshold if threshold is not None else settings.ESCALATION_FAILURE_THRESHOLD)


def _escalation_batch(*, threshold: int, now: dt.datetime, limit: int) -> tuple[list, int]:
    """One transaction, five queries: escalate up to ``limit`` due hazards."""
    with transaction.atomic():
        # Lock the due hazards. SKIP LOCKED: a hazard another sweep holds is that sweep's
        # job; one being reviewed right now is caught by the next sweep. On SQLite
        # (development) the whole transaction is serialised by BEGIN IMMEDIATE instead.
        due = list(
            Hazard.objects.due_for_escalation(threshold)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values(
                "pk",
                "code",
                "title",
                "state",
                "failed_reviews",
                "escalation_round",
                "responsible_leader_id",
                "enterprise__name",
            )[:limit]
        )
        if not due:
            return [], 0
        by_pk = {h["pk"]: h for h in due}
        rows = []
        # Every failure at or past the threshold is one round: a hazard that failed
        # twice more since the last sweep gets both rounds.
        for h in due:
            for rnd in range(h["escalation_round"] + 1, h["failed_reviews"] - threshold + 2):
                rows.append(
                    Escalation(
                        hazard_id=h["pk"],
                        round=rnd,
                        leader_id=h["responsible_leader_id"],
                        reason=_(
                            "隐患 %(code)s 第 %(n)d 次复查整改不到位。依据“同一处隐患两次整改"
                            "不到位的，追究领导及有关人员责任”的规定，升级督办至责任领导。"
                        )
                        % {"code": h["code"], "n": rnd + threshold - 1},
                        state=Escalation.EscalationState.OPEN,
                        created_at=now,
                    )
                )
        inserted = insert_returning(
            rows,
            conflict=("hazard", "round"),
            returning=("id", "hazard", "round", "leader"),
        )
        reasons = {(r.hazard_id, r.round): r.reason for r in rows}
        created = [
            NewEscalation(
                id=pk,
                hazard_id=hazard_id,
                hazard_code=by_pk[hazard_id]["code"],
                round=rnd,
                leader_id=leader_id,
            )
            for pk, hazard_id, rnd, leader_id in sorted(inserted, key=lambda r: (r[1], r[2]))
        ]
        if created:
            HazardEvent.objects.bulk_create(
                HazardEvent(
                    hazard_id=e.hazard_id,
                    actor=None,
                    kind=EventKind.ESCALATED,
                    from_state=by_pk[e.hazard_id]["state"],
                    to_state=by_pk[e.hazard_id]["state"],
                    note=reasons[(e.hazard_id, e.round)],
                    data={"round": e.round, "escalation": e.id, "leader": e.leader_id},
                    created_at=now,
                )
                for e in created
            )
            Notification.objects.bulk_create(
                Notification(
                    recipient_id=e.leader_id,
                    kind=NotificationKind.ESCALATION,
                    hazard_id=e.hazard_id,
                    message=_(
                        "%(enterprise)s 的隐患 %(code)s“%(title)s”两次整改不到位，已升级督办"
                        "（第 %(round)d 轮），请及时签收并督促整改。"
                    )
                    % {
                        "enterprise": by_pk[e.hazard_id]["enterprise__name"],
                        "code": e.hazard_code,
                        "title": by_pk[e.hazard_id]["title"],
                        "round": e.round,
                    },
                    created_at=now,
                )
                for e in created
            )
        # One UPDATE for the whole batch. Under our row locks failed_reviews cannot move.
        Hazard.objects.filter(pk__in=list(by_pk)).update(
            escalation_round=F("failed_reviews") - threshold + 1
        )
        return created, len(due)


def escalate_due(
    *, threshold: int | None = None, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE
) -> list[NewEscalation]:
    """Phase 1 of the sweep: create the escalations that are due, with their events
    and in-app notifications. Set-based: a constant number of queries per batch of
    ``batch_size`` hazards."""
    threshold = _threshold(threshold)
    now = now or timezone.now()
    created: list[NewEscalation] = []
    with translation.override(settings.LANGUAGE_CODE):
        for _batch in range(_MAX_BATCHES):
            new, scanned = _escalation_batch(threshold=threshold, now=now, limit=batch_size)
            created.extend(new)
            if scanned < batch_size:
                break
    return created


# --- phase 2: email ------------------------------------------------------------------------


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


def sweep(*, threshold: int | None = None) -> SweepResult:
    """What the beat task and ``manage.py escalate`` run: phase 1, then phase 2."""
    result = SweepResult(escalations=escalate_due(threshold=threshold))
    result.emails_sent, result.emails_failed = send_escalation_emails()
    return result


# --- reminders and overdue notices ------------------------------------------------------------


def _notice_batch(*, today: dt.date, now: dt.datetime, limit: int) -> tuple[NoticeResult, int]:
    """One transaction, three queries: today's reminder/overdue notices for up to
    ``limit`` hazards that have none yet, with their in-app notifications."""
    remind_day = today + dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    result = NoticeResult()
    with transaction.atomic():
        targets = list(
            Hazard.objects.filter(state=State.RECTIFYING)
            .filter(Q(deadline__lt=today) | Q(deadline=remind_day))
            .annotate(
                notice_kind=Case(
                    When(deadline__lt=today, then=Value(HazardNotice.Kind.OVERDUE.value)),
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
        for _batch in range(_MAX_BATCHES):
            result, scanned = _notice_batch(today=today, now=now, limit=batch_size)
            total.reminders += result.reminders
            total.overdue += result.overdue
            total.notifications += result.notifications
            if scanned < batch_size:
                break
        total.emails_sent, total.emails_failed = send_notice_emails(today=today)
    return total
