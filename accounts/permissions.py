from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Role


def has_role(user, *roles: str) -> bool:
    return bool(user and user.is_authenticated and (user.role in roles or user.is_superuser))


class IsBureauOrReadOnly(BasePermission):
    message = "只有安监局可以修改。"

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or has_role(request.user, Role.BUREAU)


class IsInspectorOrBureau(BasePermission):
    message = "只有检查员或安监局可以进行此操作。"

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.INSPECTOR, Role.BUREAU)
