"""The network's people and membership, kept on the desk instead of the Django admin.

- ``Invitation``: a person asked to join with one role and scope (a city for a focal point, a hub for hub staff).
  The link it sends is ``<pk>-<HMAC of pk and nonce>`` (``helpdesk.services.invitations``): only the nonce is
  stored, so the database never holds a usable link, a task can rebuild the link from the row's id, and a
  resend (a new nonce) voids the earlier link.
- ``RetainedRead``: a former focal point's read access to a request they filed, kept at a handover when the
  city asks (read only: they no longer act for the city).
- ``PeopleLog``: the audit trail of everything done to people and city records (who, what, when, never a
  secret), written in the same transaction as the change.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models.choices import Language, Role
from helpdesk.models.geography import City, Region


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    # Hub staff: the hub and whether they lead it. A focal point: the city (its hub is the city's).
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("hub")
    )
    city = models.ForeignKey(
        City, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("city")
    )
    is_hub_lead = models.BooleanField(_("hub lead"), default=False)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.EN)
    message = models.TextField(_("personal note"), max_length=1000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    # An account already has this address: it gains the scope once its owner confirms (never a second account).
    existing_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations_received"
    )
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(_("times sent"), default=0)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [
            models.Index(fields=["email"], name="invitation_email"),
            models.Index(fields=["region", "-created_at"], name="invitation_region_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.FOCAL_POINT) | models.Q(city__isnull=False),
                name="invitation_focal_point_has_city",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.HUB_STAFF) | models.Q(region__isnull=False),
                name="invitation_hub_staff_has_hub",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    def status_at(self, now: datetime | None = None) -> str:
        """Where the invitation stands: accepted and revoked are for good; a pending one expires with time."""
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        moment = now or timezone.now()
        return InvitationStatus.EXPIRED if self.expires_at <= moment else InvitationStatus.PENDING

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING


class RetainedRead(models.Model):
    """A former focal point keeps reading a request they filed (the city asked for it at the handover)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retained_reads")
    request = models.ForeignKey("helpdesk.SupportRequest", on_delete=models.CASCADE, related_name="retained_reads")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kept read access")
        verbose_name_plural = _("kept read access")
        constraints = [models.UniqueConstraint(fields=["user", "request"], name="retained_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id} reads {self.request_id}"


class PeopleAction(models.TextChoices):
    INVITED = "invited", _("Invited")
    INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
    INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")
    SCOPE_ADDED = "scope_added", _("Role or scope added to an existing account")
    CITY_ADDED = "city_added", _("City added")
    CITY_CHANGED = "city_changed", _("City record changed")
    CITY_ANONYMITY = "city_anonymity", _("City's anonymity to experts changed")
    EXPERT_PROFILE_CHANGED = "expert_profile_changed", _("Expert profile changed")
    EXPERT_VETTING = "expert_vetting", _("Expert vetting changed")
    EXPERT_AVAILABILITY = "expert_availability", _("Expert's leave or standby changed")
    EXPERT_CONFLICTS_REVIEWED = "expert_conflicts_reviewed", _("Expert's declared conflicts reviewed")
    TIES_DECLARED = "ties_declared", _("Ties to cities declared")
    HUB_CALENDAR = "hub_calendar", _("Hub calendar changed")
    HANDOVER = "handover", _("Focal point handover")
    DEACTIVATED = "deactivated", _("Account deactivated")
    REACTIVATED = "reactivated", _("Account reactivated")


class PeopleLog(models.Model):
    """One change to a person, an invitation or a city record: append-only, never a secret (no link, no
    password, no code); ``detail`` holds the before and after of what changed, by field."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30, choices=PeopleAction.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="people_log"
    )
    city = models.ForeignKey(City, null=True, blank=True, on_delete=models.SET_NULL, related_name="people_log")
    # The hub the change belongs to, so that a hub's own history is one indexed read.
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="people_log")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="log")
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("people and membership change")
        verbose_name_plural = _("people and membership changes")
        indexes = [
            models.Index(fields=["person", "-created_at"], name="peoplelog_person_recent"),
            models.Index(fields=["region", "-created_at"], name="peoplelog_region_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"
