"""Checklist templates per industry and their items (shipped as data in checklists.json,
maintained by the bureau in the admin; retired, never deleted)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry
from hazards.models import Category


class ChecklistTemplateQuerySet(models.QuerySet):
    def active(self) -> ChecklistTemplateQuerySet:
        return self.filter(is_active=True)


class ChecklistTemplate(models.Model):
    """A checklist for one industry. Shipped as data (checklists.json, loaded by a
    migration), maintained by the bureau in the admin; retired, never deleted."""

    key = models.SlugField(_("标识"), max_length=64, unique=True)
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices)
    name = models.CharField(_("名称"), max_length=128)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ChecklistTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["industry", "name"]
        indexes = [models.Index(fields=["industry", "is_active"])]

    def __str__(self) -> str:
        return self.name


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
    suggested_measures = models.TextField(_("建议整改措施"), blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("检查项")
        verbose_name_plural = _("检查项")
        ordering = ["template", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="checklist_item_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"
