"""The matching page's filter bar: parses the query string (or the posted form) into
``workflows.matching.CandidateFilters``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Language, Theme
from workflows.matching import CandidateFilters


class MatchingFilterForm(forms.Form):
    q = forms.CharField(label=_("Expert"), required=False, max_length=100, widget=forms.SearchInput())
    theme = forms.ChoiceField(label=_("Theme"), required=False, choices=[("", _("Any theme")), *Theme.choices])
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *Language.choices]
    )

    def filters(self) -> CandidateFilters:
        """The filters asked for; a value that is not a choice is ignored, not an error."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) or "" for name in ("q", "theme", "language")}
        return CandidateFilters(name=data["q"], theme=data["theme"], language=data["language"])

    def query(self) -> dict[str, str]:
        """The filters as query-string parameters (the empty ones left out)."""
        self.is_valid()
        return {name: value for name in self.fields if (value := self.cleaned_data.get(name))}
