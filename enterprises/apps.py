from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业与监管部门")

    def ready(self) -> None:
        from . import policy  # noqa: F401  (registers this app's steps with rules)
