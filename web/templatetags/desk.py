"""The desk's template tags: states and moves as the lifecycle table describes them, dates, durations, and
form fields with their label, help and errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from web.charts import count_text
from workflows.lifecycle import STATE_SPECS
from workflows.spec import MoveTone, Tone, TransitionSpec

register = template.Library()

# Colour is never the only signal: every badge also carries the state's name.
TONE_BADGES = {
    Tone.DRAFT: "text-bg-light border",
    Tone.ACTIVE: "text-bg-primary",
    Tone.ATTENTION: "text-bg-warning",
    Tone.PENDING: "text-bg-info",
    Tone.SUCCESS: "text-bg-success",
    Tone.ENDED: "text-bg-secondary",
    Tone.REFUSED: "text-bg-dark",
}
MOVE_BUTTONS = {MoveTone.PRIMARY: "primary", MoveTone.QUIET: "secondary", MoveTone.DANGER: "danger"}

# How a moment is written before desk.js rewrites it in the reader's language and time zone
# (Intl.DateTimeFormat): unambiguous everywhere.
TIME_FALLBACK = {"datetime": "%Y-%m-%d %H:%M %Z", "date": "%Y-%m-%d", "day": "%Y-%m-%d"}


@register.filter
def local_time(value: date | datetime | None, style: str = "datetime") -> SafeString | str:
    """``<time>`` for ``value``: "datetime" (a moment), "date" (a moment, shown as its day in the reader's time
    zone) or "day" (a calendar date, the same everywhere)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(timezone.get_current_timezone())
        iso = value.isoformat(timespec="seconds")
    else:
        style, iso = "day", value.isoformat()
    text = value.strftime(TIME_FALLBACK.get(style, TIME_FALLBACK["datetime"]))
    return format_html('<time datetime="{}" data-style="{}">{}</time>', iso, style, text)


@register.filter
def state_badge(state: str) -> str:
    """The badge classes of a state's tone."""
    spec = STATE_SPECS.get(state)
    return TONE_BADGES[spec.tone] if spec else TONE_BADGES[Tone.DRAFT]


@register.filter
def move_button(spec: TransitionSpec) -> str:
    """The button colour of a move: the road forward, a side step, or something that ends or refuses."""
    return MOVE_BUTTONS[spec.tone]


@register.filter
def count_words(value: int | None) -> str:
    """A figure's count, or "fewer than 5" where the steering committee's page suppresses it."""
    return count_text(value)


@register.filter
def duration_words(value: object) -> str:
    """A duration as a reader says it, in whole units so each language's plural fits: "40 minutes", "7 hours",
    "3 days"."""
    if not isinstance(value, timedelta):
        return ""
    minutes = round(value.total_seconds() / 60)
    if minutes < 1:
        return gettext("less than a minute")
    if minutes < 60:
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": number_format(minutes)}
    hours = round(minutes / 60)
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": number_format(hours)}
    days = round(hours / 24)
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": number_format(days, force_grouping=True)}


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


@register.simple_tag
def widget(bound: BoundField) -> SafeString:
    """The field's input with Bootstrap's classes and, when it has errors, its invalid state (Django's own
    widget rendering, with these attributes added)."""
    attrs: dict[str, Any] = {}
    classes = [bound.field.widget.attrs.get("class", ""), _widget_class(bound.field.widget)]
    if bound.errors:
        classes.append("is-invalid")
        described = [f"{bound.auto_id}_error", *([f"{bound.auto_id}_helptext"] if bound.help_text else [])]
        attrs["aria-describedby"] = " ".join(described)
    if any(classes):
        attrs["class"] = " ".join(filter(None, classes))
    return bound.as_widget(attrs=attrs)


@register.inclusion_tag("web/includes/field.html")
def field(bound: BoundField, inline: bool = False) -> dict[str, Any]:
    """A form field with its label, help and errors, as every form of the desk shows it."""
    widget_ = bound.field.widget
    return {
        "field": bound,
        "inline": inline,
        "is_checkbox": isinstance(widget_, forms.CheckboxInput),
        "is_choice_list": isinstance(widget_, forms.RadioSelect | forms.CheckboxSelectMultiple),
    }
