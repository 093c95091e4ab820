"""Browser pages of the ledger, included at the site root by config/urls.py:
the ledger under /hazards/ and the escalations (督办) under /escalations/."""

from django.urls import path

from . import views

urlpatterns = [
    path("hazards/", views.hazard_list, name="hazard-list"),
    path("hazards/new/", views.hazard_new, name="hazard-new"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("hazards/<int:pk>/submit/", views.hazard_submit, name="hazard-submit"),
    path("hazards/<int:pk>/review/", views.hazard_review, name="hazard-review"),
    path("hazards/<int:pk>/extend/", views.hazard_extend, name="hazard-extend"),
    path("hazards/<int:pk>/void/", views.hazard_void, name="hazard-void"),
    path("escalations/", views.escalation_list, name="escalation-list"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation-detail"),
    path(
        "escalations/<int:pk>/acknowledge/",
        views.escalation_acknowledge,
        name="escalation-acknowledge",
    ),
    path("escalations/<int:pk>/resolve/", views.escalation_resolve, name="escalation-resolve"),
]
