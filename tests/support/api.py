"""API helpers: an authenticated client, hazard URLs and payloads, and what a refused
request must leave unchanged."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hazards.models import Hazard, HazardEvent

HAZARDS = "/api/v1/hazards/"
INSPECTIONS = "/api/v1/inspections/"


def api_client(user=None) -> APIClient:
    """An API client; with a user, authenticated by that user's token (as a phone app is)."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def url(hazard, action: str | None = None) -> str:
    pk = hazard.pk if hasattr(hazard, "pk") else hazard
    return f"{HAZARDS}{pk}/" + (f"{action}/" if action else "")


def future(days: int = 10) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def payload(world, **over) -> dict:
    """A valid registration for enterprise A (JSON)."""
    data = {
        "enterprise": world.ent_a.pk,
        "title": "消防通道堵塞",
        "description": "二号仓库消防通道堆放杂物。",
        "location": "二号仓库",
        "category": "environment",
        "level": "general",
        "measures": "清理杂物，设置禁止堆放标识",
        "responsible_person": world.user_a.pk,
        "responsible_leader": world.leader_a.pk,
        "deadline": future().isoformat(),
        "funds": "500.00",
    }
    data.update(over)
    return data


def snapshot(hazard: Hazard) -> tuple:
    """Everything a refused request must leave unchanged."""
    hazard.refresh_from_db()
    return (
        hazard.state,
        hazard.deadline,
        hazard.level,
        hazard.failed_reviews,
        hazard.reviews,
        hazard.closed_at,
        HazardEvent.objects.filter(hazard=hazard).count(),
        hazard.evidence.count(),
    )


def last_event(hazard: Hazard) -> HazardEvent:
    return HazardEvent.objects.filter(hazard=hazard).order_by("-created_at", "-pk").first()
