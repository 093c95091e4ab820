"""Pages of the readers' floor, included at the site root by config/urls.py: each role's
home page at / and the supervision dashboard at /dashboard/."""

from django.urls import path

from .home import home
from .views import dashboard

urlpatterns = [
    path("", home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
]
