"""The inspections' vocabulary: kinds, statuses and results.

Kept apart from the models so that the policy (``inspections/policy.py``) can name them
without importing the models (see docs/architecture.md, "Rules").
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
