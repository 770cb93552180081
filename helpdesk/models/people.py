from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from helpdesk.models.access import AttachmentShare, SupportRequestUserObjectPermission
from helpdesk.models.choices import Language, Role
from helpdesk.models.geography import City, Region

# Where ``helpdesk.access.people_prime`` puts what it reads for many people at once: an expert's suspension
# (the profile if suspended, else None) and their view grants.
PRIMED_SUSPENSION = "primed_suspension"
PRIMED_GRANTS = "primed_view_grants"
PRIMED_RETAINED = "primed_retained_reads"
VIEW_GRANT = "view_supportrequest"
# Where ``User.shared_attachment_ids`` keeps what it knows, by request (an attribute, forgotten with the rest).
SHARED_FILES = "shared_files_by_request"


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail me immediately")
    DIGEST = "digest", _("One daily digest e-mail")
    IN_APP = "in_app", _("In the desk only, no e-mail")


class User(AbstractUser):
    """A person using the desk. The role is a Django group; the scope is a plain relation.

    Scoping a query is then a join (``city__in=user.cities``, ``region=user.region``), never one
    permission row per object and user.
    """

    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.EN
    )
    notification_mode = models.CharField(
        _("notifications"), max_length=12, choices=NotificationMode.choices, default=NotificationMode.IMMEDIATE
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    cities = models.ManyToManyField(
        City, blank=True, related_name="focal_points", verbose_name=_("cities (focal point)")
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
        verbose_name=_("hub (hub staff)"),
    )
    is_hub_lead = models.BooleanField(_("hub lead"), default=False)
    # An IANA zone name ("Africa/Nairobi"); empty means the hub's or city's (``helpdesk.selectors.people``).
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Cities this person declared a tie to (family, employer, a mandate): a management-unit member may not
    # decide a grant for them (``workflows.checks``).
    tied_cities = models.ManyToManyField(
        City, blank=True, related_name="tied_people", verbose_name=_("cities I am tied to")
    )
    # Where a reply by e-mail from hub staff or the management unit lands (``notifications.inbound``): an
    # internal note unless they chose the city's channel. A city's reply is always to the hub; an expert's on
    # their own channel.
    mail_reply_visibility = models.CharField(
        _("my replies by e-mail"),
        max_length=12,
        choices=[("internal", _("An internal note to the hub")), ("city", _("A message to the city"))],
        default="internal",
    )

    # Django documents extending an abstract parent's Meta this way; django-stubs declares no AbstractUser.Meta.
    class Meta(AbstractUser.Meta):  # type: ignore[name-defined]
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name(self.first_name, self.last_name, self.username)

    @staticmethod
    def display_name(first_name: str, last_name: str, username: str) -> str:
        """How a person is named on pages: their full name, else their username (lists read just these
        three columns instead of whole rows)."""
        return f"{first_name} {last_name}".strip() or username

    # What deciding access needs to know about a person (``helpdesk.access``), each read once per instance: a
    # User lives for one HTTP request or one task, so a change (a role, a suspension, a grant) counts from the
    # next one on, and ``access_changed`` forgets them at once. Each reads a relation that
    # ``helpdesk.access.people_prime`` can fetch for many people in one query.
    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(group.name for group in self.groups.all()) if self.pk else frozenset()

    @cached_property
    def focal_city_ids(self) -> frozenset[int]:
        """The cities this person is a focal point of."""
        if Role.FOCAL_POINT not in self.roles:
            return frozenset()
        return frozenset(city.pk for city in self.cities.all())

    @cached_property
    def expert_in_good_standing(self) -> bool:
        """An expert of the pool whose vetting is not suspended (suspension cuts every grant at once)."""
        if Role.EXPERT not in self.roles:
            return False
        if hasattr(self, PRIMED_SUSPENSION):
            return getattr(self, PRIMED_SUSPENSION) is None
        suspended = ExpertProfile.objects.filter(user_id=self.pk, vetting_status=ExpertProfile.Vetting.SUSPENDED)
        return not suspended.exists()

    @cached_property
    def granted_request_ids(self) -> frozenset[int]:
        """The requests this expert was let into (the django-guardian view permission, granted on proposal)."""
        if not self.expert_in_good_standing:
            return frozenset()
        primed = getattr(self, PRIMED_GRANTS, None)
        if primed is not None:
            return frozenset(grant.content_object_id for grant in primed)
        return frozenset(
            SupportRequestUserObjectPermission.objects.filter(
                user_id=self.pk, permission__codename=VIEW_GRANT
            ).values_list("content_object_id", flat=True)
        )

    @cached_property
    def retained_request_ids(self) -> frozenset[int]:
        """The requests this former focal point still reads (``RetainedRead``, kept at a handover). A handover
        leaves the former focal point their role (without the city), so nobody else's access reads it."""
        if Role.FOCAL_POINT not in self.roles:
            return frozenset()
        primed = getattr(self, PRIMED_RETAINED, None)
        if primed is not None:
            return frozenset(row.request_id for row in primed)
        return frozenset(self.retained_reads.values_list("request_id", flat=True))

    def shared_attachment_ids(self, request_id: int) -> frozenset[int]:
        """The city files of one request the hub shared with this expert: read once per request, unless the read
        of the request's files already told (``shared_attachments_known``)."""
        known: dict[int, frozenset[int]] = self.__dict__.setdefault(SHARED_FILES, {})
        if request_id not in known:
            ids: frozenset[int] = frozenset()
            if self.expert_in_good_standing:
                live = AttachmentShare.objects.filter(
                    expert_id=self.pk, revoked_at=None, attachment__request_id=request_id
                )
                ids = frozenset(live.values_list("attachment_id", flat=True))
            known[request_id] = ids
        return known[request_id]

    def shared_attachments_known(self, request_id: int, ids: Iterable[int]) -> None:
        """Every city file of the request shared with this expert, as a read of its files found them."""
        self.__dict__.setdefault(SHARED_FILES, {})[request_id] = frozenset(ids)

    def access_changed(self) -> None:
        """Forget what was read about this person's access (after a grant, a revocation or a role change)."""
        primed = (PRIMED_SUSPENSION, PRIMED_GRANTS, PRIMED_RETAINED)
        names = (
            "roles",
            "focal_city_ids",
            "expert_in_good_standing",
            "granted_request_ids",
            "retained_request_ids",
            SHARED_FILES,
        )
        for name in (*names, *primed):
            with contextlib.suppress(AttributeError):
                delattr(self, name)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_names(self) -> list[str]:
        return [role for role in Role.values if role in self.roles]


class ExpertProfile(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        LIMITED = "limited", _("Limited")
        UNAVAILABLE = "unavailable", _("Unavailable")

    class Vetting(models.TextChoices):
        PENDING = "pending", _("Pending")
        VETTED = "vetted", _("Vetted")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="expert_profile")
    themes = models.JSONField(_("themes"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    regions = models.ManyToManyField(Region, blank=True, related_name="experts", verbose_name=_("regions"))
    bio = models.TextField(_("short bio"), max_length=2000, blank=True)
    availability = models.CharField(
        _("availability"), max_length=12, choices=Availability.choices, default=Availability.AVAILABLE
    )
    max_concurrent_assignments = models.PositiveSmallIntegerField(_("maximum concurrent assignments"), default=3)
    vetting_status = models.CharField(_("vetting"), max_length=10, choices=Vetting.choices, default=Vetting.PENDING)
    # The management unit's last vetting decision: why (a suspension always says why), who and when.
    vetting_reason = models.TextField(_("reason"), max_length=1000, blank=True)
    vetted_at = models.DateTimeField(_("vetting decided"), null=True, blank=True)
    vetted_by = models.ForeignKey(
        "helpdesk.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    nominated_by = models.ForeignKey(
        "helpdesk.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nominated by"),
    )
    # Standing conflicts of interest the expert declared: cities and countries they must not advise, and
    # organisations they are tied to (matching leaves them out for those cities).
    conflict_cities = models.ManyToManyField(
        City, blank=True, related_name="conflicted_experts", verbose_name=_("cities I must not advise")
    )
    conflict_countries = models.JSONField(_("countries I must not advise"), default=list, blank=True)
    conflict_organisations = models.TextField(_("organisations I am tied to"), max_length=1000, blank=True)
    updated_at = models.DateTimeField(_("profile updated"), null=True, blank=True)
    # When the standing conflicts last changed, and the management unit's last review of them: a change after
    # the review is shown as waiting for one.
    conflicts_updated_at = models.DateTimeField(_("conflicts declared"), null=True, blank=True)
    conflicts_reviewed_at = models.DateTimeField(_("conflicts reviewed"), null=True, blank=True)
    conflicts_reviewed_by = models.ForeignKey(
        "helpdesk.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("conflicts reviewed by"),
    )

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_concurrent_assignments__gte=1), name="expert_capacity_at_least_one"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class ExpertPeriod(models.Model):
    """A stretch of days in an expert's availability: on leave (matching leaves them out), or on standby for
    incident response (matching lists them first on a fast-track request of their regions and languages)."""

    class Kind(models.TextChoices):
        LEAVE = "leave", _("On leave")
        STANDBY = "standby", _("On standby for incident response")

    expert = models.ForeignKey(User, on_delete=models.CASCADE, related_name="availability_periods")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until (included)"))
    # A standby's reach: the hubs and languages it covers (empty: all of the expert's own).
    regions = models.ManyToManyField(Region, blank=True, related_name="+", verbose_name=_("regions"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        ordering = ["expert", "starts_on", "id"]
        verbose_name = _("expert availability period")
        verbose_name_plural = _("expert availability periods")
        indexes = [models.Index(fields=["kind", "ends_on", "starts_on"], name="expertperiod_kind_dates")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="expertperiod_order")
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.kind} {self.starts_on}–{self.ends_on}"
