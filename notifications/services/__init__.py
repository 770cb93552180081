"""Writes of the notifications app (see ``docs/ARCHITECTURE.md``): each function is its own entry point."""

from notifications.services.account import account_notice_send, password_reset_send
from notifications.services.deadlines import deadlines_sweep
from notifications.services.delivery import email_send, notifications_retry, outbox_sweep
from notifications.services.digest import digest_send
from notifications.services.inbox import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_mark_read_for_request,
)
from notifications.services.peers import notifications_record_introduction
from notifications.services.recording import (
    Delivery,
    notifications_record_event,
    notifications_record_message,
    notifications_save,
)
from notifications.services.resources import notifications_record_consent, notifications_record_resource
from notifications.services.schedules import schedules_ensure
from notifications.services.watchers import watch_add, watch_remove

__all__ = [
    "Delivery",
    "account_notice_send",
    "deadlines_sweep",
    "digest_send",
    "email_send",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_mark_read_for_request",
    "notifications_record_consent",
    "notifications_record_event",
    "notifications_record_introduction",
    "notifications_record_message",
    "notifications_record_resource",
    "notifications_retry",
    "notifications_save",
    "outbox_sweep",
    "password_reset_send",
    "schedules_ensure",
    "watch_add",
    "watch_remove",
]
