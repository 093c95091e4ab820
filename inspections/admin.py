from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from enterprises.models import Industry
from hazards.admin import NoDeleteAdmin

from .models import (
    Campaign,
    ChecklistItem,
    ChecklistTemplate,
    FollowUpCheck,
    Inspection,
    InspectionItem,
)


class NoDeleteInline:
    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChecklistItemInline(NoDeleteInline, admin.StackedInline):
    model = ChecklistItem
    extra = 0
    fields = [
        ("code", "order", "is_active"),
        "section",
        "text",
        ("hazard_title", "category", "major_by_standard"),
        "basis",
        ("standard", "standard_number", "article"),
        "suggested_measures",
    ]


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(NoDeleteAdmin):
    """The bureau maintains the checklists: add, edit, retire; never delete (past
    inspections keep a copy of what they checked, so edits are safe)."""

    list_display = ["name", "key", "industry", "sub_industry", "base", "is_active", "updated_at"]
    list_filter = ["industry", "sub_industry", "is_active"]
    search_fields = ["name", "key", "items__text"]
    inlines = [ChecklistItemInline]
    actions = ["retire", "reactivate"]

    @admin.action(description=_("停用所选检查表"))
    def retire(self, request, queryset):
        n = queryset.update(is_active=False)
        self.message_user(
            request,
            ngettext("已停用 %d 个检查表。", "已停用 %d 个检查表。", n) % n,
            messages.SUCCESS,
        )

    @admin.action(description=_("重新启用所选检查表"))
    def reactivate(self, request, queryset):
        n = queryset.update(is_active=True)
        self.message_user(
            request,
            ngettext("已启用 %d 个检查表。", "已启用 %d 个检查表。", n) % n,
            messages.SUCCESS,
        )


class CampaignAdminForm(forms.ModelForm):
    industries = forms.MultipleChoiceField(
        label=_("行业"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选表示全部行业。"),
    )

    class Meta:
        model = Campaign
        fields = ["name", "kind", "industries", "townships", "starts_on", "ends_on", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["industries"].initial = self.instance.industries


@admin.register(Campaign)
class CampaignAdmin(NoDeleteAdmin):
    form = CampaignAdminForm
    list_display = ["name", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["townships"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        obj.set_industries(form.cleaned_data.get("industries") or [])


class InspectionItemInline(NoDeleteInline, admin.TabularInline):
    model = InspectionItem
    extra = 0
    fields = ["code", "text", "result", "remark", "hazard"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(NoDeleteAdmin):
    """Read-mostly: inspections are written through the API's transitions."""

    list_display = ["enterprise", "kind", "inspected_on", "status", "notice_number"]
    list_filter = ["kind", "status"]
    search_fields = ["enterprise__name", "notice_number"]
    raw_id_fields = ["enterprise", "created_by", "campaign", "original", "template"]
    filter_horizontal = ["inspectors"]
    readonly_fields = ["notice_number", "finalized_at", "finalized_by", "status"]
    inlines = [InspectionItemInline]


@admin.register(FollowUpCheck)
class FollowUpCheckAdmin(NoDeleteAdmin):
    list_display = ["inspection", "hazard", "result", "checked_at"]
    raw_id_fields = ["inspection", "hazard", "event", "checked_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
