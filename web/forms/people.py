"""The people page's filter bar: role, hub (the management unit), city, active or deactivated, name or e-mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, Region, Role, country_name
from helpdesk.selectors.people import PeopleFilters

STATUS_ACTIVE = "active"
STATUS_DEACTIVATED = "deactivated"


class PeopleFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    hub = forms.TypedChoiceField(label=_("Hub"), required=False, coerce=int, empty_value=None)
    city = forms.TypedChoiceField(label=_("City"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Account"),
        required=False,
        choices=[
            ("", _("Active and deactivated")),
            (STATUS_ACTIVE, _("Active")),
            (STATUS_DEACTIVATED, _("Deactivated")),
        ],
    )

    def __init__(self, *args: Any, regions: list[Region], cities: list[City], roles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._offer("role", [("", _("Every role")), *((r, Role(r).label) for r in roles)])
        if regions:
            self._offer("hub", [("", _("Every hub")), *((r.pk, r.localized_name) for r in regions)])
        else:
            del self.fields["hub"]
        places = [(c.pk, f"{c.name} ({country_name(str(c.country))})") for c in cities]
        self._offer("city", [("", _("Every city")), *places])

    def _offer(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def people_filters(self) -> PeopleFilters:
        """What the list is narrowed to: nothing for a filter left empty or given a value the form refuses."""
        if not self.is_bound:
            return PeopleFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        status = data.get("status") or ""
        return PeopleFilters(
            role=data.get("role") or "",
            region_id=data.get("hub"),
            city_id=data.get("city"),
            active={STATUS_ACTIVE: True, STATUS_DEACTIVATED: False}.get(status),
            q=(data.get("q") or "").strip(),
        )

    @property
    def in_use(self) -> int:
        """How many filters narrow the list (the folded bar's badge)."""
        filters = self.people_filters()
        return sum(
            bool(value)
            for value in (filters.role, filters.region_id, filters.city_id, filters.active is not None, filters.q)
        )
