"""What a locked-out user sees (django-axes): a clear Chinese message, 429."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    message = _("登录失败次数过多，该账号已在本设备锁定 15 分钟，请稍后再试或联系安监局管理员。")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
