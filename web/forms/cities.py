"""The forms of city records: the record its hub keeps, the city's own choice of anonymity to experts, and the
directory's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from helpdesk.models import City, Language, Region, Theme, name_key


def country_choices() -> list[tuple[str, str]]:
    """Every country by its ISO code, named and sorted in the reader's language (django-countries), read when a
    form is shown: a city's country, an expert's standing conflicts."""
    return [(str(code), str(name)) for code, name in countries]


def _country_choices() -> list[tuple[str, object]]:
    return [("", _("Choose a country")), *country_choices()]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CityForm(forms.Form):
    """A city's record. ``regions``: the hubs the person may add a city to when they may choose (the management
    unit); none otherwise, and then the hub is theirs or the city's."""

    name = forms.CharField(label=_("Name"), max_length=120)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    region = forms.ModelChoiceField(label=_("Hub"), queryset=Region.objects.none(), empty_label=_("Choose a hub"))
    is_member = forms.BooleanField(
        label=_("Member of the network"),
        required=False,
        initial=True,
        help_text=_("Only member cities are listed in the city directory. Nothing else changes when a city leaves."),
    )
    member_since = forms.DateField(label=_("Member since"), required=False, widget=_date_input())
    principles_accepted_on = forms.DateField(
        label=_("Guiding principles accepted on"), required=False, widget=_date_input()
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, city: City | None = None, choose_region: bool = False, **kwargs: Any) -> None:
        if city is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": city.name,
                "country": str(city.country),
                "is_member": city.is_member,
                "member_since": city.member_since,
                "principles_accepted_on": city.principles_accepted_on,
                "languages": list(city.languages or []),
            }
        super().__init__(*args, **kwargs)
        if choose_region:
            region = self.fields["region"]
            assert isinstance(region, forms.ModelChoiceField)
            region.queryset = Region.objects.all()  # each named in the reader's language (``Region.__str__``)
        else:
            del self.fields["region"]

    def service_data(self) -> dict[str, Any]:
        """The record's fields as the services take them."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "country": data["country"],
            "is_member": bool(data["is_member"]),
            "member_since": data["member_since"],
            "principles_accepted_on": data["principles_accepted_on"],
            "languages": data["languages"],
        }


ANONYMOUS, LISTED = "anonymous", "listed"


class CityAnonymityForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("What experts see of your city"),
        choices=[
            (LISTED, _("Experts see our city's name and country")),
            (ANONYMOUS, _("Experts see only our region, not our city's name or country")),
        ],
        widget=forms.RadioSelect,
    )

    @property
    def anonymous(self) -> bool:
        return self.cleaned_data.get("choice") == ANONYMOUS


class DirectoryFilterForm(forms.Form):
    """The directory's filters (a GET form): anything not on the lists is ignored rather than refused."""

    q = forms.CharField(label=_("Name"), required=False, max_length=120)
    hub = forms.TypedChoiceField(label=_("Hub"), required=False, coerce=int, empty_value=None)
    theme = forms.ChoiceField(label=_("Theme worked on"), required=False)
    language = forms.ChoiceField(label=_("Working language"), required=False)

    def __init__(self, *args: Any, hubs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("hub").choices = [("", _("Every hub")), *hubs]
        themes = sorted(Theme.choices, key=lambda pair: name_key(str(pair[1])))
        self._choices("theme").choices = [("", _("Any theme")), *themes]
        self._choices("language").choices = [("", _("Any language")), *Language.choices]

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def filters(self) -> dict[str, Any]:
        """The valid filters, as ``city_directory`` takes them (each invalid one dropped)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "hub": data.get("hub"),
            "theme": data.get("theme") or "",
            "language": data.get("language") or "",
            "query": data.get("q") or "",
        }
