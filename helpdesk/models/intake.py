"""How often the new-request form's suggestions answered a city before it filed ("deflection").

One row per form session that showed suggestions, keyed by a random id the form carries. It holds no person, no
city and nothing typed: only when suggestions were first shown, whether one was opened, and whether a request was
then kept (saved or submitted) from that same form.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IntakeSession(models.Model):
    key = models.UUIDField(unique=True, editable=False)
    shown_at = models.DateTimeField(_("suggestions shown"), default=timezone.now)
    opened = models.PositiveIntegerField(_("suggestions opened"), default=0)
    filed_at = models.DateTimeField(_("request filed"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake session")
        verbose_name_plural = _("intake sessions")
        indexes = [models.Index(fields=["shown_at"], name="intake_shown")]

    def __str__(self) -> str:
        return str(self.key)
