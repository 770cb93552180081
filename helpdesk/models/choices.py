"""The network's vocabularies (DOMAIN.md): themes, kinds of support, priorities, levels."""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    AR = "ar", _("Arabic")


class Theme(models.TextChoices):
    INCIDENT_RESPONSE = "incident_response", _("City-led incident response")
    NATIONAL_LOCAL = "national_local", _("National-local cooperation")
    MULTI_AGENCY = "multi_agency", _("Multi-agency prevention frameworks")
    YOUNG_CITIES = "young_cities", _("Young Cities (youth engagement)")
    LOCAL_DEMOCRACY = "local_democracy", _("Transatlantic dialogue / safeguarding local democracy")
    GLOBAL_CRISES = "global_crises", _("Local impacts of global crises")
    OTHER = "other", _("Other")


class SupportKind(models.TextChoices):
    ADVICE = "advice", _("Help-desk advice")
    EXPERT = "expert", _("Expert consultation")
    TRAINING = "training", _("Tailored training / capacity building")
    PEER_EXCHANGE = "peer_exchange", _("Peer exchange with another city")
    FUND = "fund", _("Technical support fund grant")


class StrategicPriority(models.IntegerChoices):
    CITY_EXCHANGE = 1, _("City-to-city exchange")
    NATIONAL_LOCAL = 2, _("National-local coordination")
    MANDATES = 3, _("Mandates and programmes in cities")
    YOUTH = 4, _("Engagement between cities and young people")
    MAYORS_VOICE = 5, _("Voice and leadership of mayors")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Sensitivity(models.TextChoices):
    SHAREABLE = "shareable", _("Shareable")
    RESTRICTED = "restricted", _("Restricted")


class Visibility(models.TextChoices):
    CITY = "city", _("Shared with the city")
    INTERNAL = "internal", _("Internal to hub and management")
    EXPERT = "expert", _("Expert channel")


class RequestState(models.TextChoices):
    """The lifecycle's states; the transitions between them live in ``workflows``."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("Information requested")
    EXPERT_MATCHING = "expert_matching", _("Expert matching")
    FUNDING_REVIEW = "funding_review", _("Funding review")
    IN_DELIVERY = "in_delivery", _("In delivery")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


TERMINAL_STATES = frozenset({RequestState.CLOSED, RequestState.DECLINED, RequestState.WITHDRAWN})


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"


class Role(models.TextChoices):
    """Django groups, one per role; scope (cities, region) is carried by foreign keys."""

    FOCAL_POINT = "focal_point", _("City focal point")
    HUB_STAFF = "hub_staff", _("Hub staff")
    EXPERT = "expert", _("Expert")
    MANAGEMENT = "management", _("Management unit")
    STEERING = "steering", _("Steering committee")


HUB_LEAD_LABEL = _("Hub lead")


def role_label(role: str, *, hub_lead: bool = False) -> str:
    """A role as a person reads it, in the active language: hub staff who lead their hub are named so (the
    people list, a person's page, an invitation and its e-mail all say it this way)."""
    if role == Role.HUB_STAFF and hub_lead:
        return str(HUB_LEAD_LABEL)
    return str(Role(role).label)


def in_choice_order(choices: type[models.Choices], values: Iterable[object]) -> list[str]:
    """The codes among ``values`` that ``choices`` knows, once each, in the catalogue's own order: a list kept in
    a JSON column (a city's languages, an expert's themes) reads and compares the same whatever order it came in."""
    wanted = {str(value) for value in values}
    return [str(code) for code in choices.values if str(code) in wanted]


def choice_labels(choices: type[models.Choices], values: Iterable[object]) -> list[str]:
    """The labels of ``values`` in the active language, in the catalogue's order (``in_choice_order``)."""
    wanted = {str(value) for value in values}
    return [str(label) for code, label in choices.choices if str(code) in wanted]
