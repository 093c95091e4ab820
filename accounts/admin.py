from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "display_name",
        "role",
        "enterprise",
        "department",
        "township",
        "is_active",
    ]
    list_filter = ["role", "is_active", "department", "township"]
    search_fields = ["username", "display_name", "phone"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            _("台帐角色"),
            {"fields": ["role", "display_name", "phone", "enterprise", "department", "township"]},
        ),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (
            _("台帐角色"),
            {"fields": ["role", "display_name", "enterprise", "department", "township"]},
        ),
    )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    readonly_fields = ["recipient", "kind", "message", "hazard", "created_at", "read_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
