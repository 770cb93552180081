"""The invitation form (who is invited, into what) and the invitee's account form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, Language, Region, Role
from web.forms.account import time_zone_choices


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off", "dir": "ltr"})
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect)
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.none(),
        required=False,
        help_text=_("For a city focal point: the city they will act for."),
    )
    region = forms.ModelChoiceField(
        label=_("Hub"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("For hub staff: the hub they will work for."),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=_("The e-mail and the invitation's page are in this language."),
    )
    message = forms.CharField(
        label=_("Personal note (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Added to the e-mail as you write it."),
    )

    def __init__(
        self,
        *args: Any,
        roles: list[str],
        cities: QuerySet[City],
        regions: QuerySet[Region],
        lead_choice: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]  # type: ignore[attr-defined]
        self.fields["city"].queryset = cities  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        if Role.FOCAL_POINT not in roles:
            del self.fields["city"]
        if Role.HUB_STAFF not in roles:
            del self.fields["region"]
        if lead_choice:
            self.fields["is_hub_lead"] = forms.BooleanField(
                label=_("The hub's lead"), required=False, help_text=_("For hub staff: they will lead the hub.")
            )


class AcceptForm(forms.Form):
    """The invitee's new account: the service checks the username and the password (Django's validators)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("You sign in with it. Letters, digits and . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "dir": "ltr"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "family-name"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password, not only digits, not like your name."),
    )
    password_again = forms.CharField(
        label=_("The password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=_("Pages and e-mails reach you in this language."),
    )
    # The profile's own choice of zones (grouped by area, the default first), so both read the same.
    time_zone = forms.ChoiceField(
        label=_("Your time zone"),
        choices=time_zone_choices,
        required=False,
        help_text=_("Dates and times on your pages are shown in this zone."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords differ: type the same one twice."))
        return cleaned
