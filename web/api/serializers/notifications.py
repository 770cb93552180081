"""A line of the notification centre (``web.notification_entries.Entry``): what happened and to which request,
never the request's content."""

from __future__ import annotations

from rest_framework import serializers


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    label = serializers.CharField(help_text="What happened, in the caller's language.")  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    reference = serializers.CharField(allow_blank=True, help_text="Blank when about no request, or access ended.")
    title = serializers.CharField(
        allow_blank=True, help_text="As the centre shows it: a placeholder for a restricted or anonymised request."
    )
    reason = serializers.CharField(allow_blank=True, help_text="Why the caller was told.")
    created_at = serializers.DateTimeField()
    unread = serializers.BooleanField()
    access_ended = serializers.BooleanField(help_text="The caller may no longer open the request it was about.")


class NotificationsReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were marked read.")
    unread = serializers.IntegerField(help_text="How many are still unread.")
