"""The outcomes behind the scale seeder's requests: planned indicators, values reached, confirmed and sustained.

``devtools.demo.history`` walks each bulk request's road. Where the road routes the request (always through
the fund, mostly to the expert pool) the hub plans one to three key indicators of the request's strategic
priority, with a baseline and a target (``Plan``); where it reports delivery the values reached are recorded,
some short of the target and some beyond it; where the city evaluates, it confirms them or corrects one. Then
the follow-ups of every delivered request that planned indicators, fallen due since delivery
(``settings.OUTCOMES_FOLLOW_UP_MONTHS``), are left as the follow-up job would have left them: answered (with
the values still standing), counted as missed after ``OUTCOMES_MISSED_DAYS``,
or still open (reminded, escalated) when recent.

Written straight to the tables in batches (``devtools.demo.bulk``), like the rest of the history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings

from devtools.demo.bulk import insert_rows
from helpdesk.models import Indicator, IndicatorUnit
from workflows.follow_ups import add_months
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue

U = IndicatorUnit
STAGE = OutcomeValue.Stage
ONE, TENTH = Decimal("1"), Decimal("0.1")
# Of the requests routed only to the expert pool, the share whose hub planned indicators (optional there; a
# fund application always names them).
PLANNED_WITH_EXPERTS = 0.85
INDICATORS_PER_PLAN = (1, 2, 2, 2, 3)
BLANK_VALUE = 0.05  # a value the reporter did not know, left blank (never zero)
CORRECTED = 0.2  # values the city corrects at evaluation
ANSWERED = 0.65  # follow-ups answered before they count as missed
WHAT_CHANGED = (
    "<p>The plan is still in force and the working group meets every month.</p>",
    "<p>Two of the trained staff moved to other posts; the others still run the sessions.</p>",
    "<p>The council renewed the budget line for next year.</p>",
    "<p>Le groupe de travail continue de se réunir et les écoles ont rejoint le dispositif.</p>",
    "<p>Le conseil des jeunes a présenté ses premières propositions au conseil municipal.</p>",
    "<p>ما زالت الخطة سارية، وانضمت مدرستان جديدتان إلى البرنامج.</p>",
    "<p>يواصل مجلس الشباب اجتماعاته الشهرية مع البلدية.</p>",
)
# Counts by indicator, as a city would plan them: (highest baseline, smallest and largest gain aimed at). A
# city holds a handful of exchanges but may train dozens of staff and engage hundreds of young people.
COUNT_RANGES = {
    "city-exchanges-held": (2, 1, 4),
    "practices-adapted": (2, 1, 4),
    "peer-contacts": (5, 2, 10),
    "joint-meetings": (4, 2, 8),
    "local-input-adopted": (2, 1, 3),
    "staff-trained": (15, 10, 60),
    "partner-agencies": (8, 2, 8),
    "youth-engaged": (40, 15, 150),
    "youth-projects": (4, 2, 8),
    "mayor-platforms": (2, 1, 4),
    "policy-contributions": (2, 1, 3),
}
OTHER_COUNT = (10, 2, 20)
TARGET_FIELDS = ("request_id", "indicator_id", "baseline", "target", "planned_by_id", "created_at")
VALUE_FIELDS = ("target_id", "stage", "follow_up_id", "value", "recorded_by_id", "recorded_at")
FOLLOW_UP_FIELDS = (
    "request_id",
    "months",
    "due_on",
    "status",
    "opened_at",
    "reminded_at",
    "escalated_at",
    "answered_at",
    "answered_by_id",
    "closed_at",
    "what_changed",
)


@dataclass(frozen=True)
class Entry:
    """One indicator of the catalogue, as the seeder needs it."""

    pk: int
    code: str
    unit: str
    higher_is_better: bool


def catalogue() -> dict[int, list[Entry]]:
    """The active indicators by strategic priority, read once."""
    by_priority: dict[int, list[Entry]] = {}
    rows = Indicator.objects.filter(is_active=True).order_by("priority", "position", "pk")
    for pk, code, priority, unit, higher in rows.values_list("pk", "code", "priority", "unit", "higher_is_better"):
        by_priority.setdefault(priority, []).append(Entry(pk, code, unit, higher))
    return by_priority


def _fit(entry: Entry, value: float) -> Decimal:
    """``value`` as the indicator's unit stores it (a whole count, a percentage to a tenth, yes/no, 1 to 5)."""
    if entry.unit == U.PERCENTAGE:
        return Decimal(str(round(min(max(value, 0.0), 100.0), 1))).quantize(TENTH)
    if entry.unit == U.YES_NO:
        return ONE if value >= 0.5 else Decimal(0)
    if entry.unit == U.SCALE:
        return Decimal(min(max(round(value), 1), 5))
    return Decimal(max(round(value), 0))


def _start_and_aim(rng: random.Random, entry: Entry) -> tuple[float, float]:
    """A believable baseline and target for the indicator's unit and direction."""
    if entry.unit == U.YES_NO:
        return 0.0, 1.0
    if entry.unit == U.SCALE:
        start = float(rng.randint(1, 3))
        return start, min(start + rng.randint(1, 2), 5.0)
    if entry.unit == U.PERCENTAGE:
        start = float(rng.randint(10, 60))
        return start, min(start + rng.randint(5, 30), 100.0)
    if not entry.higher_is_better:  # e.g. days to respond: the support aims to bring it down
        start = float(rng.randint(6, 21))
        return start, float(rng.randint(1, int(start) // 2))
    highest, least, most = COUNT_RANGES.get(entry.code, OTHER_COUNT)
    start = float(rng.choice([0, rng.randint(0, highest)]))
    return start, start + rng.randint(least, most)


@dataclass
class Target:
    entry: Entry
    start: float  # the baseline used to draw values, stored only when the hub knew it
    baseline: Decimal | None
    target: Decimal
    delivered: Decimal | None = None
    confirmed: Decimal | None = None


@dataclass
class Plan:
    """What one request's support aims to move (nothing, for support delivered without routing), and the values
    recorded along its road."""

    request_id: int
    focal_id: int | None
    planned_by: int | None
    planned_at: datetime
    targets: list[Target] = field(default_factory=list)
    delivered_at: datetime | None = None
    delivered_by: int | None = None
    confirmed_at: datetime | None = None
    confirmed_by: int | None = None

    @property
    def indicator_ids(self) -> list[int]:
        return [t.entry.pk for t in self.targets]

    def deliver(self, rng: random.Random, at: datetime, actor: int | None) -> int:
        """The delivery report's values: around the target, some short of it, some beyond. Returns how many."""
        self.delivered_at, self.delivered_by = at, actor
        for t in self.targets:
            if rng.random() < BLANK_VALUE:
                continue
            if t.entry.unit == U.YES_NO:
                t.delivered = ONE if rng.random() < 0.8 else Decimal(0)
            else:
                t.delivered = _fit(t.entry, t.start + (float(t.target) - t.start) * rng.uniform(0.5, 1.3))
        return sum(t.delivered is not None for t in self.targets)

    def confirm(self, rng: random.Random, at: datetime, actor: int | None) -> int:
        """The city's evaluation: most values confirmed as reported, some corrected. Returns how many."""
        self.confirmed_at, self.confirmed_by = at, actor
        for t in self.targets:
            if t.delivered is None:
                continue
            t.confirmed = t.delivered
            if rng.random() < CORRECTED and t.entry.unit != U.YES_NO:
                t.confirmed = _fit(t.entry, float(t.delivered) * rng.uniform(0.8, 1.05))
        return sum(t.confirmed is not None for t in self.targets)


def plan(
    rng: random.Random,
    indicators: dict[int, list[Entry]],
    *,
    request_id: int,
    priority: int | None,
    focal_id: int | None,
    at: datetime,
    actor: int | None,
) -> Plan | None:
    """One to three indicators of the request's strategic priority, each with a baseline and a target."""
    choices = indicators.get(priority or 3) or [e for entries in indicators.values() for e in entries]
    if not choices:
        return None
    chosen = rng.sample(choices, min(rng.choice(INDICATORS_PER_PLAN), len(choices)))
    result = Plan(request_id, focal_id, actor, at)
    for entry in chosen:
        start, aim = _start_and_aim(rng, entry)
        known = entry.unit == U.YES_NO or rng.random() < 0.9  # a baseline is sometimes still to be measured
        result.targets.append(Target(entry, start, _fit(entry, start) if known else None, _fit(entry, aim)))
    return result


def _still_there(rng: random.Random, t: Target) -> Decimal | None:
    """A value some months on: mostly kept, sometimes eroded (staff move on), sometimes grown."""
    reached = t.confirmed if t.confirmed is not None else t.delivered
    if reached is None or rng.random() < BLANK_VALUE * 2:
        return None
    if t.entry.unit == U.YES_NO:
        return reached if rng.random() < 0.9 else Decimal(0)
    drift = rng.uniform(0.7, 1.1) if t.entry.higher_is_better else rng.uniform(0.9, 1.4)
    return _fit(t.entry, float(reached) * drift)


@dataclass
class Written:
    targets: int = 0
    values: int = 0
    follow_ups: int = 0


@dataclass(frozen=True)
class Asked:
    """One follow-up's row, and the values its answer gives (one per target, in order; none if unanswered)."""

    row: tuple[object, ...]
    months: int
    answered_at: datetime | None
    values: list[Decimal | None]


@dataclass(frozen=True)
class Schedule:
    """The follow-up settings, read once per batch."""

    months: tuple[int, ...]
    reminder: timedelta
    escalation: timedelta
    missed: timedelta

    @classmethod
    def from_settings(cls) -> Schedule:
        return cls(
            tuple(sorted(settings.OUTCOMES_FOLLOW_UP_MONTHS)),
            timedelta(days=settings.OUTCOMES_REMINDER_DAYS),
            timedelta(days=settings.OUTCOMES_ESCALATION_DAYS),
            timedelta(days=settings.OUTCOMES_MISSED_DAYS),
        )


def _follow_ups(rng: random.Random, p: Plan, now: datetime, schedule: Schedule) -> list[Asked]:
    """The follow-ups of one delivered plan that fell due before ``now``."""
    assert p.delivered_at is not None
    reminder, escalation, missed = schedule.reminder, schedule.escalation, schedule.missed
    asked: list[Asked] = []
    for months in schedule.months:
        due = add_months(p.delivered_at.date(), months)
        opened = datetime.combine(due, p.delivered_at.timetz())
        if opened > now:
            break
        age = now - opened
        answered_at = None
        if rng.random() < (ANSWERED if age > missed else ANSWERED * min(age / missed, 1.0)):
            answered_at = opened + min(age, missed) * rng.uniform(0.02, 0.98)
        waited = (answered_at or now) - opened
        reminded = opened + reminder if waited > reminder else None
        escalated = opened + escalation if waited > escalation else None
        if answered_at is not None:
            status, closed, what = FollowUp.Status.ANSWERED, answered_at, rng.choice(WHAT_CHANGED)
            values = [_still_there(rng, t) for t in p.targets]
        elif age > missed:
            status, closed, what, values = FollowUp.Status.MISSED, opened + missed, "", []
        else:
            status, closed, what, values = FollowUp.Status.OPEN, None, "", []
        answerer = p.focal_id if answered_at is not None else None
        row = (p.request_id, months, due, status, opened, reminded, escalated, answered_at, answerer, closed, what)
        asked.append(Asked(row, months, answered_at, values))
    return asked


def outcomes_write(rng: random.Random, plans: list[Plan], now: datetime) -> Written:
    """Write one batch's planned outcomes, their values and their follow-ups (within the caller's transaction)."""
    written = Written()
    if not plans:
        return written
    written.targets = insert_rows(
        OutcomeTarget,
        TARGET_FIELDS,
        (
            (p.request_id, t.entry.pk, t.baseline, t.target, p.planned_by, p.planned_at)
            for p in plans
            for t in p.targets
        ),
    )
    requests = [p.request_id for p in plans]
    target_ids = {
        (request_id, indicator_id): pk
        for request_id, indicator_id, pk in OutcomeTarget.objects.filter(request_id__in=requests).values_list(
            "request_id", "indicator_id", "pk"
        )
    }
    schedule = Schedule.from_settings()
    values: list[tuple[object, ...]] = []
    answers: dict[tuple[int, int], tuple[Plan, Asked]] = {}
    follow_ups: list[tuple[object, ...]] = []
    for p in plans:
        for t in p.targets:
            target_id = target_ids[(p.request_id, t.entry.pk)]
            if t.delivered is not None:
                values.append((target_id, STAGE.DELIVERED, None, t.delivered, p.delivered_by, p.delivered_at))
            if t.confirmed is not None:
                values.append((target_id, STAGE.CONFIRMED, None, t.confirmed, p.confirmed_by, p.confirmed_at))
        # As the follow-up job does: only support that planned indicators is followed up.
        if p.delivered_at is None or not p.targets:
            continue
        for asked in _follow_ups(rng, p, now, schedule):
            follow_ups.append(asked.row)
            if asked.answered_at is not None:
                answers[(p.request_id, asked.months)] = (p, asked)
    written.follow_ups = insert_rows(FollowUp, FOLLOW_UP_FIELDS, follow_ups)
    if answers:
        rows = FollowUp.objects.filter(request_id__in=list({key[0] for key in answers}))
        for request_id, months, pk in rows.values_list("request_id", "months", "pk"):
            if (request_id, months) not in answers:
                continue
            p, answer = answers[(request_id, months)]
            for t, value in zip(p.targets, answer.values, strict=True):
                if value is not None:
                    target_id = target_ids[(request_id, t.entry.pk)]
                    values.append((target_id, STAGE.SUSTAINED, pk, value, p.focal_id, answer.answered_at))
    written.values = insert_rows(OutcomeValue, VALUE_FIELDS, values)
    return written
