"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from .api import EvidenceViewSet, HazardViewSet
from .api_escalations import EscalationViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("escalations", EscalationViewSet, basename="escalation")

urlpatterns = [*router.urls]
