"""A request's messages and files as their reader may see them (``web.presenters.MessageView`` and
``AttachmentView``), and what is sent to post one or to upload a file."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.models import Visibility
from web.forms.markdown import MarkdownField
from web.forms.requests import MAX_FILES, MESSAGE_MAX_CHARS
from web.presenters import AttachmentView


class AttachmentSerializer(serializers.Serializer):
    """A withheld file keeps its line, without its name or a link."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    visibility = serializers.CharField()
    download_url = serializers.SerializerMethodField(help_text="The API's download; null when withheld.")
    withheld = serializers.BooleanField()
    is_restricted = serializers.BooleanField()
    uploaded_by = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    message_id = serializers.IntegerField(allow_null=True, help_text="The message that carried it, if one did.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_download_url(self, file: AttachmentView) -> str | None:
        # The page's view gives the page's link; an API reader downloads with their token.
        return reverse("api:attachment-download", args=[file.pk]) if file.download_url else None


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    author = serializers.CharField(allow_null=True, help_text="Null: the desk itself wrote it.")
    author_name = serializers.CharField()
    created_at = serializers.DateTimeField()
    visibility = serializers.CharField()
    visibility_label = serializers.CharField()
    body_html = serializers.CharField(help_text="Sanitised HTML, or the placeholder when withheld.")
    withheld = serializers.BooleanField()
    is_restricted = serializers.BooleanField()
    files = AttachmentSerializer(many=True)


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True, help_text="Oldest first: the newest page, or the one before `before`.")
    before = serializers.CharField(
        allow_null=True, help_text="Pass as `?before=` for the page of earlier messages; null when none is earlier."
    )


class MessagePostSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_CHARS, help_text="Markdown.")

    def validate_body(self, value: str) -> str:
        """The request page's own message field cleans it: Markdown into the one sanitiser's HTML, and marks
        without a word (a lone "-") refused as empty."""
        try:
            return str(MarkdownField(max_length=MESSAGE_MAX_CHARS).clean(value))
        except forms.ValidationError as invalid:
            raise serializers.ValidationError(invalid.messages) from invalid

    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text="A channel the caller may write on; may be left out when they write on one only.",
    )
    confirm_personal_data = serializers.BooleanField(
        default=False, help_text="Keep text that looks like personal data (the message is then restricted)."
    )
    attachment = serializers.ListField(
        # An empty file is refused by the desk's own check, with its reason (as the page's form leaves it).
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        max_length=MAX_FILES,
        help_text="Repeatable (multipart).",
    )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        help_text="A channel the caller may write on; may be left out when they write on one only.",
    )
