from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    SPECIAL = "special", _("专项整治")
    COMPREHENSIVE = "comprehensive", _("安全生产大检查")
    SPOT = "spot", _("抽查")
    FOLLOW_UP = "follow_up", _("复查")


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FINALIZED = "finalized", _("已定稿")


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
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

    def __str__(self) -> str:
        return f"{self.enterprise} {self.inspected_on} {self.get_kind_display()}"
