"""A lifecycle move as the request page offers it (``web.forms.moves.MoveForm``), and what performing one answers."""

from __future__ import annotations

from rest_framework import serializers

from web.api.serializers.requests import RequestSerializer


class ChoiceSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="What to send.")
    label = serializers.CharField(help_text="What the page shows, in the caller's language.")  # type: ignore[assignment]  # a field of the answer, not Field's attribute


class MoveFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField(
        help_text="text, rich_text (Markdown), bool, yes_no, decimal, currency, date (YYYY-MM-DD), rating, "
        "priority, experts (a list of ids), budget_lines ([{item, amount}]), indicators ([{indicator, baseline, "
        "target}]), indicator_values ([{indicator, value}]), peer_city (an id), assignment (an expert assignment's "
        "id, from the choices), or confirm (an irreversible move's confirmation: true)."
    )
    required = serializers.BooleanField()  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    label = serializers.CharField()  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    help_text = serializers.CharField(allow_blank=True)  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    choices = ChoiceSerializer(many=True, allow_null=True, help_text="The values the field takes, when it is a choice.")
    initial = serializers.JSONField(allow_null=True, help_text="What the page's form is pre-filled with.")


class MoveSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Post to moves/<name>/ to make it.")
    label = serializers.CharField(help_text="The button's text, in the caller's language.")  # type: ignore[assignment]  # a field of the answer, not Field's attribute
    tone = serializers.CharField(help_text="primary, secondary or danger: how the page draws the button.")
    target_state = serializers.CharField(allow_null=True, help_text="The state it leads to; null when it keeps it.")
    irreversible = serializers.BooleanField(help_text="Nothing undoes it: send confirm=true.")
    consequence = serializers.CharField(allow_null=True, help_text="What cannot be undone, as the page says it.")
    expected = serializers.BooleanField(help_text="The caller's expected next step (the page's one filled button).")
    made_on = serializers.CharField(
        help_text="The page that makes it: request, matching (choosing experts) or peers (choosing a peer city)."
    )
    fields = MoveFieldSerializer(many=True)  # type: ignore[assignment]  # the move's data fields, not Serializer.fields


class MoveListSerializer(serializers.Serializer):
    reference = serializers.CharField()
    state = serializers.CharField()
    moves = MoveSerializer(many=True)


class MoveDoneSerializer(serializers.Serializer):
    move = serializers.CharField()
    detail = serializers.CharField(help_text="What the page says once done.")
    request = RequestSerializer(allow_null=True, help_text="The request after the move; null if no longer visible.")
