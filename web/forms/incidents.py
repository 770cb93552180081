"""The focal point's short form "after an incident": what happened, when, what help the city needs now."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City
from web.forms.markdown import MarkdownField

TEXT_MAX_CHARS = 20_000
HELP_MAX_CHARS = 2_000
# What a browser's date-and-time box sends (with or without seconds), and what a person may type without one.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class IncidentForm(forms.Form):
    """Three questions (and the city, for a focal point of several): the rest of the request is the desk's."""

    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), empty_label=None)
    what_happened = MarkdownField(
        label=_("What happened"),
        help_text=_(
            "The facts the hub needs to understand the situation: what, where in the city, who is affected by role"
            " (not by name)."
        ),
        max_length=TEXT_MAX_CHARS,
        rows=6,
    )
    incident_at = forms.DateTimeField(
        label=_("When it happened"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    help_needed = forms.CharField(
        label=_("What help your city needs now"),
        help_text=_(
            "Two or three sentences an expert may read before accepting: no names, contact details or incident details."
        ),
        max_length=HELP_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    confirm_personal_data = forms.BooleanField(
        label=_("I confirm this personal data is needed; keep the request restricted to the hub and management unit"),
        required=False,
    )

    def __init__(self, *args: Any, cities: list[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city = self.fields["city"]
        assert isinstance(city, forms.ModelChoiceField)  # declared above
        city.queryset = City.objects.filter(pk__in=[c.pk for c in cities]).order_by("name")
        if len(cities) == 1:
            city.initial = cities[0].pk
            city.widget = forms.HiddenInput()
        # The time is read in the reader's own time zone (the middleware activated it): say which.
        self.fields["incident_at"].help_text = format_lazy(
            _("Date and time, in your time zone ({zone})."), zone=timezone.get_current_timezone_name()
        )

    def service_data(self) -> dict[str, Any]:
        """The typed values for ``workflows.incidents.incident_file``."""
        data = self.cleaned_data
        return {
            "city": data["city"],
            "what_happened": data["what_happened"],
            "incident_at": data["incident_at"],
            "help_needed": data["help_needed"],
            "confirm_personal_data": data.get("confirm_personal_data", False),
        }
