"""The expert pool's forms: the pool page's filters, an expert's own profile, leave and standby, the management
unit's vetting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, ExpertProfile, Language, Region, Theme
from helpdesk.selectors.experts import PoolFilters
from helpdesk.services.experts import MAX_CAPACITY
from web.forms.cities import country_choices
from web.forms.fields import RowsField

Vetting = ExpertProfile.Vetting


class PoolFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100, widget=forms.SearchInput())
    vetting = forms.ChoiceField(label=_("Vetting"), required=False, choices=[("", _("Any")), *Vetting.choices])
    availability = forms.ChoiceField(
        label=_("Availability"), required=False, choices=[("", _("Any")), *ExpertProfile.Availability.choices]
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", _("Any theme")), *Theme.choices])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *Language.choices]
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=Region.objects.all(), empty_label=_("Any region")
    )
    # The management unit's: standing conflicts declared or changed since its last review.
    conflicts = forms.ChoiceField(
        label=_("Standing conflicts"), required=False, choices=[("", _("Any")), ("review", _("To review"))]
    )

    def __init__(self, *args: Any, may_review: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_review:
            del self.fields["conflicts"]

    def filters(self) -> PoolFilters:
        """The filters asked for; a value that is not a choice is ignored, not an error."""
        self.is_valid()
        data = self.cleaned_data
        region = data.get("region")
        return PoolFilters(
            vetting=data.get("vetting") or "",
            theme=data.get("theme") or "",
            language=data.get("language") or "",
            region=region.pk if region is not None else None,
            availability=data.get("availability") or "",
            name=data.get("q") or "",
            conflicts_to_review=data.get("conflicts") == "review",
        )


class ExpertProfileForm(forms.Form):
    """What an expert says about themselves: what they advise on, in which languages and regions, how much they
    can take on, and the cities, countries and organisations they must not advise on or are tied to."""

    availability = forms.ChoiceField(
        label=_("Availability"),
        choices=ExpertProfile.Availability.choices,
        widget=forms.RadioSelect,
        help_text=_("While you are unavailable, hubs do not see you among the candidates for a request."),
    )
    max_concurrent_assignments = forms.IntegerField(
        label=_("Assignments at a time, at most"), min_value=1, max_value=MAX_CAPACITY
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes I advise on"), required=False, choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I work in"), required=False, choices=Language.choices, widget=forms.CheckboxSelectMultiple
    )
    regions = RowsField(
        label=_("Regions I know well"),
        required=False,
        queryset=Region.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    bio = forms.CharField(
        label=_("Short bio"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"})
    )
    conflict_cities = RowsField(
        label=_("Cities I must not advise"),
        required=False,
        queryset=City.objects.order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "You will not be proposed for their requests. To choose several, hold Ctrl (⌘ on a Mac) while you click."
        ),
    )
    conflict_countries = forms.MultipleChoiceField(
        label=_("Countries I must not advise"),
        required=False,
        choices=country_choices,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "You will not be proposed for requests of their cities. To choose several, hold Ctrl (⌘ on a Mac) while "
            "you click."
        ),
    )
    conflict_organisations = forms.CharField(
        label=_("Organisations I am tied to"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Hubs read this before proposing you."),
    )

    @classmethod
    def initial_of(cls, profile: ExpertProfile) -> dict[str, Any]:
        return {
            "availability": profile.availability,
            "max_concurrent_assignments": profile.max_concurrent_assignments,
            "themes": profile.themes,
            "languages": profile.languages,
            "regions": list(profile.regions.all()),
            "bio": profile.bio,
            "conflict_cities": list(profile.conflict_cities.all()),
            "conflict_countries": profile.conflict_countries,
            "conflict_organisations": profile.conflict_organisations,
        }


class VettingForm(forms.Form):
    status = forms.ChoiceField(choices=Vetting.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )


def _day_input() -> forms.DateInput:
    # The browser's own date picker; the earliest day it offers is set to today by the form.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class LeaveForm(forms.Form):
    """A leave: its first and last day (both included). The rules (not in the past, no overlap) are the service's."""

    starts_on = forms.DateField(label=_("First day"), widget=_day_input())
    ends_on = forms.DateField(label=_("Last day"), widget=_day_input(), help_text=_("Included."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in ("starts_on", "ends_on"):
            self.fields[name].widget.attrs["min"] = today


class StandbyForm(LeaveForm):
    """A standby for incident response: its days, and the regions and languages it covers (the expert's own to
    begin with). At least one of each is the service's rule, so that its message is the one shown."""

    regions = RowsField(
        label=_("Regions I can respond in"),
        required=False,
        queryset=Region.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I can respond in"),
        required=False,
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ConflictsReviewForm(forms.Form):
    """The moment of the declaration the reviewer read (``ExpertProfile.conflicts_updated_at``): a later change is
    not covered by their review."""

    declared_at = forms.DateTimeField(widget=forms.HiddenInput)
