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
        # The needs map's (``workflows.needs``), by hub (the dimension): the filed requests by quarter, country,
        # theme and how they stand today (the exports' lines); the same by year (the page's table), and by quarter
        # and outcome alone (its chart); and the rounded times to first answer of those answered, by year and
        # theme and by quarter (the page's medians). Each reading is then a few rows per line it shows.
        NEED = "need", _("needed")
        NEED_YEAR = "need_year", _("needed in the year")
        NEED_QUARTER = "need_qtr", _("needed in the quarter")
        ANSWER_YEAR = "answer_year", _("answered need in the year")
        ANSWER_QUARTER = "answer_qtr", _("answered need in the quarter")

    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    # "region", "theme", "state", "priority" or "kind" (a count per value), "duration" (a count per rounded
    # duration in minutes), "" (the measure's count), or a hub's id (the needs map's measures, whose value is
    # "country:theme:outcome", "outcome", "theme:minutes" or "minutes"; "*" for the page's cells of every hub).
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
        indexes = [
            # The figures' reading (``tally_sums``) in the order it groups, holding every column it reads: SQLite
            # answers from the index alone without sorting (20 ms at 100,000 requests without it, 2 ms with).
            models.Index(fields=["measure", "dimension", "value", "month", "n"], name="tally_read"),
            # The needs map's reading of one year (``workflows.tally._need_cells``), holding what it reads: the
            # index above reads every year of a hub's cells to keep one year's (at 100,000 requests, 6,155 cells
            # for a hub's 1,899 of the year).
            models.Index(fields=["measure", "dimension", "month", "value", "n"], name="tally_period"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.dimension}={self.value} {self.month:%Y-%m}: {self.n}"


class OutcomeTally(models.Model):
    """The outcome figures (``workflows.outcome_stats``) kept per month of the requests they belong to, so the
    figures pages add up a few hundred rows instead of every target, value and follow-up.

    One row per (month, indicator, point, measure, due date, fund): ``n`` rows counted and ``total`` the sum of their
    values in hundredths (values have two decimals: an integer sum stays exact on every database).
    ``workflows.tally_outcomes`` keeps it in step with the moves that write outcomes, in their transaction.
    """

    class Measure(models.TextChoices):
        PLANNED = "planned", _("planned")
        DELIVERED = "delivered", _("reported at delivery")
        CONFIRMED = "confirmed", _("confirmed by the city")
        # Whether the final value (confirmed, else delivered) reached the target, for each reading of it: the
        # indicator's unit and direction are read with the figures, so an edit of the catalogue changes no cell.
        AT_LEAST = "at_least", _("final value at or above the target")
        AT_MOST = "at_most", _("final value at or below the target")
        FINAL_YES = "final_yes", _("final value yes")
        ASKED = "asked", _("follow-ups asked")
        ANSWERED = "answered", _("follow-ups answered")
        MISSED = "missed", _("follow-ups missed")
        # Still open, by due date: missing once the date is past, which a reading decides (it changes daily).
        OPEN = "open", _("follow-ups open")
        SUSTAINED = "sustained", _("values sustained")
        YES = "yes", _("answered yes")
        # The city's evaluations, by the month they were made in (not the request's): ``total`` sums the ratings.
        RATED = "rated", _("evaluations")
        # Of those, the ones whose city would recommend the support (the annual report's share).
        RECOMMENDED = "recommended", _("would recommend")

    # The month the request was filed in (first day, in the desk's time zone); for RATED and RECOMMENDED, the
    # evaluation's.
    month = models.DateField(_("month"))
    indicator = models.PositiveIntegerField(_("indicator"), default=0)  # 0: every indicator (overall follow-ups)
    point = models.PositiveSmallIntegerField(_("months after delivery"), default=0)  # 0: not a follow-up figure
    measure = models.CharField(_("measure"), max_length=12, choices=Measure.choices)
    due_on = models.DateField(_("due on"), null=True, blank=True)  # OPEN only
    # 0: the cell counts every request; else the fund envelope of the approved grant that paid for the requests it
    # counts (each funded request counts in both: a donor's grant report reads its envelopes' cells).
    fund = models.PositiveIntegerField(_("fund envelope"), default=0)
    n = models.BigIntegerField(_("count"), default=0)
    total = models.BigIntegerField(_("sum in hundredths"), default=0)

    class Meta:
        verbose_name = _("outcome tally")
        verbose_name_plural = _("outcome tallies")
        constraints = [
            # One row per cell (a NULL due date is never equal to another, hence two constraints).
            models.UniqueConstraint(
                fields=["fund", "month", "indicator", "point", "measure"],
                condition=models.Q(due_on__isnull=True),
                name="outcome_tally_fund_cell",
            ),
            models.UniqueConstraint(
                fields=["fund", "month", "indicator", "point", "measure", "due_on"],
                condition=models.Q(due_on__isnull=False),
                name="outcome_tally_fund_open_cell",
            ),
        ]
        indexes = [
            # The figures' reading (``outcome_sums``) in the order it groups, holding every column it reads:
            # answered from the index alone without sorting (13 ms at 100,000 requests without it, 2.5 ms with).
            models.Index(
                fields=["fund", "indicator", "point", "measure", "due_on", "month", "n", "total"],
                name="outcome_tally_fund_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.indicator}+{self.point}m {self.month:%Y-%m}: {self.n}"


class GrantTally(models.Model):
    """The grants approved on each fund envelope, per strategic priority: how many, the amount committed, and the
    amount of those whose support has been delivered (what the reports call disbursed), so the annual report and
    a donor's grant report add up a few rows per envelope instead of every grant.

    ``workflows.tally_grants`` keeps it in step with the moves that approve a grant or deliver a funded request,
    and with the admin's edits of an application, in their transaction. Amounts are in the envelope's currency.
    """

    envelope = models.ForeignKey(
        "workflows.FundEnvelope", on_delete=models.CASCADE, related_name="+", verbose_name=_("fund envelope")
    )
    priority = models.PositiveSmallIntegerField(_("strategic priority"))
    grants = models.BigIntegerField(_("grants"), default=0)
    # In hundredths of the envelope's currency (amounts have two decimals: an integer sum stays exact on every
    # database, where SQLite would add decimals as floating-point numbers).
    committed = models.BigIntegerField(_("committed, in hundredths"), default=0)
    disbursed = models.BigIntegerField(_("disbursed, in hundredths"), default=0)

    class Meta:
        verbose_name = _("grant tally")
        verbose_name_plural = _("grant tallies")
        constraints = [models.UniqueConstraint(fields=["envelope", "priority"], name="grant_tally_cell")]

    def __str__(self) -> str:
        return f"{self.envelope_id}/{self.priority}: {self.grants}"
