from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU = "bureau", _("安监局")
    INSPECTOR = "inspector", _("检查员")
    ENTERPRISE = "enterprise", _("企业")
    LEADER = "leader", _("责任领导")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.ENTERPRISE)
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("手机号"), max_length=32, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    department = models.ForeignKey(
        "enterprises.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    township = models.ForeignKey(
        "enterprises.Township",
        verbose_name=_("所属乡镇"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        errors = {}
        if self.role == Role.ENTERPRISE and not self.enterprise_id:
            errors["enterprise"] = _("企业用户必须属于一个企业。")
        if self.role == Role.INSPECTOR and not self.department_id:
            errors["department"] = _("检查员必须属于一个监管部门。")
        if errors:
            raise ValidationError(errors)


class NotificationKind(models.TextChoices):
    ESCALATION = "escalation", _("督办升级")
    REMINDER = "reminder", _("整改期限提醒")
    OVERDUE = "overdue", _("逾期通知")
    REVIEW = "review", _("复查结果")
    SUBMITTED = "submitted", _("整改已提交")
    OTHER = "other", _("其他")


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one user. Marked read, never deleted."""

    recipient = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    message = models.TextField(_("内容"))
    hazard = models.ForeignKey(
        "hazards.Hazard",
        verbose_name=_("隐患"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # Where "open" leads for notices about things other than a hazard (a licence, an
    # accident, a report …): a site-relative path, checked when followed.
    link = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]

    def mark_read(self) -> bool:
        """Claim the read mark once; returns False when it was already read."""
        return (
            Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(
                read_at=timezone.now()
            )
            == 1
        )
