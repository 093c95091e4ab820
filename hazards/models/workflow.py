"""The hazard's workflow steps (docs/architecture.md, "Writes"): each locks the hazard row, asks the
policy (hazards/policy.py) under the lock, checks its fields (hazards/plan.py), writes,
appends a HazardEvent through its builder (hazards/events.py, the same definition
``seed_bulk`` writes with) and records its notices in the same transaction. The API and the
pages call these methods and never change ``state`` themselves.

A mixin of ``Hazard`` (ledger.py), kept apart so that each file stays readable.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy

from .. import events, plan
from ..choices import Level, State
from .records import Evidence, HazardCodeCounter, HazardEvent


class HazardWorkflow:
    # --- registration ------------------------------------------------------------------
    @classmethod
    @transaction.atomic
    def register(cls, *, by, enterprise, before: list | None = None, **fields):
        """Log a new hazard (检查发现 or 自查自报) with its code and a 'created' event,
        and the photos of the hazard as found (``before``)."""
        policy.require("hazards.register", by, enterprise)
        hazard = cls(enterprise=enterprise, created_by=by, **fields)
        if policy.is_enterprise(by) and hazard.inspection_id:
            raise ValidationError({"inspection": [_("企业自查自报的隐患不能关联检查。")]})
        hazard.township_id = enterprise.township_id
        hazard.department_id = enterprise.supervising_department_id
        hazard.industry = enterprise.industry
        hazard.validate_plan()
        now = timezone.now()
        hazard.created_at = now
        hazard.code = HazardCodeCounter.next_code(timezone.localtime(now).year)
        hazard.save()
        event = events.created(
            title=hazard.title, level=hazard.level, deadline=hazard.deadline
        ).create(hazard, by=by)
        for item in before or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.BEFORE
            )
        return hazard

    # --- helpers -----------------------------------------------------------------------
    def _locked(self):
        return type(self).objects.select_for_update().select_related("enterprise").get(pk=self.pk)

    def _refresh_from(self, locked) -> None:
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    def can_submit(self, user) -> bool:
        return policy.decide("hazards.submit", user, self).allowed

    def can_review(self, user) -> bool:
        return policy.decide("hazards.review", user, self).allowed

    # --- steps -------------------------------------------------------------------------
    @transaction.atomic
    def submit(
        self, *, by, note: str, evidence: list | None = None, before: list | None = None
    ) -> HazardEvent:
        """The enterprise reports remediation done (with before/after photos) → pending_review."""
        hazard = self._locked()
        policy.require("hazards.submit", by, hazard)
        if not (note or "").strip():
            raise ValidationError({"note": [_("请填写整改情况说明。")]})
        hazard.state = State.PENDING_REVIEW
        hazard.save(update_fields=["state", "updated_at"])
        event = events.submitted(note=note).create(hazard, by=by)
        for item in before or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.BEFORE
            )
        for item in evidence or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.AFTER
            )
        self._refresh_from(hazard)
        from ..notify import notify_submitted

        # In-app notices are rows: written in the same transaction as the step, so the
        # step and its notice commit (or fail) together. Nothing runs after the commit
        # that could turn a done step into an error response.
        notify_submitted(hazard.pk)
        return event

    @transaction.atomic
    def review(
        self,
        *,
        by,
        passed: bool,
        comment: str = "",
        new_deadline: dt.date | None = None,
        evidence: list | None = None,
    ) -> HazardEvent:
        """Re-inspection (复查). Pass closes (销号); fail sends it back with a new deadline.
        A failure counts toward the two-strike rule, so a hazard still being rectified may
        be failed only after its deadline (the policy's ``hazards.fail_review``)."""
        hazard = self._locked()
        policy.require("hazards.pass_review" if passed else "hazards.fail_review", by, hazard)
        from_state = hazard.state
        now = timezone.now()
        hazard.reviews += 1
        if passed:
            hazard.state = State.CLOSED
            hazard.closed_at = now
            hazard.closed_on_time = timezone.localtime(now).date() <= hazard.deadline
            draft = events.review_passed(comment=comment)
        else:
            plan.raise_errors(plan.failed_review_errors(comment, new_deadline))
            old_deadline = hazard.deadline
            hazard.state = State.RECTIFYING
            hazard.failed_reviews += 1
            hazard.deadline = new_deadline
            # from_state: pending review, or rectifying for an on-site re-check after
            # the deadline.
            draft = events.review_failed(
                comment=comment,
                old_deadline=old_deadline,
                new_deadline=new_deadline,
                failed_reviews=hazard.failed_reviews,
                from_state=from_state,
            )
        hazard.save(
            update_fields=[
                "state",
                "reviews",
                "failed_reviews",
                "deadline",
                "closed_at",
                "closed_on_time",
                "updated_at",
            ]
        )
        event = draft.create(hazard, by=by)
        for item in evidence or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.REVIEW
            )
        self._refresh_from(hazard)
        from ..notify import notify_reviewed

        notify_reviewed(hazard.pk, event.pk)  # same transaction, as in submit()
        return event

    @transaction.atomic
    def extend(self, *, by, deadline: dt.date, reason: str) -> HazardEvent:
        hazard = self._locked()
        policy.require("hazards.extend", by, hazard)
        errors = {}
        if not (reason or "").strip():
            errors["reason"] = [_("请填写延期理由。")]
        if deadline is None:
            errors["deadline"] = [_("请填写新的整改期限。")]
        elif plan.in_the_past(deadline):
            errors["deadline"] = [plan.PAST_DEADLINE]
        elif deadline <= hazard.deadline:
            errors["deadline"] = [_("新的整改期限应晚于原期限。")]
        plan.raise_errors(errors)
        draft = events.extended(
            state=hazard.state, reason=reason, old_deadline=hazard.deadline, new_deadline=deadline
        )
        hazard.deadline = deadline
        hazard.save(update_fields=["deadline", "updated_at"])
        event = draft.create(hazard, by=by)
        self._refresh_from(hazard)
        return event

    @transaction.atomic
    def void(self, *, by, reason: str) -> HazardEvent:
        hazard = self._locked()
        policy.require("hazards.void", by, hazard)
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("请填写作废理由。")]})
        from_state = hazard.state
        hazard.state = State.VOIDED
        hazard.save(update_fields=["state", "updated_at"])
        event = events.voided(from_state=from_state, reason=reason).create(hazard, by=by)
        self._refresh_from(hazard)
        return event

    @transaction.atomic
    def change_level(
        self, *, by, level: str, reason: str = "", emergency_plan: str | None = None
    ) -> HazardEvent:
        """Regrade a hazard. Downgrading a standard-major hazard needs the bureau and a reason."""
        hazard = self._locked()
        # Grading is the supervisor's call: an enterprise must not downgrade its own hazard.
        policy.require("hazards.change_level", by, hazard)
        if level not in Level.values:
            raise ValidationError({"level": [_("无效的隐患等级。")]})
        if level == hazard.level:
            raise ValidationError({"level": [_("等级未变化。")]})
        if level == Level.GENERAL and hazard.major_by_standard:
            policy.require("hazards.downgrade_standard_major", by, hazard)
            if not (reason or "").strip():
                raise ValidationError({"reason": [_("降级必须说明理由。")]})
        if level == Level.MAJOR:
            emergency_plan = emergency_plan if emergency_plan is not None else hazard.emergency_plan
            plan.raise_errors(plan.plan_errors({"level": level, "emergency_plan": emergency_plan}))
            hazard.emergency_plan = emergency_plan
        from_level = hazard.level
        hazard.level = level
        hazard.save(update_fields=["level", "emergency_plan", "updated_at"])
        event = events.level_changed(
            state=hazard.state, reason=reason, from_level=from_level, to_level=level
        ).create(hazard, by=by)
        self._refresh_from(hazard)
        return event
