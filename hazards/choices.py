"""The ledger's vocabulary: states, levels, categories and event kinds.

Kept apart from the models so that predicates, policies and event builders can name
them without importing the models (see docs/architecture.md, "Rules").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    RECTIFYING = "rectifying", _("整改中")
    PENDING_REVIEW = "pending_review", _("待复查")
    CLOSED = "closed", _("已销号")
    VOIDED = "voided", _("已作废")


OPEN_STATES = (State.RECTIFYING, State.PENDING_REVIEW)
TERMINAL_STATES = (State.CLOSED, State.VOIDED)


class Category(models.TextChoices):
    PERSON = "person", _("人的不安全行为")
    EQUIPMENT = "equipment", _("物的不安全状态")
    ENVIRONMENT = "environment", _("作业环境")
    MANAGEMENT = "management", _("管理缺陷")


class Level(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class EventKind(models.TextChoices):
    CREATED = "created", _("登记")
    SUBMITTED = "submitted", _("提交整改")
    REVIEW_PASSED = "review_passed", _("复查合格（销号）")
    REVIEW_FAILED = "review_failed", _("复查不合格")
    EXTENDED = "extended", _("延期")
    VOIDED = "voided", _("作废")
    LEVEL_CHANGED = "level_changed", _("等级变更")
    ESCALATED = "escalated", _("升级督办")
    ESCALATION_ACKNOWLEDGED = "escalation_acknowledged", _("责任领导签收")
    ESCALATION_RESOLVED = "escalation_resolved", _("追责处理")


class EscalationState(models.TextChoices):
    OPEN = "open", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RESOLVED = "resolved", _("已处理")


class Outcome(models.TextChoices):
    """Accountability outcomes of an escalation (追责结果)."""

    INTERVIEW = "interview", _("约谈")
    CRITICISM = "criticism", _("通报批评")
    FINE = "fine", _("罚款")
    SUSPENSION = "suspension", _("停产整顿")
    OTHER = "other", _("其他")
