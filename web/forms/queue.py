"""The filter bar of request lists: parses the query string into ``web.lists.queue.QueueFilters``."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Language, RequestState, SupportKind, Theme
from helpdesk.selectors import FilterChoices
from helpdesk.services import MAX_BULK
from web.fast import FastChoiceField
from web.lists.pagination import DEFAULT_SORT
from web.lists.queue import QueueFilters
from workflows.needs import IN_PROGRESS_STATES, MET_STATES, UNMET_STATES

SORT_CHOICES = [
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("deadline", _("Deadline soonest")),
    ("updated", _("Recently updated")),
]


def _blank(label: str | Any) -> list[tuple[str, Any]]:
    return [("", label)]


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"placeholder": _("Reference, title or description")}),
    )
    state = FastChoiceField(label=_("State"), required=False)
    theme = FastChoiceField(label=_("Theme"), required=False)
    kind = FastChoiceField(label=_("Kind of support"), required=False)
    region = FastChoiceField(label=_("Hub"), required=False)
    city = FastChoiceField(label=_("City"), required=False)
    country = FastChoiceField(label=_("Country"), required=False)
    owner = FastChoiceField(label=_("Owner"), required=False)
    language = FastChoiceField(label=_("Language"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    funding = forms.BooleanField(label=_("Asks for funding"), required=False)
    filed_from = forms.DateField(
        label=_("Filed from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    filed_before = forms.DateField(
        label=_("Filed before"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sort = FastChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    OPEN = "open"
    # The needs map's outcomes (``workflows.needs``): the demand met, declined or withdrawn, and still in progress
    # (which, unlike "open", leaves out what was delivered).
    MET, UNMET, IN_PROGRESS = "met", "unmet", "in_progress"
    OUTCOMES = {MET: MET_STATES, UNMET: UNMET_STATES, IN_PROGRESS: IN_PROGRESS_STATES}

    def __init__(self, data: Any, *, choices: FilterChoices) -> None:
        super().__init__(data)
        self._choice("state").choices = [
            ("", _("Any state")),
            (self.OPEN, _("Open (filed, not closed)")),
            (self.MET, _("Met (delivered or closed)")),
            (self.UNMET, _("Unmet (declined or withdrawn)")),
            (self.IN_PROGRESS, _("In progress (not yet delivered, declined or withdrawn)")),
            *RequestState.choices,
        ]
        self._choice("theme").choices = _blank(_("Any theme")) + list(Theme.choices)
        self._choice("kind").choices = _blank(_("Any kind")) + list(SupportKind.choices)
        self._choice("language").choices = _blank(_("Any language")) + list(Language.choices)
        self._choice("city").choices = _blank(_("Any city")) + choices.cities
        self._choice("country").choices = _blank(_("Any country")) + choices.countries
        self._choice("owner").choices = [("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet")), *choices.owners]
        if choices.regions is None:
            del self.fields["region"]
        else:
            self._choice("region").choices = _blank(_("Any hub")) + choices.regions

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # every filter given choices is declared a FastChoiceField
        return field

    def _valid_data(self) -> dict[str, Any]:
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return self.cleaned_data

    def saved_query(self) -> str:
        """The filters as a saved view keeps them: the valid, non-empty ones in the form's order (the state
        always, since a blank state means "any state", not the default "open"), never a page cursor."""
        data = self._valid_data()
        pairs: list[tuple[str, str]] = []
        for name in self.fields:
            value = data.get(name)
            if name == "q" and isinstance(value, str):
                value = value.strip()
            if name == "state":
                pairs.append((name, value or ""))
            elif value is True:
                pairs.append((name, "on"))
            elif isinstance(value, date):
                pairs.append((name, value.isoformat()))
            elif value:
                pairs.append((name, str(value)))
        return urlencode(pairs)

    # Shown at once: the search and the state; the rest fold under "More filters" (on a phone the whole bar
    # would otherwise fill the first screen), open when one of them is in use.
    ALWAYS_SHOWN = ("q", "state")

    def folded(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.ALWAYS_SHOWN]

    def folded_in_use(self) -> int:
        """How many of the folded filters narrow the list (the sort is not a filter)."""
        data = self._valid_data()
        return sum(1 for name in self.fields if name not in (*self.ALWAYS_SHOWN, "sort") and data.get(name))

    def filters(self) -> QueueFilters:
        """What to show; an invalid value is ignored rather than shown as an error in a filter bar."""
        data = self._valid_data()
        state = data.get("state") or ""
        if state in self.OUTCOMES:
            states = [str(value) for value in self.OUTCOMES[state]]
        else:
            states = [state] if state and state != self.OPEN else []
        return QueueFilters(
            states=states,
            exclude_terminal=state == self.OPEN,
            theme=data.get("theme") or "",
            kind=data.get("kind") or "",
            region_id=int(data["region"]) if data.get("region") else None,
            city_id=int(data["city"]) if data.get("city") else None,
            country=data.get("country") or "",
            owner=data.get("owner") or "",
            language=data.get("language") or "",
            overdue=bool(data.get("overdue")),
            funding=bool(data.get("funding")),
            search=data.get("q") or "",
            sort=data.get("sort") or DEFAULT_SORT,
            filed_from=data.get("filed_from"),
            filed_before=data.get("filed_before"),
        )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=60)
    shared = forms.BooleanField(label=_("Share with my hub"), required=False)
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class BulkOwnerForm(forms.Form):
    """The queue's bulk action: take the ticked requests, or give them to a colleague.

    The colleague is any person's id here: the service refuses whoever may not own each request, so a
    colleague who joined since the filter bar's choices were read is accepted all the same."""

    TAKE, ASSIGN = "take", "assign"
    action = forms.ChoiceField(choices=[(TAKE, TAKE), (ASSIGN, ASSIGN)])
    owner = forms.IntegerField(label=_("Colleague"), required=False, min_value=1)

    def __init__(self, data: Any = None, *, owners: list[tuple[str, str]] | None = None) -> None:
        super().__init__(data)
        # What the queue's select offers (the hub's staff, as the filter bar lists them).
        self.owner_choices = [("", _("Choose a colleague")), *(owners or [])]

    def references(self) -> list[str]:
        """The ticked requests (boxes named ``r``): any text, the service answers for each one."""
        data = self.data
        values = data.getlist("r") if isinstance(data, QueryDict) else []
        return [str(value) for value in values][:MAX_BULK]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == self.ASSIGN and not data.get("owner"):
            self.add_error("owner", _("Choose the colleague to give the requests to."))
        return data
