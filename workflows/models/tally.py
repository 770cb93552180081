"""The maintained tally of filed requests that the figures pages read instead of scanning every request.

One row per (measure, dimension, month, value): how many requests that month *were filed* with that region,
theme, state or strategic priority, *were closed*, *were first triaged* or *were delivered* (with a delivery's
support kind), and, for the two durations the pages give medians of, how many took each rounded duration
(``workflows.tally.duration_bucket``). ``workflows.tally`` keeps it in step with every move in the move's own
transaction, rebuilds it from the requests and checks it against a recount.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestTally(models.Model):
    class Measure(models.TextChoices):
        FILED = "filed", _("filed")  # by the month the request was created in
        CLOSED = "closed", _("closed")
        TRIAGED = "triaged", _("first triaged")
        DELIVERED = "delivered", _("delivered")
        # The needs map's (``workflows.needs``): filed requests by hub (the dimension), filing month, country,
        # theme and how they stand today; and the rounded time to first answer of those answered, by theme.
        NEED = "need", _("needed")
        NEED_ANSWER = "need_answer", _("answered need")

    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    # "region", "theme", "state", "priority" or "kind" (a count per value), "duration" (a count per rounded
    # duration in minutes), "" (the measure's count), or a hub's id (the needs map's measures, whose value is
    # "country:theme:outcome" or "theme:minutes").
    dimension = models.CharField(_("dimension"), max_length=12, blank=True)
    month = models.DateField(_("month"))  # its first day, in the desk's time zone (TIME_ZONE)
    value = models.CharField(_("value"), max_length=24, blank=True)
    n = models.BigIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("request tally")
        verbose_name_plural = _("request tallies")
        constraints = [
            # One row per cell: moves add to it (``workflows.tally.tally_apply``) and a reading sums a range of
            # months of one measure and dimension, in this order.
            models.UniqueConstraint(fields=["measure", "dimension", "month", "value"], name="tally_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.dimension}={self.value} {self.month:%Y-%m}: {self.n}"
