"""Forms of a person's own account: profile, preferences, language, password reset."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.models import City, User
from helpdesk.selectors.hubs import zone_label
from helpdesk.selectors.people import time_zone_default
from helpdesk.services.accounts import time_zone_names
from notifications.queue import enqueue_password_reset_on_commit
from web.forms.fields import RowsField
from web.two_factor import password_checked

# The first part of a zone's name, as a heading of the list in the reader's language.
ZONE_AREAS = {
    "Africa": pgettext_lazy("time zone area", "Africa"),
    "America": pgettext_lazy("time zone area", "Americas"),
    "Antarctica": pgettext_lazy("time zone area", "Antarctica"),
    "Arctic": pgettext_lazy("time zone area", "Arctic"),
    "Asia": pgettext_lazy("time zone area", "Asia"),
    "Atlantic": pgettext_lazy("time zone area", "Atlantic Ocean"),
    "Australia": pgettext_lazy("time zone area", "Australia"),
    "Europe": pgettext_lazy("time zone area", "Europe"),
    "Indian": pgettext_lazy("time zone area", "Indian Ocean"),
    "Pacific": pgettext_lazy("time zone area", "Pacific Ocean"),
}


def time_zone_choices(default: Any = None) -> list[tuple[str, Any]]:
    """The default first (``default``: its label, ``time_zone_default_label``), then every zone under its area
    ("Africa": Nairobi, Tunis…), the place as IANA names it ("Dar_es_Salaam" reads "Dar es Salaam";
    "Argentina/Salta" reads "Argentina / Salta")."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in time_zone_names():
        area, _sep, place = name.partition("/")
        groups.setdefault(area, []).append((name, place.replace("_", " ").replace("/", " / ")))
    default = default or _("Default: the time zone of your hub or your city's hub, else %(zone)s") % {
        "zone": settings.TIME_ZONE
    }
    areas: list[tuple[str, Any]] = [(str(ZONE_AREAS.get(area, area)), zones) for area, zones in groups.items()]
    return [("", default), *areas]


def time_zone_default_label(user: User) -> str:
    """What "default" means for ``user`` (``helpdesk.selectors.people.time_zone_default``): their hub's zone,
    their city's hub's, or the desk's, named."""
    found = time_zone_default(user)
    zone = zone_label(found.zone or settings.TIME_ZONE)
    if found.source == "hub" and found.hub is not None:
        text = _("Default: %(zone)s (the time zone of your hub, %(hub)s)")
    elif found.source == "city" and found.hub is not None:
        text = _("Default: %(zone)s (the time zone of %(hub)s, your city's hub)")
    else:
        return str(_("Default: %(zone)s (the desk's time zone)") % {"zone": zone})
    return str(text % {"zone": zone, "hub": found.hub.localized_name})


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves; roles, cities and region are the admin's."""

    class Meta:
        model = User
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "organisation",
            "preferred_language",
            "notification_mode",
        ]
        widgets = {
            "preferred_language": forms.RadioSelect,
            "notification_mode": forms.RadioSelect,
            # Names follow their own script (an Arabic name typed on an English page); addresses and
            # numbers read left to right on an Arabic page too.
            "first_name": forms.TextInput(attrs={"dir": "auto", "autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"dir": "auto", "autocomplete": "family-name"}),
            "organisation": forms.TextInput(attrs={"dir": "auto"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "dir": "ltr"}),
        }
        help_texts = {
            "preferred_language": _("Pages and e-mails reach you in this language."),
            "notification_mode": _("How the desk tells you that something needs you."),
        }

    # Asked only when the address changes: whoever holds a session must not be able to point the account's
    # password resets at an address of theirs.
    current_password = forms.CharField(
        label=_("Your current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed only to change the e-mail address. The old address is told of the change."),
    )

    def __init__(
        self,
        *args: Any,
        request: HttpRequest,
        choose_mail_reply: bool = False,
        declare_ties: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["email"].required = True
        # Not a model field of the form: the view saves it through its service, which checks and records it.
        self.fields["time_zone"] = forms.ChoiceField(
            label=_("Your time zone"),
            choices=functools.partial(time_zone_choices, time_zone_default_label(self.instance)),
            required=False,
            initial=self.instance.time_zone,
            help_text=_("Dates and times on your pages are shown in this zone."),
        )
        if choose_mail_reply:
            # Not a model field of the form: the view saves it through its service, which records the change.
            self.fields["mail_reply_visibility"] = forms.ChoiceField(
                label=_("Your replies by e-mail"),
                choices=User._meta.get_field("mail_reply_visibility").choices or (),
                initial=self.instance.mail_reply_visibility,
                widget=forms.RadioSelect,
                help_text=_(
                    "When you reply to a notification e-mail about a request, your reply is added to the request: "
                    "as an internal note the city does not see, or as a message the city reads."
                ),
            )

        if declare_ties:
            # Not a model field of the form: the view saves it through its service, which records the change.
            self.fields["tied_cities"] = RowsField(
                label=_("Cities I am tied to"),
                required=False,
                queryset=City.objects.order_by("name"),
                initial=lambda: list(self.instance.tied_cities.all()),
                widget=forms.SelectMultiple(attrs={"size": 8}),
                help_text=_(
                    "A family tie, an employer, a mandate: anything that could sway your decisions about a city. A"
                    " member of the management unit tied to a city does not decide its grants; another member does."
                    " To choose several, hold Ctrl (⌘ on a Mac) while you click."
                ),
            )

    @property
    def ties_changed(self) -> bool:
        return "tied_cities" in self.fields and "tied_cities" in self.changed_data

    @property
    def mail_reply_changed(self) -> bool:
        return "mail_reply_visibility" in self.fields and "mail_reply_visibility" in self.changed_data

    @property
    def time_zone_changed(self) -> bool:
        return "time_zone" in self.changed_data

    @property
    def email_changed(self) -> bool:
        return "email" in self.changed_data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.email_changed and "email" in cleaned:
            password = cleaned.get("current_password") or ""
            if not password:
                self.add_error("current_password", _("Type your current password to change the e-mail address."))
            elif not password_checked(self.request, self.instance, password):
                self.add_error("current_password", _("This is not your current password."))
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class QueuedPasswordResetForm(PasswordResetForm):
    """Asks a task to send the link (``notifications.services.account``): the request itself neither looks the
    address up nor writes an e-mail, so its answer and its time say nothing of which accounts exist."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        enqueue_password_reset_on_commit(self.cleaned_data["email"])
