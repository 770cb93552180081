"""The desk's template tags: states and moves as the lifecycle table describes them, dates, durations, and
form fields with their label, help and errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms, template
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext

from web.charts import count_text
from web.forms.moves import PageMove
from web.outcome_tables import OutcomeLines, outcome_lines
from web.outcomes import months_after_text, sustained_text
from workflows.lifecycle import STATE_SPECS
from workflows.outcome_stats import OutcomeFigures
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
# On a request page only the reader's expected next step is filled; every other move is outlined, in red when
# it ends or refuses, so the most prominent button is never the one that cannot be undone.
PAGE_MOVE_BUTTONS = {MoveTone.PRIMARY: "btn-outline-secondary", MoveTone.QUIET: "btn-outline-secondary",
                     MoveTone.DANGER: "btn-outline-danger"}  # fmt: skip

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
    # Isolated (dir="auto"): beside a name, "2026-12-05" must not run into it ("05 · 2026/12/Focal point").
    return format_html('<time datetime="{}" data-style="{}" dir="auto">{}</time>', iso, style, text)


# How long ago, from the largest unit down: each a plural of its own, so that every language agrees the noun
# with the number (Django's humanize joins "منذ" to "2 دقيقة"; Arabic says "منذ دقيقتين", "منذ 5 دقائق").
AGO_UNITS = (
    (365 * 86400, lambda n: ngettext("%(n)s year ago", "%(n)s years ago", n)),
    (30 * 86400, lambda n: ngettext("%(n)s month ago", "%(n)s months ago", n)),
    (86400, lambda n: ngettext("%(n)s day ago", "%(n)s days ago", n)),
    (3600, lambda n: ngettext("%(n)s hour ago", "%(n)s hours ago", n)),
    (60, lambda n: ngettext("%(n)s minute ago", "%(n)s minutes ago", n)),
)


def ago_words(value: datetime, *, now: datetime | None = None) -> str:
    """How long ago ``value`` was, in the active language ("3 days ago", "منذ 3 أيام", "just now")."""
    seconds = ((now or timezone.now()) - value).total_seconds()
    for unit, words in AGO_UNITS:
        if seconds >= unit:
            n = int(seconds // unit)
            return words(n) % {"n": number_format(n, force_grouping=True)}
    return gettext("just now")  # under a minute, or a clock a little ahead


@register.filter
def time_ago(value: datetime | None) -> SafeString | str:
    """``<time>`` saying how long ago ``value`` was (``ago_words``), its exact moment in the title."""
    if value is None:
        return ""
    moment = value.astimezone(timezone.get_current_timezone())
    return format_html(
        '<time datetime="{}" title="{}" dir="auto">{}</time>',
        moment.isoformat(timespec="seconds"),
        moment.strftime(TIME_FALLBACK["datetime"]),
        ago_words(value),
    )


@register.filter
def bdi(value: object) -> SafeString:
    """``value`` (a name, a title) isolated from the text around it, for names inside a translated sentence:
    ``{% blocktranslate with hub=region|bdi %}``. Its direction is its own (Arabic in English and back)."""
    return format_html("<bdi>{}</bdi>", value)


@register.filter
def words_list(values: object, isolate: str = "") -> str:
    """Labels or names joined as the reader's language lists them (the catalogues' "list separator": "a, b" in
    English and French, "a، b" in Arabic). ``words_list:"bdi"`` isolates each item (names, which may be written
    in another direction than the page); without it the result is escaped by the template as usual."""
    if not values:
        return ""
    separator = pgettext("list separator", ", ")
    items = list(values)  # type: ignore[call-overload]
    if isolate == "bdi":
        return format_html_join(separator, "<bdi>{}</bdi>", ((item,) for item in items))
    return separator.join(str(item) for item in items)


@register.filter
def state_badge(state: str) -> str:
    """The badge classes of a state's tone."""
    spec = STATE_SPECS.get(state)
    return TONE_BADGES[spec.tone] if spec else TONE_BADGES[Tone.DRAFT]


@register.filter
def move_button(move: PageMove | TransitionSpec) -> str:
    """A move's button class. On a request page (a ``PageMove``): filled for the reader's expected next step,
    outlined for the others, red outline for what ends or refuses. A move's own form (a ``TransitionSpec``):
    the button that sends it, red when it ends or refuses."""
    if isinstance(move, PageMove):
        return "btn-primary" if move.primary else PAGE_MOVE_BUTTONS[move.spec.tone]
    return "btn-danger" if move.tone is MoveTone.DANGER else "btn-primary"


@register.filter
def count_words(value: int | None) -> str:
    """A figure's count, or "fewer than 5" where the steering committee's page suppresses it."""
    return count_text(value)


@register.simple_tag
def outcome_table_lines(outcomes: OutcomeFigures) -> OutcomeLines:
    """The outcome tables' lines as ``web.outcome_tables`` writes them:
    ``{% outcome_table_lines outcomes as lines %}``."""
    return outcome_lines(outcomes)


@register.filter
def months_after(months: int) -> str:
    """A follow-up's point in time, "after 6 months" (a filter: the outcome tables say it on every line, where a
    ``blocktranslate`` per line took 0.8 ms of the outcome tables' 4 ms at 100,000 requests)."""
    return months_after_text(months)


@register.filter
def outcome_value(value: Decimal | None, unit: str) -> str:
    """A key indicator's sustained value in its unit (a sum, "30%", "3.5 out of 5", "4 yes"); "—" for none."""
    return sustained_text(unit, value)


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


def first_invalid(form: forms.BaseForm) -> str | None:
    """The name of the form's first field (in its order) that has an error: the one the page brings into view."""
    return next((name for name in form.fields if name in form.errors), None)


@register.filter
def focus_id(bound: BoundField) -> str:
    """The id of the element a link to the field should reach: its first option for a list of choices."""
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


@register.simple_tag
def widget(bound: BoundField) -> SafeString:
    """The field's input with Bootstrap's classes and, when it has errors, its invalid state (Django's own
    widget rendering, with these attributes added). The form's first invalid field takes ``autofocus``, so
    the browser brings it into view without script."""
    attrs: dict[str, Any] = {}
    classes = [bound.field.widget.attrs.get("class", ""), _widget_class(bound.field.widget)]
    if bound.errors:
        classes.append("is-invalid")
        described = [f"{bound.auto_id}_error", *([f"{bound.auto_id}_helptext"] if bound.help_text else [])]
        attrs["aria-describedby"] = " ".join(described)
        attrs["aria-invalid"] = "true"
        if first_invalid(bound.form) == bound.name:
            attrs["autofocus"] = True
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
        # "always" or "fund": not needed to keep a draft, but needed to submit it (web.forms.requests).
        "needed": getattr(bound.field, "needed_to_submit", None),
        "autofocus": bool(bound.errors) and first_invalid(bound.form) == bound.name,
        "is_checkbox": isinstance(widget_, forms.CheckboxInput),
        "is_choice_list": isinstance(widget_, forms.RadioSelect | forms.CheckboxSelectMultiple),
        # A widget of several inputs with their own labels (``web.forms.outcomes``): a fieldset, not one label.
        "is_group": getattr(widget_, "is_group", False),
    }
