"""Peer exchange: the hub introduces a city that asked for a peer exchange to a city that has done it before.

The introduction is made only when both cities' focal points accept; until then neither city learns the
other's name from it (and a city anonymous to experts is never named without its own acceptance). Once made,
the exchange is the asking request's support: it is delivered, evaluated and measured like any other.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, SupportRequest


class Answer(models.TextChoices):
    PENDING = "", _("Not answered yet")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class PeerIntroduction(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        MADE = "made", _("Made: both cities accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn by the hub")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="peer_introductions")
    peer_city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="peer_introductions_received", verbose_name=_("peer city")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Why the hub thinks the two cities should talk: read by both focal points.
    note = models.TextField(_("note to both cities"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed"))
    # The asking city's answer, and the peer city's.
    asking_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default=Answer.PENDING)
    asking_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    asking_at = models.DateTimeField(null=True, blank=True)
    peer_answer = models.CharField(max_length=10, choices=Answer.choices, blank=True, default=Answer.PENDING)
    peer_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    peer_at = models.DateTimeField(null=True, blank=True)
    made_at = models.DateTimeField(_("made"), null=True, blank=True)

    class Meta:
        ordering = ["request", "proposed_at", "id"]
        verbose_name = _("peer introduction")
        verbose_name_plural = _("peer introductions")
        constraints = [
            models.UniqueConstraint(fields=["request", "peer_city"], name="peer_intro_once_per_city"),
        ]
        indexes = [models.Index(fields=["peer_city", "status"], name="peer_intro_peer_status")]

    def __str__(self) -> str:
        return f"{self.request_id} → {self.peer_city_id} ({self.status})"
