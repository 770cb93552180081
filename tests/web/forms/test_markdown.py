"""``web.forms.markdown``: a box people type Markdown in hands the services the allow-listed HTML."""

from __future__ import annotations

from django import forms

from tests.factories import SupportRequestFactory
from web.forms.markdown import MARKDOWN_HELP, MarkdownField
from web.forms.moves import MoveForm
from workflows.lifecycle import TRANSITION_SPECS


class Box(forms.Form):
    text = MarkdownField(label="Text", help_text="Shared with the city.")


def test_what_is_typed_is_cleaned_into_html_and_the_help_says_how_to_write():
    form = Box({"text": "**Yes**\n\n- one\n- two"})
    assert form.is_valid()
    assert form.cleaned_data["text"] == "<p><strong>Yes</strong></p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
    assert str(form.fields["text"].help_text) == f"Shared with the city. {MARKDOWN_HELP}"


def test_marks_without_a_word_are_no_text():
    form = Box({"text": "- \n\n---"})
    assert not form.is_valid() and "text" in form.errors


def test_a_moves_text_field_takes_markdown(db):
    spec = TRANSITION_SPECS["provide_info"]
    form = MoveForm(spec, SupportRequestFactory(), {"provide_info-answer": "See https://example.org"}, prefix=spec.name)
    assert form.is_valid()
    assert form.move_data()["answer"].startswith('<p>See <a href="https://example.org" rel="nofollow')
