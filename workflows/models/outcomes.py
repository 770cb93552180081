"""What a request's support aimed to change and what it changed: planned → delivered → sustained.

When the hub routes a request it names the key indicators (``helpdesk.models.Indicator``) the support aims to
move, with a baseline and a target where they apply (``OutcomeTarget``). The delivery report records the values
reached, the city's evaluation confirms them, and each follow-up months later adds the values still standing
(``OutcomeValue``, one per stage). A follow-up the city never answered stays without values: it is counted as
missing, never filled in. A request on the incident fast track has check-ins after the incident instead (the same
``FollowUp``, of its own kind, from two weeks after delivery), asked even when no indicator was planned.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Indicator, SupportRequest


class OutcomeTarget(models.Model):
    """One indicator a request's support aims to move, planned when the hub routes it."""

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="outcome_targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request_id", "indicator__priority", "indicator__position", "indicator_id"]
        verbose_name = _("planned outcome")
        verbose_name_plural = _("planned outcomes")
        constraints = [models.UniqueConstraint(fields=["request", "indicator"], name="outcome_one_per_indicator")]
        indexes = [models.Index(fields=["indicator", "request"], name="outcome_indicator_request")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.indicator_id}"


class FollowUp(models.Model):
    """The question set a city is asked some time after delivery: an outcome follow-up (are the results still
    there?) or, for a request on the incident fast track, a check-in after the incident (how is the city
    recovering, what does it still need?). Its point after delivery is ``months`` calendar months or ``days``
    days, one of the two (``workflows.follow_ups``)."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", _("Follow-up")
        INCIDENT = "incident", _("Check-in after the incident")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the city's answer")
        ANSWERED = "answered", _("Answered")
        MISSED = "missed", _("Not answered")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="follow_ups")
    # Defaults in the database too: rows written straight to the table (the scale seeder) are outcome ones in months.
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.OUTCOME, db_default=Kind.OUTCOME
    )
    months = models.PositiveSmallIntegerField(_("months after delivery"), default=0, db_default=0)
    days = models.PositiveSmallIntegerField(_("days after delivery"), default=0, db_default=0)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("asked on"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded on"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)  # answered, or counted as missing
    # The city's own words on what changed since (a check-in: how it is recovering), sanitised HTML, shown to
    # those who may read the request.
    what_changed = models.TextField(_("what changed"), blank=True)
    # A check-in after an incident: what the city said it still needs (sanitised HTML).
    still_needed = models.TextField(_("what is still needed"), blank=True, db_default="")

    class Meta:
        ordering = ["request_id", "months", "days"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            # One follow-up per request and point in time: the job that asks can run twice.
            models.UniqueConstraint(fields=["request", "months", "days"], name="followup_one_per_point"),
            # A point is whole months or, under four weeks, days (so months then days is the order in time).
            models.CheckConstraint(
                condition=models.Q(months__gt=0, days=0) | models.Q(months=0, days__gt=0, days__lt=28),
                name="followup_point_months_or_days",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "opened_at"], name="followup_status_opened"),
            # Whether a request has a follow-up awaiting the city (``follow_up_awaited``, per line of the city's
            # list): without it SQLite walked every open follow-up of the network for each line (the city home
            # took 144 ms at 100,000 requests in `make bench`; 23 ms with it).
            models.Index(fields=["request", "status"], name="followup_request_status"),
            models.Index(fields=["due_on", "status"], name="followup_due_status"),
        ]

    def __str__(self) -> str:
        point = f"+{self.months}m" if self.months else f"+{self.days}d"
        return f"{self.request_id} {point} ({self.status})"


class OutcomeValue(models.Model):
    """A value of a planned indicator at one stage: reported at delivery, confirmed by the city, or sustained
    (answered in a follow-up)."""

    class Stage(models.TextChoices):
        DELIVERED = "delivered", _("Reached at delivery")
        CONFIRMED = "confirmed", _("Confirmed by the city")
        SUSTAINED = "sustained", _("Still there at a follow-up")

    target = models.ForeignKey(OutcomeTarget, on_delete=models.CASCADE, related_name="values")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    follow_up = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_id", "recorded_at", "id"]
        verbose_name = _("outcome value")
        verbose_name_plural = _("outcome values")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "stage"],
                condition=models.Q(follow_up__isnull=True),
                name="outcomevalue_one_per_stage",
            ),
            models.UniqueConstraint(
                fields=["target", "follow_up"],
                condition=models.Q(follow_up__isnull=False),
                name="outcomevalue_one_per_followup",
            ),
            # A follow-up's values are the sustained ones, and only they come from a follow-up.
            models.CheckConstraint(
                condition=models.Q(stage="sustained", follow_up__isnull=False)
                | (~models.Q(stage="sustained") & models.Q(follow_up__isnull=True)),
                name="outcomevalue_sustained_has_followup",
            ),
        ]
        indexes = [models.Index(fields=["stage", "recorded_at"], name="outcomevalue_stage_recorded")]

    def __str__(self) -> str:
        return f"{self.target_id} {self.stage} {self.value}"
