"""The forms of "publish what was learned": the draft a hub starts from a closed request, and the city's answer
about publishing it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Consent, Language, ResourceKind, StrategicPriority, Theme
from web.forms.markdown import MarkdownField


class ResourceFromRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of resource"), choices=ResourceKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=1000,
        help_text=_("Two or three sentences: what it helps with."),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    body = MarkdownField(label=_("Text"), rows=12)
    themes = forms.MultipleChoiceField(
        label=_("Themes"), required=False, choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    priorities = forms.TypedMultipleChoiceField(
        label=_("Strategic priorities"),
        required=False,
        coerce=int,
        choices=StrategicPriority.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["body"].widget.attrs["dir"] = "auto"


# What the city's focal point is asked, in its own words (the stored answer is ``Consent``).
CONSENT_ANSWERS = [
    (Consent.NAMED.value, _("Publish it, naming our city")),
    (Consent.ANONYMOUS.value, _("Publish it without naming us")),
    (Consent.REFUSED.value, _("Do not publish it")),
]


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("May the network publish this?"), choices=CONSENT_ANSWERS, widget=forms.RadioSelect
    )
