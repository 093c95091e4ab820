"""The inspection itself (draft → finalized) and its transitions (docs/architecture.md,
"Writes"): each locks the inspection row, asks the policy (inspections/policy.py) under
the lock and writes in one transaction. Hazards found are registered through ``Hazard.register`` and
re-checked through ``Hazard.review``: this app never re-implements the ledger's workflow.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from config.clock import local_today
from config.errors import InvalidTransition
from enterprises.models import Enterprise
from hazards.models import EventKind, Evidence, Hazard, HazardEvent, State

from ..choices import InspectionKind, InspectionStatus, ItemResult, ReviewResult
from ..policy import ALREADY_CHECKED
from .campaigns import Campaign
from .checklists import ChecklistTemplate
from .items import FollowUpCheck, InspectionItem

# The issuing prefix of the rectification notice (责令限期整改指令书): 〔年份〕安监责改 第N号.
NOTICE_PREFIX = "安监责改"


class NoticeCounter(models.Model):
    """Per-year sequence of rectification notices (文书号). Locked in the finalize
    transaction, so numbers are unique and gap-free under concurrent finalizing."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    @classmethod
    def next_seq(cls, year: int) -> int:
        cls.objects.get_or_create(year=year)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last


def format_notice_number(year: int, seq: int) -> str:
    return f"〔{year}〕{NOTICE_PREFIX} 第{seq:04d}号"


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user) -> InspectionQuerySet:
        """Inspections at enterprises in the user's scope."""
        return self.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk"))


class Inspection(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("检查类型"), max_length=16, choices=InspectionKind.choices)
    inspected_on = models.DateField(_("检查日期"), default=timezone.localdate)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="inspections", blank=True
    )
    summary = models.TextField(_("检查情况"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项检查活动"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    original = models.ForeignKey(
        "self",
        verbose_name=_("原检查"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("检查表"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    # Rectification notice number, given at finalize time when hazards were found.
    notice_year = models.PositiveIntegerField(_("文书年度"), null=True, blank=True, editable=False)
    notice_seq = models.PositiveIntegerField(_("文书序号"), null=True, blank=True, editable=False)
    notice_number = models.CharField(_("文书号"), max_length=40, blank=True, editable=False)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True, editable=False)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("定稿人"),
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "inspected_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["notice_year", "notice_seq"], name="inspection_notice_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on} {self.get_kind_display()}"

    @property
    def is_draft(self) -> bool:
        return self.status == InspectionStatus.DRAFT

    # --- validation ------------------------------------------------------------------
    @staticmethod
    def _validate_fields(
        errors: dict, *, inspected_on: dt.date | None = None, inspectors=None
    ) -> None:
        if inspected_on is not None and inspected_on > local_today():
            errors.setdefault("inspected_on", []).append(_("检查日期不能晚于今天。"))
        for user in inspectors or []:
            if not policy.role_allows("inspections.join", user):
                errors.setdefault("inspectors", []).append(policy.refusal("inspections.join", user))

    def warnings(self) -> list[str]:
        """Things an inspector should fix, but that do not block the inspection."""
        out: list[str] = []
        # len(all()) uses the API's prefetch instead of a query per inspection.
        if len(self.inspectors.all()) < 2:
            out.append(str(_("执法检查应有两名以上检查人员。")))
        enterprise = self.enterprise
        if self.template_id and self.template.industry != enterprise.industry:
            out.append(str(_("所选检查表的行业与企业行业不一致。")))
        elif self.template_id and self.template.sub_industry not in ("", enterprise.sub_industry):
            out.append(str(_("所选检查表的工贸细分行业与企业不一致。")))
        if self.campaign_id:
            campaign = self.campaign
            if not campaign.covers(enterprise):
                out.append(str(_("该企业不在专项检查活动的行业或乡镇范围内。")))
            if not (campaign.starts_on <= self.inspected_on <= campaign.ends_on):
                out.append(str(_("检查日期不在专项检查活动期间内。")))
        return out

    # --- transitions -----------------------------------------------------------------
    @classmethod
    @transaction.atomic
    def start(
        cls,
        *,
        by,
        enterprise: Enterprise,
        kind: str,
        inspectors=None,
        inspected_on: dt.date | None = None,
        summary: str = "",
        template: ChecklistTemplate | None = None,
        campaign: Campaign | None = None,
        original: Inspection | None = None,
    ) -> Inspection:
        """Open a draft inspection; a template's active items are copied onto it, so
        later edits to the template never change what this inspection checked."""
        policy.require("inspections.start", by)
        if inspectors is None:
            # An inspector is on his own inspection's team; the bureau's staff name theirs.
            inspectors = [by] if policy.is_inspector(by) else []
        errors: dict[str, list] = {}
        if kind not in InspectionKind.values:
            errors["kind"] = [_("无效的检查类型。")]
        cls._validate_fields(errors, inspected_on=inspected_on, inspectors=inspectors)
        if kind == InspectionKind.FOLLOW_UP and original is None:
            errors.setdefault("original", []).append(_("复查必须关联原检查。"))
        if original is not None:
            if kind != InspectionKind.FOLLOW_UP:
                errors.setdefault("original", []).append(_("只有复查可以关联原检查。"))
            elif original.enterprise_id != enterprise.pk:
                errors.setdefault("original", []).append(_("原检查必须是同一企业的检查。"))
        if template is not None and not template.is_active:
            errors.setdefault("template", []).append(_("该检查表已停用。"))
        if errors:
            raise ValidationError(errors)
        inspection = cls.objects.create(
            enterprise=enterprise,
            kind=kind,
            inspected_on=inspected_on or local_today(),
            summary=summary,
            template=template,
            campaign=campaign,
            original=original,
            created_by=by,
        )
        inspection.inspectors.set(inspectors)
        if template is not None:
            InspectionItem.objects.bulk_create(
                [
                    # Numbered afresh: a base's items and the template's own run on.
                    InspectionItem.copy_of(item, inspection=inspection, order=n)
                    for n, item in enumerate(template.items_to_check(), start=1)
                ]
            )
        return inspection

    def _locked(self) -> Inspection:
        return Inspection.objects.select_for_update().get(pk=self.pk)

    def _refresh_from(self, locked: Inspection) -> None:
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    @transaction.atomic
    def edit(self, *, by, **fields) -> None:
        """Change a draft's summary, date, inspectors or campaign."""
        allowed = {"summary", "inspected_on", "inspectors", "campaign"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError({f: [_("该字段不能修改。")] for f in sorted(unknown)})
        inspection = self._locked()
        policy.require("inspections.edit", by, inspection)
        errors: dict[str, list] = {}
        self._validate_fields(
            errors, inspected_on=fields.get("inspected_on"), inspectors=fields.get("inspectors")
        )
        if errors:
            raise ValidationError(errors)
        inspectors = fields.pop("inspectors", None)
        for name, value in fields.items():
            setattr(inspection, name, value)
        if fields:
            inspection.save(update_fields=list(fields))
        if inspectors is not None:
            inspection.inspectors.set(inspectors)
        self._refresh_from(inspection)

    @transaction.atomic
    def record_item(
        self,
        *,
        by,
        item: InspectionItem,
        result: str,
        remark: str = "",
        hazard_fields: dict | None = None,
        photos: list | None = None,
    ) -> InspectionItem:
        """Record one checklist item. A failed item registers exactly one hazard,
        pre-filled from the item, through the ledger's own ``Hazard.register``."""
        inspection = self._locked()
        policy.require("inspections.record_item", by, inspection)
        item = (
            # Lock only the item row: the hazard is an outer join, which PostgreSQL
            # will not lock (and the hazard's own transitions lock it themselves).
            InspectionItem.objects.select_for_update(of=("self",))
            .select_related("hazard")
            .get(pk=item.pk, inspection=inspection)
        )
        if result not in ItemResult.values:
            raise ValidationError({"result": [_("检查结果只能是符合、不符合或不适用。")]})
        if photos and result != ItemResult.FAIL:
            raise ValidationError({"before": [_("只有不符合项可以上传隐患照片。")]})
        live_hazard = item.hazard if item.hazard and item.hazard.state != State.VOIDED else None
        if live_hazard is not None and result != ItemResult.FAIL:
            raise InvalidTransition(
                _("该检查项已登记隐患 %(code)s；如属误判，请由安监局作废该隐患后再更正。")
                % {"code": live_hazard.code}
            )
        item.result = result
        item.remark = remark
        item.recorded_by = by
        item.recorded_at = timezone.now()
        if result == ItemResult.FAIL and live_hazard is None:
            item.hazard = item.register_hazard(
                by=by, inspection=inspection, fields=hazard_fields or {}
            )
        elif photos:
            for photo in photos:
                Evidence.store(hazard=live_hazard, by=by, image=photo, phase=Evidence.Phase.BEFORE)
            photos = None
        item.save(update_fields=["result", "remark", "recorded_by", "recorded_at", "hazard"])
        if photos:
            created = item.hazard.events.get(kind=EventKind.CREATED)
            for photo in photos:
                Evidence.store(
                    hazard=item.hazard,
                    by=by,
                    image=photo,
                    phase=Evidence.Phase.BEFORE,
                    event=created,
                )
        return item

    @transaction.atomic
    def finalize(self, *, by) -> None:
        """draft → finalized. Gives the notice its number (文书号) when hazards were found."""
        inspection = self._locked()
        policy.require("inspections.finalize", by, inspection)
        errors: dict[str, list] = {}
        if not inspection.inspectors.exists():
            errors["inspectors"] = [_("定稿前请添加检查人员（执法检查应有两名以上检查人员）。")]
        items = inspection.items.count()
        unrecorded = inspection.items.filter(result="").count()
        hazards = inspection.hazards.exclude(state=State.VOIDED).count()
        checks = inspection.follow_up_checks.count()
        if not (items or hazards or checks):
            errors["items"] = [_("本次检查没有任何检查项、隐患或复查记录，不能定稿。")]
        elif unrecorded:
            errors["items"] = [
                _("还有 %(n)d 个检查项未填写检查结果（符合、不符合或不适用），不能定稿。")
                % {"n": unrecorded}
            ]
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        if hazards:
            year = timezone.localtime(now).year
            seq = NoticeCounter.next_seq(year)
            inspection.notice_year, inspection.notice_seq = year, seq
            inspection.notice_number = format_notice_number(year, seq)
        inspection.status = InspectionStatus.FINALIZED
        inspection.finalized_at = now
        inspection.finalized_by = by
        inspection.save(
            update_fields=[
                "status",
                "finalized_at",
                "finalized_by",
                "notice_year",
                "notice_seq",
                "notice_number",
            ]
        )
        self._refresh_from(inspection)

    # --- follow-up visits --------------------------------------------------------------
    def original_hazards(self):
        """The original inspection's hazards, each with its state when the original
        was finalized (or now, if it never was) and the result recorded at this visit."""
        cutoff = self.original.finalized_at or timezone.now()
        state_then = (
            HazardEvent.objects.filter(hazard=OuterRef("pk"), created_at__lte=cutoff)
            .exclude(to_state="")
            .order_by("-created_at", "-pk")
            .values("to_state")[:1]
        )
        checked = FollowUpCheck.objects.filter(inspection=self, hazard=OuterRef("pk")).order_by(
            "-pk"
        )
        return (
            Hazard.objects.filter(inspection_id=self.original_id)
            .annotate(
                state_at_original=Coalesce(Subquery(state_then), Value(State.RECTIFYING)),
                follow_up_result=Subquery(checked.values("result")[:1]),
            )
            .order_by("code")
        )

    @transaction.atomic
    def record_follow_up(
        self,
        *,
        by,
        hazard: Hazard,
        passed: bool,
        comment: str = "",
        new_deadline: dt.date | None = None,
        evidence: list | None = None,
    ) -> FollowUpCheck:
        """Re-check one of the original inspection's hazards on this visit, through the
        same ``Hazard.review`` transition the ledger API uses."""
        inspection = self._locked()
        policy.require("inspections.follow_up", by, inspection)
        if hazard.inspection_id != inspection.original_id:
            raise ValidationError({"hazard": [_("该隐患不是原检查发现的隐患。")]})
        # One visit, one verdict per hazard: a second "fail" on the same visit would
        # count twice toward the two-strike escalation rule (checked under the lock).
        if FollowUpCheck.objects.filter(inspection=inspection, hazard=hazard).exists():
            raise InvalidTransition(ALREADY_CHECKED)
        event = hazard.review(
            by=by, passed=passed, comment=comment, new_deadline=new_deadline, evidence=evidence
        )
        return FollowUpCheck.objects.create(
            inspection=inspection,
            hazard=hazard,
            event=event,
            result=ReviewResult.PASS if passed else ReviewResult.FAIL,
            comment=comment,
            checked_by=by,
        )
