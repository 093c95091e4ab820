"""What an inspection checked (a copy of each checklist item and its result) and the
re-checks recorded on a follow-up visit."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hazards import plan
from hazards.models import Category, Hazard, HazardEvent, Level

from ..choices import ItemResult, ReviewResult

if TYPE_CHECKING:
    from .checklists import ChecklistItem
    from .inspection import Inspection


class InspectionItem(models.Model):
    """What was checked: a copy of the checklist item at the time, and its result."""

    inspection = models.ForeignKey(
        "inspections.Inspection",
        verbose_name=_("检查"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    source = models.ForeignKey(
        "inspections.ChecklistItem",
        verbose_name=_("来源检查项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    code = models.CharField(_("编号"), max_length=16)
    section = models.CharField(_("检查类别"), max_length=64, blank=True)
    text = models.TextField(_("检查内容"))
    hazard_title = models.CharField(_("不符合时的隐患名称"), max_length=200)
    category = models.CharField(_("隐患类别"), max_length=16, choices=Category.choices)
    major_by_standard = models.BooleanField(_("按判定标准为重大事故隐患"), default=False)
    basis = models.CharField(_("依据"), max_length=255)
    suggested_measures = models.TextField(_("建议整改措施"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    result = models.CharField(_("检查结果"), max_length=8, choices=ItemResult.choices, blank=True)
    remark = models.TextField(_("备注"), blank=True)
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("隐患"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_items",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["inspection", "result"])]

    def __str__(self) -> str:
        return f"{self.code} {self.get_result_display() or '-'}"

    @classmethod
    def copy_of(
        cls, item: ChecklistItem, *, inspection: Inspection, order: int | None = None
    ) -> InspectionItem:
        return cls(
            inspection=inspection,
            source=item,
            code=item.code,
            section=item.section,
            text=item.text,
            hazard_title=item.hazard_title,
            category=item.category,
            major_by_standard=item.major_by_standard,
            basis=item.basis,
            suggested_measures=item.suggested_measures,
            order=item.order if order is None else order,
        )

    def register_hazard(self, *, by, inspection: Inspection, fields: dict) -> Hazard:
        """Register the hazard for this failed item, pre-filled from what was checked."""
        level = fields.get("level") or (Level.MAJOR if self.major_by_standard else Level.GENERAL)
        errors: dict[str, list] = {}
        if level not in Level.values:
            errors["level"] = [_("无效的隐患等级。")]
        elif self.major_by_standard and level != Level.MAJOR:
            errors["level"] = [
                _("该项按判定标准为重大事故隐患，只能登记为重大隐患；降级须由安监局说明理由。")
            ]
        people = {
            "responsible_person": fields.get("responsible_person") or None,
            "responsible_leader": fields.get("responsible_leader") or None,
        }
        errors.update(plan.plan_errors(people))
        plan.raise_errors(errors)
        deadline = fields.get("deadline") or plan.default_deadline(level)
        description = fields.get("description") or "\n".join(
            s for s in (f"{self.code} {self.text}", self.remark) if s
        )
        return Hazard.register(
            by=by,
            enterprise=inspection.enterprise,
            inspection=inspection,
            title=self.hazard_title,
            description=description,
            location=fields.get("location") or "",
            category=self.category,
            level=level,
            basis=self.basis,
            major_by_standard=self.major_by_standard,
            standard_item=self.source if self.major_by_standard else None,
            measures=fields.get("measures") or self.suggested_measures,
            responsible_person=fields["responsible_person"],
            responsible_leader=fields["responsible_leader"],
            deadline=deadline,
            funds=fields.get("funds") if fields.get("funds") is not None else Decimal("0"),
            emergency_plan=fields.get("emergency_plan") or "",
        )


class FollowUpCheck(models.Model):
    """A re-check recorded on a follow-up visit; the hazard's own log holds the event."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.PROTECT, related_name="follow_up_checks"
    )
    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="follow_up_checks")
    event = models.OneToOneField(HazardEvent, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("复查结果"), max_length=8, choices=ReviewResult.choices)
    comment = models.TextField(_("复查意见"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("复查时间"), default=timezone.now)

    class Meta:
        verbose_name = _("复查记录")
        verbose_name_plural = _("复查记录")
        ordering = ["checked_at", "pk"]
        indexes = [models.Index(fields=["inspection", "hazard"])]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.hazard_id} {self.result}"
