"""Small pieces of the ledger pages: the state badge and the deadline countdown."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hazards.models import OPEN_STATES, State, local_today

register = template.Library()

STATE_TONES = {
    State.RECTIFYING: "warn",
    State.PENDING_REVIEW: "info",
    State.CLOSED: "ok",
    State.VOIDED: "muted",
}


@register.inclusion_tag("partials/state_badge.html")
def state_badge(hazard) -> dict:
    return {
        "label": hazard.get_state_display(),
        "tone": STATE_TONES.get(hazard.state, "muted"),
        "state": hazard.state,
    }


def countdown_text(deadline: dt.date, *, today: dt.date | None = None) -> tuple[str, str]:
    """('逾期 3 天', 'danger') / ('今天到期', 'warn') / ('剩余 5 天', 'ok'|'warn')."""
    days = (deadline - (today or local_today())).days
    if days < 0:
        return ngettext("逾期 %(n)d 天", "逾期 %(n)d 天", -days) % {"n": -days}, "danger"
    if days == 0:
        return _("今天到期"), "warn"
    tone = "warn" if days <= 3 else "ok"
    return ngettext("剩余 %(n)d 天", "剩余 %(n)d 天", days) % {"n": days}, tone


@register.inclusion_tag("partials/countdown.html")
def countdown(hazard) -> dict:
    """The deadline with a countdown while the hazard is being rectified."""
    if hazard.state not in OPEN_STATES:
        return {"deadline": hazard.deadline, "text": "", "tone": ""}
    if hazard.state == State.PENDING_REVIEW:
        return {"deadline": hazard.deadline, "text": _("已提交，待复查"), "tone": "info"}
    text, tone = countdown_text(hazard.deadline)
    return {"deadline": hazard.deadline, "text": text, "tone": tone}


@register.filter
def outcome_label(value: str) -> str:
    from hazards.models import Escalation

    try:
        return Escalation.Outcome(value).label
    except ValueError:
        return value


@register.filter
def level_label(value: str) -> str:
    from hazards.models import Level

    try:
        return Level(value).label
    except ValueError:
        return value
