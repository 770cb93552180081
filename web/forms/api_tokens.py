"""The form that makes a personal API token: a name to know it by, and how many days it lasts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What will use it, so that you recognise it later: a city's tracker, a report."),
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "off", "maxlength": "80"}),
    )
    days = forms.IntegerField(label=gettext_lazy("Lasts (days)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read here, not at import: the settings may change without a restart (and do in tests).
        days = self.fields["days"]
        days.initial = settings.API_TOKEN_DEFAULT_DAYS
        days.widget.attrs.update({"min": "1", "max": str(settings.API_TOKEN_MAX_DAYS), "inputmode": "numeric"})
        days.help_text = _("From 1 to %(max)d days; after that it stops working and you make a new one.") % {
            "max": settings.API_TOKEN_MAX_DAYS
        }

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
            # The service's own words for the same limit.
            raise forms.ValidationError(
                _("A token lasts from 1 to %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}, code="invalid"
            )
        return days
