"""The history behind the scale seeder's requests: what the desk would have recorded on the way to each state.

``devtools.demo.scale`` sets each bulk request's state directly. For the benchmark to read what a desk
with years behind it holds, each of those requests also gets the audit trail of a plausible road to its
state (hash-chained as ``workflows.audit`` chains it, so ``verify_audit`` accepts it), the fund application
of every request that went through the fund (with its envelope's commitment), the delivery report of
every delivered request and the city's evaluation of those it evaluated, and the milestones the lifecycle
stamps on a request (``workflows.milestones``). Where a road routes a request, the hub plans key indicators, and
the values reached and confirmed come with it; every delivered request that planned indicators has the
follow-ups that fell due since (``devtools.demo.outcomes``).

Written straight to the tables (``devtools.demo.bulk``): this is generated load, not people's moves.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from devtools.demo import outcomes
from devtools.demo.bulk import insert_rows, update_rows
from devtools.demo.people import NetworkPeople, network_people
from helpdesk.models import RequestState, SupportRequest
from workflows.audit import chain_hash
from workflows.calendar import fiscal_year_of
from workflows.lifecycle import TRANSITION_SPECS, TRIAGE
from workflows.models import (
    DeliveryReport,
    Evaluation,
    ExpertAssignment,
    FundApplication,
    FundEnvelope,
    FundingSource,
    TransitionLog,
)

S = RequestState
BATCH = 5000

# Roads to each state, as moves; a road is picked at random among those of the request's state. Moves
# marked with a "+" need the request's expert assignment, "$" a request that went through the fund.
ROADS: dict[str, list[tuple[str, ...]]] = {
    S.SUBMITTED: [("submit",)] * 9 + [("submit", "request_info", "provide_info")],
    S.INFO_REQUESTED: [("submit", "request_info")],
    S.EXPERT_MATCHING: [("submit", "route_to_experts", "+propose_expert")],
    S.FUNDING_REVIEW: [("submit", "$route_to_funding")] * 2 + [("submit", "route_to_experts", "$route_to_funding")],
    S.IN_DELIVERY: [("submit", "route_to_experts", "+propose_expert", "+accept_assignment", "start_delivery")],
    S.DELIVERED: [
        ("submit", "route_to_experts", "+propose_expert", "+accept_assignment", "start_delivery", "report_delivery"),
        ("submit", "answer_directly"),
    ],
    S.CLOSED: [
        ("submit", "route_to_experts", "+propose_expert", "+accept_assignment", "start_delivery", "report_delivery"),
        ("submit", "answer_directly"),
        ("submit", "request_info", "provide_info", "answer_directly"),
    ],
    S.DECLINED: [("submit", "decline")] * 3 + [("submit", "request_info", "decline")],
    S.WITHDRAWN: [("submit", "withdraw")] * 3 + [("submit", "request_info", "withdraw")],
}
# A request that asked for money goes through the fund on its way to delivery (or to being turned down).
FUND_ROADS: dict[str, tuple[str, ...]] = {
    S.IN_DELIVERY: ("submit", "$route_to_funding", "$approve_funding"),
    S.DELIVERED: ("submit", "$route_to_funding", "$approve_funding", "report_delivery"),
    S.CLOSED: ("submit", "$route_to_funding", "$approve_funding", "report_delivery"),
    S.DECLINED: ("submit", "$route_to_funding", "$reject_funding"),
}
CITY_MOVES = {"submit", "provide_info", "withdraw", "evaluate"}
EXPERT_MOVES = {"accept_assignment"}
MANAGEMENT_MOVES = {"approve_funding", "reject_funding"}
RATINGS = ([1, 2, 3, 4, 5], [2, 4, 14, 42, 38])
ROUTING = {"route_to_experts", "route_to_funding"}


@dataclass
class Facts:
    """What the road of one request needs to know about it."""

    pk: int
    state: str
    region_id: int
    focal_id: int | None
    owner_id: int | None
    submitted_at: datetime | None
    closed_at: datetime | None
    funding: Decimal | None
    priority: int | None
    expert_id: int | None = None


@dataclass(frozen=True)
class Planner:
    """What planning outcomes needs: the catalogue, and a generator of its own (the roads draw as before)."""

    rng: random.Random
    indicators: dict[int, list[outcomes.Entry]]


@dataclass
class History:
    logs: list[tuple[object, ...]] = field(default_factory=list)
    # (request id, triaged_at, time_to_triage, delivered_at, time_to_delivery): what perform would have stamped.
    milestones: list[tuple[object, ...]] = field(default_factory=list)
    applications: list[tuple[object, ...]] = field(default_factory=list)
    reports: list[tuple[object, ...]] = field(default_factory=list)
    evaluations: list[tuple[object, ...]] = field(default_factory=list)
    plans: list[outcomes.Plan] = field(default_factory=list)
    committed: dict[int, Decimal] = field(default_factory=lambda: defaultdict(Decimal))


LOG_FIELDS = (
    "request_id",
    "seq",
    "transition",
    "from_state",
    "to_state",
    "actor_id",
    "created_at",
    "comment",
    "data",
    "prev_hash",
    "hash",
)
MILESTONES = ("triaged_at", "time_to_triage", "delivered_at", "time_to_delivery")
APPLICATION_FIELDS = (
    "request_id",
    "envelope_id",
    "amount_requested",
    "currency",
    "budget_lines",
    "strategic_priority",
    "justification",
    "status",
    "recommended_by_id",
    "amount_approved",
    "conditions",
    "decided_by_id",
    "decision_reason",
    "created_at",
    "decided_at",
)


def _road(rng: random.Random, facts: Facts) -> tuple[str, ...]:
    if facts.funding is not None and facts.state in FUND_ROADS:
        road = FUND_ROADS[facts.state]
    else:
        road = rng.choice(ROADS.get(facts.state, [()]))
    if facts.state == S.CLOSED:
        road = (*road, "evaluate" if rng.random() < 0.7 else "auto_close")
    # Moves on the request's assignment only when it has one.
    return tuple(m.lstrip("+$") for m in road if not m.startswith("+") or facts.expert_id is not None)


def _times(rng: random.Random, facts: Facts, moves: int, now: datetime) -> list[datetime]:
    """When each move happened: the first at submission, the last at closing (or before now), in order."""
    start = facts.submitted_at or now
    end = facts.closed_at or min(now, start + timedelta(days=rng.uniform(3, 120)))
    span = max((end - start).total_seconds(), moves * 60.0)
    offsets = sorted(rng.uniform(0, span) for _ in range(moves - 2)) if moves > 2 else []
    times = [start, *(start + timedelta(seconds=o) for o in offsets)]
    if moves > 1:
        times.append(start + timedelta(seconds=span))
    # Strictly increasing, as moves on one locked row are.
    for i in range(1, len(times)):
        if times[i] <= times[i - 1]:
            times[i] = times[i - 1] + timedelta(milliseconds=1)
    return times


def _actor(rng: random.Random, move: str, facts: Facts, people: NetworkPeople) -> int | None:
    if move in CITY_MOVES:
        return facts.focal_id
    if move in EXPERT_MOVES:
        return facts.expert_id
    if move in MANAGEMENT_MOVES:
        return rng.choice(people.management) if people.management else None
    if move == "auto_close":
        return None
    if move == "report_delivery" and facts.expert_id is not None:
        return facts.expert_id
    hub = people.hub_by_region.get(facts.region_id, [])
    return facts.owner_id or (rng.choice(hub) if hub else None)


def _history(
    rng: random.Random,
    facts: Facts,
    people: NetworkPeople,
    envelopes: dict[tuple[int, int], int],
    now: datetime,
    out: History,
    planner: Planner,
) -> None:
    road = _road(rng, facts)
    if not road:
        return
    prev_hash, state = "", S.DRAFT
    application: list[object] | None = None
    plan: outcomes.Plan | None = None
    triaged_at = delivered_at = None
    for seq, (move, at) in enumerate(zip(road, _times(rng, facts, len(road), now), strict=True), start=1):
        spec = TRANSITION_SPECS[move]
        to_state = spec.target or state
        actor = _actor(rng, move, facts, people)
        data: dict[str, object] = {}
        if move in {"route_to_experts", "propose_expert"} and facts.expert_id is not None:
            data = {"experts": [facts.expert_id]}
        # What the outcome steps put in the move's audit row (workflows.moves.outcomes).
        if move in ROUTING:
            if plan is None and (move == "route_to_funding" or planner.rng.random() < outcomes.PLANNED_WITH_EXPERTS):
                plan = outcomes.plan(
                    planner.rng,
                    planner.indicators,
                    request_id=facts.pk,
                    priority=facts.priority,
                    focal_id=facts.focal_id,
                    at=at,
                    actor=actor,
                )
            if plan is not None:
                data["indicators"] = plan.indicator_ids
        elif move == "report_delivery":
            data["delivered_values"] = plan.deliver(planner.rng, at, actor) if plan else 0
        elif move == "evaluate":
            data["confirmed_values"] = plan.confirm(planner.rng, at, actor) if plan else 0
        digest = chain_hash(
            request_id=facts.pk,
            seq=seq,
            transition=move,
            from_state=state,
            to_state=to_state,
            actor_id=actor,
            created_at=at,
            comment="",
            data=data,
            prev_hash=prev_hash,
        )
        out.logs.append((facts.pk, seq, move, state, to_state, actor, at, "", data, prev_hash, digest))
        prev_hash, state = digest, to_state
        # As workflows.milestones stamps them: the first triage decision, and the move into delivered.
        if move in TRIAGE and triaged_at is None:
            triaged_at = at
        if to_state == S.DELIVERED and delivered_at is None:
            delivered_at = at
        if move == "route_to_funding":
            amount = facts.funding or Decimal(rng.randint(2, 40) * 1000)
            envelope = envelopes[(facts.region_id, fiscal_year_of(at))]
            application = [
                facts.pk,
                envelope,
                amount,
                "EUR",
                [{"item": "Workshops and facilitation", "amount": str(amount)}],
                facts.priority or 3,
                "Aligned with the strategic priority the city named; costs checked by the hub.",
                FundApplication.Status.PENDING,
                actor,
                None,
                "",
                None,
                "",
                at,
                None,
            ]
            out.applications.append(application)  # type: ignore[arg-type]
        elif move in MANAGEMENT_MOVES and application is not None:
            approved = move == "approve_funding"
            application[7] = FundApplication.Status.APPROVED if approved else FundApplication.Status.REJECTED
            application[9] = application[2] if approved else None
            application[11], application[14] = actor, at
            application[12] = "" if approved else "Outside the fund's priorities this year."
            if approved:
                out.committed[application[1]] += application[2]  # type: ignore[index]
        elif move in {"report_delivery", "answer_directly"}:
            report = "Delivered as agreed: sessions held, materials shared with the city's team."
            out.reports.append((facts.pk, actor, report, at))
        elif move == "evaluate":
            rating = rng.choices(*RATINGS)[0]
            outcome = "The advice was put to use in the city's prevention work."
            out.evaluations.append((facts.pk, actor, rating, outcome, rating >= 4, "", at))
    if plan is not None:
        out.plans.append(plan)
    if triaged_at is not None and facts.submitted_at is not None:
        delivery = delivered_at - facts.submitted_at if delivered_at else None
        out.milestones.append((facts.pk, triaged_at, triaged_at - facts.submitted_at, delivered_at, delivery))


def _envelopes(region_ids: set[int], years: set[int]) -> dict[tuple[int, int], int]:
    """The fund envelope of each hub and fiscal year the roads go through (created when missing), each financed
    by one of the donors (a hub's donor changes from year to year)."""
    sources = list(FundingSource.objects.order_by("pk").values_list("pk", flat=True))

    def source(region_id: int, year: int) -> int | None:
        return sources[(region_id + year) % len(sources)] if sources else None

    envelopes = FundEnvelope.objects.filter(region_id__in=region_ids)
    existing = {
        (region_id, year): pk for pk, region_id, year in envelopes.values_list("pk", "region_id", "fiscal_year")
    }
    if sources:  # envelopes seeded before envelopes had donors get theirs once
        for pk, region_id, year in envelopes.filter(source__isnull=True).values_list("pk", "region_id", "fiscal_year"):
            FundEnvelope.objects.filter(pk=pk).update(source_id=source(region_id, year))
    missing = [(r, y) for r in region_ids for y in years if (r, y) not in existing]
    for region_id, year in missing:
        envelope = FundEnvelope.objects.create(
            region_id=region_id, fiscal_year=year, amount=Decimal(150000), source_id=source(region_id, year)
        )
        existing[(region_id, year)] = envelope.pk
    return existing


def _commit(committed: dict[int, Decimal]) -> None:
    """Record approvals against their envelopes; an envelope too small for its year's grants grows."""
    for envelope in FundEnvelope.objects.filter(pk__in=list(committed)):
        total = envelope.committed + committed[envelope.pk]
        amount = max(envelope.amount, (total * Decimal("1.25")).quantize(Decimal(1000)))
        FundEnvelope.objects.filter(pk=envelope.pk).update(
            amount=amount, committed=F("committed") + committed[envelope.pk]
        )


def _facts(first_id: int, last_id: int) -> Iterator[list[Facts]]:
    rows = (
        SupportRequest.objects.filter(pk__gte=first_id, pk__lte=last_id)
        .order_by("pk")
        .values_list(
            "pk",
            "state",
            "region_id",
            "submitted_by_id",
            "owner_id",
            "submitted_at",
            "closed_at",
            "funding_requested",
            "strategic_priority",
        )
    )
    for start in range(first_id, last_id + 1, BATCH):
        batch = [Facts(*row) for row in rows.filter(pk__gte=start, pk__lt=start + BATCH)]
        experts = dict(
            ExpertAssignment.objects.filter(request_id__in=[f.pk for f in batch]).values_list("request_id", "expert_id")
        )
        for facts in batch:
            facts.expert_id = experts.get(facts.pk)
        yield batch


def seed_scale_history(*, first_id: int, last_id: int, seed: int = 2026) -> dict[str, int]:
    """Write the history of the requests ``first_id`` to ``last_id``; returns how many rows of each kind."""
    rng = random.Random(seed)
    now = timezone.now()
    people = network_people()
    # Every fiscal year the seeded requests span, for every hub.
    years = set(range(fiscal_year_of(now - timedelta(days=1300)), fiscal_year_of(now) + 1))
    regions = SupportRequest.objects.filter(pk__gte=first_id, pk__lte=last_id).values_list("region_id", flat=True)
    envelopes = _envelopes(set(regions.distinct()), years)
    added = {
        "logs": 0,
        "fund_applications": 0,
        "delivery_reports": 0,
        "evaluations": 0,
        "outcome_targets": 0,
        "outcome_values": 0,
        "follow_ups": 0,
    }
    planner = Planner(random.Random(seed + 1), outcomes.catalogue())
    committed: dict[int, Decimal] = defaultdict(Decimal)
    for batch in _facts(first_id, last_id):
        out = History()
        for facts in batch:
            _history(rng, facts, people, envelopes, now, out, planner)
        with transaction.atomic():
            added["logs"] += insert_rows(TransitionLog, LOG_FIELDS, out.logs)
            added["fund_applications"] += insert_rows(FundApplication, APPLICATION_FIELDS, out.applications)
            added["delivery_reports"] += insert_rows(
                DeliveryReport, ("request_id", "author_id", "report", "created_at"), out.reports
            )
            added["evaluations"] += insert_rows(
                Evaluation,
                ("request_id", "author_id", "rating", "outcomes", "would_recommend", "comments", "created_at"),
                out.evaluations,
            )
            update_rows(SupportRequest, MILESTONES, out.milestones)
            written = outcomes.outcomes_write(planner.rng, out.plans, now)
        added["outcome_targets"] += written.targets
        added["outcome_values"] += written.values
        added["follow_ups"] += written.follow_ups
        for envelope_id, amount in out.committed.items():
            committed[envelope_id] += amount
    with transaction.atomic():
        _commit(committed)
    return added
