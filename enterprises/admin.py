from django.contrib import admin

from .models import Department, Enterprise, Township


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "is_bureau"]
    search_fields = ["name"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "industry",
        "sub_industry",
        "township",
        "supervising_department",
        "status",
    ]
    list_filter = ["industry", "sub_industry", "status", "township", "supervising_department"]
    search_fields = ["name", "credit_code", "legal_representative"]
    list_select_related = ["township", "supervising_department"]
