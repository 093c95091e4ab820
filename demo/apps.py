from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and benchmark data (``seed_demo``, ``seed_bulk``). It drives every domain
    app, so it sits on the top floor; nothing imports it."""

    name = "demo"
    verbose_name = _("演示与基准数据")
