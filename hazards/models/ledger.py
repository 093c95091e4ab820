"""The ledger's rows: the hazard (its plan, state and flags) and the QuerySet every read
goes through. The transitions are in ``workflow.py``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from config.clock import local_today
from enterprises.models import Enterprise, Industry

from .. import plan, predicates
from ..choices import OPEN_STATES, Category, Level, State
from .workflow import HazardWorkflow


class HazardQuerySet(models.QuerySet):
    def visible_to(self, user) -> HazardQuerySet:
        """Hazards in the user's scope (docs/glossary.md, "Who and where"). Every lookup goes
        through this."""
        if policy.is_bureau(user):
            return self
        if policy.is_inspector(user):
            if user.department_id is None:
                return self.none()
            if user.department.is_bureau:
                return self
            return self.filter(department_id=user.department_id)
        if policy.is_enterprise(user):
            return (
                self.filter(enterprise_id=user.enterprise_id) if user.enterprise_id else self.none()
            )
        if policy.is_leader(user):
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


class Hazard(HazardWorkflow, models.Model):
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
            # Dashboard (docs/architecture.md, "Performance"), PostgreSQL index-only scans:
            # open hazards by group and enterprise; late closings for the
            # overdue-at-month-end trend; registration dates with the breakdown columns
            # for date-filtered figures.
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
        """The five-point plan (五落实): measures, person, leader, deadline, funds, plan
        (hazards/plan.py holds the rules; the forms and the API ask the same function)."""
        values = {
            "deadline": self.deadline,
            "funds": self.funds,
            "responsible_person": self.responsible_person if self.responsible_person_id else None,
            "responsible_leader": self.responsible_leader if self.responsible_leader_id else None,
            "level": self.level,
            "emergency_plan": self.emergency_plan,
            "measures": self.measures,
            "major_by_standard": self.major_by_standard,
            "inspection": self.inspection if self.inspection_id else None,
        }
        errors = plan.plan_errors(
            values, enterprise=self.enterprise, today=today, check_deadline=check_deadline
        )
        if errors:
            raise ValidationError(errors)
