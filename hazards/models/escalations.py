"""The two-strike rule's escalations (升级督办) and the once-only deadline notices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy

from .. import choices, events
from .records import HazardEvent


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user) -> EscalationQuerySet:
        """Escalations in the user's scope: the bureau all, a leader his own, others none."""
        if not policy.role_allows("hazards.view_escalations", user):
            return self.none()
        if policy.is_bureau(user):
            return self
        return self.filter(leader_id=user.pk)


class Escalation(models.Model):
    """The two-strike rule: one row per (hazard, round), addressed to the responsible leader."""

    EscalationState = choices.EscalationState
    Outcome = choices.Outcome

    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.PROTECT, related_name="escalations"
    )
    round = models.PositiveIntegerField(_("轮次"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任领导"),
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    reason = models.TextField(_("升级原因"))
    state = models.CharField(
        _("状态"), max_length=16, choices=EscalationState.choices, default=EscalationState.OPEN
    )
    created_at = models.DateTimeField(_("升级时间"), default=timezone.now)
    notified_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("签收意见"), blank=True)
    outcome = models.CharField(_("追责结果"), max_length=16, choices=Outcome.choices, blank=True)
    resolution_note = models.TextField(_("处理说明"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = _("升级督办")
        verbose_name_plural = _("升级督办")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["hazard", "round"], name="escalation_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["leader", "state"]),
            models.Index(fields=["state"]),
            # The dashboard's list of unresolved escalations, oldest first.
            models.Index(
                fields=["created_at"],
                name="escalation_unresolved",
                condition=Q(state__in=["open", "acknowledged"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hazard_id} #{self.round}"

    @transaction.atomic
    def acknowledge(self, *, by, note: str) -> HazardEvent:
        """The responsible leader signs for the escalation (签收), once."""
        esc = Escalation.objects.select_for_update().get(pk=self.pk)
        policy.require("hazards.acknowledge_escalation", by, esc)
        if not (note or "").strip():
            raise ValidationError({"note": [_("请填写签收意见。")]})
        esc.state = self.EscalationState.ACKNOWLEDGED
        esc.acknowledged_at = timezone.now()
        esc.acknowledgement_note = note
        esc.save(update_fields=["state", "acknowledged_at", "acknowledgement_note"])
        hazard = esc.hazard
        event = events.escalation_acknowledged(
            state=hazard.state, note=note, round=esc.round
        ).create(hazard, by=by)
        self.__dict__.update(
            {f.attname: getattr(esc, f.attname) for f in self._meta.concrete_fields}
        )
        return event

    @transaction.atomic
    def resolve(self, *, by, outcome: str, note: str) -> HazardEvent:
        """The bureau decides accountability (追责) and closes the escalation, once."""
        esc = Escalation.objects.select_for_update().get(pk=self.pk)
        policy.require("hazards.resolve_escalation", by, esc)
        errors = {}
        if outcome not in self.Outcome.values:
            errors["outcome"] = [_("请选择追责结果：约谈、通报批评、罚款、停产整顿或其他。")]
        if not (note or "").strip():
            errors["note"] = [_("请填写处理说明。")]
        if errors:
            raise ValidationError(errors)
        esc.state = self.EscalationState.RESOLVED
        esc.outcome = outcome
        esc.resolution_note = note
        esc.resolved_by = by
        esc.resolved_at = timezone.now()
        esc.save(
            update_fields=["state", "outcome", "resolution_note", "resolved_by", "resolved_at"]
        )
        hazard = esc.hazard
        event = events.escalation_resolved(
            state=hazard.state, note=note, round=esc.round, outcome=outcome
        ).create(hazard, by=by)
        self.__dict__.update(
            {f.attname: getattr(esc, f.attname) for f in self._meta.concrete_fields}
        )
        return event


class HazardNotice(models.Model):
    """A reminder or overdue notice: at most one per (hazard, kind, day), by constraint."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("到期提醒")
        OVERDUE = "overdue", _("逾期通知")

    hazard = models.ForeignKey("hazards.Hazard", on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hazard", "kind", "day"], name="notice_once_per_day"),
        ]
        indexes = [
            models.Index(
                fields=["sent_at"], name="notice_unsent", condition=Q(sent_at__isnull=True)
            )
        ]
