"""Cleaning the data a move comes with, field by field, from the kinds the lifecycle table declares.

Text is sanitised here, on the way in (``helpdesk.sanitize``), so every row a move writes holds clean text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from helpdesk.models import Currency, StrategicPriority, SupportRequest, User
from helpdesk.sanitize import clean_html, clean_text, html_to_text
from workflows.errors import TransitionRefused
from workflows.spec import DataField, Kind, TransitionSpec

MAX_TEXT = 20_000
MAX_TAGS = 2_000
MAX_EXPERTS = 10
MAX_BUDGET_LINES = 50
MAX_INDICATORS = 10
CENT = Decimal("0.01")


class Invalid(ValueError):
    pass


def _limited(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(_("Enter text."))
    if len(value) > MAX_TEXT:
        raise Invalid(_("Keep this under %(max)d characters.") % {"max": MAX_TEXT})
    return value


def _text(value: Any) -> str:
    return clean_text(_limited(value))


def _rich_text(value: Any) -> str:
    raw = _limited(value)
    # Parsing cost grows with nesting; prose needs a few hundred tags at most.
    if raw.count("<") > MAX_TAGS:
        raise Invalid(_("This has too much formatting; paste it as plain text."))
    cleaned = clean_html(raw)
    # Markup without a word in it says nothing: treated as blank.
    return cleaned if html_to_text(cleaned) else ""


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "on", "1", 1):
        return True
    if value in ("false", "off", "0", 0):
        return False
    raise Invalid(_("Answer yes or no."))


def _decimal(value: Any) -> Decimal:
    if isinstance(value, float | bool):
        raise Invalid(_("Enter an amount such as 1500.00."))
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid(_("Enter an amount such as 1500.00.")) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT) or amount >= Decimal("1e10"):
        raise Invalid(_("Enter a positive amount with at most two decimals."))
    return amount.quantize(CENT)


def _currency(value: Any) -> str:
    if value not in Currency.values:
        raise Invalid(_("Choose one of %(choices)s.") % {"choices": ", ".join(Currency.values)})
    return str(value)


def _date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(_("Enter a date as YYYY-MM-DD.")) from None


def _rating(value: Any) -> int:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Give a rating from 1 to 5.")) from None
    if isinstance(value, bool) or not 1 <= rating <= 5:
        raise Invalid(_("Give a rating from 1 to 5."))
    return rating


def _priority(value: Any) -> int:
    try:
        priority = int(value)
    except (TypeError, ValueError):
        raise Invalid(_("Choose one of the five strategic priorities.")) from None
    if priority not in StrategicPriority.values:
        raise Invalid(_("Choose one of the five strategic priorities."))
    return priority


def _experts(value: Any) -> list[int]:
    items = value if isinstance(value, list | tuple | set) else [value]
    ids: list[int] = []
    for item in items:
        pk = item.pk if isinstance(item, User) else item
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Invalid(_("Choose experts from the pool.")) from None
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise Invalid(_("Propose at least one expert."))
    if len(ids) > MAX_EXPERTS:
        raise Invalid(_("Propose at most %(max)d experts at once.") % {"max": MAX_EXPERTS})
    return ids


def _budget_lines(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(_("Add at least one budget line."))
    if len(value) > MAX_BUDGET_LINES:
        raise Invalid(_("Use at most %(max)d budget lines.") % {"max": MAX_BUDGET_LINES})
    lines = []
    for line in value:
        if not isinstance(line, Mapping):
            raise Invalid(_("Each budget line needs an item and an amount."))
        item = _text(line.get("item", ""))
        if not item or len(item) > 200:
            raise Invalid(_("Each budget line needs an item of at most 200 characters."))
        lines.append({"item": item, "amount": str(_decimal(line.get("amount", "")))})
    return lines


def _indicator_id(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid(_("Choose indicators from the catalogue."))
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(_("Choose indicators from the catalogue.")) from None
    if not 0 < pk < 2**31:
        raise Invalid(_("Choose indicators from the catalogue."))
    return pk


def _number_text(value: Any) -> str | None:
    """A baseline, target or value as typed (checked against its indicator's unit by the move's handler)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | float):
        raise Invalid(_("Enter a number."))
    text = str(value).strip()
    if len(text) > 20:
        raise Invalid(_("Enter a number."))
    return text


def _indicator_rows(value: Any, numbers: tuple[str, ...]) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not value:
        raise Invalid(_("Choose at least one key indicator."))
    if len(value) > MAX_INDICATORS:
        raise Invalid(_("Choose at most %(max)d key indicators.") % {"max": MAX_INDICATORS})
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in value:
        if not isinstance(row, Mapping):
            raise Invalid(_("Choose indicators from the catalogue."))
        pk = _indicator_id(row.get("indicator"))
        if pk in seen:
            raise Invalid(_("Each indicator once."))
        seen.add(pk)
        rows.append({"indicator": pk, **{name: _number_text(row.get(name)) for name in numbers}})
    return rows


def _indicators(value: Any) -> list[dict[str, Any]]:
    """``[{"indicator": id, "baseline": "12" | None, "target": "40" | None}, ...]``."""
    return _indicator_rows(value, ("baseline", "target"))


def _indicator_values(value: Any) -> list[dict[str, Any]]:
    """``[{"indicator": id, "value": "30" | None}, ...]``: a value left blank is not known, never zero."""
    return _indicator_rows(value, ("value",))


def _peer_city(value: Any) -> int:
    """A city's id (whether it may be introduced is the move's handler's to check)."""
    if isinstance(value, bool):
        raise Invalid(_("Choose a city from the suggestions."))
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(_("Choose a city from the suggestions.")) from None
    if not 0 < pk < 2**31:
        raise Invalid(_("Choose a city from the suggestions."))
    return pk


def _assignment(value: Any) -> int:
    """An expert assignment's id (whether the move may concern it is the move's handler's to check)."""
    if isinstance(value, bool):
        raise Invalid(_("Choose one of the experts listed."))
    try:
        pk = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(_("Choose one of the experts listed.")) from None
    if not 0 < pk < 2**31:
        raise Invalid(_("Choose one of the experts listed."))
    return pk


CLEANERS: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: _text,
    Kind.RICH_TEXT: _rich_text,
    Kind.BOOL: _bool,
    Kind.YES_NO: _bool,
    Kind.DECIMAL: _decimal,
    Kind.CURRENCY: _currency,
    Kind.DATE: _date,
    Kind.RATING: _rating,
    Kind.PRIORITY: _priority,
    Kind.EXPERTS: _experts,
    Kind.BUDGET_LINES: _budget_lines,
    Kind.INDICATORS: _indicators,
    Kind.INDICATOR_VALUES: _indicator_values,
    Kind.PEER_CITY: _peer_city,
    Kind.ASSIGNMENT: _assignment,
}


TEXT_KINDS = frozenset({Kind.TEXT, Kind.RICH_TEXT})


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


def clean_data(spec: TransitionSpec, raw: Mapping[str, Any], request: SupportRequest) -> dict[str, Any]:
    """The move's data, typed, checked and sanitised; refuses unknown fields, missing required ones and bad values.

    Fields the table marks with ``default_from_request`` fall back to the request's own value; those it marks
    ``optional_on_fast_track`` may be left blank while the request is on the incident fast track.
    """
    known: dict[str, DataField] = {f.name: f for f in spec.fields}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise TransitionRefused(
            _("This action does not take: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="invalid_data",
            transition=spec.name,
            fields=unknown,
        )
    cleaned: dict[str, Any] = {}
    missing: list[DataField] = []
    errors: dict[str, str] = {}
    for field in spec.fields:
        value = raw.get(field.name)
        if _is_blank(value) and field.default_from_request:
            value = getattr(request, field.default_from_request)
        if _is_blank(value):
            if field.required_for(request):
                missing.append(field)
            continue
        try:
            cleaned[field.name] = CLEANERS[field.kind](value)
        except Invalid as exc:
            errors[field.name] = str(exc)
            continue
        if field.kind in TEXT_KINDS and not cleaned[field.name]:
            # Nothing left once sanitised (only markup or control characters): as good as blank.
            del cleaned[field.name]
            if field.required_for(request):
                missing.append(field)
    if missing:
        raise TransitionRefused(
            _("Missing: %(fields)s.") % {"fields": ", ".join(str(f.label) for f in missing)},
            code="missing_data",
            transition=spec.name,
            fields={f.name: _("This is required.") for f in missing},
        )
    if errors:
        labels = {f.name: str(f.label) for f in spec.fields}
        raise TransitionRefused(
            " ".join(f"{labels[name]}: {message}" for name, message in errors.items()),
            code="invalid_data",
            transition=spec.name,
            fields=errors,
        )
    return cleaned
