"""One hazard's history for a bulk load: from registration to its final state, with an
event per transition, its escalations (two-strike rule) and the leader's notifications.

Every event is drafted by the builders of hazards/events.py, the escalation's reason
and notification by the sweep's own texts (hazards/sweeps/escalate.py), so a
bulk-seeded history reads exactly like one the workflow wrote; only the times and the
choices are drawn at random. Nothing here touches the database: ``live`` returns rows
for the writers (demo/bulk/copy.py).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import NotificationKind
from hazards import events
from hazards.events import EventDraft
from hazards.models import Escalation, State
from hazards.predicates import is_overdue
from hazards.sweeps.escalate import escalation_message, escalation_reason

TZ = ZoneInfo(settings.TIME_ZONE)
OUTCOMES = [o.value for o in Escalation.Outcome]

RECTIFYING, PENDING, CLOSED, VOIDED = (
    State.RECTIFYING.value,
    State.PENDING_REVIEW.value,
    State.CLOSED.value,
    State.VOIDED.value,
)

ESCALATION_COLUMNS = [
    "id",
    "hazard_id",
    "round",
    "leader_id",
    "reason",
    "state",
    "created_at",
    "notified_at",
    "acknowledged_at",
    "acknowledgement_note",
    "outcome",
    "resolution_note",
    "resolved_by_id",
    "resolved_at",
]
NOTIFICATION_COLUMNS = ["recipient_id", "kind", "message", "hazard_id", "created_at", "read_at"]

ACKNOWLEDGED_NOTE = "已签收，督促整改。"
RESOLVED_NOTE = "已约谈企业负责人。"


def local_end_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 23, 59, tzinfo=TZ)


class Registered(NamedTuple):
    """A hazard as registered: what its life starts from."""

    id: int
    code: str
    created: dt.datetime
    by: int  # who registered it: the inspector, or the enterprise (自查自报)
    inspector: int  # who re-inspects it
    officer: int  # the responsible person (enterprise user)
    leader: int  # the responsible leader
    enterprise_name: str
    title: str
    level: str
    deadline: dt.date


@dataclass
class Life:
    """Where a hazard ended up, and the rows that say how."""

    state: str
    deadline: dt.date
    failed_reviews: int = 0
    reviews: int = 0
    escalation_round: int = 0
    closed_at: dt.datetime | None = None
    closed_on_time: bool | None = None
    updated_at: dt.datetime | None = None
    # (actor id or None, draft, time), in order
    events: list[tuple[int | None, EventDraft, dt.datetime]] = field(default_factory=list)
    escalations: list[tuple] = field(default_factory=list)  # ESCALATION_COLUMNS rows
    notifications: list[tuple] = field(default_factory=list)  # NOTIFICATION_COLUMNS rows


class Lifecycle:
    """Draws hazards' lives. ``escalation_ids`` hands out the Escalation ids (the
    escalated event names its escalation)."""

    # Final state by age in days (rectifying, pending review, closed; the rest voided):
    # old hazards are almost all closed, recent ones mostly still open. Over a few years
    # of growing activity this gives ~84% closed, ~4% each voided / pending review /
    # overdue and ~3-4% rectifying within the deadline.
    PLAN = (
        (20, (0.60, 0.80, 0.98)),
        (90, (0.30, 0.48, 0.96)),
        (365, (0.08, 0.14, 0.96)),
        (10**6, (0.04, 0.06, 0.96)),
    )

    def __init__(
        self,
        *,
        rng: random.Random,
        now: dt.datetime,
        threshold: int,
        bureau: int,
        escalation_ids: Iterator[int],
    ):
        self.rng, self.now, self.today = rng, now, now.date()
        self.threshold, self.bureau, self.escalation_ids = threshold, bureau, escalation_ids

    def created_times(self, m: int, *, years: int) -> list[dt.datetime]:
        """Registration times over the years, growing (more inspections lately), on
        working days and hours, sorted."""
        rng = self.rng
        span = 365 * years
        start = self.today - dt.timedelta(days=span)
        out = []
        for _ in range(m):
            # Density grows linearly to twice the first year's: inverse-CDF sample.
            u = rng.random()
            x = math.sqrt(1 + 3 * u) - 1  # in [0, 1], density ∝ 1 + x
            day = start + dt.timedelta(days=min(span, int(x * span) + 1))
            if day.weekday() >= 5 and rng.random() < 0.8:
                day -= dt.timedelta(days=day.weekday() - 4)
            minute = rng.randint(8 * 60, 18 * 60 - 1)
            out.append(
                dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=TZ)
            )
        out.sort()
        # Nothing in the future (today's samples may fall after now).
        return [min(t, self.now - dt.timedelta(minutes=1)) for t in out]

    def plan(self, created: dt.datetime) -> str:
        age = (self.today - created.date()).days
        r = self.rng.random()
        rect, pend, closed = next(bounds for max_age, bounds in self.PLAN if age <= max_age)
        if r < rect:
            return RECTIFYING
        if r < pend:
            return PENDING
        if r < closed:
            return CLOSED
        return VOIDED

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        """A random moment in [start, end], never after now."""
        end = min(end, self.now - dt.timedelta(seconds=1))
        if end <= start:
            return start
        return start + dt.timedelta(seconds=self.rng.randint(0, int((end - start).total_seconds())))

    def live(self, h: Registered) -> Life:
        """The hazard's history, from its 'created' event to its final state."""
        rng = self.rng
        planned = self.plan(h.created)
        life = Life(state=RECTIFYING, deadline=h.deadline, updated_at=h.created)
        life.events.append(
            (h.by, events.created(title=h.title, level=h.level, deadline=h.deadline), h.created)
        )
        rounds = self._failures(h, life)
        # Planned to stay rectifying and already overdue: some get an extension.
        if is_overdue(planned, life.deadline, self.today) and rng.random() < 0.45:
            self._extension(h, life)
        elif planned in (PENDING, CLOSED):
            self._submission(h, life, close=planned == CLOSED)
        elif planned == VOIDED:
            void_at = self.between(life.updated_at, life.updated_at + dt.timedelta(days=10))
            draft = events.voided(from_state=RECTIFYING, reason="重复登记，予以作废。")
            life.events.append((self.bureau, draft, void_at))
            life.state, life.updated_at = VOIDED, void_at
        for rnd, esc_at, esc_id in rounds:
            self._escalation(h, life, rnd, esc_at, esc_id)
        return life

    def _failures(self, h: Registered, life: Life) -> list[tuple[int, dt.datetime, int]]:
        """Failed re-inspections (most hazards pass at the first review), each after a
        submission; from the threshold on, each failure escalates one round."""
        rng = self.rng
        rounds = []
        r = rng.random()
        wanted = 0 if r < 0.90 else 1 if r < 0.98 else 2 if r < 0.995 else 3
        for _f in range(wanted):
            t = life.updated_at
            submit_at = t + dt.timedelta(days=rng.randint(2, 12), hours=rng.randint(0, 5))
            review_at = submit_at + dt.timedelta(days=rng.randint(1, 5), hours=1)
            if review_at >= self.now:
                break
            life.events.append(
                (h.officer, events.submitted(note="已按要求整改，申请复查。"), submit_at)
            )
            life.failed_reviews += 1
            new_deadline = review_at.date() + dt.timedelta(days=rng.randint(7, 20))
            draft = events.review_failed(
                comment="整改不到位，问题依旧存在。",
                old_deadline=life.deadline,
                new_deadline=new_deadline,
                failed_reviews=life.failed_reviews,
            )
            life.events.append((h.inspector, draft, review_at))
            life.deadline, life.updated_at = new_deadline, review_at
            if life.failed_reviews >= self.threshold:
                life.escalation_round += 1
                esc_at = review_at + dt.timedelta(minutes=rng.randint(1, 5))
                if esc_at >= self.now:
                    esc_at = review_at
                esc_id = next(self.escalation_ids)
                draft = events.escalated(
                    state=RECTIFYING,
                    reason=escalation_reason(code=h.code, failures=life.failed_reviews),
                    round=life.escalation_round,
                    escalation=esc_id,
                    leader=h.leader,
                )
                life.events.append((None, draft, esc_at))
                rounds.append((life.escalation_round, esc_at, esc_id))
        life.reviews = life.failed_reviews
        return rounds

    def _extension(self, h: Registered, life: Life) -> None:
        """Still being rectified within an extended deadline (延期)."""
        rng = self.rng
        ext_at = self.between(max(life.updated_at, self.now - dt.timedelta(days=60)), self.now)
        new_deadline = self.today + dt.timedelta(days=rng.randint(1, 60))
        draft = events.extended(
            state=RECTIFYING,
            reason="企业申请延期，理由充分。",
            old_deadline=life.deadline,
            new_deadline=new_deadline,
        )
        life.events.append((h.inspector, draft, ext_at))
        life.deadline, life.updated_at = new_deadline, ext_at

    def _submission(self, h: Registered, life: Life, *, close: bool) -> None:
        """Submitted (awaiting re-inspection), and closed after it when ``close``."""
        rng = self.rng
        t, due = life.updated_at, local_end_of(life.deadline)
        if not close:
            # Awaiting re-inspection: submitted in the last few weeks.
            submit_at = self.between(max(t, self.now - dt.timedelta(days=25)), self.now)
        elif rng.random() < 0.86 and due > t:  # on time, mostly
            submit_at = self.between(t, due - dt.timedelta(days=1))
        else:
            submit_at = self.between(t, t + dt.timedelta(days=(due - t).days + 30))
        life.events.append((h.officer, events.submitted(note="整改完毕，请复查。"), submit_at))
        life.state, life.updated_at = PENDING, submit_at
        if close:
            review_at = self.between(submit_at, submit_at + dt.timedelta(days=4))
            draft = events.review_passed(comment="现场复查合格，同意销号。")
            life.events.append((h.inspector, draft, review_at))
            life.state, life.updated_at = CLOSED, review_at
            life.closed_at = review_at
            life.closed_on_time = review_at.astimezone(TZ).date() <= life.deadline
            life.reviews += 1

    def _escalation(
        self, h: Registered, life: Life, rnd: int, esc_at: dt.datetime, esc_id: int
    ) -> None:
        """An escalation round: resolved once the hazard is closed or voided, open ones
        wait. It has the leader's in-app notification and an event per step."""
        rng = self.rng
        ack = res = None
        if life.state in (CLOSED, VOIDED) or rng.random() < 0.3:
            ack = esc_at + dt.timedelta(days=rng.randint(1, 3))
            res = ack + dt.timedelta(days=rng.randint(1, 7))
            if res >= self.now:
                ack = res = None
        if ack is None and rng.random() < 0.4:
            ack = esc_at + dt.timedelta(days=1)
            if ack >= self.now:
                ack = None
        esc_state = "resolved" if res else "acknowledged" if ack else "open"
        outcome = rng.choice(OUTCOMES) if res else ""
        life.escalations.append(
            (
                esc_id,
                h.id,
                rnd,
                h.leader,
                escalation_reason(code=h.code, failures=rnd + self.threshold - 1),
                esc_state,
                esc_at,
                esc_at,
                ack,
                ACKNOWLEDGED_NOTE if ack else "",
                outcome,
                RESOLVED_NOTE if res else "",
                self.bureau if res else None,
                res,
            )
        )
        message = escalation_message(
            enterprise=h.enterprise_name, code=h.code, title=h.title, round=rnd
        )
        life.notifications.append(
            (h.leader, NotificationKind.ESCALATION.value, message, h.id, esc_at, ack)
        )
        for at, actor, step in ((ack, h.leader, "ack"), (res, self.bureau, "res")):
            if at is None:
                continue
            # The hazard's state at that moment: its final one if it had been reached.
            state_then = life.state if at >= life.updated_at else RECTIFYING
            if step == "ack":
                draft = events.escalation_acknowledged(
                    state=state_then, note=ACKNOWLEDGED_NOTE, round=rnd
                )
            else:
                draft = events.escalation_resolved(
                    state=state_then, note=RESOLVED_NOTE, round=rnd, outcome=outcome
                )
            life.events.append((actor, draft, at))
