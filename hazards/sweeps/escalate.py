"""Phase 1 of the escalation sweep (two-strike rule): escalate the hazards that are due,
exactly once per (hazard, round), with their events and the leaders' in-app
notifications; ``sweep()`` runs phase 1 and then phase 2 (hazards/sweeps/mail.py).
See hazards/sweeps/__init__.py for why nothing is duplicated or lost."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Notification, NotificationKind

from .. import events
from ..models import Escalation, Hazard, HazardEvent
from .claim import BATCH_SIZE, MAX_BATCHES, insert_returning
from .mail import send_escalation_emails


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


def escalation_reason(*, code: str, failures: int) -> str:
    """The Escalation's reason (and its event's note), in the active language."""
    return _(
        "隐患 %(code)s 第 %(n)d 次复查整改不到位。依据“同一处隐患两次整改"
        "不到位的，追究领导及有关人员责任”的规定，升级督办至责任领导。"
    ) % {"code": code, "n": failures}


def escalation_message(*, enterprise: str, code: str, title: str, round: int) -> str:
    """The responsible leader's in-app notification of a new escalation."""
    return _(
        "%(enterprise)s 的隐患 %(code)s“%(title)s”两次整改不到位，已升级督办"
        "（第 %(round)d 轮），请及时签收并督促整改。"
    ) % {"enterprise": enterprise, "code": code, "title": title, "round": round}


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
                        reason=escalation_reason(code=h["code"], failures=rnd + threshold - 1),
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
                events.escalated(
                    state=by_pk[e.hazard_id]["state"],
                    reason=reasons[(e.hazard_id, e.round)],
                    round=e.round,
                    escalation=e.id,
                    leader=e.leader_id,
                ).build(e.hazard_id, by=None, at=now)
                for e in created
            )
            Notification.objects.bulk_create(
                Notification(
                    recipient_id=e.leader_id,
                    kind=NotificationKind.ESCALATION,
                    hazard_id=e.hazard_id,
                    message=escalation_message(
                        enterprise=by_pk[e.hazard_id]["enterprise__name"],
                        code=e.hazard_code,
                        title=by_pk[e.hazard_id]["title"],
                        round=e.round,
                    ),
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
        for _batch in range(MAX_BATCHES):
            new, scanned = _escalation_batch(threshold=threshold, now=now, limit=batch_size)
            created.extend(new)
            if scanned < batch_size:
                break
    return created


def sweep(*, threshold: int | None = None) -> SweepResult:
    """What the beat task and ``manage.py escalate`` run: phase 1, then phase 2."""
    result = SweepResult(escalations=escalate_due(threshold=threshold))
    result.emails_sent, result.emails_failed = send_escalation_emails()
    return result
