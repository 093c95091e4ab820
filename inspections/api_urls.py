"""API routes of this app, included under /api/v1/ by config/api_urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import InspectionViewSet
from .api_checklists import CampaignViewSet, ChecklistViewSet

router = SimpleRouter()
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("checklists", ChecklistViewSet, basename="checklist")
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns = [
    # The notice is a file (a PDF): no trailing slash.
    path(
        "inspections/<int:pk>/notice.pdf",
        InspectionViewSet.as_view({"get": "notice"}),
        name="inspection-notice",
    ),
    *router.urls,
]
