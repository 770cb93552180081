"""The desk's template tags: states and moves as the lifecycle table describes them, dates, durations, fields."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from web.forms.requests import MessageForm
from web.templatetags.desk import (
    MOVE_BUTTONS,
    TONE_BADGES,
    duration_words,
    local_time,
    move_button,
    state_badge,
)
from workflows.lifecycle import STATES, TRANSITION_SPECS
from workflows.spec import MoveTone, Tone

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def injected(html: str) -> bool:
    """Whether the hostile text came through as markup (a tag or an attribute) rather than as text."""
    return "<script" in html or "<img" in html


def render(text: str, **context: object) -> str:
    return Template("{% load desk %}" + text).render(Context(context))


def test_local_time_for_moments_and_calendar_days():
    moment = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert str(local_time(moment)) == (
        '<time datetime="2026-05-06T07:08:09+00:00" data-style="datetime">2026-05-06 07:08 UTC</time>'
    )
    assert 'data-style="date">2026-05-06<' in local_time(moment, "date")
    # A calendar date is the same day everywhere, whatever style is asked for.
    assert str(local_time(date(2026, 5, 6), "datetime")) == (
        '<time datetime="2026-05-06" data-style="day">2026-05-06</time>'
    )
    assert local_time(None) == ""
    assert render("{{ when|local_time:'date' }}", when=moment + timedelta(hours=1)).count("<time") == 1


def test_every_state_has_a_badge():
    assert set(TONE_BADGES) == set(Tone)
    for state in STATES:
        assert state_badge(state.name) == TONE_BADGES[state.tone]
    assert state_badge("nowhere")


def test_moves_look_like_what_they_do():
    assert set(MOVE_BUTTONS) == set(MoveTone)
    assert move_button(TRANSITION_SPECS["withdraw"]) == "danger"
    assert move_button(TRANSITION_SPECS["submit"]) == "primary"
    assert move_button(TRANSITION_SPECS["request_info"]) == "secondary"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (timedelta(seconds=20), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=40), "40 minutes"),
        (timedelta(hours=7), "7 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=47), "47 hours"),
        (timedelta(days=3, hours=11), "3 days"),
        (timedelta(days=1500), "1,500 days"),
    ],
)
def test_durations_read_as_people_say_them(value, words):
    assert duration_words(value) == words
    assert duration_words("soon") == ""


def test_durations_take_each_languages_plural():
    with translation.override("fr"):
        assert duration_words(timedelta(days=3)) == "3 jours"
    with translation.override("ar"):
        # Arabic: 3 to 10 take the "few" form, 11 to 99 the "many" form.
        assert "أيام" in duration_words(timedelta(days=3))
        assert "يومًا" in duration_words(timedelta(days=11))


def test_field_tag_renders_labels_help_errors_choices_and_checkboxes():
    form = MessageForm({"body": "", "visibility": "nowhere"}, channels=["city", "internal"])
    form.is_valid()
    body = render("{% field form.body %}", form=form)
    assert '<label class="form-label" for="id_body">' in body and 'id="id_body_error"' in body
    assert 'aria-describedby="id_body_error' in body and "is-invalid" in body
    radios = render("{% field form.visibility inline=True %}", form=form)
    assert radios.strip().startswith("<fieldset") and radios.count('type="radio"') == 2
    assert "form-check-inline" in radios and 'id="id_visibility_error"' in radios


def test_field_tag_escapes_labels_and_help():
    class Hostile(forms.Form):
        name = forms.CharField(label=HOSTILE, help_text=HOSTILE)
        agree = forms.BooleanField(label=HOSTILE)

    form = Hostile()
    name, agree = render("{% field form.name %}", form=form), render("{% field form.agree %}", form=form)
    assert not injected(name) and not injected(agree) and "&lt;script&gt;" in name
    assert 'class="form-check-input"' in agree and "form-check mb-3" in agree


def test_a_required_field_is_starred_for_sight_and_said_for_screen_readers():
    class Needed(forms.Form):
        title = forms.CharField(label="Title")
        notes = forms.CharField(label="Notes", required=False)

    form = Needed()
    assert 'aria-hidden="true">*</span>' in render("{% field form.title %}", form=form)
    assert "*" not in render("{% field form.notes %}", form=form)
    assert " required" in render("{% field form.title %}", form=form)
