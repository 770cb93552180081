import functools
import unicodedata

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField


def localized_name(name: str, name_fr: str = "", name_ar: str = "", *, language: str | None = None) -> str:
    """A name in ``language`` (the active language by default), or the English name where none was given.

    A plain function as well as ``Region.localized_name``: the fast lists read hubs' names as tuples.
    """
    language = (language or translation.get_language() or "en").split("-")[0]
    return {"fr": name_fr, "ar": name_ar}.get(language) or name


def country_name(code: str) -> str:
    """A country's name in the active language (django-countries' catalogues); the code itself if unknown.

    Kept per language: the library works each name out anew (40 µs), and a list or an export names a
    country on every line."""
    return _country_name(str(code), translation.get_language() or "en") if code else ""


@functools.lru_cache(maxsize=4096)
def _country_name(code: str, language: str) -> str:
    with translation.override(language):
        return str(countries.name(code)) or code


def name_key(name: str) -> str:
    """How names are ranked in a list: without case or accents, so "États-Unis" sits among the E."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(ch))


def default_working_days() -> list[int]:
    """Monday to Friday, as ISO weekday numbers."""
    return [1, 2, 3, 4, 5]


class Region(models.Model):
    """A regional hub: its team engages the cities of its region."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name in English"), max_length=120)
    # The network works in English, French and Arabic: a hub is named in each (English where one is missing).
    name_fr = models.CharField(_("name in French"), max_length=120, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=120, blank=True)
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Planned hubs are inactive."))
    # The hub's calendar (``workflows.calendar``): its deadlines count in its own time zone, on its own working
    # week (ISO weekday numbers, Monday = 1), skipping the public holidays of each request's country and the
    # closure days the hub enters (``HubClosure``).
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    working_days = models.JSONField(_("working days"), default=default_working_days)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regional hub")
        verbose_name_plural = _("regional hubs")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The hub's name in the reader's (active) language."""
        return localized_name(self.name, self.name_fr, self.name_ar)


class City(models.Model):
    name = models.CharField(_("name"), max_length=120)
    # An ISO 3166 code: its name is shown in the reader's language (django-countries' catalogues).
    country = CountryField(_("country"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cities", verbose_name=_("hub"))
    is_member = models.BooleanField(_("member of the network"), default=True)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    # The network's rules: a member city accepts the guiding principles and designates its focal point(s).
    principles_accepted_on = models.DateField(_("guiding principles accepted on"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    anonymous_to_experts = models.BooleanField(
        _("keep the city anonymous to experts"),
        default=False,
        help_text=_("Experts see the region but not the city's name or country."),
    )
    # The themes on which the city agreed to be contacted by another city for a peer exchange (its focal
    # point's choice); empty means it is not suggested as a peer.
    peer_contact_themes = models.JSONField(_("open to peer exchanges on"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="city_unique_name_country")]
        indexes = [models.Index(fields=["region", "name"], name="city_region_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.name})"


class CityPeerConsentLog(models.Model):
    """One change of the themes on which a city agreed to be contacted for a peer exchange: who chose, when,
    and the whole choice before and after.

    The city's consent to be contacted by other cities is its own decision, made by one of its focal points
    on its behalf: an append-only row per change is the plainest record of it (the request trail is about one
    request, a resource's history about one resource, the access log about who read what).
    """

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="peer_consent_log", verbose_name=_("city"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    themes_before = models.JSONField(_("themes before"), default=list, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    created_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["city", "-created_at", "-id"]
        verbose_name = _("peer exchange consent change")
        verbose_name_plural = _("peer exchange consent changes")

    def __str__(self) -> str:
        return f"{self.city_id}: {self.themes_before} → {self.themes}"


class HubClosure(models.Model):
    """A day the hub is closed beyond its working week and its countries' public holidays (a retreat, a local
    holiday the holidays library does not know): no deadline of the hub's falls on it."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="closures", verbose_name=_("hub"))
    day = models.DateField(_("day"))
    name = models.CharField(_("why the hub is closed"), max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["region", "day"]
        verbose_name = _("hub closure day")
        verbose_name_plural = _("hub closure days")
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="hubclosure_one_per_day")]

    def __str__(self) -> str:
        return f"{self.region_id}: {self.day}"
