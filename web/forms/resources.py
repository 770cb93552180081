"""The resource hub's forms: the search and its filters, a new resource, what a resource is about, one language
version, and the reviewer's reason for sending one back.

The services check everything again (``helpdesk.services.resources``); these forms parse what was typed and
keep it on the page when something is refused.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Language, Region, ResourceKind, ResourceState, StrategicPriority, Theme
from web.fast import FastSelect
from web.forms.markdown import MarkdownField
from web.forms.requests import ATTACHMENT_HELP, MAX_FILES, MultipleFileField
from web.params import parse_id

# What the list shows (``?show=``): published resources, or, for those who write or review them, the others.
SHOW_STATES: dict[str, tuple[str, ...]] = {
    "published": (ResourceState.PUBLISHED,),
    "unpublished": (ResourceState.DRAFT, ResourceState.REVIEW),
    "archived": (ResourceState.ARCHIVED,),
}
SHOW_CHOICES = [
    ("published", _("Published")),
    ("unpublished", _("Drafts and resources in review")),
    ("archived", _("Archived")),
]
SUMMARY_MAX = 1000
TITLE_MAX = 200
BODY_MAX = 60_000


class ResourceFilterForm(forms.Form):
    """``/resources/?q=…``: every filter optional; an unknown value is ignored rather than refused."""

    q = forms.CharField(label=_("Search the resources"), required=False, max_length=100)
    # The selects are written in one pass (``web.fast.FastSelect``, as the queue's filter bar): Django's option
    # templates took 4 ms of the search page, which missed its target in ``make bench`` (18.9 x the floor).
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=FastSelect)
    theme = forms.ChoiceField(label=_("Theme"), required=False, widget=FastSelect)
    priority = forms.TypedChoiceField(
        label=_("Strategic priority"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    language = forms.ChoiceField(label=_("Language"), required=False, widget=FastSelect)
    hub = forms.TypedChoiceField(label=_("Hub"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    show = forms.ChoiceField(label=_("Show"), required=False, choices=SHOW_CHOICES, widget=FastSelect)

    def __init__(self, data: Any, *, regions: list[Region], may_show_unpublished: bool) -> None:
        super().__init__(data)
        every = [("", _("Any"))]
        self._choice("kind").choices = every + list(ResourceKind.choices)
        self._choice("theme").choices = every + list(Theme.choices)
        self._choice("priority").choices = every + [(str(v), label) for v, label in StrategicPriority.choices]
        self._choice("language").choices = every + list(Language.choices)
        self._choice("hub").choices = every + [(str(r.pk), str(r)) for r in regions]
        if not may_show_unpublished:
            del self.fields["show"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["q"].widget.attrs.update({"class": "form-control", "dir": "auto", "type": "search"})

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def search_filters(self) -> dict[str, Any]:
        """The keyword arguments of ``helpdesk.selectors.resources_search`` (a value that did not parse: none)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            # Whatever parsed: a bad hub id must not drop the words searched for.
            data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        show = data.get("show") or "published"
        return {
            "q": (data.get("q") or "").strip(),
            "kinds": [data["kind"]] if data.get("kind") else [],
            "themes": [data["theme"]] if data.get("theme") else [],
            "priorities": [data["priority"]] if data.get("priority") else [],
            "languages": [data["language"]] if data.get("language") else [],
            "region_id": data.get("hub"),
            "states": SHOW_STATES.get(show, SHOW_STATES["published"]),
        }

    @property
    def in_use(self) -> int:
        """How many filters besides the words are set (the "more filters" panel opens when any is)."""
        if not self.is_bound:
            return 0
        return sum(1 for name in ("kind", "theme", "priority", "language", "hub") if self.data.get(name))


def _region_field() -> forms.ModelChoiceField[Region]:
    return forms.ModelChoiceField(
        label=_("Hub"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("No particular hub"),
        help_text=_("The region whose cities it speaks to most."),
    )


class AboutFields(forms.Form):
    """What a resource is about: its kind, themes, priorities and hub."""

    kind = forms.ChoiceField(label=_("Kind of resource"), choices=ResourceKind.choices)
    themes = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    priorities = forms.TypedMultipleChoiceField(
        label=_("Strategic priorities"),
        choices=StrategicPriority.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    region = _region_field()

    def service_about(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "themes": data.get("themes") or [],
            "priorities": data.get("priorities") or [],
            "region": data.get("region"),
        }


def _attachment_field() -> MultipleFileField:
    return MultipleFileField(
        label=_("Add files"),
        required=False,
        allow_empty_file=True,
        help_text=format_lazy(ATTACHMENT_HELP, size=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
    )


class VersionFields(forms.Form):
    """The resource in one language: a title, a short summary and the text (Markdown)."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, widget=forms.TextInput(attrs={"dir": "auto"}))
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=SUMMARY_MAX,
        help_text=_("Two or three sentences: what it helps with."),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )
    body = MarkdownField(label=_("Text"), rows=10, max_length=BODY_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["dir"] = "auto"


class ResourceForm(VersionFields, AboutFields):
    """A new resource: what it is about and its first language version, with files."""

    language = forms.ChoiceField(label=_("Written in"), choices=Language.choices)
    attachment = _attachment_field()

    field_order = ["kind", "language", "title", "summary", "body", "themes", "priorities", "region", "attachment"]


class AboutForm(AboutFields):
    """Editing a resource: what it is about, and files to add."""

    attachment = _attachment_field()


class VersionForm(VersionFields):
    """Writing or rewriting the resource in one language, said to be translated from another, or not."""

    translated_from = forms.ChoiceField(label=_("Translated from"), required=False)

    field_order = ["translated_from", "title", "summary", "body"]

    def __init__(self, *args: Any, sources: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Language.choices)
        cast(forms.ChoiceField, self.fields["translated_from"]).choices = [
            ("", _("Not translated: written in this language"))
        ] + [(code, labels[code]) for code in sources]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What should change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("The writers read this on the resource's page."),
    )


def file_ids(values: list[str]) -> list[int]:
    """The files ticked for removal (``file-<id>``), as ids."""
    ids = [parse_id(value.removeprefix("file-")) for value in values if value.startswith("file-")]
    return [pk for pk in ids if pk is not None][: MAX_FILES * 10]
