from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与通知")

    def ready(self) -> None:
        from config import drf

        drf.install()
