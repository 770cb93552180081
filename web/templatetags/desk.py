"""Small presentation helpers shared by the desk's templates."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState
from helpdesk.sanitize import escape_text

register = template.Library()

S = RequestState

# Colour is never the only signal: every badge also carries the state's name.
STATE_BADGE = {
    S.DRAFT: "text-bg-light border",
    S.SUBMITTED: "text-bg-primary",
    S.INFO_REQUESTED: "text-bg-warning",
    S.EXPERT_MATCHING: "text-bg-info",
    S.FUNDING_REVIEW: "text-bg-info",
    S.IN_DELIVERY: "text-bg-primary",
    S.DELIVERED: "text-bg-success",
    S.CLOSED: "text-bg-secondary",
    S.DECLINED: "text-bg-dark",
    S.WITHDRAWN: "text-bg-secondary",
}

# What a city reads about its own request: the state in plain words, from the city's side.
CITY_PHRASES = {
    S.DRAFT: _("Draft: not sent to the hub yet"),
    S.SUBMITTED: _("With the hub for review"),
    S.INFO_REQUESTED: _("The hub is waiting for your answer"),
    S.EXPERT_MATCHING: _("The hub is finding an expert"),
    S.FUNDING_REVIEW: _("Awaiting the fund decision of the management unit"),
    S.IN_DELIVERY: _("Support is under way"),
    S.DELIVERED: _("Delivered: the desk is waiting for your evaluation"),
    S.CLOSED: _("Closed"),
    S.DECLINED: _("Declined"),
    S.WITHDRAWN: _("Withdrawn"),
}

# States in which the city itself has something to do.
CITY_ACTION_STATES = {S.DRAFT, S.INFO_REQUESTED, S.DELIVERED}


# How a moment is written before desk.js rewrites it in the reader's language and time zone
# (Intl.DateTimeFormat): unambiguous everywhere, and cheap. Django's localized date formats cost ~40 µs
# each, which a request page with 50 messages paid fifty times.
TIME_FALLBACK = {"datetime": "%Y-%m-%d %H:%M %Z", "date": "%Y-%m-%d", "day": "%Y-%m-%d"}


def time_element(value: date | datetime | None, style: str = "datetime", *, zone: tzinfo | None = None) -> SafeString:
    """``<time>`` for ``value``: "datetime" (a moment), "date" (a moment, shown as its day in the reader's
    time zone) or "day" (a calendar date, the same everywhere). ``zone``: the reader's time zone, when the
    caller writes many (looked up once instead of once per value)."""
    if value is None:
        return mark_safe("")
    if isinstance(value, datetime):
        value = value.astimezone(zone or timezone.get_current_timezone())
        iso = value.isoformat(timespec="seconds")
    else:
        style, iso = "day", value.isoformat()
    text = value.strftime(TIME_FALLBACK.get(style, TIME_FALLBACK["datetime"]))
    return mark_safe(f'<time datetime="{iso}" data-style="{escape_text(style)}">{escape_text(text)}</time>')


@register.filter
def local_time(value: date | datetime | None, style: str = "datetime") -> SafeString:
    return time_element(value, style)


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGE.get(state, "text-bg-light border")


@register.filter
def city_phrase(state: str) -> str:
    return str(CITY_PHRASES.get(state, ""))


@register.filter
def city_must_act(state: str) -> bool:
    return state in CITY_ACTION_STATES


@register.filter
def waits_for(state: str) -> str:
    from workflows.lifecycle import STATE_SPECS

    spec = STATE_SPECS.get(state)
    return str(spec.waits_for) if spec else ""


@register.simple_tag
def field_errors_id(field: object) -> str:
    return f"{getattr(field, 'auto_id', '')}_errors"


@register.simple_tag
def widget(field: object) -> str:
    """The field's input with Bootstrap's classes and, when it has errors, its invalid state."""
    from django import forms

    bound = field  # a BoundField
    w = bound.field.widget
    if isinstance(w, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(w, forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = ""
    elif isinstance(w, forms.Select):
        css = "form-select"
    elif isinstance(w, forms.ClearableFileInput | forms.FileInput):
        css = "form-control"
    else:
        css = "form-control"
    attrs = {}
    existing = w.attrs.get("class", "")
    if css or existing:
        attrs["class"] = " ".join(filter(None, [existing, css, "is-invalid" if bound.errors else ""]))
    if bound.errors:
        described = [f"{bound.auto_id}_error"]
        if bound.help_text:
            described.append(f"{bound.auto_id}_helptext")
        attrs["aria-describedby"] = " ".join(described)
    return bound.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field: object) -> bool:
    from django import forms

    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(field: object) -> bool:
    from django import forms

    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def duration_words(value: object) -> str:
    """A duration as a reader says it: "3.5 days", "7 hours"."""
    from datetime import timedelta

    from django.utils.formats import number_format
    from django.utils.translation import ngettext

    if not isinstance(value, timedelta):
        return ""
    hours = value.total_seconds() / 3600
    if hours < 48:
        n = round(hours)
        return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": number_format(n)}
    days = round(hours / 24, 1)
    return ngettext("%(n)s day", "%(n)s days", int(days)) % {"n": number_format(days, decimal_pos=1)}


# Moves that end or refuse something look different from moves that carry a request forward.
DANGER_MOVES = {"decline", "reject_funding", "withdraw", "decline_assignment"}
QUIET_MOVES = {"propose_expert", "request_info"}


@register.filter
def move_tone(name: str) -> str:
    if name in DANGER_MOVES:
        return "danger"
    if name in QUIET_MOVES:
        return "secondary"
    return "primary"


def _required_mark(bound: Any) -> str:
    return ' <span class="text-danger" aria-hidden="true">*</span>' if bound.field.required else ""


def _help_and_errors(bound: Any) -> str:
    out = ""
    if bound.help_text:
        out += f'\n  <div class="form-text" id="{bound.auto_id}_helptext">{conditional_escape(bound.help_text)}</div>'
    if bound.errors:
        errors = conditional_escape(" ".join(str(e) for e in bound.errors))
        out += f'\n  <div class="invalid-feedback d-block" id="{bound.auto_id}_error">{errors}</div>'
    return out


@register.simple_tag
def field(bound: Any, inline: bool = False) -> SafeString:
    """A form field with its label, help and errors, as every form of the desk shows it.

    The markup the ``helpdesk/includes/field.html`` include used to produce, built in Python: an include
    per field cost a request page with two forms about a millisecond. The input itself is still the
    widget's own rendering (``widget`` above).
    """
    if bound.is_hidden:
        return mark_safe(str(bound))
    auto_id = bound.auto_id
    label = f"{conditional_escape(bound.label)}{_required_mark(bound)}"
    after = _help_and_errors(bound)
    if is_checkbox(bound):
        return mark_safe(
            f'<div class="form-check mb-3">\n  {widget(bound)}\n'
            f'  <label class="form-check-label" for="{auto_id}">{label}</label>{after}\n</div>'
        )
    if is_choice_list(bound):
        described = f' aria-describedby="{auto_id}_helptext"' if bound.help_text else ""
        invalid = " is-invalid" if bound.errors else ""
        wrapper = "form-check form-check-inline" if inline else "form-check"
        choices = []
        for choice in bound:
            data, choice_id = choice.data, choice.id_for_label
            required = " required" if bound.field.required and data["type"] == "radio" else ""
            checked = " checked" if data["selected"] else ""
            name, value = conditional_escape(data["name"]), conditional_escape(data["value"])
            choices.append(
                f'<div class="{wrapper}">\n    <input class="form-check-input{invalid}" type="{data["type"]}"'
                f' name="{name}" value="{value}" id="{choice_id}"{checked}{required}>\n'
                f'    <label class="form-check-label" for="{choice_id}">{conditional_escape(choice.choice_label)}'
                "</label>\n  </div>"
            )
        return mark_safe(
            f'<fieldset class="mb-3"{described}>\n  <legend class="form-label fs-6">{label}</legend>\n  '
            + "".join(choices)
            + f"{after}\n</fieldset>"
        )
    return mark_safe(
        f'<div class="mb-3">\n  <label class="form-label" for="{auto_id}">{label}</label>\n'
        f"  {widget(bound)}{after}\n</div>"
    )
