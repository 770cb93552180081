"""The outbox in the admin: what was sent, what failed (filter by status) and a retry for failures.

Rows are written only by the notifications services: the admin reads them and may retry failed e-mails,
nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from helpdesk import access
from notifications import services
from notifications.models import Channel, DeadlineAlert, InboundMail, Notification, Status, Watch


class _ManagementReadable(admin.ModelAdmin):
    """The management unit (with admin access) reads these tables even without model permissions.

    A ModelAdmin itself, so that ``super()`` is known to reach ModelAdmin's methods.
    """

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access.is_management(request.user) or super().has_view_permission(request, obj)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access.is_management(request.user) or super().has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(_ManagementReadable, admin.ModelAdmin):
    list_display = ["pk", "created_at", "event", "recipient", "request", "channel", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "event", "reason"]
    search_fields = ["request__reference", "recipient__username", "recipient__email"]
    list_select_related = ["recipient", "request"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["retry_failed"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    raw_id_fields = ["recipient", "request", "actor", "digest"]

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, tuple[Callable[..., str], str, str] | None]:
        actions = super().get_actions(request)
        # Without delete permission Django drops "delete selected" itself; retry is for the unit.
        if not (access.is_management(request.user) or request.user.is_superuser):
            actions.pop("retry_failed", None)
        return actions

    @admin.action(description=_("Retry the selected failed e-mails"))
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        ids = list(queryset.filter(channel=Channel.EMAIL, status=Status.FAILED).values_list("pk", flat=True))
        count = services.notifications_retry(notification_ids=ids)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count) % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(Watch)
class WatchAdmin(_ManagementReadable, admin.ModelAdmin):
    list_display = ["request", "user", "added_by", "created_at"]
    search_fields = ["request__reference", "user__username"]
    list_select_related = ["request", "user", "added_by"]
    raw_id_fields = ["request", "user", "added_by"]


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(_ManagementReadable, admin.ModelAdmin):
    list_display = ["request", "kind", "state", "due_at", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["request__reference"]
    list_select_related = ["request"]
    readonly_fields = ["request", "kind", "state", "due_at", "created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: DeadlineAlert | None = None) -> bool:
        return False


@admin.register(InboundMail)
class InboundMailAdmin(_ManagementReadable, admin.ModelAdmin):
    """The reply gateway's record: why a reply by e-mail did not become a message ("my reply never arrived")."""

    list_display = ["received_at", "via", "outcome", "reason", "sender", "request"]
    list_filter = ["outcome", "reason", "via"]
    search_fields = ["sender", "request__reference", "header_message_id"]
    list_select_related = ["request"]
    readonly_fields = [field.name for field in InboundMail._meta.fields]

    def has_delete_permission(self, request: HttpRequest, obj: InboundMail | None = None) -> bool:
        return False
