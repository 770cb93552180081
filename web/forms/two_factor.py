"""Forms of the second factor: a code from the app, a recovery code, the password that confirms a change."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.models import User
from web.two_factor import password_checked

CODE_ATTRS = {
    "inputmode": "numeric",
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "spellcheck": "false",
    "dir": "ltr",
    "pattern": "[0-9 ]*",
    "maxlength": "9",
}
RECOVERY_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "spellcheck": "false",
    "dir": "ltr",
    "maxlength": "24",
}


def app_code_clean(value: str) -> str:
    code = re.sub(r"\s", "", value)
    if not re.fullmatch(r"[0-9]{6,8}", code):
        raise forms.ValidationError(_("Type the 6 digits your authenticator app shows."), code="format")
    return code


def recovery_code_clean(value: str) -> str:
    return re.sub(r"[\s-]", "", value).lower()


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=9,
        widget=forms.TextInput(attrs={**CODE_ATTRS, "autofocus": True}),
    )

    def clean_code(self) -> str:
        return app_code_clean(self.cleaned_data["code"])


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=24,
        widget=forms.TextInput(attrs={**RECOVERY_ATTRS, "autofocus": True}),
        help_text=_("One of the codes you kept when you turned on two-step sign-in. Each works once."),
    )

    def clean_code(self) -> str:
        return recovery_code_clean(self.cleaned_data["code"])


class PasswordConfirmForm(forms.Form):
    """The current password, checked (and wrong ones counted) as the form is cleaned."""

    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not password_checked(self.request, self.user, password):
            raise forms.ValidationError(_("This is not your current password."), code="wrong_password")
        return password


class RemoveForm(PasswordConfirmForm):
    """Removing the second factor: the password and a code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("A code from your authenticator app, or a recovery code"),
        max_length=24,
        widget=forms.TextInput(attrs={**RECOVERY_ATTRS, "inputmode": "text"}),
    )

    def clean_code(self) -> str:
        return recovery_code_clean(self.cleaned_data["code"])
