"""The forms of a person's page (deactivate, reactivate) and of a city's handover; each lists the fields it reads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import User


class ReasonForm(forms.Form):
    """Deactivating or reactivating a person: why (the people log keeps it)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Kept in the people log; the person is not told it."),
    )


def _name(person: User) -> str:
    return str(person) if person.is_active else _("%(name)s (deactivated)") % {"name": person}


class HandoverForm(forms.Form):
    """Who hands the city over to whom, and whether the former focal point keeps reading what they filed."""

    former = forms.TypedChoiceField(label=_("Former focal point"), coerce=int)
    successor = forms.TypedChoiceField(label=_("New focal point"), coerce=int)
    keep_read = forms.BooleanField(
        label=_("The former focal point keeps read access to the requests they filed"),
        help_text=_(
            "Only if the city asks for it. They read those requests and their messages with the hub, and "
            "can no longer write or act on them."
        ),
        required=False,
    )

    def __init__(self, *args: Any, focal_points: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in focal_points}
        former: forms.TypedChoiceField = self.fields["former"]  # type: ignore[assignment]
        successor: forms.TypedChoiceField = self.fields["successor"]  # type: ignore[assignment]
        former.choices = [("", "—"), *((p.pk, _name(p)) for p in focal_points)]
        successor.choices = [("", "—"), *((p.pk, str(p)) for p in focal_points if p.is_active)]

    def person(self, name: str) -> User:
        return self.people[self.cleaned_data[name]]
