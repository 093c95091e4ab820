from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("隐患台帐")

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        # The policy registers this app's steps with rules; receivers connect signals.
        from . import policy, receivers  # noqa: F401

        # Pillow's own bomb guard, for every image this process opens (evidence checks
        # its bound from the header first; reports and notices open stored photos).
        Image.MAX_IMAGE_PIXELS = settings.EVIDENCE_MAX_PIXELS
