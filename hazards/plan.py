"""The rectification plan's field rules, written once (docs/architecture.md, "Rules"):
the five-point plan (五落实) check, the default deadlines, and the fields a failed
review needs. The model steps, the API and the forms of both apps call these; the
errors are ``{field: [message]}``, which becomes 400 (API) or errors beside the field
(pages).

Who may be named responsible person or leader is a policy question
(``hazards.be_responsible_person`` / ``hazards.be_responsible_leader`` in
hazards/policy.py); this module asks it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import policy
from config.clock import local_today

from .choices import Level

# The rectification period offered when none is set: general hazards are usually given
# 15 days; a major one needs a treatment plan (五落实) and gets 60.
DEFAULT_DEADLINE_DAYS = {Level.GENERAL: 15, Level.MAJOR: 60}

PAST_DEADLINE = _("整改期限不能早于今天。")


def default_deadline(level: str, *, today: dt.date | None = None) -> dt.date:
    return (today or local_today()) + dt.timedelta(days=DEFAULT_DEADLINE_DAYS[Level(level)])


def in_the_past(day: dt.date, *, today: dt.date | None = None) -> bool:
    """A deadline before today: never acceptable as a new deadline."""
    return day < (today or local_today())


def plan_errors(
    values: Mapping,
    *,
    enterprise=None,
    today: dt.date | None = None,
    check_deadline: bool = True,
) -> dict[str, list]:
    """The five-point plan (五落实) check: measures, person, leader, deadline, funds and,
    for a major hazard, the emergency plan.

    Only the fields present in ``values`` are checked, so a form passes what it parsed
    (a field it already refused is not refused twice). ``enterprise`` is the hazard's:
    without it the responsible person's enterprise is not checked (a form's picker
    already lists only that enterprise's users).
    """
    errors: dict[str, list] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).append(message)

    deadline = values.get("deadline")
    if check_deadline and deadline and in_the_past(deadline, today=today):
        add("deadline", PAST_DEADLINE)
    funds = values.get("funds")
    if funds is not None and funds < 0:
        add("funds", _("整改资金不能为负数。"))
    if "responsible_person" in values:
        person = values["responsible_person"]
        if person is None:
            add("responsible_person", _("请指定整改责任人。"))
        elif enterprise is not None:
            verdict = policy.decide("hazards.be_responsible_person", person, enterprise)
            if not verdict:
                add("responsible_person", verdict.reason)
    if "responsible_leader" in values:
        leader = values["responsible_leader"]
        if leader is None:
            add("responsible_leader", _("请指定责任领导。"))
        else:
            verdict = policy.decide("hazards.be_responsible_leader", leader)
            if not verdict:
                add("responsible_leader", verdict.reason)
    if values.get("level") == Level.MAJOR and not (values.get("emergency_plan") or "").strip():
        add("emergency_plan", _("重大隐患必须制定应急预案。"))
    if "measures" in values and not (values["measures"] or "").strip():
        add("measures", _("请填写整改措施。"))
    if values.get("major_by_standard") and values.get("level") != Level.MAJOR:
        add("level", _("按判定标准认定的重大隐患，等级必须为重大隐患。"))
    inspection = values.get("inspection")
    if (
        inspection is not None
        and enterprise is not None
        and inspection.enterprise_id != enterprise.pk
    ):
        add("inspection", _("该检查不属于所选企业。"))
    return errors


def failed_review_errors(
    comment: str, new_deadline: dt.date | None, *, today: dt.date | None = None
) -> dict[str, list]:
    """A failed review (复查不合格) needs a comment and a new deadline that is not past."""
    errors: dict[str, list] = {}
    if not (comment or "").strip():
        errors["comment"] = [_("复查不合格时必须填写复查意见。")]
    if new_deadline is None:
        errors["new_deadline"] = [_("复查不合格时必须重新确定整改期限。")]
    elif in_the_past(new_deadline, today=today):
        errors["new_deadline"] = [PAST_DEADLINE]
    return errors


def raise_errors(errors: dict[str, list]) -> None:
    if errors:
        raise ValidationError(errors)
