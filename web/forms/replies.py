"""The form of a hub's reply template (``helpdesk.models.ReplyTemplate``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.services.workspace import TEMPLATE_MAX_CHARS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PLACEHOLDER_HELP = _(
    "You may write {city}, {reference}, {deadline} and {focal_point}: each is replaced by the request's own "
    "when the template is inserted."
)


def _body(label: StrOrPromise, language: str, direction: str, help_text: StrOrPromise = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEMPLATE_MAX_CHARS,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 5, "lang": language, "dir": direction}),
    )


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120, widget=forms.TextInput(attrs={"dir": "auto"}))
    body_en = _body(_("Text in English"), "en", "ltr", PLACEHOLDER_HELP)
    body_fr = _body(_("Text in French"), "fr", "ltr")
    body_ar = _body(_("Text in Arabic"), "ar", "rtl")
