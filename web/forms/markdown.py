"""A text box whose words are Markdown: the form hands the services the rich text they store.

What the person typed stays in the box when the page is shown again (a refused message, a preview); the
cleaned value is ``helpdesk.sanitize.markdown_html`` of it, the one sanitiser's HTML.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from helpdesk.sanitize import html_to_text, markdown_html

# Shown under every box that takes Markdown: the few marks worth knowing, in the reader's language.
MARKDOWN_HELP = _(
    "**bold**, *italic*, lists with - or 1., a blank line between paragraphs; web addresses become links."
)


def markdown_help(help_text: str | Promise = "") -> str | Promise:
    """``help_text`` followed by the line on formatting."""
    return format_lazy("{} {}", help_text, MARKDOWN_HELP) if help_text else MARKDOWN_HELP


class MarkdownField(forms.CharField):
    """Markdown typed in a textarea; cleaned into the allow-listed HTML the services store."""

    def __init__(self, *, rows: int = 4, **kwargs: Any) -> None:
        kwargs["help_text"] = markdown_help(kwargs.get("help_text", ""))
        # dir="auto": a person's text takes its own direction (English typed on an Arabic page, and back).
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows, "dir": "auto"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        rendered = markdown_html(text)
        if self.required and not html_to_text(rendered):
            # Marks without a word (a lone "-") say nothing.
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return rendered
