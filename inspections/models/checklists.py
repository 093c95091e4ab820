"""Checklist templates per industry (or 工贸 sub-industry) and their items (shipped as
data in inspections/checklists/*.yaml, maintained by the bureau in the admin; retired,
never deleted)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Industry, SubIndustry
from hazards.models import Category


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
