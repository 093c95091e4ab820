"""What each event of the hazard log looks like: one typed builder per ``EventKind``
(docs/architecture.md, "Rules": one policy, one predicate, one builder).

A builder takes what the step knows (a comment, the old and new deadline …) and
returns an ``EventDraft``: the event's kind, from/to state, note and data payload,
and nothing else — no hazard, no actor, no time, no database. Two ways on from a draft:

- ``draft.build(hazard, by=user, at=None)`` → an **unsaved** ``HazardEvent`` (the
  caller saves it: ``.save()``, or ``bulk_create`` for many, as the escalation sweep
  does); ``draft.create(hazard, by=user)`` builds and saves in one call, as a model
  transition wants::

      event = events.review_failed(
          comment=comment,
          old_deadline=old_deadline,
          new_deadline=new_deadline,
          failed_reviews=hazard.failed_reviews,
          from_state=from_state,
      ).create(hazard, by=by)

- the draft itself is a plain tuple, so a bulk loader (``seed_bulk``'s COPY writer)
  takes its five fields without building a model instance per event (seven
  microseconds each, half a minute over a million hazards).

``hazard`` and ``by`` may be instances or ids (``by=None``: the system, e.g. the
sweep). The payloads are the ledger's record: the transitions in
``hazards/models/workflow.py`` and ``escalations.py``, the escalation sweep and
``seed_bulk`` all write these and only these, and
``tests/hazards/test_events.py`` drives each real step and compares.

This module imports no model at import time (``HazardEvent`` is looked up when a draft
is built), so the ``hazards/models`` package may import it at module level.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

from django.apps import apps

from .choices import EventKind, State

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Hazard, HazardEvent


class EventDraft(NamedTuple):
    """An event's content, before it is attached to a hazard, an actor and a time."""

    kind: str
    from_state: str
    to_state: str
    note: str
    data: dict[str, Any]

    def build(
        self,
        hazard: Hazard | int,
        *,
        by: User | int | None,
        at: dt.datetime | None = None,
    ) -> HazardEvent:
        """An unsaved HazardEvent (``created_at`` defaults to now)."""
        model = apps.get_model("hazards", "HazardEvent")
        fields: dict[str, Any] = {
            "kind": self.kind,
            "from_state": self.from_state,
            "to_state": self.to_state,
            "note": self.note,
            "data": dict(self.data),
        }
        fields["hazard_id" if isinstance(hazard, int) else "hazard"] = hazard
        fields["actor_id" if by is None or isinstance(by, int) else "actor"] = by
        if at is not None:
            fields["created_at"] = at
        return model(**fields)

    def create(
        self,
        hazard: Hazard | int,
        *,
        by: User | int | None,
        at: dt.datetime | None = None,
    ) -> HazardEvent:
        """Build and save (inside the caller's transaction)."""
        event = self.build(hazard, by=by, at=at)
        event.save(force_insert=True)
        return event


def _day(value: dt.date) -> str:
    return value.isoformat()


# --- the hazard's own steps -------------------------------------------------------------


def created(*, title: str, level: str, deadline: dt.date) -> EventDraft:
    """登记: a new hazard, being rectified. The note is its title."""
    return EventDraft(
        EventKind.CREATED,
        "",
        State.RECTIFYING,
        title,
        {"level": level, "deadline": _day(deadline)},
    )


def submitted(*, note: str) -> EventDraft:
    """提交整改: the enterprise reports the remediation done."""
    return EventDraft(EventKind.SUBMITTED, State.RECTIFYING, State.PENDING_REVIEW, note, {})


def review_passed(*, comment: str = "") -> EventDraft:
    """复查合格（销号）: closed."""
    return EventDraft(EventKind.REVIEW_PASSED, State.PENDING_REVIEW, State.CLOSED, comment, {})


def review_failed(
    *,
    comment: str,
    old_deadline: dt.date,
    new_deadline: dt.date,
    failed_reviews: int,
    from_state: str = State.PENDING_REVIEW,
) -> EventDraft:
    """复查不合格: back to rectifying with a new deadline. ``from_state`` is
    ``rectifying`` for an on-site re-check after the deadline; ``failed_reviews`` is the
    count including this failure."""
    return EventDraft(
        EventKind.REVIEW_FAILED,
        from_state,
        State.RECTIFYING,
        comment,
        {
            "old_deadline": _day(old_deadline),
            "new_deadline": _day(new_deadline),
            "failed_reviews": failed_reviews,
        },
    )


def extended(
    *, state: str, reason: str, old_deadline: dt.date, new_deadline: dt.date
) -> EventDraft:
    """延期: the deadline moves; the state does not."""
    return EventDraft(
        EventKind.EXTENDED,
        state,
        state,
        reason,
        {"old_deadline": _day(old_deadline), "new_deadline": _day(new_deadline)},
    )


def voided(*, from_state: str, reason: str) -> EventDraft:
    """作废: logged in error."""
    return EventDraft(EventKind.VOIDED, from_state, State.VOIDED, reason, {})


def level_changed(*, state: str, reason: str, from_level: str, to_level: str) -> EventDraft:
    """等级变更: regraded; the state does not change."""
    return EventDraft(
        EventKind.LEVEL_CHANGED,
        state,
        state,
        reason,
        {"from_level": from_level, "to_level": to_level},
    )


# --- escalation (two-strike rule) --------------------------------------------------------


def escalated(*, state: str, reason: str, round: int, escalation: int, leader: int) -> EventDraft:
    """升级督办: written by the sweep (no actor). The note is the Escalation's reason;
    ``escalation`` and ``leader`` are ids."""
    return EventDraft(
        EventKind.ESCALATED,
        state,
        state,
        reason,
        {"round": round, "escalation": escalation, "leader": leader},
    )


def escalation_acknowledged(*, state: str, note: str, round: int) -> EventDraft:
    """责任领导签收: the leader signs for round ``round``."""
    return EventDraft(EventKind.ESCALATION_ACKNOWLEDGED, state, state, note, {"round": round})


def escalation_resolved(*, state: str, note: str, round: int, outcome: str) -> EventDraft:
    """追责处理: the bureau's decision on round ``round``."""
    return EventDraft(
        EventKind.ESCALATION_RESOLVED,
        state,
        state,
        note,
        {"round": round, "outcome": outcome},
    )


# Every kind has its builder (the test suite holds this complete).
BUILDERS = {
    EventKind.CREATED: created,
    EventKind.SUBMITTED: submitted,
    EventKind.REVIEW_PASSED: review_passed,
    EventKind.REVIEW_FAILED: review_failed,
    EventKind.EXTENDED: extended,
    EventKind.VOIDED: voided,
    EventKind.LEVEL_CHANGED: level_changed,
    EventKind.ESCALATED: escalated,
    EventKind.ESCALATION_ACKNOWLEDGED: escalation_acknowledged,
    EventKind.ESCALATION_RESOLVED: escalation_resolved,
}
