"""One form per lifecycle move, with the data fields the lifecycle table names for it.

The table says which fields a move takes, their labels and help, which are required and which take the
request's own value when left blank; this module says how each kind of field is asked for on a page. An
irreversible move also asks the person to confirm, naming what cannot be undone (the table's ``consequence``).
The workflow service checks the data again and decides.

``page_moves`` orders a request page's moves: the reader's expected next step first (the one filled button),
side steps after, and what ends or refuses last, outlined.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.forms import BoundField
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Currency, RequestState, StrategicPriority, SupportRequest
from web.forms.markdown import MarkdownField
from web.forms.outcomes import IndicatorsField, IndicatorValuesField, known_values, planned_figures
from web.forms.widgets import BudgetLinesField
from web.outcomes import PlannedTargets
from workflows.deadlines import deadline_for, hours_of
from workflows.errors import TransitionRefused
from workflows.lifecycle import TRANSITIONS
from workflows.matching import Candidate
from workflows.models import FundApplication
from workflows.moves.funding import emergency_ceiling, four_eyes_threshold
from workflows.peers import PeerSuggestion
from workflows.selectors import conflicted_assignments
from workflows.spec import DataField, Kind, MoveTone, TransitionSpec

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
    # The cities are those the peers page suggests (``MoveForm(peer_choices=...)``).
    Kind.PEER_CITY: lambda field, required: forms.TypedChoiceField(
        label=field.label, help_text=field.help_text, coerce=int, widget=forms.RadioSelect
    ),
    Kind.BUDGET_LINES: lambda field, required: BudgetLinesField(
        label=field.label, help_text=field.help_text, required=required
    ),
    Kind.INDICATORS: lambda field, required: IndicatorsField(
        label=field.label, help_text=field.help_text, required=required
    ),
    Kind.INDICATOR_VALUES: lambda field, required: IndicatorValuesField(
        label=field.label, help_text=field.help_text, required=required
    ),
    # The assignments are those the move may concern (``MoveForm(assignment_choices=...)``): the conflicted ones.
    Kind.ASSIGNMENT: lambda field, required: forms.TypedChoiceField(
        label=field.label, help_text=field.help_text, coerce=int, widget=forms.RadioSelect
    ),
}

# The moves whose values start from those reported at delivery: the city confirms or corrects them.
CONFIRMS_DELIVERED = frozenset({"evaluate"})
# The moves that ask for the indicators' values only when the support planned some (a check-in after an incident
# is asked with or without them); the others say that none was planned.
VALUES_IF_PLANNED = frozenset({"answer_check_in"})
# The moves whose form starts from the pending fund application (the amount to approve).
APPLICATION_MOVES = frozenset(spec.name for spec in TRANSITIONS if any(f.default_from_application for f in spec.fields))


def expert_choices(candidates: Iterable[Candidate]) -> list[tuple[int, str]]:
    """The experts a move choosing experts offers: the matching page's candidates (the page and the API)."""
    return [(candidate.expert.pk, str(candidate.expert)) for candidate in candidates]


def peer_choices(suggestions: Iterable[PeerSuggestion]) -> list[tuple[int, str]]:
    """The cities a peer introduction offers: the peers page's suggestions not yet proposed."""
    return [(suggestion.city.pk, suggestion.city.name) for suggestion in suggestions if not suggestion.proposed]


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
        peer_choices: Iterable[tuple[int, str]] | None = None,
        assignment_choices: Iterable[tuple[int, str]] | None = None,
        prefix: str | None = None,
        application: FundApplication | None = None,
        planned: PlannedTargets | None = None,
    ) -> None:
        super().__init__(data, prefix=prefix)
        self.spec = spec
        self.support_request = support_request
        self.application = application
        # The request's planned outcomes, read when a field first shows them (shared by a page's forms).
        self.planned = planned or PlannedTargets(support_request)
        for field in spec.fields:
            if field.kind is Kind.INDICATOR_VALUES and spec.name in VALUES_IF_PLANNED and not self.planned():
                continue
            form_field = FORM_FIELDS[field.kind](
                field, field.required_for(support_request) and not field.default_from_request
            )
            if field.kind is Kind.EXPERTS:
                assert isinstance(form_field, forms.ChoiceField)  # FORM_FIELDS asks for experts with a choice field
                form_field.choices = list(expert_choices or [])
            if field.kind is Kind.PEER_CITY:
                assert isinstance(form_field, forms.ChoiceField)
                form_field.choices = list(peer_choices or [])
            if field.kind is Kind.ASSIGNMENT:
                assert isinstance(form_field, forms.ChoiceField)
                # The page passes what it already read; a form on its own reads the conflicted assignments.
                choices = list(
                    assignment_choices if assignment_choices is not None else conflicted_assignments(support_request)
                )
                form_field.choices = choices
                if len(choices) == 1:
                    self.initial[field.name] = choices[0][0]
            if isinstance(form_field, IndicatorsField | IndicatorValuesField):
                self._outcomes(field, form_field)
            self.fields[field.name] = form_field
            if field.default_from_request:
                self.initial[field.name] = getattr(support_request, field.default_from_request, None)
            if field.default_from_application and application is not None:
                self._from_application(field, form_field, application)
        if spec.irreversible:
            self.fields[CONFIRM] = forms.BooleanField(
                label=_("I understand that this cannot be undone."),
                required=True,
                error_messages={"required": _("Tick this box to confirm.")},
            )

    def _outcomes(self, field: DataField, form_field: IndicatorsField | IndicatorValuesField) -> None:
        """The indicators' field reads what it shows when first shown (a form built for a page that does not show
        it reads nothing): the catalogue, or the request's planned indicators, one query each."""
        request = self.support_request
        planned = self.planned
        if isinstance(form_field, IndicatorsField):
            form_field.first(request.strategic_priority)
            # Only routing to experts plans indicators before the fund is asked: the hub keeps or changes them.
            if request.state == RequestState.EXPERT_MATCHING:
                self.initial[field.name] = lambda: planned_figures(planned())
            return
        form_field.planned(planned)
        if self.spec.name in CONFIRMS_DELIVERED:
            self.initial[field.name] = lambda: known_values(planned(), "delivered_value")

    def _from_application(self, field: DataField, form_field: forms.Field, application: FundApplication) -> None:
        """An amount to confirm: what the application asks, never more than its envelope has left (shown beside
        it, with what was asked, so the approver sees the room there is)."""
        asked: Decimal = getattr(application, field.default_from_application)
        left = application.envelope.remaining
        self.initial[field.name] = min(asked, left)
        cap = max(min(asked, left), Decimal("0.01"))
        form_field.validators.append(MaxValueValidator(cap))
        form_field.widget.attrs["max"] = str(cap)
        room = gettext("Asked: %(asked)s %(currency)s. Left in the hub's envelope: %(left)s %(currency)s.") % {
            "asked": _money(asked),
            "left": _money(left),
            "currency": application.envelope.currency,
        }
        form_field.help_text = f"{field.help_text} {room}" if field.help_text else room

    @cached_property
    def notice(self) -> str:
        """What a fund move says first on the incident fast track: applying, who decides how fast up to the
        emergency ceiling; deciding an emergency application, that it is one."""
        if self.spec.name == "route_to_funding" and self.support_request.fast_tracked_at is not None:
            return gettext(
                "Up to %(ceiling)s %(currency)s is decided within %(hours)s hours by one member of the management unit."
            ) % {
                "ceiling": _money(emergency_ceiling(), whole=True),
                "currency": self.support_request.currency,
                "hours": _funding_hours(),
            }
        application = self.application
        if self.spec.name in APPLICATION_MOVES and application is not None and application.emergency:
            if application.amount_requested > four_eyes_threshold() and application.first_approver_id is None:
                text = gettext(
                    "Emergency decision: this application on the incident fast track is due within %(hours)s hours. "
                    "Above the four-eyes threshold, a second member of the management unit confirms your approval."
                )
            else:
                text = gettext(
                    "Emergency decision: this application on the incident fast track is due within %(hours)s hours, "
                    "and your approval decides it."
                )
            return text % {"hours": _funding_hours()}
        return ""

    def data_fields(self) -> list[BoundField]:
        """The move's own fields, without the confirmation (the page asks for that apart)."""
        return [self[name] for name in self.fields if name != CONFIRM]

    def confirm_field(self) -> BoundField | None:
        return self[CONFIRM] if CONFIRM in self.fields else None

    def consequence(self) -> SafeString:
        """What the move does that cannot be undone, with the amount it commits (as typed, or as pre-filled; the
        page's script follows the field as it changes) and the request's city."""
        text = self.spec.consequence
        if text is None:
            return mark_safe("")
        amount_field = next((f.name for f in self.spec.fields if f.default_from_application), "")
        amount: Any = self[amount_field].value() if amount_field else None
        currency = self.application.envelope.currency if self.application else self.support_request.currency
        values = {
            "amount": format_html(
                '<span data-echo="{}">{}</span>',
                self[amount_field].auto_id if amount_field else "",
                _money(amount) if amount not in (None, "") else "",
            ),
            "currency": conditional_escape(currency),
            # Named only where the sentence names it (an expert's brief may hide the city).
            "city": format_html("<bdi>{}</bdi>", self.support_request.city.name) if "%(city)s" in str(text) else "",
        }
        # The sentence is escaped, and each value is escaped or built by format_html.
        return mark_safe(conditional_escape(str(text)) % values)

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


def _money(value: Any, *, whole: bool = False) -> str:
    """An amount as the reader's language writes it: grouped thousands, two decimals (none for a ``whole``
    amount without cents: a ceiling reads "10,000")."""
    try:
        amount = Decimal(str(value))
        places = 0 if whole and amount == amount.to_integral_value() else 2
        return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    except ArithmeticError:
        return str(value)


def _funding_hours() -> str:
    """The hours an emergency fund decision has (``WORKFLOW_INCIDENT_FUNDING_HOURS``), as the reader writes them."""
    return number_format(hours_of(deadline_for(RequestState.FUNDING_REVIEW, fast_track=True)), use_l10n=True)


@dataclass(frozen=True)
class PageMove:
    """One move as a request page offers it: its form (fields, or the confirmation), and whether it is the
    reader's expected next step (the one filled button)."""

    spec: TransitionSpec
    form: MoveForm | None
    primary: bool

    @property
    def has_fields(self) -> bool:
        return bool(self.spec.fields)

    @property
    def dialog_id(self) -> str:
        return f"confirm-{self.spec.name}"


def page_moves(
    support_request: SupportRequest,
    moves: Iterable[TransitionSpec],
    *,
    expected: TransitionSpec | None,
    application: FundApplication | None = None,
    planned: PlannedTargets | None = None,
    assignment_choices: Iterable[tuple[int, str]] = (),
) -> list[PageMove]:
    """A request page's moves: the expected one first, then side steps in the table's order, then what ends or
    refuses (withdraw, decline, reject), so the most prominent button is never the destructive one. Moves whose
    data is a choice of experts (or of a peer city) are made from the matching (peers) page and carry no form
    here. ``assignment_choices``: the assignments awaiting a decision on a declared conflict (id, expert), which the
    hub lead's moves on them offer."""
    choices = list(assignment_choices)

    def form(spec: TransitionSpec) -> MoveForm | None:
        if spec.chooses_experts or spec.chooses_peer or not (spec.fields or spec.irreversible):
            return None
        return MoveForm(
            spec,
            support_request,
            prefix=spec.name,
            application=application,
            planned=planned,
            assignment_choices=choices,
        )

    found = [PageMove(spec, form(spec), spec is expected) for spec in moves]
    return sorted(found, key=lambda move: (not move.primary, move.spec.tone is MoveTone.DANGER))
