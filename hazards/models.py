"""The hazard ledger (隐患台帐): hazards, their append-only event log, evidence,
escalations and the once-only notices.

Writes are transition methods (docs/architecture.md, "Writes"): each locks the hazard row,
checks its guard under the lock, writes, appends a HazardEvent and schedules
side effects after commit. The API and the HTML views call these methods and
never change ``state`` themselves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from config.clock import local_today
from config.errors import InvalidTransition
from enterprises.models import Enterprise, Industry

from . import predicates
from .choices import OPEN_STATES, Category, EventKind, Level, State

__all__ = ["Category", "EventKind", "Level", "OPEN_STATES", "State", "local_today"]


# Who may ever take each step of the workflow (the API and the pages refuse other roles
# with 403 before looking at the hazard; the transition's guard decides the rest).
STEP_ROLES: dict[str, tuple[tuple[str, ...], str]] = {
    "register": (
        (Role.INSPECTOR, Role.BUREAU, Role.ENTERPRISE),
        _("只有检查员、安监局或企业用户可以登记隐患。"),
    ),
    "submit": ((Role.ENTERPRISE,), _("只有企业用户可以提交本企业的隐患整改。")),
    "review": ((Role.INSPECTOR, Role.BUREAU), _("只有检查员或安监局可以复查。")),
    "extend": ((Role.INSPECTOR, Role.BUREAU), _("只有检查员或安监局可以延期。")),
    "level": ((Role.INSPECTOR, Role.BUREAU), _("只有检查员或安监局可以变更隐患等级。")),
    "void": ((Role.BUREAU,), _("只有安监局可以作废隐患。")),
    "acknowledge": ((Role.LEADER,), _("只有被督办的责任领导可以签收。")),
    "resolve": ((Role.BUREAU,), _("只有安监局可以作出追责处理。")),
}


def may_take_step(user, step: str) -> bool:
    roles, _message = STEP_ROLES[step]
    return bool(user.is_authenticated and (user.is_superuser or user.role in roles))


class HazardCodeCounter(models.Model):
    """Per-year sequence for hazard codes. Locked in the same transaction as the
    insert, so codes are unique and gap-free even under concurrent saves."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    @classmethod
    def next_code(cls, year: int, prefix: str = "YH") -> str:
        cls.objects.get_or_create(year=year)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"{prefix}-{year}-{counter.last:06d}"


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user) -> HazardQuerySet:
        """Hazards in the user's scope (docs/glossary.md, "Who and where"). Every lookup goes through this."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.role == Role.BUREAU or user.is_superuser:
            return self
        if user.role == Role.INSPECTOR:
            if user.department_id is None:
                return self.none()
            if user.department.is_bureau:
                return self
            return self.filter(department_id=user.department_id)
        if user.role == Role.ENTERPRISE:
            return (
                self.filter(enterprise_id=user.enterprise_id) if user.enterprise_id else self.none()
            )
        if user.role == Role.LEADER:
            cond = Q(responsible_leader_id=user.pk)
            if user.township_id:
                cond |= Q(township_id=user.township_id)
            if user.enterprise_id:
                cond |= Q(enterprise_id=user.enterprise_id)
            return self.filter(cond)
        return self.none()

    def open(self) -> HazardQuerySet:
        return self.filter(predicates.open_q())

    def overdue(self, today: dt.date | None = None) -> HazardQuerySet:
        return self.filter(predicates.overdue_q(today))

    def due_soon(self, today: dt.date | None = None) -> HazardQuerySet:
        return self.filter(predicates.due_soon_q(today))

    def escalated(self) -> HazardQuerySet:
        return self.filter(predicates.escalated_q())

    def with_flags(self, today: dt.date | None = None) -> HazardQuerySet:
        """Annotate is_overdue_flag and escalated_flag, computed in SQL."""
        today = today or local_today()
        return self.annotate(
            is_overdue_flag=models.ExpressionWrapper(
                predicates.overdue_q(today), output_field=models.BooleanField()
            ),
            escalated_flag=models.ExpressionWrapper(
                predicates.escalated_q(), output_field=models.BooleanField()
            ),
        )

    def due_for_escalation(self, threshold: int) -> HazardQuerySet:
        """Open hazards whose failures at or past the threshold outnumber their escalations."""
        return self.filter(
            state__in=OPEN_STATES,
            failed_reviews__gte=threshold,
            escalation_round__lt=F("failed_reviews") - threshold + 1,
        )


class Hazard(models.Model):
    code = models.CharField(_("隐患编号"), max_length=20, unique=True, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="hazards"
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hazards",
    )
    # Copied from the enterprise (kept in sync by hazards/receivers.py): the dashboard and
    # scope filters read them without a join over a million rows.
    township = models.ForeignKey(
        "enterprises.Township", on_delete=models.PROTECT, related_name="+", editable=False
    )
    department = models.ForeignKey(
        "enterprises.Department", on_delete=models.PROTECT, related_name="+", editable=False
    )
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices, editable=False)

    title = models.CharField(_("隐患名称"), max_length=200)
    description = models.TextField(_("隐患描述"), blank=True)
    location = models.CharField(_("隐患位置"), max_length=200, blank=True)
    category = models.CharField(_("隐患类别"), max_length=16, choices=Category.choices)
    level = models.CharField(
        _("隐患等级"), max_length=16, choices=Level.choices, default=Level.GENERAL
    )
    basis = models.CharField(_("依据"), max_length=255, blank=True)
    # Set when a checklist item graded the failure major under a 判定标准: only the
    # bureau may downgrade it, with a reason.
    major_by_standard = models.BooleanField(_("按判定标准为重大隐患"), default=False)
    # The checklist item (判定标准 article) that graded it major; the only way to mark
    # a hazard major-by-standard (docs/standards.md).
    standard_item = models.ForeignKey(
        "inspections.ChecklistItem",
        verbose_name=_("判定标准条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    measures = models.TextField(_("整改措施"))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改责任人"),
        on_delete=models.PROTECT,
        related_name="hazards_responsible",
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任领导"),
        on_delete=models.PROTECT,
        related_name="hazards_led",
    )
    deadline = models.DateField(_("整改期限"))
    funds = models.DecimalField(
        _("整改资金（元）"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    emergency_plan = models.TextField(_("应急预案"), blank=True)

    state = models.CharField(
        _("整改状态"),
        max_length=16,
        choices=State.choices,
        default=State.RECTIFYING,
        editable=False,
    )
    failed_reviews = models.PositiveIntegerField(_("复查不合格次数"), default=0, editable=False)
    reviews = models.PositiveIntegerField(_("复查次数"), default=0, editable=False)
    escalation_round = models.PositiveIntegerField(_("已升级轮次"), default=0, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="hazards_created",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    closed_on_time = models.BooleanField(_("按期销号"), null=True, editable=False)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患台帐")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(funds__gte=0), name="hazard_funds_not_negative"),
        ]
        indexes = [
            # Sweeps and overdue lists scan only open rows.
            models.Index(
                fields=["deadline"], name="hazard_open_deadline", condition=Q(state__in=OPEN_STATES)
            ),
            models.Index(
                fields=["failed_reviews"],
                name="hazard_open_failed",
                condition=Q(state__in=OPEN_STATES, failed_reviews__gt=0),
            ),
            models.Index(fields=["enterprise", "state"]),
            models.Index(fields=["township", "state"]),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["industry", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["responsible_leader", "state"]),
            models.Index(fields=["responsible_person", "state"]),
            # Dashboard (docs/architecture.md, "Performance"), PostgreSQL index-only scans: open hazards by group and
            # enterprise; late closings for the overdue-at-month-end trend; registration
            # dates with the breakdown columns for date-filtered figures.
            # (Covering columns are key columns, not INCLUDE: SQLite rejects INCLUDE.)
            models.Index(
                fields=[
                    "township",
                    "department",
                    "industry",
                    "state",
                    "level",
                    "deadline",
                    "escalation_round",
                    "created_at",
                    "enterprise",
                ],
                name="hazard_dash_open",
                condition=Q(state__in=OPEN_STATES),
            ),
            models.Index(
                fields=[
                    "closed_at",
                    "created_at",
                    "deadline",
                    "township",
                    "department",
                    "industry",
                    "level",
                ],
                name="hazard_dash_closed_late",
                condition=Q(state=State.CLOSED, closed_on_time=False),
            ),
            models.Index(
                fields=[
                    "created_at",
                    "township",
                    "department",
                    "industry",
                    "level",
                    "state",
                    "closed_on_time",
                    "closed_at",
                    "id",
                ],
                name="hazard_dash_created",
            ),
            # Ledger counts filtered by township (+ industry, level, state): index-only.
            models.Index(
                fields=["township", "industry", "level", "state"], name="hazard_township_industry"
            ),
            # The oldest overdue hazards in deadline order, with the dashboard filters
            # checked inside the index (no heap visit for rows that do not match).
            models.Index(
                fields=["deadline", "created_at", "level", "township", "department", "industry"],
                name="hazard_dash_overdue",
                condition=Q(state=State.RECTIFYING),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    # --- derived -----------------------------------------------------------------
    @property
    def is_overdue(self) -> bool:
        flag = getattr(self, "is_overdue_flag", None)
        if flag is not None:
            return bool(flag)
        return predicates.is_overdue(self.state, self.deadline)

    @property
    def escalated(self) -> bool:
        return self.escalation_round > 0

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # --- validation --------------------------------------------------------------
    def validate_plan(self, *, today: dt.date | None = None, check_deadline: bool = True) -> None:
        """The five-point plan (五落实): measures, person, leader, deadline, funds, plan."""
        errors: dict[str, list] = {}
        today = today or local_today()
        if check_deadline and self.deadline and self.deadline < today:
            errors.setdefault("deadline", []).append(_("整改期限不能早于今天。"))
        if self.funds is not None and self.funds < 0:
            errors.setdefault("funds", []).append(_("整改资金不能为负数。"))
        person = self.responsible_person if self.responsible_person_id else None
        if person is not None and (
            person.role != Role.ENTERPRISE or person.enterprise_id != self.enterprise_id
        ):
            errors.setdefault("responsible_person", []).append(
                _("整改责任人必须是该企业的企业用户。")
            )
        leader = self.responsible_leader if self.responsible_leader_id else None
        if leader is not None and leader.role != Role.LEADER:
            errors.setdefault("responsible_leader", []).append(_("责任领导必须是领导角色的用户。"))
        if self.level == Level.MAJOR and not (self.emergency_plan or "").strip():
            errors.setdefault("emergency_plan", []).append(_("重大隐患必须制定应急预案。"))
        if not (self.measures or "").strip():
            errors.setdefault("measures", []).append(_("请填写整改措施。"))
        if self.major_by_standard and self.level != Level.MAJOR:
            errors.setdefault("level", []).append(
                _("按判定标准认定的重大隐患，等级必须为重大隐患。")
            )
        if self.inspection_id and self.inspection.enterprise_id != self.enterprise_id:
            errors.setdefault("inspection", []).append(_("该检查不属于所选企业。"))
        if errors:
            raise ValidationError(errors)

    # --- transitions ---------------------------------------------------------------
    @classmethod
    @transaction.atomic
    def register(
        cls, *, by, enterprise: Enterprise, before: list | None = None, **fields
    ) -> Hazard:
        """Log a new hazard (检查发现 or 自查自报) with its code and a 'created' event,
        and the photos of the hazard as found (``before``)."""
        hazard = cls(enterprise=enterprise, created_by=by, **fields)
        if by.role == Role.ENTERPRISE and hazard.inspection_id:
            raise ValidationError({"inspection": [_("企业自查自报的隐患不能关联检查。")]})
        hazard.township_id = enterprise.township_id
        hazard.department_id = enterprise.supervising_department_id
        hazard.industry = enterprise.industry
        hazard.validate_plan()
        now = timezone.now()
        hazard.created_at = now
        hazard.code = HazardCodeCounter.next_code(timezone.localtime(now).year)
        hazard.save()
        event = HazardEvent.objects.create(
            hazard=hazard,
            actor=by,
            kind=EventKind.CREATED,
            to_state=hazard.state,
            note=hazard.title,
            data={"level": hazard.level, "deadline": hazard.deadline.isoformat()},
        )
        for item in before or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.BEFORE
            )
        return hazard

    def _locked(self) -> Hazard:
        return Hazard.objects.select_for_update().select_related("enterprise").get(pk=self.pk)

    def _record(self, *, by, kind: str, from_state: str, note: str = "", data=None) -> HazardEvent:
        return HazardEvent.objects.create(
            hazard=self,
            actor=by,
            kind=kind,
            from_state=from_state,
            to_state=self.state,
            note=note,
            data=data or {},
        )

    def _refresh_from(self, locked: Hazard) -> None:
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    def can_submit(self, user) -> bool:
        return (
            self.state == State.RECTIFYING
            and user.role == Role.ENTERPRISE
            and user.enterprise_id == self.enterprise_id
        )

    def can_review(self, user) -> bool:
        if user.role not in (Role.INSPECTOR, Role.BUREAU) and not user.is_superuser:
            return False
        if self.state == State.PENDING_REVIEW:
            return True
        # An on-site re-check after the deadline may fail a hazard still being rectified.
        return predicates.may_fail_on_site(self.state, self.deadline)

    @transaction.atomic
    def submit(
        self, *, by, note: str, evidence: list | None = None, before: list | None = None
    ) -> HazardEvent:
        """The enterprise reports remediation done (with before/after photos) → pending_review."""
        hazard = self._locked()
        if by.role != Role.ENTERPRISE or by.enterprise_id != hazard.enterprise_id:
            raise InvalidTransition(_("只能提交本企业的隐患整改。"))
        if hazard.state != State.RECTIFYING:
            raise InvalidTransition(
                _("隐患当前状态为“%(state)s”，不能提交整改。")
                % {"state": hazard.get_state_display()}
            )
        if not (note or "").strip():
            raise ValidationError({"note": [_("请填写整改情况说明。")]})
        from_state = hazard.state
        hazard.state = State.PENDING_REVIEW
        hazard.save(update_fields=["state", "updated_at"])
        event = hazard._record(by=by, kind=EventKind.SUBMITTED, from_state=from_state, note=note)
        for item in before or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.BEFORE
            )
        for item in evidence or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.AFTER
            )
        self._refresh_from(hazard)
        from .notify import notify_submitted

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
        """Re-inspection (复查). Pass closes (销号); fail sends it back with a new deadline."""
        hazard = self._locked()
        if by.role not in (Role.INSPECTOR, Role.BUREAU) and not by.is_superuser:
            raise InvalidTransition(_("只有检查员或安监局可以复查。"))
        if hazard.state not in OPEN_STATES:
            raise InvalidTransition(
                _("隐患当前状态为“%(state)s”，不能复查。") % {"state": hazard.get_state_display()}
            )
        if passed and hazard.state != State.PENDING_REVIEW:
            raise InvalidTransition(_("企业尚未提交整改，不能复查合格销号。"))
        if hazard.state == State.RECTIFYING and hazard.deadline >= local_today():
            # A failed on-site re-check of a hazard still being rectified counts toward
            # the two-strike rule, so it is only fair once the deadline has passed.
            raise InvalidTransition(
                _("整改期限（%(deadline)s）未到，企业尚未提交整改，不能判定复查不合格。")
                % {"deadline": hazard.deadline.isoformat()}
            )
        from_state = hazard.state
        now = timezone.now()
        hazard.reviews += 1
        if passed:
            hazard.state = State.CLOSED
            hazard.closed_at = now
            hazard.closed_on_time = timezone.localtime(now).date() <= hazard.deadline
            kind = EventKind.REVIEW_PASSED
            data: dict = {}
        else:
            errors = {}
            if not (comment or "").strip():
                errors["comment"] = [_("复查不合格时必须填写复查意见。")]
            if new_deadline is None:
                errors["new_deadline"] = [_("复查不合格时必须重新确定整改期限。")]
            elif new_deadline < local_today():
                errors["new_deadline"] = [_("整改期限不能早于今天。")]
            if errors:
                raise ValidationError(errors)
            data = {
                "old_deadline": hazard.deadline.isoformat(),
                "new_deadline": new_deadline.isoformat(),
            }
            hazard.state = State.RECTIFYING
            hazard.failed_reviews += 1
            hazard.deadline = new_deadline
            kind = EventKind.REVIEW_FAILED
            data["failed_reviews"] = hazard.failed_reviews
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
        event = hazard._record(by=by, kind=kind, from_state=from_state, note=comment, data=data)
        for item in evidence or []:
            Evidence.store(
                hazard=hazard, event=event, by=by, image=item, phase=Evidence.Phase.REVIEW
            )
        self._refresh_from(hazard)
        from .notify import notify_reviewed

        notify_reviewed(hazard.pk, event.pk)  # same transaction, as in submit()
        return event

    @transaction.atomic
    def extend(self, *, by, deadline: dt.date, reason: str) -> HazardEvent:
        hazard = self._locked()
        if by.role not in (Role.INSPECTOR, Role.BUREAU) and not by.is_superuser:
            raise InvalidTransition(_("只有检查员或安监局可以延期。"))
        if hazard.state not in OPEN_STATES:
            raise InvalidTransition(
                _("隐患当前状态为“%(state)s”，不能延期。") % {"state": hazard.get_state_display()}
            )
        errors = {}
        if not (reason or "").strip():
            errors["reason"] = [_("请填写延期理由。")]
        if deadline is None:
            errors["deadline"] = [_("请填写新的整改期限。")]
        elif deadline < local_today():
            errors["deadline"] = [_("整改期限不能早于今天。")]
        elif deadline <= hazard.deadline:
            errors["deadline"] = [_("新的整改期限应晚于原期限。")]
        if errors:
            raise ValidationError(errors)
        data = {"old_deadline": hazard.deadline.isoformat(), "new_deadline": deadline.isoformat()}
        hazard.deadline = deadline
        hazard.save(update_fields=["deadline", "updated_at"])
        event = hazard._record(
            by=by, kind=EventKind.EXTENDED, from_state=hazard.state, note=reason, data=data
        )
        self._refresh_from(hazard)
        return event

    @transaction.atomic
    def void(self, *, by, reason: str) -> HazardEvent:
        hazard = self._locked()
        if by.role != Role.BUREAU and not by.is_superuser:
            raise InvalidTransition(_("只有安监局可以作废隐患。"))
        if hazard.state not in OPEN_STATES:
            raise InvalidTransition(
                _("隐患当前状态为“%(state)s”，不能作废。") % {"state": hazard.get_state_display()}
            )
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("请填写作废理由。")]})
        from_state = hazard.state
        hazard.state = State.VOIDED
        hazard.save(update_fields=["state", "updated_at"])
        event = hazard._record(by=by, kind=EventKind.VOIDED, from_state=from_state, note=reason)
        self._refresh_from(hazard)
        return event

    @transaction.atomic
    def change_level(
        self, *, by, level: str, reason: str = "", emergency_plan: str | None = None
    ) -> HazardEvent:
        """Regrade a hazard. Downgrading a standard-major hazard needs the bureau and a reason."""
        hazard = self._locked()
        # Grading is the supervisor's call: an enterprise must not downgrade its own hazard.
        if by.role not in (Role.INSPECTOR, Role.BUREAU) and not by.is_superuser:
            raise InvalidTransition(_("只有检查员或安监局可以变更隐患等级。"))
        if hazard.state not in OPEN_STATES:
            raise InvalidTransition(_("已销号或作废的隐患不能变更等级。"))
        if level not in Level.values:
            raise ValidationError({"level": [_("无效的隐患等级。")]})
        if level == hazard.level:
            raise ValidationError({"level": [_("等级未变化。")]})
        if level == Level.GENERAL and hazard.major_by_standard:
            if by.role != Role.BUREAU and not by.is_superuser:
                raise InvalidTransition(_("按判定标准认定的重大隐患，只有安监局可以降级。"))
            if not (reason or "").strip():
                raise ValidationError({"reason": [_("降级必须说明理由。")]})
        if level == Level.MAJOR:
            plan = emergency_plan if emergency_plan is not None else hazard.emergency_plan
            if not (plan or "").strip():
                raise ValidationError({"emergency_plan": [_("重大隐患必须制定应急预案。")]})
            hazard.emergency_plan = plan
        from_level = hazard.level
        hazard.level = level
        hazard.save(update_fields=["level", "emergency_plan", "updated_at"])
        event = hazard._record(
            by=by,
            kind=EventKind.LEVEL_CHANGED,
            from_state=hazard.state,
            note=reason,
            data={"from_level": from_level, "to_level": level},
        )
        self._refresh_from(hazard)
        return event


class HazardEvent(models.Model):
    """Append-only: never updated or deleted (PostgreSQL triggers enforce it)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("事件"), max_length=32, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐患事件")
        verbose_name_plural = _("隐患事件")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["hazard", "created_at"])]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind}"


class Evidence(models.Model):
    """A photo, validated by decoding, re-encoded, stored under a random name."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")
        REVIEW = "review", _("复查")

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="evidence")
    event = models.ForeignKey(
        HazardEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    phase = models.CharField(_("阶段"), max_length=8, choices=Phase.choices)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=32)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_sha256 = models.CharField(_("原始文件 SHA-256"), max_length=64)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    captured_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证据照片")
        verbose_name_plural = _("证据照片")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["hazard", "uploaded_at"])]

    @classmethod
    def store(
        cls, *, hazard: Hazard, by, image, phase: str, event: HazardEvent | None = None
    ) -> Evidence:
        from .evidence import ProcessedImage, process_image

        # An upload the caller has already checked (the API does, before writing
        # anything) is not decoded and re-encoded a second time.
        processed = image if isinstance(image, ProcessedImage) else process_image(image)
        return cls.objects.create(
            hazard=hazard,
            event=event,
            phase=phase,
            file=processed.file,
            content_type=processed.content_type,
            sha256=processed.sha256,
            original_sha256=processed.original_sha256,
            size=processed.size,
            width=processed.width,
            height=processed.height,
            captured_at=processed.captured_at,
            uploaded_by=by,
        )


class Escalation(models.Model):
    """The two-strike rule: one row per (hazard, round), addressed to the responsible leader."""

    class EscalationState(models.TextChoices):
        OPEN = "open", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        RESOLVED = "resolved", _("已处理")

    class Outcome(models.TextChoices):
        INTERVIEW = "interview", _("约谈")
        CRITICISM = "criticism", _("通报批评")
        FINE = "fine", _("罚款")
        SUSPENSION = "suspension", _("停产整顿")
        OTHER = "other", _("其他")

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="escalations")
    round = models.PositiveIntegerField(_("轮次"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任领导"),
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    reason = models.TextField(_("升级原因"))
    state = models.CharField(
        _("状态"), max_length=16, choices=EscalationState.choices, default=EscalationState.OPEN
    )
    created_at = models.DateTimeField(_("升级时间"), default=timezone.now)
    notified_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("签收意见"), blank=True)
    outcome = models.CharField(_("追责结果"), max_length=16, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(_("处理说明"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("升级督办")
        verbose_name_plural = _("升级督办")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "round"], name="escalation_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["leader", "state"]),
            models.Index(fields=["state"]),
            # The dashboard's list of unresolved escalations, oldest first.
            models.Index(
                fields=["created_at"],
                name="escalation_unresolved",
                condition=Q(state__in=["open", "acknowledged"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} #{self.round}"

    @transaction.atomic
    def acknowledge(self, *, by, note: str) -> HazardEvent:
        """The responsible leader signs for the escalation (签收), once."""
        esc = Escalation.objects.select_for_update().get(pk=self.pk)
        if by.pk != esc.leader_id:
            raise InvalidTransition(_("只有被督办的责任领导可以签收。"))
        if esc.state != self.EscalationState.OPEN:
            raise InvalidTransition(_("该督办已签收，不能重复签收。"))
        if not (note or "").strip():
            raise ValidationError({"note": [_("请填写签收意见。")]})
        esc.state = self.EscalationState.ACKNOWLEDGED
        esc.acknowledged_at = timezone.now()
        esc.acknowledgement_note = note
        esc.save(update_fields=["state", "acknowledged_at", "acknowledgement_note"])
        hazard = esc.hazard
        event = HazardEvent.objects.create(
            hazard=hazard,
            actor=by,
            kind=EventKind.ESCALATION_ACKNOWLEDGED,
            from_state=hazard.state,
            to_state=hazard.state,
            note=note,
            data={"round": esc.round},
        )
        self.__dict__.update(
            {f.attname: getattr(esc, f.attname) for f in self._meta.concrete_fields}
        )
        return event

    @transaction.atomic
    def resolve(self, *, by, outcome: str, note: str) -> HazardEvent:
        """The bureau decides accountability (追责) and closes the escalation, once."""
        esc = Escalation.objects.select_for_update().get(pk=self.pk)
        if by.role != Role.BUREAU and not by.is_superuser:
            raise InvalidTransition(_("只有安监局可以作出追责处理。"))
        if esc.state == self.EscalationState.RESOLVED:
            raise InvalidTransition(_("该督办已处理，不能重复处理。"))
        errors = {}
        if outcome not in self.Outcome.values:
            errors["outcome"] = [_("请选择追责结果：约谈、通报批评、罚款、停产整顿或其他。")]
        if not (note or "").strip():
            errors["note"] = [_("请填写处理说明。")]
        if errors:
            raise ValidationError(errors)
        esc.state = self.EscalationState.RESOLVED
        esc.outcome = outcome
        esc.resolution_note = note
        esc.resolved_by = by
        esc.resolved_at = timezone.now()
        esc.save(
            update_fields=["state", "outcome", "resolution_note", "resolved_by", "resolved_at"]
        )
        hazard = esc.hazard
        event = HazardEvent.objects.create(
            hazard=hazard,
            actor=by,
            kind=EventKind.ESCALATION_RESOLVED,
            from_state=hazard.state,
            to_state=hazard.state,
            note=note,
            data={"round": esc.round, "outcome": outcome},
        )
        self.__dict__.update(
            {f.attname: getattr(esc, f.attname) for f in self._meta.concrete_fields}
        )
        return event


class HazardNotice(models.Model):
    """A reminder or overdue notice: at most one per (hazard, kind, day), by constraint."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        OVERDUE = "overdue", _("逾期通知")

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hazard", "kind", "day"], name="notice_once_per_day"),
        ]
        indexes = [
            models.Index(
                fields=["sent_at"], name="notice_unsent", condition=Q(sent_at__isnull=True)
            )
        ]
