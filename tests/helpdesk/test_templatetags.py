"""The template tags that render repeated blocks in Python: same markup as a template would give, escaped."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from web.forms.requests import MessageForm
from web.forms.widgets import QuickChoiceField, QuickSelect
from web.presenters import CityRow, FundRow, InboxRow, MessageView, QueueRow
from web.templatetags.desk import field, time_element
from web.templatetags.desk_rows import (
    attention_items,
    city_request_rows,
    fund_rows,
    inbox_items,
    message_list,
    queue_rows,
)

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def injected(html: str) -> bool:
    """Whether the hostile text came through as markup (a tag or an attribute) rather than as text."""
    return "<script" in html or "<img" in html


def _row(**overrides: object) -> QueueRow:
    values = {
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
        "kind_label": "Advice",
        "owner": "",
        "due_at": None,
        "overdue": False,
        "take_url": "",
    }
    values.update(overrides)
    return QueueRow(**values)


def test_queue_rows_escape_everything_people_wrote():
    html = queue_rows([_row(title=HOSTILE, city=HOSTILE, country=HOSTILE, owner=HOSTILE)], all_hubs=True)
    assert not injected(html) and "&lt;script&gt;" in html


def test_queue_rows_show_what_each_line_needs():
    due = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    html = queue_rows(
        [
            _row(asks_funding=True, urgent_label="High", due_at=due, overdue=True, take_url="/requests/X/owner/"),
            _row(reference="SCN-2026-000002", owner="Amina Odhiambo"),
        ],
        take_form="take-form",
    )
    first, second = html.split("</tr>")[:2]
    assert first.startswith('<tr class="overdue">') and 'class="overdue-flag">overdue' in first
    assert 'badge text-bg-danger">High' in first and ">fund</span>" in first
    assert '<time datetime="2026-03-04T10:30:00+00:00" data-style="date">2026-03-04</time>' in first
    assert 'form="take-form" formaction="/requests/X/owner/"' in first
    assert "Amina Odhiambo" in second and "formaction" not in second and "nobody" not in second
    assert "East and Southern Africa" not in html  # only when the list spans hubs
    assert 'data-label="Reference"' in first and 'class="badge text-bg-primary">Submitted' in first


def test_queue_rows_speak_the_active_language():
    with translation.override("fr"):
        html = queue_rows([_row(owner="", asks_funding=True, take_url="/x/")], take_form="take-form")
    assert 'data-label="Référence"' in html and ">personne</span>" in html and ">fonds</span>" in html
    assert ">Prendre<" in html and "nobody" not in html


def _city_row(**overrides: object) -> CityRow:
    values = {
        "reference": "SCN-2026-000001",
        "url": "/requests/SCN-2026-000001/",
        "title": "Mentoring scheme",
        "city_id": 1,
        "city": "Mombasa",
        "state": "info_requested",
        "state_label": "Information requested",
        "due_at": None,
        "updated_at": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
    }
    values.update(overrides)
    return CityRow(**values)


def test_city_rows_escape_what_people_wrote_and_say_where_each_request_stands():
    due = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    html = city_request_rows([_city_row(title=HOSTILE, city=HOSTILE, due_at=due)], multi_city=True)
    assert not injected(html) and "&lt;script&gt;" in html
    assert "The hub is waiting for your answer" in html
    assert 'class="badge text-bg-warning">Information requested' in html
    assert '<time datetime="2026-03-04T10:30:00+00:00" data-style="date">2026-03-04</time>' in html
    assert '<time datetime="2026-01-02T03:04:00+00:00">' in html and "ago" in html


def test_city_rows_name_the_city_only_when_there_are_several_and_cut_long_titles():
    html = city_request_rows([_city_row(title="x" * 120, city="Kisumu")])
    assert "Kisumu" not in html and "x" * 89 + "…" in html and "x" * 90 not in html
    assert "Kisumu" in city_request_rows([_city_row(city="Kisumu")], multi_city=True)


def test_attention_items_speak_the_active_language_and_escape_titles():
    due = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
    with translation.override("fr"):
        html = attention_items([_city_row(title=HOSTILE, due_at=due), _city_row(state="delivered")])
    assert not injected(html) and html.count("<li") == 2
    assert "Échéance :" in html
    assert html.count('data-style="date"') == 1  # only the request with a deadline shows one


def test_inbox_items_escape_titles_and_date_the_proposal():
    row = InboxRow(
        reference="SCN-2026-000009",
        url="/requests/SCN-2026-000009/",
        title=HOSTILE,
        state="expert_matching",
        state_label="Expert matching",
        facts=f"Young Cities · Expert consultation · English · {HOSTILE}",
        proposed_at=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
    )
    html = inbox_items([row])
    assert not injected(html) and html.count("<li") == 1
    assert 'proposed on <time datetime="2026-05-06T07:08:00+00:00" data-style="date">2026-05-06</time>' in html
    with translation.override("fr"):
        assert "proposée le <time" in inbox_items([row])


def test_fund_rows_escape_and_format_amounts_in_the_readers_language():
    row = FundRow(
        reference="SCN-2026-000010",
        url="/requests/SCN-2026-000010/",
        title=HOSTILE,
        city=HOSTILE,
        region="Western Balkans",
        priority_label="City-to-city exchange",
        amount=Decimal("18000"),
        currency="EUR",
        recommended_by=HOSTILE,
        first_approver="Programme Management unit",
        created_at=datetime(2026, 5, 6, 7, 8, tzinfo=UTC),
        overdue=True,
    )
    html = fund_rows([row])
    assert not injected(html) and html.startswith('<tr class="overdue">')
    assert "18,000.00 EUR" in html and "First approval: Programme Management unit" in html
    assert 'href="/requests/SCN-2026-000010/#moves"' in html
    with translation.override("fr"):
        french = fund_rows([row])
    assert "18\xa0000,00 EUR" in french and "Première approbation : Programme Management unit" in french


def _message(**overrides: object) -> MessageView:
    values = {
        "pk": 7,
        "author": "Amina",
        "created_at": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        "visibility": "city",
        "visibility_label": "Shared with the city",
        "body_html": mark_safe("<p>Hello</p>"),
        "withheld": False,
        "revealed_restricted": False,
        "is_restricted": False,
    }
    values.update(overrides)
    return MessageView(**values)


def test_message_list_keeps_cleaned_bodies_and_escapes_the_rest():
    html = message_list(
        [
            _message(author=HOSTILE),
            _message(pk=8, body_html="Withheld: <b>placeholder</b>", withheld=True, is_restricted=True),
            _message(pk=9, author=None),
        ],
        release_form="release-form",
    )
    assert "<p>Hello</p>" in html and "&lt;b&gt;placeholder" in html and not injected(html)
    assert 'class="rich-text withheld"' in html and "· restricted" in html
    assert 'form="release-form" name="message" value="8"' in html and 'value="7"' not in html
    assert "The desk" in html  # a message without author is the desk's
    assert '<time datetime="2026-01-02T03:04:00+00:00" data-style="datetime">2026-01-02 03:04 UTC</time>' in html


def test_message_list_offers_no_release_without_the_form():
    html = message_list([_message(is_restricted=True)])
    assert "Release this message" not in html


def test_time_element_for_moments_and_calendar_days():
    moment = datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert str(time_element(moment)) == (
        '<time datetime="2026-05-06T07:08:09+00:00" data-style="datetime">2026-05-06 07:08 UTC</time>'
    )
    assert 'data-style="date">2026-05-06<' in time_element(moment, "date")
    # A calendar date is the same day everywhere, whatever style is asked for.
    assert str(time_element(date(2026, 5, 6), "datetime")) == (
        '<time datetime="2026-05-06" data-style="day">2026-05-06</time>'
    )
    assert time_element(None) == ""
    assert time_element(moment + timedelta(hours=1)).count("<time") == 1


def test_field_tag_renders_labels_help_errors_choices_and_checkboxes():
    form = MessageForm({"body": "", "visibility": "nowhere"}, channels=["city", "internal"])
    form.is_valid()
    body = field(form["body"])
    assert '<label class="form-label" for="id_body">' in body and 'id="id_body_error"' in body
    assert 'aria-describedby="id_body_error' in body and "is-invalid" in body
    radios = field(form["visibility"], inline=True)
    assert radios.startswith("<fieldset") and radios.count('type="radio"') == 2
    assert "form-check-inline" in radios and 'id="id_visibility_error"' in radios
    template = Template("{% load desk %}{% field form.body %}")
    assert template.render(Context({"form": form})) == body


def test_field_tag_escapes_labels_and_help():
    class Hostile(forms.Form):
        name = forms.CharField(label=HOSTILE, help_text=HOSTILE)
        agree = forms.BooleanField(label=HOSTILE)

    form = Hostile()
    assert not injected(field(form["name"])) and not injected(field(form["agree"]))
    assert 'class="form-check-input"' in field(form["agree"])


def test_quick_select_escapes_and_marks_the_choice():
    widget = QuickSelect(choices=[("a", "<b>&"), ('"x', "O'Neil")])
    html = widget.render('n"', '"x', {"id": "i", "required": True, "disabled": False})
    assert html == (
        '<select name="n&quot;" id="i" required><option value="a">&lt;b&gt;&amp;</option>'
        '<option value="&quot;x" selected>O&#x27;Neil</option></select>'
    )


@pytest.mark.parametrize(("value", "valid"), [("2", True), ("", True), ("9", False)])
def test_quick_choice_field_accepts_only_its_choices(value, valid):
    class Filter(forms.Form):
        city = QuickChoiceField(required=False)

    form = Filter({"city": value})
    form.fields["city"].choices = [("", "Any"), ("1", "Alpha"), ("2", "Beta")]
    assert form.is_valid() is valid
