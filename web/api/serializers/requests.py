"""A request as its reader may see it (``web.presenters.RequestView``)."""

from __future__ import annotations

from rest_framework import serializers


class RequestSerializer(serializers.Serializer):
    """Withheld text reads as the placeholder the page shows, with ``withheld`` true; an expert's brief leaves
    out what the page leaves out (``is_brief``: state, owner, submitter, amounts are null)."""

    reference = serializers.CharField()
    url = serializers.CharField(help_text="The request's page on the desk.")
    title = serializers.CharField()
    theme = serializers.CharField()
    theme_label = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    language = serializers.CharField()
    strategic_priority = serializers.IntegerField(allow_null=True)
    strategic_priority_label = serializers.CharField(allow_null=True)
    region = serializers.CharField(help_text="The hub, in the reader's language.")
    city = serializers.CharField(allow_null=True, help_text="Null when the city is anonymous to this expert.")
    country = serializers.CharField(allow_null=True)
    summary = serializers.CharField()
    description_html = serializers.CharField(allow_null=True, help_text="Sanitised HTML; null in an expert's brief.")
    is_brief = serializers.BooleanField()
    is_restricted = serializers.BooleanField()
    withheld = serializers.BooleanField(help_text="Restricted text was replaced by a placeholder for this reader.")
    anonymised = serializers.BooleanField()
    state = serializers.CharField(allow_null=True)
    state_label = serializers.CharField(allow_null=True)
    urgency = serializers.CharField(allow_null=True)
    urgency_label = serializers.CharField(allow_null=True)
    desired_by = serializers.DateField(allow_null=True)
    funding_requested = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    currency = serializers.CharField(allow_null=True)
    owner = serializers.CharField(allow_null=True)
    submitted_by = serializers.CharField(allow_null=True)
    submitted_by_email = serializers.CharField(allow_null=True)
    submitted_by_phone = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    screening_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="What screening found, for those who may release it."
    )
