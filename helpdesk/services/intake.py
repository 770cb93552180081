"""The new-request form's deflection counts: suggestions shown, one opened, a request then filed.

A form session is the random id the form carries (``web.intake``); nothing about the person or what they typed is
kept. Each write is one statement (its own transaction: no ``atomic`` around it, the form's script asks for
suggestions at every pause in typing), safe to repeat: showing suggestions again in the same session, or opening a
second one, changes no figure but the count of openings.
"""

from __future__ import annotations

import uuid

from django.db.models import F
from django.utils import timezone

from helpdesk.models import IntakeSession


def intake_shown(*, key: uuid.UUID) -> None:
    """Suggestions were shown in form session ``key`` (recorded once, the first time)."""
    if not IntakeSession.objects.filter(key=key).exists():
        IntakeSession.objects.bulk_create([IntakeSession(key=key)], ignore_conflicts=True)


def intake_opened(*, key: uuid.UUID) -> None:
    """A suggestion was opened from form session ``key``."""
    if not IntakeSession.objects.filter(key=key).update(opened=F("opened") + 1):
        IntakeSession.objects.bulk_create([IntakeSession(key=key, opened=1)], ignore_conflicts=True)


def intake_filed(*, key: uuid.UUID) -> None:
    """A request was kept (saved or submitted) from form session ``key``; a session that showed no suggestion
    has no row and stays out of the figures."""
    IntakeSession.objects.filter(key=key, filed_at__isnull=True).update(filed_at=timezone.now())
