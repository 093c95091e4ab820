"""What happened to a hazard: its append-only event log and its evidence photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import EventKind, State


class HazardCodeCounter(models.Model):
    """Per-year sequence for hazard codes. Locked in the same transaction as the
    insert, so codes are unique and gap-free even under concurrent saves."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    @classmethod
    def next_code(cls, year: int, prefix: str = "YH") -> str:
        cls.objects.get_or_create(year=year)
        counter = cls.objects.select_for_update().get(year=year)
        counter.last += 1
        counter.save(update_fields=["last"])
        return f"{prefix}-{year}-{counter.last:06d}"


class HazardEvent(models.Model):
    """Append-only: never updated or deleted (PostgreSQL triggers enforce it)."""

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("事件"), max_length=32, choices=EventKind.choices)
    from_state = models.CharField(_("原状态"), max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=State.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐患事件")
        verbose_name_plural = _("隐患事件")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["hazard", "created_at"])]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.kind}"


class Evidence(models.Model):
    """A photo, validated by decoding, re-encoded, stored under a random name."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")
        REVIEW = "review", _("复查")

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="evidence")
    event = models.ForeignKey(
        HazardEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    phase = models.CharField(_("阶段"), max_length=8, choices=Phase.choices)
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", max_length=200)
    content_type = models.CharField(max_length=32)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    original_sha256 = models.CharField(_("原始文件 SHA-256"), max_length=64)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    captured_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证据照片")
        verbose_name_plural = _("证据照片")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["hazard", "uploaded_at"])]

    @classmethod
    def store(cls, *, hazard, by, image, phase: str, event: HazardEvent | None = None) -> Evidence:
        from ..evidence import ProcessedImage, process_image

        # An upload the caller has already checked (the API does, before writing
        # anything) is not decoded and re-encoded a second time.
        processed = image if isinstance(image, ProcessedImage) else process_image(image)
        return cls.objects.create(
            hazard=hazard,
            event=event,
            phase=phase,
            file=processed.file,
            content_type=processed.content_type,
            sha256=processed.sha256,
            original_sha256=processed.original_sha256,
            size=processed.size,
            width=processed.width,
            height=processed.height,
            captured_at=processed.captured_at,
            uploaded_by=by,
        )
