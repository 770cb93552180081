"""The outcome tally (``workflows.models.OutcomeTally``): what each request's planned outcomes, values,
follow-ups and evaluation add to it, keeping it in step with the moves that write them, rebuilding and checking it
against a recount, and reading the outcome figures and the average rating from it.

Why per request: a target's "reached" depends on its target value and on two values recorded by different moves,
and a follow-up counts once per indicator the request planned. Recomputing the whole contribution of the one
request a move writes (five small reads) before and after, and adding the difference, is right whatever the move
changed; the write sites only say that they are about to write (``outcome_tally_mark``), so a move that writes no
outcome pays nothing. The rows the figures add up are a few hundred per month whatever the number of requests.

A follow-up still open is counted by its due date: it becomes *missing* the day after, which the reading decides
(open follow-ups are few: the desk closes them as missed some weeks after their date).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, Sum

from helpdesk.models import IndicatorUnit, RequestState, SupportRequest
from workflows.models import Evaluation, FollowUp, FundApplication, OutcomeTally, OutcomeTarget, OutcomeValue
from workflows.tally import REBUILD_BATCH, Difference, month_of
from workflows.tally_cells import cells_add

if TYPE_CHECKING:
    from workflows.moves.base import Move

Measure = OutcomeTally.Measure
Stage = OutcomeValue.Stage
# (month, indicator, point, measure, due date of an open follow-up, fund envelope of the request's grant or 0)
Key = tuple[date, int, int, str, date | None, int]
CELL_FIELDS = ("month", "indicator", "point", "measure", "due_on", "fund")  # a ``Key``'s, in its order
EVERY_REQUEST = 0  # the fund of the cells that count every request (the others count again those a fund paid for)
OVERALL = 0  # the indicator of the follow-ups counted once per request
APPROVED = FundApplication.Status.APPROVED.value  # (a migration's historical model has no ``Status``)
EVALUATION_MEASURES = (Measure.RATED, Measure.RECOMMENDED)  # by the evaluation's month, not the request's


@dataclass
class Cells:
    """A contribution to the tally, or a change of it: rows counted and their sum in hundredths, per cell."""

    n: Counter[Key] = field(default_factory=Counter)
    total: Counter[Key] = field(default_factory=Counter)

    def add(self, key: Key, hundredths: int = 0) -> None:
        self.n[key] += 1
        self.total[key] += hundredths

    def update(self, other: Cells) -> None:
        self.n.update(other.n)
        self.total.update(other.total)

    def minus(self, other: Cells) -> Cells:
        n, total = Counter(self.n), Counter(self.total)
        n.subtract(other.n)
        total.subtract(other.total)
        return Cells(n, total)

    def nonzero(self) -> dict[Key, tuple[int, int]]:
        keys = {k for k, v in self.n.items() if v} | {k for k, v in self.total.items() if v}
        return {k: (self.n[k], self.total[k]) for k in keys}


@dataclass
class _Request:
    """What one request's outcome figures are read from."""

    month: date | None = None  # None: a draft (not filed: counts nowhere)
    # (indicator, target, delivered value, confirmed value)
    targets: list[tuple[int, Decimal | None, Decimal | None, Decimal | None]] = field(default_factory=list)
    follow_ups: list[tuple[int, str, date]] = field(default_factory=list)  # (months, status, due on)
    sustained: list[tuple[int, int, Decimal]] = field(default_factory=list)  # (indicator, months, value)
    evaluation: tuple[date, int, bool] | None = None  # (month, rating, would recommend)
    # The envelopes of its approved grants, one per donor and fiscal year (``_gather``).
    funds: list[int] = field(default_factory=list)
    donors: set[tuple[int, int]] = field(default_factory=set)  # (funding source, fiscal year) of those


def hundredths(value: Decimal) -> int:
    return int(value * 100)


def _contribution(data: _Request) -> Cells:
    cells = Cells()
    if data.evaluation is not None:
        month, rating, recommend = data.evaluation
        cells.add((month, OVERALL, 0, Measure.RATED, None, EVERY_REQUEST), rating * 100)
        if recommend:
            cells.add((month, OVERALL, 0, Measure.RECOMMENDED, None, EVERY_REQUEST))
    if data.month is None or not data.targets:
        return cells
    outcomes = _outcome_cells(data, data.month)
    # Every request's cells, and again those of each fund that paid for it (a donor's grant report reads those).
    for fund in [EVERY_REQUEST, *data.funds]:
        for (month, indicator, point, measure, due), (n, total) in outcomes.items():
            cells.n[(month, indicator, point, measure, due, fund)] += n
            cells.total[(month, indicator, point, measure, due, fund)] += total
    return cells


OutcomeKey = tuple[date, int, int, str, date | None]  # a ``Key`` without its fund


def _outcome_cells(data: _Request, month: date) -> dict[OutcomeKey, tuple[int, int]]:
    """The request's outcome figures (not its evaluation): each cell's count and sum in hundredths."""
    found: dict[OutcomeKey, list[int]] = defaultdict(lambda: [0, 0])

    def add(key: OutcomeKey, value: int = 0) -> None:
        found[key][0] += 1
        found[key][1] += value

    for indicator, target, delivered, confirmed in data.targets:
        add((month, indicator, 0, Measure.PLANNED, None))
        if delivered is not None:
            add((month, indicator, 0, Measure.DELIVERED, None))
        if confirmed is not None:
            add((month, indicator, 0, Measure.CONFIRMED, None))
        final = confirmed if confirmed is not None else delivered
        # "Reached" as ``outcome_stats._reached_q`` reads it, each way: the reading picks by the indicator.
        if final is not None and final == 1:
            add((month, indicator, 0, Measure.FINAL_YES, None))
        if final is not None and target is not None:
            if final >= target:
                add((month, indicator, 0, Measure.AT_LEAST, None))
            if final <= target:
                add((month, indicator, 0, Measure.AT_MOST, None))
    for point, status, due in data.follow_ups:
        for indicator in [OVERALL, *(t[0] for t in data.targets)]:
            add((month, indicator, point, Measure.ASKED, None))
            if status == FollowUp.Status.OPEN:
                add((month, indicator, point, Measure.OPEN, due))
            else:
                measure = Measure.ANSWERED if status == FollowUp.Status.ANSWERED else Measure.MISSED
                add((month, indicator, point, measure, None))
    for indicator, point, value in data.sustained:
        add((month, indicator, point, Measure.SUSTAINED, None), hundredths(value))
        if value == 1:
            add((month, indicator, point, Measure.YES, None))
    return {key: (n, total) for key, (n, total) in found.items()}


def _gather(request_ids: Collection[int] | None, requests: dict[int, _Request], apps: Any = None) -> None:
    """Read the targets, values, follow-ups and evaluations of some requests (every request: None) into
    ``requests`` (whose months are known), and the envelopes of their approved grants: five queries."""
    # ``apps``: a migration's models (the state of the tables when it runs), else the current ones.
    OutcomeValue, OutcomeTarget, FollowUp, Evaluation, FundApplication = _models(apps)
    scope = Q() if request_ids is None else Q(request_id__in=request_ids)
    stage_values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    sustained: list[tuple[int, int, int, Decimal]] = []
    values = (
        OutcomeValue.objects.all()
        if request_ids is None
        else OutcomeValue.objects.filter(target__request_id__in=request_ids)
    )
    for target_id, request_id, indicator, stage, point, value in values.order_by().values_list(
        "target_id", "target__request_id", "target__indicator_id", "stage", "follow_up__months", "value"
    ):
        if stage == Stage.SUSTAINED:
            if point:
                sustained.append((request_id, indicator, point, value))
        else:
            stage_values[target_id][stage] = value
    targets = OutcomeTarget.objects.filter(scope).order_by("request_id", "indicator_id")
    for target_id, request_id, indicator, target in targets.values_list("pk", "request_id", "indicator_id", "target"):
        if request_id in requests:
            got = stage_values.get(target_id, {})
            requests[request_id].targets.append((indicator, target, got.get(Stage.DELIVERED), got.get(Stage.CONFIRMED)))
    for request_id, indicator, point, value in sustained:
        if request_id in requests:
            requests[request_id].sustained.append((indicator, point, value))
    follow_ups = FollowUp.objects.filter(scope, months__gt=0).order_by()
    for request_id, point, status, due in follow_ups.values_list("request_id", "months", "status", "due_on"):
        if request_id in requests:
            requests[request_id].follow_ups.append((point, status, due))
    for request_id, created, rating, recommend in Evaluation.objects.filter(scope).values_list(
        "request_id", "created_at", "rating", "would_recommend"
    ):
        if request_id in requests:
            requests[request_id].evaluation = (month_of(created), rating, recommend)
    grants = FundApplication.objects.filter(scope, status=APPROVED).order_by("envelope_id")
    for request_id, envelope, source, year in grants.values_list(
        "request_id", "envelope_id", "envelope__source_id", "envelope__fiscal_year"
    ):
        data = requests.get(request_id)
        if data is None:
            continue
        # A donor's report adds up the cells of every envelope its source finances in a year: a request with a
        # second grant (a top-up from the same envelope, or from another of the donor's) counts in the first
        # envelope's cells once, or its outcomes would count twice there.
        if envelope in data.funds or (source is not None and (source, year) in data.donors):
            continue
        if source is not None:
            data.donors.add((source, year))
        data.funds.append(envelope)


def contribution_of(request: SupportRequest) -> Cells:
    """What ``request`` adds to the outcome tally now (five queries)."""
    month = None if request.state == RequestState.DRAFT else month_of(request.created_at)
    data = {request.pk: _Request(month=month)}
    _gather([request.pk], data)
    return _contribution(data[request.pk])


def _contributions(request_ids: Collection[int]) -> Cells:
    """What the requests ``request_ids`` add to the outcome tally now (six queries)."""
    rows = SupportRequest.objects.filter(pk__in=request_ids).values_list("pk", "state", "created_at")
    data = {
        pk: _Request(month=None if state == RequestState.DRAFT else month_of(created)) for pk, state, created in rows
    }
    _gather(list(data), data)
    total = Cells()
    for one in data.values():
        total.update(_contribution(one))
    return total


@contextmanager
def outcome_tally_kept(request_ids: Collection[int]) -> Iterator[None]:
    """Keep the tally in step with what the block writes about the requests ``request_ids`` outside a move (the
    admin's edits of an evaluation), in the caller's transaction: their contribution before and after."""
    ids = sorted(request_ids)
    # Locked as a move locks its request: no move on them may write outcomes between the two readings.
    list(SupportRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    before = _contributions(ids)
    yield
    outcome_tally_apply(_contributions(ids).minus(before))


def outcome_tally_apply(change: Cells) -> None:
    """Add ``change`` to the tally inside the caller's transaction: three queries, race-safe
    (``workflows.tally_cells.cells_add``)."""
    cells_add(OutcomeTally, CELL_FIELDS, ["n", "total"], change.nonzero())


def outcome_tally_mark(request: SupportRequest, move: Move) -> None:
    """Called by every write site of outcomes (targets, values, follow-ups, evaluations) before it writes: the
    request's contribution is read once per move, and ``outcome_tally_settle`` adds the difference at its end."""
    if move.outcomes_before is None:
        move.outcomes_before = contribution_of(request)


def outcome_tally_settle(request: SupportRequest, move: Move) -> None:
    """At the end of a move (``transition_perform``): if it wrote outcomes, move the request's contribution."""
    if move.outcomes_before is not None:
        outcome_tally_apply(contribution_of(request).minus(move.outcomes_before))


def _models(apps: Any) -> tuple[Any, Any, Any, Any, Any]:
    if apps is None:
        return OutcomeValue, OutcomeTarget, FollowUp, Evaluation, FundApplication
    value, target, follow_up, evaluation, application = (
        apps.get_model("workflows", name)
        for name in ("OutcomeValue", "OutcomeTarget", "FollowUp", "Evaluation", "FundApplication")
    )
    return value, target, follow_up, evaluation, application


def outcome_tally_recount(apps: Any = None) -> Cells:
    """The tally as the outcome rows give it today (one pass over them: for a check, a rebuild or the migration
    that creates it, with its ``apps``)."""
    requests_model = SupportRequest if apps is None else apps.get_model("helpdesk", "SupportRequest")
    requests: dict[int, _Request] = {}
    for pk, state, created in (
        requests_model.objects.order_by().values_list("pk", "state", "created_at").iterator(chunk_size=REBUILD_BATCH)
    ):
        requests[pk] = _Request(month=None if state == RequestState.DRAFT else month_of(created))
    _gather(None, requests, apps)
    total = Cells()
    for data in requests.values():
        total.update(_contribution(data))
    return total


def outcome_tally_rebuild(apps: Any = None) -> int:
    """Replace the tally with a recount, in the caller's transaction (``workflows.tally.tally_rebuild``, which
    holds every request locked, or a migration's, with its ``apps``); returns the number of cells."""
    tally = OutcomeTally if apps is None else apps.get_model("workflows", "OutcomeTally")
    recount = outcome_tally_recount(apps).nonzero()
    tally.objects.all().delete()
    tally.objects.bulk_create(
        (
            tally(month=m, indicator=i, point=p, measure=s, due_on=d, fund=f, n=n, total=total)
            for (m, i, p, s, d, f), (n, total) in recount.items()
        ),
        batch_size=REBUILD_BATCH,
    )
    return len(recount)


def outcome_tally_differences() -> list[Difference]:
    """Every cell where the tally and a recount disagree (its count, or its sum as "<measure> total")."""
    with transaction.atomic():
        tallied = {
            (m, i, p, s, d, f): (n, total)
            for m, i, p, s, d, f, n, total in OutcomeTally.objects.values_list(
                "month", "indicator", "point", "measure", "due_on", "fund", "n", "total"
            )
            if n or total
        }
        recount = outcome_tally_recount().nonzero()
    found = []
    for key in sorted(set(tallied) | set(recount), key=str):
        month, indicator, point, measure, due, fund = key
        cell = f"{indicator}+{point}m" + (f" due {due}" if due else "") + (f" fund {fund}" if fund else "")
        (n, total), (n_again, total_again) = tallied.get(key, (0, 0)), recount.get(key, (0, 0))
        if n != n_again:
            found.append(Difference((f"outcome {measure}", cell, month, ""), n, n_again))
        if total != total_again:
            found.append(Difference((f"outcome {measure} total", cell, month, ""), total, total_again))
    return found


# --- Reading --------------------------------------------------------------------------------------------------


@dataclass
class OutcomeSums:
    """The tally added up from a month on, in the shapes ``workflows.outcome_stats`` assembles."""

    counts: dict[int, dict[str, int]]  # indicator → planned, delivered, confirmed and the three "reached"
    asked: dict[int, dict[int, tuple[int, int, int]]]  # indicator → point → (asked, answered, missing)
    sustained: dict[int, dict[int, tuple[int, int, int]]]  # indicator → point → (total in hundredths, yes, n)


def outcome_sums(
    *, since: date | None, today: date, until: date | None = None, funds: Collection[int] | None = None
) -> OutcomeSums:
    """Every outcome figure from the month ``since`` on (every month: None), up to the month ``until``
    (excluded; None: to this day), of every request or (``funds``) of the requests those fund envelopes paid
    for: one query."""
    rows = (
        OutcomeTally.objects.filter(fund=EVERY_REQUEST)
        if funds is None
        else OutcomeTally.objects.filter(fund__in=funds)
    )
    rows = rows.exclude(measure__in=EVALUATION_MEASURES).filter(Q(due_on__isnull=True) | Q(due_on__lt=today))
    if since is not None:
        rows = rows.filter(month__gte=since)
    if until is not None:
        rows = rows.filter(month__lt=until)
    sums: dict[tuple[int, int], dict[str, tuple[int, int]]] = defaultdict(dict)
    for indicator, point, measure, n, total in (
        rows.order_by().values_list("indicator", "point", "measure").annotate(n=Sum("n"), total=Sum("total"))
    ):
        sums[(indicator, point)][measure] = (n, total)
    counts: dict[int, dict[str, int]] = {}
    asked: dict[int, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    sustained: dict[int, dict[int, tuple[int, int, int]]] = defaultdict(dict)
    for (indicator, point), got in sums.items():
        n = {measure: count for measure, (count, _total) in got.items()}
        if point == 0:
            if n.get(Measure.PLANNED):
                counts[indicator] = {
                    measure: n.get(measure, 0)
                    for measure in (
                        Measure.PLANNED,
                        Measure.DELIVERED,
                        Measure.CONFIRMED,
                        Measure.AT_LEAST,
                        Measure.AT_MOST,
                        Measure.FINAL_YES,
                    )
                }
            continue
        if n.get(Measure.ASKED):
            missing = n.get(Measure.MISSED, 0) + n.get(Measure.OPEN, 0)  # the open ones read are past their date
            asked[indicator][point] = (n[Measure.ASKED], n.get(Measure.ANSWERED, 0), missing)
        if n.get(Measure.SUSTAINED):
            sustained[indicator][point] = (got[Measure.SUSTAINED][1], n.get(Measure.YES, 0), n[Measure.SUSTAINED])
    return OutcomeSums(counts, dict(asked), dict(sustained))


def ratings(*, since: datetime | None) -> tuple[float | None, int]:
    """The average rating of the evaluations made from ``since`` (a month's start) on, and how many: one query."""
    # The evaluations' cells are the overall indicator's at no follow-up point: named, they are one range of the
    # reading index (fund, indicator, point, measure) rather than a pass over every cell of the fund.
    rows = OutcomeTally.objects.filter(measure=Measure.RATED, fund=EVERY_REQUEST, indicator=OVERALL, point=0)
    if since is not None:
        rows = rows.filter(month__gte=month_of(since))
    got = rows.aggregate(n=Sum("n"), total=Sum("total"))
    count = got["n"] or 0
    # The ratings are whole: their sum is exact, and the average the one a scan gives.
    return ((got["total"] // 100) / count if count else None), count


@dataclass(frozen=True)
class EvaluationSums:
    count: int
    average: float | None  # the average rating
    recommended: int  # how many would recommend the support


def evaluation_sums(*, since: date, until: date) -> EvaluationSums:
    """The evaluations made from the month ``since`` up to the month ``until`` (excluded): one query."""
    rows = (
        OutcomeTally.objects.filter(
            measure__in=EVALUATION_MEASURES,
            fund=EVERY_REQUEST,
            indicator=OVERALL,
            point=0,
            month__gte=since,
            month__lt=until,
        )
        .order_by()
        .values_list("measure")
        .annotate(n=Sum("n"), total=Sum("total"))
    )
    got = {measure: (n, total) for measure, n, total in rows}
    count, total = got.get(Measure.RATED, (0, 0))
    # The ratings are whole: their sum is exact, and the average the one a scan gives.
    return EvaluationSums(
        count=count or 0,
        average=(total // 100) / count if count else None,
        recommended=got.get(Measure.RECOMMENDED, (0, 0))[0] or 0,
    )


def reached_count(counts: dict[str, int], unit: str, higher_is_better: bool) -> int:
    """How many reached their target, for an indicator of ``unit`` and direction: "yes" for a yes/no one."""
    if unit == IndicatorUnit.YES_NO:
        return counts.get(Measure.FINAL_YES, 0)
    return counts.get(Measure.AT_LEAST if higher_is_better else Measure.AT_MOST, 0)


def sustained_value(unit: str, total: Decimal | None, yes: int, n: int) -> Decimal | None:
    """The value sustained at a point: the sum for a count, the number of "yes" for a yes/no indicator, else the
    average to one decimal (computed from the exact sum, so a scan and the tally give the same on every
    database)."""
    if not n:
        return None
    if unit == IndicatorUnit.COUNT:
        return total
    if unit == IndicatorUnit.YES_NO:
        return Decimal(yes)
    return None if total is None else (total / n).quantize(Decimal("0.1"))
