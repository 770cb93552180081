from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.choices import Language, Role
from helpdesk.models.geography import City, Region


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

    class Meta(AbstractUser.Meta):
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

    def has_role(self, role: str) -> bool:
        """Cached per instance: pages ask several times per request."""
        roles = getattr(self, "_role_cache", None)
        if roles is None:
            roles = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_cache = roles
        return role in roles

    @property
    def role_names(self) -> list[str]:
        return [role for role in Role.values if self.has_role(role)]


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
