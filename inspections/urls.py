"""The inspector's pages, mounted at /inspections/ by config/urls.py."""

from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.start_search, name="start"),
    path("new/<int:enterprise_pk>/", views.start, name="start-at"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/items/<int:item_pk>/", views.item, name="item"),
    path("<int:pk>/hazards/new/", views.hazard_new, name="free-hazard"),
    path("<int:pk>/finalize/", views.finalize, name="finalize"),
    path("<int:pk>/follow-up/<int:hazard_pk>/", views.follow_up_review, name="follow-up-review"),
]
