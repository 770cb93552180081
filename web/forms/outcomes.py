"""How a move asks for outcomes: the key indicators a hub chooses, each with a baseline and a target where they
apply, and the values reached for the indicators a request planned.

Both work without script and at 360 px: a checkbox per indicator (grouped by strategic priority, the unit
beside its name) with its two figures under it, and one input per planned indicator fitting its unit (a number,
yes or no, 1 to 5). What they read (the catalogue, the request's planned indicators) is read once per form, when
the field is first shown or checked, so a page that builds a form without showing it reads nothing.

The cleaned values are the move data's own lists (``workflows.validation``): ``[{"indicator": id, "baseline":
"12" | None, "target": "40" | None}]`` and ``[{"indicator": id, "value": "30"}]`` (a value left blank is unknown
and left out). Figures are checked against their indicator's unit here too, so an error names the indicator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Indicator, IndicatorUnit, StrategicPriority
from web.outcomes import plain, value_text
from workflows.models import OutcomeTarget
from workflows.selectors import indicators_in_use
from workflows.validation import MAX_INDICATORS

T = TypeVar("T")
FIGURES = ("baseline", "target")
# Units answered by choosing (yes or no, 1 to 5) rather than typing a number.
CHOSEN_UNITS = frozenset({IndicatorUnit.YES_NO, IndicatorUnit.SCALE})


class Once(Generic[T]):
    """Rows read on first use and kept: the one query a form makes for its field."""

    def __init__(self, load: Callable[[], list[T]]) -> None:
        self._load = load
        self._rows: list[T] | None = None

    def __call__(self) -> list[T]:
        if self._rows is None:
            self._rows = self._load()
        return self._rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value)
    return str(value).strip()


def _choices(unit: str) -> list[tuple[str, str]]:
    """The answers a yes/no or 1-to-5 indicator takes (its value as stored, the words shown)."""
    if unit == IndicatorUnit.YES_NO:
        return [("1", gettext("Yes")), ("0", gettext("No"))]
    return [(str(n), str(n)) for n in range(1, 6)]


def _unit_input(unit: str, name: str, input_id: str, value: str, describedby: str = "") -> SafeString:
    """One figure's input, fitting its unit: a number (whole for counts), or a short list for yes/no and 1–5."""
    described = format_html(' aria-describedby="{}"', describedby) if describedby else ""
    if unit in CHOSEN_UNITS:
        return format_html(
            '<select class="form-select form-select-sm" name="{}" id="{}"{}><option value="">{}</option>{}</select>',
            name,
            input_id,
            described,
            gettext("Not known"),
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, mark_safe(" selected") if v == value else "", label) for v, label in _choices(unit)),
            ),
        )
    percentage = unit == IndicatorUnit.PERCENTAGE
    return format_html(
        '<input class="form-control form-control-sm" type="number" name="{}" id="{}" value="{}" min="0"{}'
        ' step="{}" inputmode="{}"{}>',
        name,
        input_id,
        value,
        mark_safe(' max="100"') if percentage else "",
        "0.1" if percentage else "1",
        "decimal" if percentage else "numeric",
        described,
    )


def _radios(unit: str, name: str, input_id: str, value: str) -> SafeString:
    """A yes/no or 1-to-5 answer as a row of radios, "not known" last (and chosen while nothing is)."""
    options = [*_choices(unit), ("", gettext("Not known"))]
    return format_html_join(
        "",
        '<div class="form-check form-check-inline"><input class="form-check-input" type="radio" name="{}"'
        ' value="{}" id="{}-{}"{}><label class="form-check-label" for="{}-{}">{}</label></div>',
        (
            (name, v, input_id, i, mark_safe(" checked") if v == value else "", input_id, i, label)
            for i, (v, label) in enumerate(options)
        ),
    )


def _unit_label(indicator: Indicator) -> SafeString:
    return format_html(
        '<bdi>{}</bdi> <span class="small text-body-secondary">({})</span>',
        indicator.localized_name,
        indicator.get_unit_display(),
    )


class IndicatorsWidget(forms.Widget):
    """The catalogue's indicators in use, grouped by strategic priority (the request's own first): a checkbox
    each, with a baseline and a target beside it (the page's script hides the figures of unticked ones)."""

    template_name = ""  # rendered in ``render``: the form renderer does not search the project's templates
    is_group = True  # shown in a fieldset with its label as the legend (``web/includes/field.html``)

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.catalogue: Callable[[], list[Indicator]] = list
        self.first_priority: int | None = None

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        chosen = [str(v).strip() for v in (data.getlist(name) if hasattr(data, "getlist") else data.get(name) or [])]
        rows = [
            {"indicator": pk, **{f: _text(data.get(f"{name}-{pk}-{f}")) for f in FIGURES}}
            for pk in dict.fromkeys(chosen)
        ]
        # Figures typed for an indicator left unticked: kept, so the field can ask which was meant.
        for indicator in self.catalogue():
            pk = str(indicator.pk)
            figures = {f: _text(data.get(f"{name}-{pk}-{f}")) for f in FIGURES}
            if pk not in chosen and any(figures.values()):
                rows.append({"indicator": pk, **figures, "unticked": "1"})
        return rows

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # nothing ticked is an answer too

    def _groups(self) -> list[tuple[str, list[Indicator]]]:
        groups: dict[int, list[Indicator]] = {}
        for indicator in self.catalogue():
            groups.setdefault(indicator.priority, []).append(indicator)
        order = sorted(groups, key=lambda p: (p != self.first_priority, p))
        labels = dict(StrategicPriority.choices)
        return [(str(labels.get(p, p)), groups[p]) for p in order]

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        base_id = (attrs or {}).get("id") or f"id_{name}"
        given = {str(row.get("indicator")): row for row in value or [] if isinstance(row, dict)}
        groups = self._groups()
        if not groups:
            return format_html(
                '<p class="text-body-secondary mb-1" id="{}">{}</p>',
                base_id,
                gettext("No key indicator is in use yet: the management unit keeps the catalogue."),
            )
        return format_html(
            '<div class="indicator-picker" id="{}" data-indicator-picker>{}</div>',
            base_id,
            format_html_join(
                "",
                '<fieldset class="mb-2"><legend class="fs-6 fw-semibold mb-1">{}</legend>{}</fieldset>',
                (
                    (label, format_html_join("", "{}", ((self._row(name, base_id, i, given),) for i in indicators)))
                    for label, indicators in groups
                ),
            ),
        )

    def _row(self, name: str, base_id: str, indicator: Indicator, given: dict[str, dict[str, Any]]) -> SafeString:
        pk = str(indicator.pk)
        row = given.get(pk, {})
        checked = bool(row) and not row.get("unticked")
        row_id = f"{base_id}-{pk}"
        figures = format_html_join(
            "",
            '<div class="indicator-figure"><label class="form-label small mb-0" for="{0}-{1}">{2}'
            '<span class="visually-hidden"> · {3}</span></label>{4}</div>',
            (
                (
                    row_id,
                    figure,
                    label,
                    indicator.localized_name,
                    _unit_input(indicator.unit, f"{name}-{pk}-{figure}", f"{row_id}-{figure}", _text(row.get(figure))),
                )
                for figure, label in ((FIGURES[0], gettext("Baseline")), (FIGURES[1], gettext("Target")))
            ),
        )
        return format_html(
            '<div class="indicator-row py-1" data-indicator-row><div class="form-check mb-1">'
            '<input class="form-check-input" type="checkbox" name="{}" value="{}" id="{}"{}>'
            '<label class="form-check-label" for="{}">{}</label></div>'
            '<div class="indicator-figures d-flex flex-wrap gap-2 ms-4 mb-1" data-indicator-figures>{}</div></div>',
            name,
            pk,
            row_id,
            mark_safe(" checked") if checked else "",
            row_id,
            _unit_label(indicator),
            figures,
        )


class IndicatorsField(forms.Field):
    """The key indicators a move's support aims to move, each with an optional baseline and target."""

    widget = IndicatorsWidget
    default_error_messages = {
        "required": _("Choose at least one key indicator."),
        "unknown": _("Choose indicators from the catalogue."),
        "too_many": _("Choose at most %(max)d key indicators."),
        "unticked": _("%(indicator)s: tick it to plan it, or clear its figures."),
    }

    def __init__(self, *, catalogue: Callable[[], list[Indicator]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.catalogue = Once(catalogue or indicators_in_use)
        # One read, shared by the field and its widget (the widget is the class attribute's own instance).
        cast(IndicatorsWidget, self.widget).catalogue = self.catalogue

    def first(self, priority: int | None) -> None:
        """Show the indicators of ``priority`` (the request's) first."""
        cast(IndicatorsWidget, self.widget).first_priority = priority

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        known = {str(indicator.pk): indicator for indicator in self.catalogue()}
        rows: list[dict[str, Any]] = []
        errors: list[str] = []
        for row in value or []:
            indicator = known.get(str(row.get("indicator")))
            if indicator is None:
                raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
            if row.get("unticked"):
                errors.append(self.error_messages["unticked"] % {"indicator": indicator.localized_name})
                continue
            figures: dict[str, str | None] = {}
            for figure, label in ((FIGURES[0], gettext("Baseline")), (FIGURES[1], gettext("Target"))):
                raw = _text(row.get(figure))
                figures[figure] = _checked(indicator, raw, label, errors)
            rows.append({"indicator": indicator.pk, **figures})
        if errors:
            raise forms.ValidationError(errors)
        if len(rows) > MAX_INDICATORS:
            raise forms.ValidationError(self.error_messages["too_many"] % {"max": MAX_INDICATORS}, code="too_many")
        return rows

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def _checked(indicator: Indicator, raw: str, label: str, errors: list[str]) -> str | None:
    """``raw`` as typed if it is a value of ``indicator``'s unit, else ``None`` with the reason in ``errors``."""
    if not raw:
        return None
    try:
        return plain(indicator.clean_value(raw))
    except ValueError as exc:
        errors.append(f"{indicator.localized_name} ({label}): {exc}")
        return None


class IndicatorValuesWidget(forms.Widget):
    """One input per indicator the request planned, in its unit, with the baseline and target beside it."""

    template_name = ""
    is_group = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.targets: Callable[[], list[OutcomeTarget]] = list

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, str]]:
        return [
            {"indicator": str(t.indicator_id), "value": _text(data.get(f"{name}-{t.indicator_id}"))}
            for t in self.targets()
        ]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: BaseRenderer | None = None
    ) -> SafeString:
        base_id = (attrs or {}).get("id") or f"id_{name}"
        targets = self.targets()
        if not targets:
            return format_html(
                '<p class="text-body-secondary mb-1" id="{}">{}</p>',
                base_id,
                gettext("No key indicator was planned for this support."),
            )
        given = {str(row.get("indicator")): _text(row.get("value")) for row in value or [] if isinstance(row, dict)}
        return format_html(
            '<div class="indicator-values" id="{}">{}</div>',
            base_id,
            format_html_join("", "{}", ((self._row(name, base_id, t, given),) for t in targets)),
        )

    def _row(self, name: str, base_id: str, target: OutcomeTarget, given: dict[str, str]) -> SafeString:
        indicator = target.indicator
        pk = str(target.indicator_id)
        input_id = f"{base_id}-{pk}"
        planned = [
            gettext("Baseline: %(value)s") % {"value": value_text(indicator.unit, target.baseline)},
            gettext("Target: %(value)s") % {"value": value_text(indicator.unit, target.target)},
        ]
        value = given.get(pk, "")
        if indicator.unit in CHOSEN_UNITS:
            return format_html(
                '<fieldset class="mb-2" id="{}" aria-describedby="{}-planned"><legend class="fs-6 mb-0">{}</legend>'
                '<div class="small text-body-secondary" id="{}-planned">{}</div>{}</fieldset>',
                input_id,
                input_id,
                _unit_label(indicator),
                input_id,
                " · ".join(planned),
                _radios(indicator.unit, f"{name}-{pk}", input_id, value),
            )
        return format_html(
            '<div class="mb-2"><label class="form-label mb-0" for="{}">{}</label>'
            '<div class="small text-body-secondary" id="{}-planned">{}</div>'
            '<div class="indicator-figure">{}</div></div>',
            input_id,
            _unit_label(indicator),
            input_id,
            " · ".join(planned),
            _unit_input(indicator.unit, f"{name}-{pk}", input_id, value, f"{input_id}-planned"),
        )


class IndicatorValuesField(forms.Field):
    """The values reached for the request's planned indicators; a value left blank is not known."""

    widget = IndicatorValuesWidget

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.targets: Once[OutcomeTarget] = Once(list)

    def planned(self, load: Callable[[], list[OutcomeTarget]]) -> None:
        """Where the request's planned indicators come from (read once, when first needed)."""
        self.targets = Once(load)
        cast(IndicatorValuesWidget, self.widget).targets = self.targets

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        planned = {str(t.indicator_id): t.indicator for t in self.targets()}
        rows: list[dict[str, Any]] = []
        errors: list[str] = []
        for row in value or []:
            indicator = planned.get(str(row.get("indicator")))
            if indicator is None:
                continue  # planned no more: nothing to record
            checked = _checked(indicator, _text(row.get("value")), gettext("Value"), errors)
            if checked is not None:
                rows.append({"indicator": indicator.pk, "value": checked})
        if errors:
            raise forms.ValidationError(errors)
        return rows

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def known_values(targets: Iterable[OutcomeTarget], stage_value: str) -> list[dict[str, Any]]:
    """The values already recorded at a stage (``delivered_value`` or ``confirmed_value`` of
    ``workflows.selectors.outcome_targets``), as the field's initial value: the city confirms or corrects."""
    return [
        {"indicator": t.indicator_id, "value": plain(getattr(t, stage_value, None))}
        for t in targets
        if getattr(t, stage_value, None) is not None
    ]


def planned_figures(targets: Iterable[OutcomeTarget]) -> list[dict[str, Any]]:
    """The indicators already planned, with their figures, as the indicators field's initial value."""
    return [{"indicator": t.indicator_id, "baseline": plain(t.baseline), "target": plain(t.target)} for t in targets]
