"""The forms of a hub's calendar: its time zone and working week, and a closure day with its reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Region
from helpdesk.selectors.hubs import ISO_WEEKDAYS, hub_working_days, weekday_name
from helpdesk.services.hubs import CLOSURE_REASON_LENGTH, HUB_ZONES_BESIDE
from web.forms.account import time_zone_choices


def hub_time_zone_choices() -> list[tuple[str, Any]]:
    """The profile's grouped list of zones (``time_zone_choices``) without its "default" entry (a hub keeps a zone
    of its own), after the zone a hub starts with."""
    return [*((zone, zone) for zone in HUB_ZONES_BESIDE), *time_zone_choices()[1:]]


def weekday_choices() -> list[tuple[int, str]]:
    """Monday to Sunday, by ISO number, named in the reader's language."""
    return [(day, weekday_name(day)) for day in ISO_WEEKDAYS]


class HubCalendarForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=hub_time_zone_choices,
        help_text=_("Deadlines fall at the hub's local time, and its days start and end in this zone."),
    )
    working_days = forms.TypedMultipleChoiceField(
        label=_("Working days"),
        choices=weekday_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these days count towards a deadline (Sunday to Thursday in several MENA countries)."),
        error_messages={"required": _("Choose the days the hub works, at least one.")},
    )

    def __init__(self, *args: Any, hub: Region, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"time_zone": hub.time_zone, "working_days": hub_working_days(hub)})
        super().__init__(*args, **kwargs)


class ClosureForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    name = forms.CharField(
        label=_("Why the hub is closed"),
        max_length=CLOSURE_REASON_LENGTH,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("A retreat, a local holiday the public holidays below do not show…"),
    )
