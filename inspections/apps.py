from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("监督检查")

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers this app's steps with rules)
