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
from helpdesk.screening import PersonalDataFound
from web.forms.markdown import MarkdownField
from workflows.errors import TransitionRefused

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
# Not needed to keep a draft, but needed to submit it (``workflows.checks.missing_for_submission``): the form
# marks them with * and says so at the top; "fund": only when the request asks the fund for a grant.
NEEDED_TO_SUBMIT = {"description": "always", "summary": "always", "funding_requested": "fund"}
MAX_FILES = 10


def personal_data_error(*, confirmable: bool) -> str:
    """What a field that looks like it holds personal data says, in the reader's language."""
    if confirmable:
        return str(_("This looks like personal data: remove it, or tick the confirmation below if it is needed."))
    return str(_("Remove the personal data: the title travels in notifications and e-mails."))


def personal_data_mark(
    form: forms.BaseForm, found: PersonalDataFound, *, never_confirmed: tuple[str, ...] = ()
) -> None:
    """Mark each field of ``form`` where the screening found personal data (what was typed stays); a field in
    ``never_confirmed`` (a title, which travels in e-mails) says to take it out rather than to confirm it."""
    for name in found.findings:
        if name in form.fields:
            form.add_error(name, personal_data_error(confirmable=found.confirmable and name not in never_confirmed))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's "Uploading multiple files"); each is checked by the services."""

    widget = MultipleFileInput
    default_error_messages = {
        "too_many": _("Choose at most %(max)s files at a time."),
    }

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = [single(item, initial) for item in data] if isinstance(data, list | tuple) else [single(data, initial)]
        files = [f for f in files if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(self.error_messages["too_many"], code="too_many", params={"max": MAX_FILES})
        return files


def _attachment_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Attach files"),
        required=False,
        allow_empty_file=True,  # an empty file is refused by the desk's own check, with its reason, once
        help_text=format_lazy(ATTACHMENT_HELP, size=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
    )


MESSAGE_MAX_CHARS = 20_000


class RequestForm(forms.ModelForm):
    """A draft may be saved with only a title; the workflow checks completeness when it is submitted."""

    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), empty_label=None)
    attachment = _attachment_field()
    confirm_personal_data = forms.BooleanField(
        label=_("I confirm this personal data is needed; keep the request restricted to the hub and management unit"),
        required=False,
    )

    class Meta:
        model = SupportRequest
        fields = REQUEST_FIELDS
        widgets = {
            # A person's text takes its own direction (English typed on an Arabic page, and back).
            "title": forms.TextInput(attrs={"dir": "auto"}),
            "description": forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
            "summary": forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
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
            field.needed_to_submit = NEEDED_TO_SUBMIT.get(name)  # type: ignore[attr-defined]  # read by {% field %}
        # The order the page shows them in, so the first field in error is the first on the page.
        self.order_fields(["city", *REQUEST_FIELDS[:6], "attachment"])
        priority = self.fields["strategic_priority"]
        assert isinstance(priority, forms.ChoiceField)  # Django's form field for a model field with choices
        # Read back, Django's choices are (value, label) pairs; django-stubs types them as anything the setter takes.
        options = cast("Iterable[tuple[object, object]]", priority.choices)
        priority.choices = [c for c in options if c[0] != ""]

    def show_refusal(self, refusal: TransitionRefused) -> None:
        """A refused submission: why at the top, and each field it still needs marked in place."""
        self.add_error(None, str(refusal))
        for name, message in refusal.fields.items():
            if name in self.fields and name not in self.errors:
                needed = (
                    _("Needed when you ask the fund for a grant.")
                    if NEEDED_TO_SUBMIT.get(name) == "fund"
                    else _("Needed to submit the request.")
                )
                self.add_error(name, str(message) or str(needed))

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
    attachment = _attachment_field()
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
