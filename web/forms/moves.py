"""One form per lifecycle move, with the data fields the lifecycle table names for it.

The table says which fields a move takes and which are required; this module says how each field is
asked for on a page (widget, label, help). The workflow service checks the data again and decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Currency, StrategicPriority, SupportRequest
from web.forms.widgets import BudgetLinesField

TEXTAREA_ROWS = 4
MAX_TEXT = 20_000


def _text(label: Any, help_text: Any = "") -> Callable[[bool], forms.Field]:
    return lambda required: forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": TEXTAREA_ROWS}),
    )


def _amount(label: Any) -> Callable[[bool], forms.Field]:
    return lambda required: forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _date(label: Any, help_text: Any = "") -> Callable[[bool], forms.Field]:
    return lambda required: forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# How each data field of a move is asked for. Names are the workflow's; labels are the page's.
FIELDS: dict[str, Callable[[bool], forms.Field]] = {
    "question": _text(_("Question for the city"), _("The city's focal points read this question.")),
    "answer": _text(_("Answer"), _("Shared with the city.")),
    "reason": _text(_("Reason"), _("Say why, so the people concerned understand the decision.")),
    "justification": _text(_("Justification"), _("Why the fund should support this, against its priorities.")),
    "declaration": _text(
        _("Conflict-of-interest declaration"),
        _("Any tie to the city, its officials or the people involved; write “none” if there is none."),
    ),
    "has_conflict": lambda required: forms.BooleanField(
        label=_("I have a conflict of interest to declare"), required=False
    ),
    "report": _text(_("Delivery report"), _("What was delivered, when, and anything the hub should follow up.")),
    "conditions": _text(_("Conditions"), _("Conditions attached to the grant, if any.")),
    "outcomes": _text(_("Outcomes"), _("What changed for your city thanks to this support.")),
    "comments": _text(_("Comments")),
    "comment": _text(_("Note for the record")),
    "amount": _amount(_("Amount")),
    "amount_approved": _amount(_("Amount approved")),
    "currency": lambda required: forms.ChoiceField(label=_("Currency"), required=required, choices=Currency.choices),
    "budget_lines": lambda required: BudgetLinesField(label=_("Budget lines"), required=required),
    "strategic_priority": lambda required: forms.TypedChoiceField(
        label=_("Strategic priority"), required=required, coerce=int, choices=StrategicPriority.choices
    ),
    "delivery_due": _date(_("Agreed delivery date"), _("When the support should be delivered.")),
    "rating": lambda required: forms.TypedChoiceField(
        label=_("Rating (1 = poor, 5 = excellent)"),
        required=required,
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        widget=forms.RadioSelect,
    ),
    "would_recommend": lambda required: forms.TypedChoiceField(
        label=_("Would you recommend this support to another city?"),
        required=required,
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
        widget=forms.RadioSelect,
    ),
}

# What the city already gave: shown pre-filled so staff confirm or correct rather than retype.
FROM_REQUEST = {
    "amount": "funding_requested",
    "currency": "currency",
    "budget_lines": "budget_lines",
    "strategic_priority": "strategic_priority",
}


def move_fields(spec: Any) -> list[tuple[str, bool]]:
    """(name, required) for each data field of ``spec``, in the table's order."""
    return [(name, True) for name in spec.required] + [(name, False) for name in spec.optional]


class MoveForm(forms.Form):
    def __init__(
        self,
        spec: Any,
        support_request: SupportRequest,
        data: Any = None,
        *,
        expert_choices: Iterable[tuple[int, str]] | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, prefix=prefix)
        self.spec = spec
        for name, required in move_fields(spec):
            if name == "experts":
                self.fields[name] = forms.TypedMultipleChoiceField(
                    label=_("Experts to propose"),
                    choices=list(expert_choices or []),
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                )
                continue
            make = FIELDS.get(name)
            if make is None:
                raise ValueError(f"No form field for the move field {name!r}")
            source = FROM_REQUEST.get(name)
            # A field the request already holds is optional here: left blank, the request's value is used.
            self.fields[name] = make(required and not source)
            if source:
                self.initial[name] = getattr(support_request, source, None)

    @property
    def has_fields(self) -> bool:
        return bool(self.fields)

    def move_data(self) -> dict[str, Any]:
        """The cleaned values, leaving out what was left blank."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value is None or value == "" or value == []:
                continue
            data[name] = value
        return data

    def show_refusal(self, refusal: Exception) -> None:
        """A refused move's reason at the top, and the fields it names marked."""
        self.add_error(None, str(refusal))
        fields = getattr(refusal, "fields", None) or {}
        named = fields.items() if isinstance(fields, dict) else ((name, "") for name in fields)
        for name, message in named:
            if name in self.fields and name not in self.errors:
                self.add_error(name, str(message) if message else _("Check this field."))
