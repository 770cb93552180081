"""The audit trail in the admin: readable by staff, never editable (the model refuses changes anyway)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from workflows.models import TransitionLog


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["request", "seq", "transition", "from_state", "to_state", "actor", "created_at"]
    list_filter = ["transition", "to_state"]
    search_fields = ["request__reference", "transition"]
    list_select_related = ["request", "actor"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
