"""The forms of peer exchange: the themes a city is open to, and a city's answer to an introduction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Theme


class PeerContactForm(forms.Form):
    themes = forms.MultipleChoiceField(
        label=_("Themes on which another city may contact yours"),
        help_text=_(
            "The hub may then suggest your city to a city that asks for a peer exchange on one of them. Nothing is"
            " shared until your city accepts an introduction. Leave every box empty to not be suggested."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, offered: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The themes where the city has something to share come first.
        labels = dict(Theme.choices)
        order = [*offered, *(theme for theme in Theme.values if theme not in offered)]
        themes = self.fields["themes"]
        assert isinstance(themes, forms.MultipleChoiceField)
        themes.choices = [(theme, labels[theme]) for theme in order]


ACCEPT, DECLINE = "accept", "decline"


class IntroductionAnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[(ACCEPT, _("Accept")), (DECLINE, _("Decline"))], widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I understand that declining ends this introduction."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("answer") == DECLINE and not cleaned.get("confirm"):
            self.add_error("confirm", _("Tick this box to confirm."))
        return cleaned

    @property
    def accepts(self) -> bool:
        return self.cleaned_data.get("answer") == ACCEPT
