from django.contrib import admin

from .models import Escalation, Evidence, Hazard, HazardEvent


class NoDeleteAdmin(admin.ModelAdmin):
    """Nothing in the ledger is ever deleted, not even from the admin."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(NoDeleteAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "enterprise", "level", "state", "deadline", "failed_reviews"]
    list_filter = ["state", "level", "category", "industry", "township"]
    search_fields = ["code", "title", "enterprise__name"]
    list_select_related = ["enterprise"]
    raw_id_fields = [
        "enterprise",
        "inspection",
        "responsible_person",
        "responsible_leader",
        "created_by",
    ]


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "kind", "actor", "from_state", "to_state", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["hazard", "actor"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "phase", "sha256", "captured_at", "uploaded_at"]
    raw_id_fields = ["hazard", "event", "uploaded_by"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "round", "leader", "state", "outcome", "created_at"]
    list_filter = ["state", "outcome"]
    raw_id_fields = ["hazard", "leader", "resolved_by"]
