"""The desk's hand-written markup writes exactly what its plain counterpart writes (``web.fast``)."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from helpdesk.placeholders import ANONYMISED, WITHHELD
from web.fast import FastChoiceField, FastSelect, message_articles, queue_lines, timeline_messages
from web.lists.queue import QueueRow
from web.presenters import AttachmentView, MessageView
from web.timeline import Said

HOSTILE = "<script>alert(\"x\")</script> & 'quoted' «ünïcödé» مرحبا"
LANGUAGES = ["en", "fr", "ar"]
WHEN = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", "2", HOSTILE, None, ["1", "2"]])
@pytest.mark.parametrize("attrs", [{}, {"id": "id_city", "class": "form-select", "required": True, "disabled": False}])
def test_fast_select_writes_what_djangos_select_writes(value, attrs):
    choices = [("", "Any city"), ("1", "Alpha"), ("2", HOSTILE), (HOSTILE, "Beta"), (3, "Gamma")]
    plain = forms.Select(choices=choices).render("city", value, attrs)
    fast = FastSelect(choices=choices).render("city", value, attrs)
    assert fast == plain


def test_a_fast_choice_fields_choices_are_a_plain_choice_fields():
    from django import forms
    from django.utils.translation import gettext_lazy

    from helpdesk.models import RequestState

    for choices in (
        [("", "Any"), ("1", "Alpha"), ("2", "Ωmega")],
        [("", gettext_lazy("Any state")), *RequestState.choices],
        [(1, "one"), (2, "two")],
        [],
    ):
        fast, plain = FastChoiceField(choices=choices), forms.ChoiceField(choices=choices)
        assert fast.choices == plain.choices and fast.widget.choices == plain.widget.choices
        fast.choices = plain.choices = list(reversed(choices))  # set again, as the queue's form does
        assert fast.choices == plain.choices and fast.widget.choices == plain.widget.choices
        copied = copy.deepcopy(fast)
        assert copied.choices == fast.choices and copied.choices is not fast.choices


def test_a_fast_choice_field_accepts_only_its_choices():
    class Filter(forms.Form):
        city = FastChoiceField(required=False, choices=[("", "Any"), ("1", "Alpha")])

    assert Filter({"city": "1"}).is_valid() and Filter({"city": ""}).is_valid()
    assert not Filter({"city": "9"}).is_valid()


def _file(**overrides: object) -> AttachmentView:
    values: dict[str, object] = {
        "pk": 3,
        "name": "report.pdf",
        "size": 1234,
        "content_type": "application/pdf",
        "visibility": "city",
        "download_url": "/files/3/",
        "withheld": False,
        "is_restricted": False,
        "uploaded_by": "Amina",
        "created_at": WHEN,
        "message_id": 13,
    }
    values.update(overrides)
    return AttachmentView(**values)  # type: ignore[arg-type]


def _message(**overrides: object) -> MessageView:
    values: dict[str, object] = {
        "pk": 7,
        "author": "Amina",
        "author_name": "Amina",
        "aria_label": "Message from Amina",
        "created_at": WHEN,
        "visibility": "city",
        "visibility_label": "Shared with the city",
        "body_html": mark_safe("<p>Cleaned <em>text</em></p>"),
        "withheld": False,
        "revealed_restricted": False,
        "is_restricted": False,
    }
    values.update(overrides)
    return MessageView(**values)  # type: ignore[arg-type]


MESSAGES = [
    _message(),
    _message(pk=8, author=None, author_name="The desk", aria_label="Message from The desk", visibility="internal"),
    _message(pk=9, is_restricted=True, revealed_restricted=True),
    _message(pk=10, is_restricted=True, withheld=True, body_html=WITHHELD),
    _message(pk=11, body_html=ANONYMISED, author_name=HOSTILE, aria_label=HOSTILE, visibility_label=HOSTILE),
    _message(pk=12, visibility=HOSTILE, body_html=HOSTILE),
    _message(pk=13, files=(_file(), _file(pk=4, name=HOSTILE, size=2_500_000, download_url=None, withheld=True))),
    _message(pk=14, files=(_file(pk=5, name=HOSTILE, download_url="/files/5/?a=1&b=2"),)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("can_release", [False, True])
def test_message_articles_write_what_the_template_writes(language, can_release):
    with translation.override(language):
        for count in (0, 1, len(MESSAGES)):
            messages = MESSAGES[:count]
            plain = render_to_string(
                "web/requests/messages.html", {"messages_list": messages, "can_release": can_release}
            )
            assert message_articles(messages, can_release=can_release) == plain


SAID = [Said(m, f"#message-{m.pk}") for m in MESSAGES] + [
    Said(_message(pk=15), "?timeline_before=1.0.2&before=3.1.16#message-15"),
    Said(_message(pk=16, author_name=HOSTILE), HOSTILE),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_timeline_messages_write_what_the_template_writes(language):
    with translation.override(language):
        for count in (0, 1, len(SAID)):
            said = SAID[:count]
            plain = render_to_string("web/requests/timeline_messages.html", {"messages": said})
            assert timeline_messages(said) == plain


def _row(**overrides: object) -> QueueRow:
    values: dict[str, object] = {
        "reference": "SCN-2026-000001",
        "url": "/requests/SCN-2026-000001/",
        "title": "Mentoring scheme",
        "asks_funding": False,
        "urgent_label": "",
        "city": "Mombasa",
        "country": "Kenya",
        "region": "East and Southern Africa",
        "state": "submitted",
        "state_label": "Submitted",
        "kind_label": "Help-desk advice",
        "owner": "",
        "due_at": None,
        "overdue": False,
        "take_url": "",
        "selectable": False,
    }
    values.update(overrides)
    return QueueRow(**values)  # type: ignore[arg-type]


ROWS = [
    _row(),
    _row(asks_funding=True, urgent_label="Critical", owner="Blerim Hoxha", due_at=WHEN, overdue=True),
    _row(due_at=WHEN, take_url="/requests/SCN-2026-000001/owner/", state="info_requested", selectable=True),
    _row(title=HOSTILE, city=HOSTILE, country=HOSTILE, region=HOSTILE, owner=HOSTILE, urgent_label=HOSTILE),
    _row(state="nowhere", state_label=HOSTILE, kind_label=HOSTILE, take_url=HOSTILE, reference=HOSTILE, url=HOSTILE),
    _row(title=HOSTILE, reference=HOSTILE, selectable=True),
    # On the incident fast track: its badge, and the countdown in the deadline's place (late, or not yet).
    _row(fast_track=True, urgent_label="Critical", due_at=WHEN, countdown="Answer due in 5 hours 20 minutes"),
    _row(fast_track=True, due_at=WHEN, overdue=True, countdown="Overdue by 2 hours"),
    _row(fast_track=True, due_at=WHEN, countdown=HOSTILE),
]


@pytest.mark.parametrize(("language", "all_hubs"), list(itertools.product(LANGUAGES, [False, True])))
def test_queue_lines_write_what_the_template_writes(language, all_hubs):
    with translation.override(language):
        for count in (0, 1, len(ROWS)):
            rows = ROWS[:count]
            plain = render_to_string("web/hub/queue_rows.html", {"rows": rows, "all_hubs": all_hubs})
            assert queue_lines(rows, all_hubs=all_hubs) == plain


def test_nothing_people_wrote_comes_through_as_markup():
    html = queue_lines(ROWS, all_hubs=True) + message_articles(MESSAGES, can_release=True) + timeline_messages(SAID)
    assert "<script" not in html and "&lt;script&gt;" in html
