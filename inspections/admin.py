from django.contrib import admin

from .models import Inspection


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "kind", "inspected_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["enterprise__name"]
    raw_id_fields = ["enterprise", "created_by"]
    filter_horizontal = ["inspectors"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
