"""Campaigns (专项整治 / 安全生产大检查): the sectors and townships they cover, and their
progress counted in SQL within the caller's scope."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.clock import local_today
from enterprises.models import Enterprise, EnterpriseStatus, Industry, Township
from hazards import predicates
from hazards.models import Hazard, State

from ..choices import CampaignKind


def _count(queryset, field: str = "pk", *, distinct: bool = False):
    """A correlated COUNT(...) subquery that yields 0, never NULL (aggregated in SQL)."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        _n=Func(F(field), template=template, output_field=models.IntegerField())
    )
    return Coalesce(
        Subquery(counted.values("_n")[:1], output_field=models.IntegerField()), Value(0)
    )


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
        from .inspection import Inspection

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
            hazards_overdue=_count(hazards.filter(predicates.overdue_q(today))),
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
