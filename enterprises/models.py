from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .credit_code import validate_credit_code
from .signals import enterprise_moved


class Township(models.Model):
    name = models.CharField(_("名称"), max_length=64, unique=True)
    code = models.CharField(_("区划代码"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    name = models.CharField(_("名称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=16, blank=True)
    # The safety bureau coordinates: its inspectors' scope is the whole county.
    is_bureau = models.BooleanField(_("安监局（综合监管）"), default=False)

    class Meta:
        verbose_name = _("监管部门")
        verbose_name_plural = _("监管部门")
        ordering = ["-is_bureau", "name"]

    def __str__(self) -> str:
        return self.name


class Industry(models.TextChoices):
    MINING = "mining", _("矿山")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品")
    CONSTRUCTION = "construction", _("建筑施工")
    TRANSPORT = "transport", _("交通运输")
    CROWDED_PLACES = "crowded_places", _("人员密集场所")
    INDUSTRY_TRADE = "industry_trade", _("工贸")
    OTHER = "other", _("其他")


class SubIndustry(models.TextChoices):
    """The 工贸 sub-industries the standard for 工贸 major hazards distinguishes
    (docs/standards.md): only an ``industry_trade`` enterprise carries one."""

    METALLURGY = "metallurgy", _("冶金")
    NONFERROUS = "nonferrous", _("有色")
    BUILDING_MATERIALS = "building_materials", _("建材")
    MACHINERY = "machinery", _("机械")
    LIGHT = "light", _("轻工")
    TEXTILE = "textile", _("纺织")
    TOBACCO = "tobacco", _("烟草")
    COMMERCE = "commerce", _("商贸")


SUB_INDUSTRY_ONLY_TRADE = _("只有工贸企业可以选择工贸细分行业。")


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("正常经营")
    SUSPENDED = "suspended", _("停产整顿")
    CLOSED = "closed", _("关闭")


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnterpriseQuerySet":
        """Enterprises the user may see (scope: docs/glossary.md). Every lookup goes through
        this."""
        from accounts import policy

        if policy.is_bureau(user):
            return self
        if policy.is_inspector(user):
            if user.department_id is None:
                return self.none()
            if user.department.is_bureau:
                return self
            return self.filter(supervising_department_id=user.department_id)
        if policy.is_enterprise(user):
            return self.filter(pk=user.enterprise_id) if user.enterprise_id else self.none()
        if policy.is_leader(user):
            cond = Q(pk__in=[])
            if user.township_id:
                cond |= Q(township_id=user.township_id)
            if user.enterprise_id:
                cond |= Q(pk=user.enterprise_id)
            return self.filter(cond)
        return self.none()


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=128)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("该统一社会信用代码已登记。")},
    )
    industry = models.CharField(_("行业"), max_length=32, choices=Industry.choices)
    sub_industry = models.CharField(
        _("工贸细分行业"), max_length=32, choices=SubIndustry.choices, blank=True, default=""
    )
    township = models.ForeignKey(
        Township, verbose_name=_("所属乡镇"), on_delete=models.PROTECT, related_name="enterprises"
    )
    supervising_department = models.ForeignKey(
        Department,
        verbose_name=_("监管部门"),
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("地址"), max_length=255, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    status = models.CharField(
        _("经营状态"),
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["township"]),
            models.Index(fields=["supervising_department"]),
            models.Index(fields=["industry"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sub_industry="") | Q(industry=Industry.INDUSTRY_TRADE),
                name="enterprise_sub_industry_only_trade",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Records that copy township / department / industry (the hazards, for the
        # dashboard) are kept exact in the same transaction when the enterprise moves:
        # their app listens to ``enterprise_moved`` (this app does not import it).
        with transaction.atomic():
            previous = None
            if self.pk:
                previous = (
                    Enterprise.objects.filter(pk=self.pk)
                    .values("township_id", "supervising_department_id", "industry")
                    .first()
                )
            super().save(*args, **kwargs)
            current = {
                "township_id": self.township_id,
                "supervising_department_id": self.supervising_department_id,
                "industry": self.industry,
            }
            if previous and previous != current:
                enterprise_moved.send(sender=Enterprise, enterprise=self, previous=previous)

    def clean(self) -> None:
        super().clean()
        if self.sub_industry and self.industry != Industry.INDUSTRY_TRADE:
            raise ValidationError({"sub_industry": [SUB_INDUSTRY_ONLY_TRADE]})
