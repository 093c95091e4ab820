"""Inspections as inspectors run them: checklist templates per industry, campaigns,
the inspection itself (draft → finalized), the items it checked and follow-up visits.

Writes are transition methods (docs/architecture.md, "Writes"): each locks the inspection row,
checks its guard under the lock and writes in one transaction. Hazards found are
registered through ``Hazard.register`` and re-checked through ``Hazard.review``:
this app never re-implements the ledger's workflow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from config.errors import InvalidTransition
from enterprises.models import Enterprise, EnterpriseStatus, Industry, SubIndustry, Township
from hazards.models import (
    Category,
    EventKind,
    Evidence,
    Hazard,
    HazardEvent,
    Level,
    State,
    local_today,
)

# The issuing prefix of the rectification notice (责令限期整改指令书): 〔年份〕安监责改 第N号.
NOTICE_PREFIX = "安监责改"

# Rectification period when the inspector sets no deadline: general hazards are
# usually given 15 days; a major hazard needs a treatment plan (五落实) first.
DEFAULT_DEADLINE_DAYS = {Level.GENERAL: 15, Level.MAJOR: 60}

INSPECTOR_ROLES = (Role.INSPECTOR, Role.BUREAU)


def _is_inspector(user) -> bool:
    return bool(user.is_superuser or user.role in INSPECTOR_ROLES)


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    SPECIAL = "special", _("专项整治")
    COMPREHENSIVE = "comprehensive", _("安全生产大检查")
    SPOT = "spot", _("抽查")
    FOLLOW_UP = "follow_up", _("复查")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FINALIZED = "finalized", _("已定稿")


class ItemResult(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NA = "na", _("不适用")


class ReviewResult(models.TextChoices):
    PASS = "pass", _("复查合格")
    FAIL = "fail", _("复查不合格")


class CampaignKind(models.TextChoices):
    SPECIAL = "special", _("专项整治")
    COMPREHENSIVE = "comprehensive", _("安全生产大检查")
    # The speech's crackdowns (打非治违): kept "under high pressure" all year.
    ILLEGAL_MINING = "illegal_mining", _("打击非法开采")
    ILLEGAL_BUSINESS = "illegal_business", _("打击非法生产经营")


def _count(queryset, field: str = "pk", *, distinct: bool = False):
    """A correlated COUNT(...) subquery that yields 0, never NULL (aggregated in SQL)."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        _n=Func(F(field), template=template, output_field=models.IntegerField())
    )
    return Coalesce(
        Subquery(counted.values("_n")[:1], output_field=models.IntegerField()), Value(0)
    )


# --- checklists ------------------------------------------------------------------------


class ChecklistTemplateQuerySet(models.QuerySet):
    def active(self) -> ChecklistTemplateQuerySet:
        return self.filter(is_active=True)

    def for_enterprise(self, enterprise: Enterprise) -> ChecklistTemplateQuerySet:
        """The enterprise's industry's templates, best first: its 工贸 sub-industry's,
        then the industry's general ones in shipped order."""
        sub = enterprise.sub_industry
        return (
            self.filter(industry=enterprise.industry)
            .filter(Q(sub_industry="") | Q(sub_industry=sub or "-"))
            .order_by(Case(When(sub_industry=sub or "-", then=0), default=1), "pk")
        )


class ChecklistTemplate(models.Model):
    """A checklist for one industry (or 工贸 sub-industry). Shipped as data
    (inspections/checklists/*.yaml, loaded by a migration), maintained by the bureau
    in the admin; retired, never deleted."""

    key = models.SlugField(_("标识"), max_length=64, unique=True)
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices)
    sub_industry = models.CharField(
        _("工贸细分行业"), max_length=32, choices=SubIndustry.choices, blank=True, default=""
    )
    # A sub-industry's template adds its articles to the industry's general one: an
    # inspection copies the base's items, then its own.
    base = models.ForeignKey(
        "self",
        verbose_name=_("通用部分"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="extensions",
    )
    name = models.CharField(_("名称"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        # An industry's general templates before its sub-industries' ones.
        ordering = ["industry", "sub_industry", "name"]
        indexes = [models.Index(fields=["industry", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def items_to_check(self):
        """The active items an inspection copies: the base's first, then its own."""
        ids = [self.pk] if self.base_id is None else [self.base_id, self.pk]
        own = Case(When(template_id=self.pk, then=1), default=0)
        return ChecklistItem.objects.filter(template_id__in=ids, is_active=True).order_by(
            own, "order", "code"
        )


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("检查表"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("编号"), max_length=16)
    section = models.CharField(_("检查类别"), max_length=64, blank=True)
    text = models.TextField(_("检查内容"))
    hazard_title = models.CharField(_("不符合时的隐患名称"), max_length=200)
    category = models.CharField(_("隐患类别"), max_length=16, choices=Category.choices)
    major_by_standard = models.BooleanField(_("按判定标准为重大事故隐患"), default=False)
    basis = models.CharField(_("依据"), max_length=255)
    # For a major-by-standard item: which 判定标准, its 文号 and the article/item that
    # grades the failure major (docs/standards.md).
    standard = models.CharField(_("判定标准"), max_length=128, blank=True)
    standard_number = models.CharField(_("文号"), max_length=64, blank=True)
    article = models.CharField(_("条款"), max_length=128, blank=True)
    suggested_measures = models.TextField(_("建议整改措施"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "order", "code"]
        constraints = [
            # One code, one item, across every template: a hazard's standard item and
            # an inspection's copy name it unambiguously.
            models.UniqueConstraint(fields=["code"], name="checklist_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    def clean(self) -> None:
        super().clean()
        if self.major_by_standard:
            fields = ("standard", "standard_number", "article")
            missing = [f for f in fields if not getattr(self, f).strip()]
            if missing:
                message = _("按判定标准为重大事故隐患的检查项须写明判定标准、文号和条款。")
                raise ValidationError({f: [message] for f in missing})


# --- campaigns -------------------------------------------------------------------------


class CampaignQuerySet(models.QuerySet):
    def with_progress(self, *, user=None, today: dt.date | None = None) -> CampaignQuerySet:
        """Annotate each campaign's progress, in SQL, within the user's scope.

        - ``enterprises_total``: non-closed enterprises in its sectors and townships
          (a campaign with no sectors, or no townships, covers all of them);
        - ``enterprises_inspected``: distinct enterprises with an inspection in it;
        - ``hazards_found`` (not voided), ``hazards_remediated`` (closed),
          ``hazards_overdue`` (rectifying past the deadline): hazards registered by
          its inspections.
        """
        today = today or local_today()
        sectors = CampaignSector.objects.filter(campaign=OuterRef(OuterRef("pk")))
        townships = Campaign.townships.through.objects.filter(campaign=OuterRef(OuterRef("pk")))
        enterprises = Enterprise.objects.exclude(status=EnterpriseStatus.CLOSED).filter(
            Q(~Exists(sectors)) | Exists(sectors.filter(industry=OuterRef("industry"))),
            Q(~Exists(townships)) | Exists(townships.filter(township=OuterRef("township"))),
        )
        inspections = Inspection.objects.filter(campaign=OuterRef("pk"))
        hazards = Hazard.objects.filter(inspection__campaign=OuterRef("pk")).exclude(
            state=State.VOIDED
        )
        if user is not None:
            enterprises = enterprises.filter(
                pk__in=Enterprise.objects.visible_to(user).values("pk")
            )
            inspections = inspections.visible_to(user)
            hazards = hazards.filter(pk__in=Hazard.objects.visible_to(user).values("pk"))
        return self.annotate(
            enterprises_total=_count(enterprises),
            enterprises_inspected=_count(inspections, "enterprise_id", distinct=True),
            inspections_count=_count(inspections),
            hazards_found=_count(hazards),
            hazards_remediated=_count(hazards.filter(state=State.CLOSED)),
            hazards_overdue=_count(hazards.filter(state=State.RECTIFYING, deadline__lt=today)),
        )


PROGRESS_FIELDS = (
    "enterprises_total",
    "enterprises_inspected",
    "inspections_count",
    "hazards_found",
    "hazards_remediated",
    "hazards_overdue",
)


class Campaign(models.Model):
    """A 专项整治 or 安全生产大检查: sectors, townships and a period."""

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=CampaignKind.choices)
    townships = models.ManyToManyField(
        Township, verbose_name=_("乡镇"), related_name="campaigns", blank=True
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项检查活动")
        verbose_name_plural = _("专项检查活动")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="campaign_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": [_("结束日期不能早于开始日期。")]})

    @property
    def industries(self) -> list[str]:
        return sorted(s.industry for s in self.sectors.all())

    def set_industries(self, industries) -> None:
        wanted = set(industries)
        self.sectors.exclude(industry__in=wanted).delete()
        have = set(self.sectors.values_list("industry", flat=True))
        CampaignSector.objects.bulk_create(
            [CampaignSector(campaign=self, industry=i) for i in sorted(wanted - have)]
        )

    def covers(self, enterprise: Enterprise) -> bool:
        industries = self.industries
        township_ids = {t.pk for t in self.townships.all()}
        return (not industries or enterprise.industry in industries) and (
            not township_ids or enterprise.township_id in township_ids
        )

    def progress(self, *, user=None, today: dt.date | None = None) -> dict[str, int]:
        row = (
            Campaign.objects.filter(pk=self.pk)
            .with_progress(user=user, today=today)
            .values(*PROGRESS_FIELDS)
            .get()
        )
        return dict(row)


class CampaignSector(models.Model):
    """One industry a campaign covers (a row, not an array: queried in SQL everywhere)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="sectors")
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "industry"], name="campaign_sector_once")
        ]

    def __str__(self) -> str:
        return self.get_industry_display()


# --- inspections -----------------------------------------------------------------------


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
            if not _is_inspector(user):
                errors.setdefault("inspectors", []).append(
                    _("检查人员必须是检查员或安监局工作人员：%(name)s。") % {"name": user}
                )

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
        if not _is_inspector(by):
            raise InvalidTransition(_("只有检查员或安监局可以开展检查。"))
        if inspectors is None:
            inspectors = [by] if by.role == Role.INSPECTOR else []
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

    @staticmethod
    def _guard_draft(inspection: Inspection) -> None:
        if inspection.status != InspectionStatus.DRAFT:
            raise InvalidTransition(_("检查已定稿，不能修改；如需更正，请通过隐患整改流程办理。"))

    @transaction.atomic
    def edit(self, *, by, **fields) -> None:
        """Change a draft's summary, date, inspectors or campaign."""
        allowed = {"summary", "inspected_on", "inspectors", "campaign"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError({f: [_("该字段不能修改。")] for f in sorted(unknown)})
        inspection = self._locked()
        if not _is_inspector(by):
            raise InvalidTransition(_("只有检查员或安监局可以修改检查。"))
        self._guard_draft(inspection)
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
        if not _is_inspector(by):
            raise InvalidTransition(_("只有检查员或安监局可以记录检查结果。"))
        self._guard_draft(inspection)
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
        if not _is_inspector(by):
            raise InvalidTransition(_("只有检查员或安监局可以定稿。"))
        if inspection.status == InspectionStatus.FINALIZED:
            raise InvalidTransition(_("该检查已定稿，不能重复定稿。"))
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
        if inspection.kind != InspectionKind.FOLLOW_UP or inspection.original_id is None:
            raise InvalidTransition(_("这不是复查检查，不能记录复查结果。"))
        self._guard_draft(inspection)
        if hazard.inspection_id != inspection.original_id:
            raise ValidationError({"hazard": [_("该隐患不是原检查发现的隐患。")]})
        # One visit, one verdict per hazard: a second "fail" on the same visit would
        # count twice toward the two-strike escalation rule (checked under the lock).
        if FollowUpCheck.objects.filter(inspection=inspection, hazard=hazard).exists():
            raise InvalidTransition(_("本次复查已记录该隐患的复查结果，不能重复复查。"))
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


class InspectionItem(models.Model):
    """What was checked: a copy of the checklist item at the time, and its result."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="items"
    )
    source = models.ForeignKey(
        ChecklistItem,
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
        if not fields.get("responsible_person"):
            errors["responsible_person"] = [_("请指定整改责任人。")]
        if not fields.get("responsible_leader"):
            errors["responsible_leader"] = [_("请指定责任领导。")]
        if errors:
            raise ValidationError(errors)
        deadline = fields.get("deadline") or local_today() + dt.timedelta(
            days=DEFAULT_DEADLINE_DAYS[Level(level)]
        )
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
        Inspection, on_delete=models.PROTECT, related_name="follow_up_checks"
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
