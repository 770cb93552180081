"""The forms of the notification pages; each lists exactly the fields it reads."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import User


class WatchForm(forms.Form):
    ADD = "add"
    REMOVE = "remove"

    action = forms.ChoiceField(choices=[(ADD, _("Add")), (REMOVE, _("Remove"))])
    user = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), label=_("Colleague"))
