from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, NotificationViewSet, TokenView
from enterprises.api import DepartmentViewSet, EnterpriseViewSet, TownshipViewSet

router = DefaultRouter()
router.register("townships", TownshipViewSet, basename="township")
router.register("departments", DepartmentViewSet, basename="department")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
    path("", include("hazards.api_urls")),
    path("", include("dashboard.api_urls")),
    path("", include("inspections.api_urls")),
]
