"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from rest_framework.routers import SimpleRouter

from .api import EvidenceViewSet, HazardViewSet
from .api_escalations import EscalationViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("escalations", EscalationViewSet, basename="escalation")

urlpatterns = [*router.urls]

# The supervision dashboard.
from django.urls import path  # noqa: E402

from .api_dashboard import DashboardSummaryView  # noqa: E402

urlpatterns.append(
    path("dashboard/summary/", DashboardSummaryView.as_view(), name="api-dashboard-summary")
)
