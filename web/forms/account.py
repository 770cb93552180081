"""Forms of a person's own account: profile, preferences, language, password reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from helpdesk.models import User


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class LocalisedPasswordResetForm(PasswordResetForm):
    """Writes the reset e-mail in the recipient's own language, whatever the visitor's browser says."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name
            )
