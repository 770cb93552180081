"""A request as its reader may see it (``web.presenters.RequestView``), what the list is asked for, and what a
focal point sends to keep a draft."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from helpdesk.models import Language, RequestState, StrategicPriority, SupportKind, SupportRequest, Theme
from web.forms.requests import REQUEST_FIELDS
from web.lists.queue import MAX_SEARCH_LENGTH, QueueFilters
from web.params import parse_id


class RequestLineSerializer(serializers.Serializer):
    """One line of a list: what the desk's lists show of a request, never its text (nothing restricted), so
    listing records nothing in the access log. An expert's brief leaves out what the page leaves out
    (``is_brief``: state, owner, amounts are null)."""

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
    created_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)


class RequestSerializer(RequestLineSerializer):
    """The whole request as its page shows it. Withheld text reads as the placeholder the page shows, with
    ``withheld`` true."""

    summary = serializers.CharField()
    description_html = serializers.CharField(allow_null=True, help_text="Sanitised HTML; null in an expert's brief.")
    submitted_by = serializers.CharField(allow_null=True)
    submitted_by_email = serializers.CharField(allow_null=True)
    submitted_by_phone = serializers.CharField(allow_null=True)
    screening_kinds = serializers.ListField(
        child=serializers.CharField(), help_text="What screening found, for those who may release it."
    )


class RequestFiltersSerializer(serializers.Serializer):
    """The hub queue's filters, as query parameters (``web.lists.queue.QueueFilters``)."""

    state = serializers.ListField(
        child=serializers.ChoiceField(choices=RequestState.choices), required=False, help_text="Repeatable."
    )
    theme = serializers.ChoiceField(choices=Theme.choices, required=False)
    kind = serializers.ChoiceField(choices=SupportKind.choices, required=False)
    region = serializers.CharField(required=False, help_text="A hub's id.")
    city = serializers.CharField(required=False, help_text="A city's id.")
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, help_text="ISO 3166 code.")
    owner = serializers.CharField(required=False, help_text='"me", "none" or a person\'s id.')
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    overdue = serializers.BooleanField(required=False, default=False)
    funding = serializers.BooleanField(required=False, default=False, help_text="Only those asking for a grant.")
    q = serializers.CharField(required=False, max_length=MAX_SEARCH_LENGTH, help_text="Reference, title or text.")
    filed_from = serializers.DateField(required=False, help_text="Filed on or after this day.")
    filed_before = serializers.DateField(required=False, help_text="Filed before this day.")

    def _id(self, value: str) -> str:
        if parse_id(value) is None:
            raise serializers.ValidationError(_("Not a valid id."), code="invalid")
        return value

    def validate_region(self, value: str) -> str:
        return self._id(value)

    def validate_city(self, value: str) -> str:
        return self._id(value)

    def validate_owner(self, value: str) -> str:
        return value if value in ("me", "none") else self._id(value)

    def filters(self) -> QueueFilters:
        data: dict[str, Any] = self.validated_data
        return QueueFilters(
            states=data.get("state", []),
            theme=data.get("theme", ""),
            kind=data.get("kind", ""),
            region_id=parse_id(data.get("region")),
            city_id=parse_id(data.get("city")),
            country=data.get("country", "").upper(),
            owner=data.get("owner", ""),
            language=data.get("language", ""),
            overdue=data["overdue"],
            funding=data["funding"],
            search=data.get("q", ""),
            filed_from=data.get("filed_from"),
            filed_before=data.get("filed_before"),
        )


class RequestWriteSerializer(serializers.ModelSerializer):
    """A draft's fields as the request form takes them; the description is Markdown, as typed in the form.
    Only the title is needed to keep a draft; submitting it checks the rest."""

    confirm_personal_data = serializers.BooleanField(
        default=False,
        write_only=True,
        help_text="Keep text that looks like personal data (the request is then restricted to the hub and the "
        "management unit).",
    )
    # Declared rather than derived from the model: a derived one takes its bounds from the database backend (a
    # small integer's on PostgreSQL, a 64-bit one's on SQLite), so the schema would differ between the two.
    strategic_priority = serializers.ChoiceField(
        choices=StrategicPriority.choices, allow_null=True, required=False, label=_("Strategic priority")
    )

    class Meta:
        model = SupportRequest
        fields = [*REQUEST_FIELDS, "confirm_personal_data"]
        extra_kwargs = {name: {"required": False} for name in REQUEST_FIELDS if name != "title"}

    def service_data(self) -> dict[str, Any]:
        """The fields sent, for the intake services (a field left out is left as it was)."""
        data = dict(self.validated_data)
        data.pop("confirm_personal_data", None)
        return data


class RequestCreateSerializer(RequestWriteSerializer):
    city = serializers.IntegerField(
        required=False, min_value=1, help_text="The city's id; needed when the caller speaks for several cities."
    )

    class Meta(RequestWriteSerializer.Meta):
        fields = ["city", *RequestWriteSerializer.Meta.fields]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data.pop("city", None)
        return data
