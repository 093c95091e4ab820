"""API routes of the dashboard, included under /api/v1/ by config/api_urls.py."""

from django.urls import path

from .api import DashboardSummaryView

urlpatterns = [
    path("dashboard/summary/", DashboardSummaryView.as_view(), name="api-dashboard-summary")
]
