"""Bulk data for measuring the desk at network scale (``seed_demo --scale N``).

Rows go straight to the tables in batches (``devtools.demo.bulk``), and states are assigned directly
rather than walked through the lifecycle: this is load for benchmarks. The history that leads to each state
is written next by ``devtools.demo.history``. The demo network's own requests are built through the
lifecycle service instead.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from devtools.demo.bulk import insert_rows
from devtools.demo.geography import city_places
from devtools.demo.network import DEMO_PASSWORD
from devtools.demo.people import network_people
from helpdesk.models import (
    City,
    ExpertProfile,
    Message,
    Region,
    RequestState,
    Role,
    Sensitivity,
    StrategicPriority,
    SupportKind,
    SupportRequest,
    SupportRequestUserObjectPermission,
    Theme,
    Urgency,
    User,
    Visibility,
)
from helpdesk.sanitize import seal
from helpdesk.services import reference_allocate, roles_ensure
from workflows.models import ExpertAssignment

STATE_WEIGHTS = {
    RequestState.DRAFT: 3,
    RequestState.SUBMITTED: 8,
    RequestState.INFO_REQUESTED: 5,
    RequestState.EXPERT_MATCHING: 6,
    RequestState.FUNDING_REVIEW: 3,
    RequestState.IN_DELIVERY: 8,
    RequestState.DELIVERED: 7,
    RequestState.CLOSED: 45,
    RequestState.DECLINED: 9,
    RequestState.WITHDRAWN: 6,
}
WAITING_DAYS = {
    RequestState.SUBMITTED: 7,
    RequestState.INFO_REQUESTED: 14,
    RequestState.EXPERT_MATCHING: 7,
    RequestState.FUNDING_REVIEW: 14,
    RequestState.IN_DELIVERY: 60,
    RequestState.DELIVERED: 30,
}
WITH_EXPERT = {RequestState.EXPERT_MATCHING, RequestState.IN_DELIVERY, RequestState.DELIVERED, RequestState.CLOSED}
# The words of the generated texts, most frequent first: common words, then the network's vocabulary. They
# are drawn with Zipf's law (the k-th word about 1/k as often as the first), as in real writing, so that a
# search for a domain word ("mentoring") matches a few requests in a hundred, not nearly all of them.
COMMON_TEXT = (
    "the of and to in a for with on our is city we this that are by be as from will have it at an their "
    "has which local people not more support was would also can new work all been they other about need "
    "who there team into these between its some year over them how through"
)
DOMAIN_TEXT = (
    "community youth prevention council mayor training workshop dialogue strategy response schools social "
    "cohesion hate speech monitoring online harms polarisation coordination national policy peer exchange "
    "referral mechanism resilience recovery families police partners network mentoring volunteers "
    "teachers sports culture women religious leaders minorities refugees migrants neighbourhood "
    "integration trust incidents attack victims survivors rumours misinformation elections protests "
    "tensions extremism radicalisation disengagement rehabilitation reintegration prisons probation "
    "counselling helpline outreach campaign media journalists libraries museums festivals memorials "
    "commemoration anniversary budget grant evaluation indicators survey data mapping assessment "
    "framework protocol guidance toolkit curriculum facilitators trainers interpreters translation "
    "workshops roundtable consultation hearing assembly youth-council apprenticeships employment "
    "housing health wellbeing trauma psychosocial safeguarding caseworkers multi-agency panel hub "
    "municipality district province region capital borough village town rural urban"
)
WORDS = [*COMMON_TEXT.split(), *DOMAIN_TEXT.split()]
BATCH = 2000
CORPUS_WORDS = 200_000
# The choices' values, read once: each ``.values`` call builds its list anew.
THEMES, KINDS = list(Theme.values), list(SupportKind.values[:4])
PRIORITIES, URGENCIES = list(StrategicPriority.values), list(Urgency.values)
VISIBILITIES = [Visibility.CITY, Visibility.CITY, Visibility.INTERNAL, Visibility.EXPERT]


def _ensure_cities(target: int, rng: random.Random) -> list[City]:
    cities = list(City.objects.order_by("pk"))
    regions = list(Region.objects.filter(is_active=True).order_by("pk"))
    missing = target - len(cities)
    if missing > 0:
        City.objects.bulk_create(
            [
                City(
                    name=f"Scale city {len(cities) + i:04d}",
                    country=country,
                    region=region,
                    languages=[rng.choice(["en", "fr", "ar"])],
                    is_member=rng.random() < 0.8,
                    anonymous_to_experts=rng.random() < 0.1,
                )
                for i, (region, country) in enumerate(city_places(missing, regions, rng))
            ],
            batch_size=BATCH,
        )
        cities = list(City.objects.order_by("pk"))
    return cities


def _ensure_focal_points(cities: list[City]) -> None:
    """Every city its focal point, as members must designate one (the demo network's cities have theirs)."""
    served = set(User.cities.through.objects.values_list("city_id", flat=True))
    missing = [city for city in cities if city.pk not in served]
    if not missing:
        return
    password = make_password(DEMO_PASSWORD)
    new_users = User.objects.bulk_create(
        [
            User(
                username=f"scale.focal.{city.pk:05d}",
                first_name="Focal point",
                last_name=city.name,
                email=f"scale.focal.{city.pk}@demo.strongcities.invalid",
                password=password,
            )
            for city in missing
        ],
        batch_size=BATCH,
    )
    group = roles_ensure()[Role.FOCAL_POINT]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in new_users], batch_size=BATCH
    )
    User.cities.through.objects.bulk_create(
        [User.cities.through(user_id=u.pk, city_id=c.pk) for u, c in zip(new_users, missing, strict=True)],
        batch_size=BATCH,
    )


def _ensure_experts(target: int, rng: random.Random) -> list[User]:
    experts = list(User.objects.filter(groups__name=Role.EXPERT).order_by("pk"))
    missing = target - len(experts)
    if missing > 0:
        password = make_password(DEMO_PASSWORD)
        start = User.objects.filter(username__startswith="scale.expert.").count()
        new_users = User.objects.bulk_create(
            [
                User(
                    username=f"scale.expert.{start + i:04d}",
                    first_name="Scale",
                    last_name=f"Expert {start + i}",
                    email=f"scale.expert.{start + i}@demo.strongcities.invalid",
                    password=password,
                )
                for i in range(missing)
            ]
        )
        group = roles_ensure()[Role.EXPERT]
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in new_users]
        )
        themes = Theme.values
        ExpertProfile.objects.bulk_create(
            [
                ExpertProfile(
                    user=u,
                    themes=rng.sample(themes, 2),
                    languages=rng.sample(["en", "fr", "ar"], rng.randint(1, 2)),
                    max_concurrent_assignments=rng.randint(5, 40),
                    vetting_status=ExpertProfile.Vetting.VETTED,
                )
                for u in new_users
            ]
        )
        experts = list(User.objects.filter(groups__name=Role.EXPERT).order_by("pk"))
    return experts


@functools.cache
def _corpus() -> tuple[str, ...]:
    """A long run of random words; a text is a slice of it at a random place (one draw, not one per word)."""
    weights = [1 / rank for rank in range(1, len(WORDS) + 1)]
    return tuple(random.Random(0).choices(WORDS, weights, k=CORPUS_WORDS))


def _text(rng: random.Random, words: int) -> str:
    start = rng.randrange(CORPUS_WORDS - words)
    return " ".join(_corpus()[start : start + words])


def _rich(rng: random.Random, words: int) -> tuple[str, str]:
    """A paragraph of plain words and its seal: ``clean_html`` returns such text unchanged (tested), so
    sealing it directly skips half a million parses without trusting anything a person wrote."""
    text = f"<p>{_text(rng, words)}</p>"
    return text, seal(text)


@dataclass(frozen=True)
class ScaleSeeded:
    """What ``seed_scale`` added; the requests are the ids ``first_id`` to ``last_id``."""

    requests: int
    messages: int
    assignments: int
    first_id: int
    last_id: int


REQUEST_FIELDS = (
    "reference",
    "city_id",
    "region_id",
    "submitted_by_id",
    "owner_id",
    "title",
    "description",
    "description_seal",
    "summary",
    "theme",
    "kind",
    "strategic_priority",
    "language",
    "urgency",
    "funding_requested",
    "currency",
    "sensitivity",
    "state",
    "created_at",
    "updated_at",
    "submitted_at",
    "closed_at",
    "due_at",
    "budget_lines",
    "screening_flags",
)
MESSAGE_FIELDS = (
    "request_id",
    "author_id",
    "body",
    "body_seal",
    "visibility",
    "sensitivity",
    "screening_flags",
    "created_at",
)
ASSIGNMENT_FIELDS = (
    "request_id",
    "expert_id",
    "status",
    "conflict_of_interest",
    "has_conflict",
    "decline_reason",
    "created_at",
    "responded_at",
    "completed_at",
)
# Requests the hub has taken up: most have an owner by then.
OWNED_STATES = set(RequestState.values) - {RequestState.DRAFT, RequestState.SUBMITTED, RequestState.WITHDRAWN}


def _request_row(
    rng: random.Random,
    *,
    reference: str,
    city: City,
    focal_id: int | None,
    hub: list[int],
    now: datetime,
    states: list[str],
    weights: list[int],
) -> tuple[object, ...]:
    state = rng.choices(states, weights)[0]
    created = now - timedelta(days=rng.uniform(0, 1100))
    # Everything happened before now: a request filed an hour ago was submitted and closed within that hour.
    submitted = None
    if state != RequestState.DRAFT:
        submitted = created + min(timedelta(hours=rng.uniform(0, 48)), (now - created) * 0.2)
    due = None
    if state in WAITING_DAYS:
        due = (submitted or created) + timedelta(days=rng.uniform(-10, WAITING_DAYS[state]) + 1100)
        due = min(due, now + timedelta(days=WAITING_DAYS[state]))
    closed = None
    if state in {RequestState.CLOSED, RequestState.DECLINED, RequestState.WITHDRAWN}:
        closed = submitted + min(timedelta(days=rng.uniform(5, 90)), (now - submitted) * 0.9)
    owned = hub and (state in OWNED_STATES or (state == RequestState.SUBMITTED and rng.random() < 0.5))
    asks = rng.random() < 0.2
    description, description_seal = _rich(rng, rng.randint(30, 90))
    return (
        reference,
        city.pk,
        city.region_id,
        focal_id,
        rng.choice(hub) if owned else None,
        _text(rng, rng.randint(3, 8)).capitalize(),
        description,
        description_seal,
        _text(rng, 20),
        rng.choice(THEMES),
        SupportKind.FUND if asks else rng.choice(KINDS),
        rng.choice(PRIORITIES),
        rng.choice(["en", "en", "fr", "ar"]),
        rng.choice(URGENCIES),
        Decimal(rng.randint(2, 60) * 1000) if asks else None,
        "EUR",
        Sensitivity.RESTRICTED if rng.random() < 0.05 else Sensitivity.SHAREABLE,
        state,
        created,
        closed or created,
        submitted,
        closed,
        due,
        [],
        [],
    )


def seed_scale(*, count: int, cities: int = 1000, experts: int = 200, seed: int = 2026) -> ScaleSeeded:
    """Add ``count`` requests with 1 to 10 messages each, and their expert assignments and grants.

    Their history (audit trail, fund applications, evaluations) is the workflow's to add
    (``devtools.demo.history``), and their notifications the notifications app's.
    """
    rng = random.Random(seed)
    now = timezone.now()
    city_rows = _ensure_cities(cities, rng)
    _ensure_focal_points(city_rows)
    expert_rows = _ensure_experts(experts, rng)
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    people = network_people()
    focal_by_city = {city_id: ids[0] for city_id, ids in people.focal_by_city.items()}
    hub_by_region = people.hub_by_region
    view_permission = Permission.objects.values_list("pk", flat=True).get(
        codename="view_supportrequest", content_type__app_label="helpdesk"
    )
    added = {"requests": 0, "messages": 0, "assignments": 0}
    first_id = last_id = 0
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        references = reference_allocate(count=size)
        with transaction.atomic():
            rows = []
            for reference in references:
                city = rng.choice(city_rows)
                rows.append(
                    _request_row(
                        rng,
                        reference=reference,
                        city=city,
                        focal_id=focal_by_city.get(city.pk),
                        hub=hub_by_region.get(city.region_id, []),
                        now=now,
                        states=states,
                        weights=weights,
                    )
                )
            insert_rows(SupportRequest, REQUEST_FIELDS, rows)
            ids = dict(SupportRequest.objects.filter(reference__in=references).values_list("reference", "pk"))
            first_id = first_id or min(ids.values())
            last_id = max(last_id, *ids.values())
            messages = []
            assignments = []
            grants = []
            for row in rows:
                request_id = ids[row[0]]
                focal_id, owner_id, state, created = row[3], row[4], row[17], row[18]
                hub = hub_by_region.get(row[2], [])
                expert_id = None
                if state in WITH_EXPERT and rng.random() < 0.06:
                    expert_id = rng.choice(expert_rows).pk
                    status = (
                        ExpertAssignment.Status.PROPOSED
                        if state == RequestState.EXPERT_MATCHING
                        else ExpertAssignment.Status.ACCEPTED
                        if state in {RequestState.IN_DELIVERY, RequestState.DELIVERED}
                        else ExpertAssignment.Status.COMPLETED
                    )
                    proposed = created + timedelta(days=rng.uniform(2, 6))
                    answered = None if status == ExpertAssignment.Status.PROPOSED else proposed + timedelta(days=1)
                    completed = row[21] if status == ExpertAssignment.Status.COMPLETED else None
                    assignments.append(
                        (request_id, expert_id, status, "", False, "", proposed, answered, completed or None)
                    )
                    if status in ExpertAssignment.ACTIVE:
                        grants.append(
                            SupportRequestUserObjectPermission(
                                user_id=expert_id, permission_id=view_permission, content_object_id=request_id
                            )
                        )
                # The city writes on its channel, the hub answers there and keeps notes; an expert on the
                # request writes on the expert channel.
                for i in range(rng.randint(1, 10)):
                    visibility = rng.choice(VISIBILITIES)
                    staff = owner_id or (rng.choice(hub) if hub else None)
                    if visibility == Visibility.CITY:
                        author = focal_id if i % 2 == 0 or staff is None else staff
                    elif visibility == Visibility.EXPERT and expert_id is not None and i % 2:
                        author = expert_id
                    else:
                        author = staff or focal_id
                    body, body_seal = _rich(rng, rng.randint(10, 60))
                    posted = created + timedelta(hours=i * 7)
                    messages.append(
                        (request_id, author, body, body_seal, visibility, Sensitivity.SHAREABLE, [], posted)
                    )
            insert_rows(Message, MESSAGE_FIELDS, messages)
            insert_rows(ExpertAssignment, ASSIGNMENT_FIELDS, assignments)
            # The expert's reach is a guardian grant (see helpdesk.selectors.visible_requests): one row per
            # live assignment, so the scaled data answers the same as data built through the lifecycle.
            SupportRequestUserObjectPermission.objects.bulk_create(grants, batch_size=1000, ignore_conflicts=True)
        done += size
        added["requests"] += size
        added["messages"] += len(messages)
        added["assignments"] += len(assignments)
    return ScaleSeeded(**added, first_id=first_id, last_id=last_id)
