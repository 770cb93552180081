"""The network's key indicators: what its support aims to change in a city, per strategic priority.

The catalogue is the management unit's (kept in the admin). Requests name the indicators their support aims to
move, and the lifecycle records the values reached (``workflows.models.outcomes``); a value is always read in
its indicator's unit, so a report can add counts, average percentages and count "yes" answers.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.models.choices import StrategicPriority
from helpdesk.models.geography import localized_name

# The largest count anyone records (staff trained, young people engaged): more is a typing slip.
MAX_COUNT = Decimal("1000000000")


class IndicatorUnit(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENTAGE = "percentage", _("Percentage")
    YES_NO = "yes_no", _("Yes or no")
    SCALE = "scale", _("Scale from 1 to 5")


class Indicator(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True, help_text=_("A short stable name for exports."))
    priority = models.PositiveSmallIntegerField(_("strategic priority"), choices=StrategicPriority.choices)
    name = models.CharField(_("name"), max_length=160)
    name_fr = models.CharField(_("name in French"), max_length=160, blank=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=160, blank=True)
    definition = models.TextField(_("definition"))
    definition_fr = models.TextField(_("definition in French"), blank=True)
    definition_ar = models.TextField(_("definition in Arabic"), blank=True)
    unit = models.CharField(_("unit"), max_length=12, choices=IndicatorUnit.choices)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Retired indicators keep their values but are no longer offered.")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["priority", "position", "code"]
        verbose_name = _("key indicator")
        verbose_name_plural = _("key indicators")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        """The name in the reader's language (English where that translation is missing)."""
        return localized_name(self.name, self.name_fr, self.name_ar)

    @property
    def localized_definition(self) -> str:
        return localized_name(self.definition, self.definition_fr, self.definition_ar)

    def clean_value(self, raw: Any) -> Decimal:
        """``raw`` as a value of this indicator, or ``ValueError`` with a message in the reader's language."""
        return indicator_value(self.unit, raw)


def indicator_value(unit: str, raw: Any) -> Decimal:
    """A value in ``unit``: a whole count, a percentage from 0 to 100, yes (1) or no (0), a 1-to-5 scale."""
    if isinstance(raw, bool):
        raw = int(raw)
    if isinstance(raw, float):
        raw = str(raw)
    try:
        value = Decimal(str(raw).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_gettext("Enter a number.")) from None
    if not value.is_finite():
        raise ValueError(_gettext("Enter a number."))
    if unit == IndicatorUnit.COUNT:
        if value < 0 or value != value.to_integral_value() or value > MAX_COUNT:
            raise ValueError(_gettext("Enter a whole number of 0 or more."))
        return value.quantize(Decimal("1"))
    if unit == IndicatorUnit.PERCENTAGE:
        if not Decimal("0") <= value <= Decimal("100"):
            raise ValueError(_gettext("Enter a percentage from 0 to 100."))
        return value.quantize(Decimal("0.1"))
    if unit == IndicatorUnit.YES_NO:
        if value not in (Decimal("0"), Decimal("1")):
            raise ValueError(_gettext("Answer yes or no."))
        return value.quantize(Decimal("1"))
    if unit == IndicatorUnit.SCALE:
        if value not in {Decimal(n) for n in range(1, 6)}:
            raise ValueError(_gettext("Choose from 1 to 5."))
        return value.quantize(Decimal("1"))
    raise ValueError(_gettext("Enter a number."))
