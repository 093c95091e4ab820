from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The readers' floor: the supervision dashboard and each role's home page. It reads
    hazards, inspections, enterprises and accounts; none of them imports it."""

    name = "dashboard"
    verbose_name = _("监管驾驶舱")
