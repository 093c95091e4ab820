from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患台帐")

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers this app's steps with rules)
