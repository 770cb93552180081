"""One form per lifecycle move, with the data fields the lifecycle table names for it.

The table says which fields a move takes, their labels and help, which are required and which take the
request's own value when left blank; this module says how each kind of field is asked for on a page. An
irreversible move also asks the person to confirm. The workflow service checks the data again and decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Currency, StrategicPriority, SupportRequest
from web.forms.markdown import MarkdownField
from web.forms.widgets import BudgetLinesField
from workflows.errors import TransitionRefused
from workflows.spec import DataField, Kind, TransitionSpec

TEXTAREA_ROWS = 4
MAX_TEXT = 20_000
CONFIRM = "confirm"


def _text(field: DataField, required: bool) -> forms.Field:
    return forms.CharField(
        label=field.label,
        help_text=field.help_text,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": TEXTAREA_ROWS}),
    )


def _rich_text(field: DataField, required: bool) -> forms.Field:
    # Written as Markdown; the move receives the cleaned HTML (``web.forms.markdown``).
    return MarkdownField(
        label=field.label, help_text=field.help_text, required=required, max_length=MAX_TEXT, rows=TEXTAREA_ROWS
    )


def _amount(field: DataField, required: bool) -> forms.Field:
    return forms.DecimalField(
        label=field.label,
        help_text=field.help_text,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


def _choice(choices: Any, *, coerce: Callable[[str], Any] = str, radio: bool = False) -> Callable[..., forms.Field]:
    def make(field: DataField, required: bool) -> forms.Field:
        return forms.TypedChoiceField(
            label=field.label,
            help_text=field.help_text,
            required=required,
            coerce=coerce,
            choices=choices,
            widget=forms.RadioSelect if radio else forms.Select,
        )

    return make


# How each kind of data is asked for on a page. Experts are chosen on the matching page, from its candidates.
FORM_FIELDS: dict[Kind, Callable[[DataField, bool], forms.Field]] = {
    Kind.TEXT: _text,
    Kind.RICH_TEXT: _rich_text,
    Kind.BOOL: lambda field, required: forms.BooleanField(label=field.label, help_text=field.help_text, required=False),
    Kind.YES_NO: _choice([("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes", radio=True),
    Kind.DECIMAL: _amount,
    Kind.CURRENCY: _choice(Currency.choices),
    Kind.DATE: lambda field, required: forms.DateField(
        label=field.label,
        help_text=field.help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    ),
    Kind.RATING: _choice([(n, str(n)) for n in range(1, 6)], coerce=int, radio=True),
    Kind.PRIORITY: _choice(StrategicPriority.choices, coerce=int),
    Kind.EXPERTS: lambda field, required: forms.TypedMultipleChoiceField(
        label=field.label, help_text=field.help_text, coerce=int, widget=forms.CheckboxSelectMultiple
    ),
    Kind.BUDGET_LINES: lambda field, required: BudgetLinesField(
        label=field.label, help_text=field.help_text, required=required
    ),
}


class MoveForm(forms.Form):
    """The data of one move. A field the request already holds is optional here and shown pre-filled, so
    staff confirm or correct rather than retype; left blank, the request's value is used."""

    def __init__(
        self,
        spec: TransitionSpec,
        support_request: SupportRequest,
        data: Any = None,
        *,
        expert_choices: Iterable[tuple[int, str]] | None = None,
        prefix: str | None = None,
    ) -> None:
        super().__init__(data, prefix=prefix)
        self.spec = spec
        for field in spec.fields:
            form_field = FORM_FIELDS[field.kind](field, field.required and not field.default_from_request)
            if field.kind is Kind.EXPERTS:
                assert isinstance(form_field, forms.ChoiceField)  # FORM_FIELDS asks for experts with a choice field
                form_field.choices = list(expert_choices or [])
            self.fields[field.name] = form_field
            if field.default_from_request:
                self.initial[field.name] = getattr(support_request, field.default_from_request, None)
        if spec.irreversible:
            self.fields[CONFIRM] = forms.BooleanField(
                label=_("I understand that this cannot be undone."),
                required=True,
                error_messages={"required": _("Tick this box to confirm.")},
            )

    def move_data(self) -> dict[str, Any]:
        """The cleaned values for the move, leaving out what was left blank (and the confirmation)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != CONFIRM and value is not None and value != "" and value != []
        }

    def show_refusal(self, refusal: TransitionRefused) -> None:
        """A refused move's reason at the top, and the fields it names marked."""
        self.add_error(None, str(refusal))
        for name, message in refusal.fields.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, str(message) if message else _("Check this field."))
