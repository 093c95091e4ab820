"""Who may change the register of enterprises (accounts/policy.py explains the parts).

Reading is open to every signed-in user within his scope (``Enterprise.objects.visible_to``);
creating and editing an enterprise is the bureau's job.
"""

from django.utils.translation import gettext_lazy as _

from accounts.policy import B, define

BUREAU_ONLY = _("只有安监局可以修改。")

#      permission             who   refused with
define("enterprises.create", {B}, BUREAU_ONLY)
define("enterprises.edit", {B}, BUREAU_ONLY)
