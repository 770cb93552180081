from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A regional hub: its team engages the cities of its region."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Planned hubs are inactive."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("regional hub")
        verbose_name_plural = _("regional hubs")

    def __str__(self) -> str:
        return self.name


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    country = models.CharField(_("country"), max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cities", verbose_name=_("hub"))
    is_member = models.BooleanField(_("member of the network"), default=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    anonymous_to_experts = models.BooleanField(
        _("keep the city anonymous to experts"),
        default=False,
        help_text=_("Experts see the region but not the city's name or country."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="city_unique_name_country")]
        indexes = [models.Index(fields=["region", "name"], name="city_region_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"
