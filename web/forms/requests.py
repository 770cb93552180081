"""The focal point's guided request form and the message form of a request page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, SupportRequest, Visibility
from web.forms.markdown import MarkdownField

# Fields a focal point fills in, in the order the form guides them through.
REQUEST_FIELDS = [
    "title",
    "theme",
    "kind",
    "strategic_priority",
    "description",
    "summary",
    "language",
    "urgency",
    "desired_by",
    "funding_requested",
    "currency",
]

# Formatted when shown, so the sentence follows the reader's language.
ATTACHMENT_HELP = _("PDF, Office documents, images, text or CSV, up to {size} MB.")
NULLABLE_FIELDS = {"strategic_priority", "desired_by", "funding_requested"}
TEXT_FIELDS = {"description", "summary"}
MESSAGE_MAX_CHARS = 20_000


class RequestForm(forms.ModelForm):
    """A draft may be saved with only a title; the workflow checks completeness when it is submitted."""

    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), empty_label=None)
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=format_lazy(ATTACHMENT_HELP, size=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
    )
    confirm_personal_data = forms.BooleanField(
        label=_("I confirm this personal data is needed; keep the request restricted to the hub and management unit"),
        required=False,
    )

    class Meta:
        model = SupportRequest
        fields = REQUEST_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "desired_by": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "funding_requested": forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
            "strategic_priority": forms.RadioSelect,
        }
        help_texts = {
            "title": _("One line the hub will recognise; no names of people."),
            "description": _(
                "What happened or what you need, what you tried, who is involved by role (not by name),"
                " and what a good outcome looks like."
            ),
            "summary": _(
                "Two or three sentences an expert may read before accepting: no names, contact details or"
                " incident details."
            ),
            "desired_by": _("When you would need the support, if there is a date."),
            "funding_requested": _("Only when asking the technical support fund for a grant."),
        }

    def __init__(self, *args: Any, cities: list[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city = self.fields["city"]
        assert isinstance(city, forms.ModelChoiceField)  # declared above
        city.queryset = City.objects.filter(pk__in=[c.pk for c in cities]).order_by("name")
        if not self.instance.pk:
            # A new request is most likely written in the language the person works in.
            self.fields["language"].initial = get_language()
        if len(cities) == 1:
            self.fields["city"].initial = cities[0].pk
            self.fields["city"].widget = forms.HiddenInput()
        if self.instance.pk:
            self.fields["city"].initial = self.instance.city_id
        # Only a title is needed to keep a draft; the rest is checked when the request is submitted.
        for name, field in self.fields.items():
            if name not in ("title", "city"):
                field.required = False
        priority = self.fields["strategic_priority"]
        assert isinstance(priority, forms.ChoiceField)  # Django's form field for a model field with choices
        # Read back, Django's choices are (value, label) pairs; django-stubs types them as anything the setter takes.
        options = cast("Iterable[tuple[object, object]]", priority.choices)
        priority.choices = [c for c in options if c[0] != ""]

    def service_data(self) -> dict[str, Any]:
        """The typed values for the intake service; a cleared optional field is passed as cleared."""
        data: dict[str, Any] = {}
        for name in REQUEST_FIELDS:
            value = self.cleaned_data.get(name)
            if name in NULLABLE_FIELDS:
                data[name] = value
            elif name in TEXT_FIELDS:
                data[name] = value or ""
            elif value not in (None, ""):
                data[name] = value
        return data


class MessageForm(forms.Form):
    body = MarkdownField(label=_("Message"), max_length=MESSAGE_MAX_CHARS)
    visibility = forms.ChoiceField(label=_("Who can read it"), widget=forms.RadioSelect)
    attachment = forms.FileField(
        label=_("Attach a file"),
        required=False,
        help_text=format_lazy(ATTACHMENT_HELP, size=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
    )
    confirm_personal_data = forms.BooleanField(
        label=_("I confirm this personal data is needed; keep the message restricted"), required=False
    )

    def __init__(self, *args: Any, channels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Visibility.choices)
        order = [Visibility.CITY, Visibility.EXPERT, Visibility.INTERNAL]
        choices = [(v.value, labels[v]) for v in order if v in channels]
        visibility = self.fields["visibility"]
        assert isinstance(visibility, forms.ChoiceField)  # declared above
        visibility.choices = choices
        if len(choices) == 1:
            self.fields["visibility"].initial = choices[0][0]
            self.fields["visibility"].widget = forms.HiddenInput()
        elif choices:
            self.fields["visibility"].initial = choices[0][0]
