"""Bulk data for measuring the desk at network scale (``seed_demo --scale N``).

Rows are inserted with ``bulk_create`` in batches, and states are assigned directly rather than walked
through the lifecycle: this is load for benchmarks, not history. The demo network's own requests are
built through the lifecycle service instead.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from helpdesk.demo.network import DEMO_PASSWORD
from helpdesk.models import (
    City,
    ExpertAssignment,
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
WORDS = [
    "youth",
    "engagement",
    "prevention",
    "framework",
    "multi-agency",
    "community",
    "dialogue",
    "training",
    "workshop",
    "social",
    "cohesion",
    "hate",
    "speech",
    "monitoring",
    "local",
    "council",
    "mayor",
    "strategy",
    "response",
    "recovery",
    "resilience",
    "schools",
    "mentoring",
    "online",
    "harms",
    "polarisation",
    "coordination",
    "national",
    "policy",
    "peer",
    "exchange",
    "referral",
    "mechanism",
]
BATCH = 2000


def _ensure_cities(target: int, rng: random.Random) -> list[City]:
    cities = list(City.objects.order_by("pk"))
    regions = list(Region.objects.filter(is_active=True).order_by("pk"))
    missing = target - len(cities)
    if missing > 0:
        City.objects.bulk_create(
            [
                City(
                    name=f"Scale city {len(cities) + i:04d}",
                    country=f"Country {rng.randint(1, 120):03d}",
                    region=regions[i % len(regions)],
                    languages=[rng.choice(["en", "fr", "ar"])],
                    is_member=rng.random() < 0.8,
                    anonymous_to_experts=rng.random() < 0.1,
                )
                for i in range(missing)
            ],
            batch_size=BATCH,
        )
        cities = list(City.objects.order_by("pk"))
    return cities


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


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _rich(rng: random.Random, words: int) -> tuple[str, str]:
    """A paragraph of plain words and its seal: ``clean_html`` returns such text unchanged (tested), so
    sealing it directly skips half a million parses without trusting anything a person wrote."""
    text = f"<p>{_text(rng, words)}</p>"
    return text, seal(text)


def seed_scale(*, count: int, cities: int = 1000, experts: int = 200, seed: int = 2026) -> dict[str, int]:
    """Add ``count`` requests with 1 to 10 messages each; returns how many rows of each kind were added."""
    rng = random.Random(seed)
    now = timezone.now()
    city_rows = _ensure_cities(cities, rng)
    expert_rows = _ensure_experts(experts, rng)
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    focal_by_city = dict(
        User.cities.through.objects.values_list("city_id", "user_id").order_by("city_id", "user_id").distinct()
    )
    view_permission = Permission.objects.values_list("pk", flat=True).get(
        codename="view_supportrequest", content_type__app_label="helpdesk"
    )
    added = {"requests": 0, "messages": 0, "assignments": 0}
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        references = reference_allocate(count=size)
        with transaction.atomic():
            batch = []
            for reference in references:
                city = rng.choice(city_rows)
                state = rng.choices(states, weights)[0]
                created = now - timedelta(days=rng.uniform(0, 1100))
                submitted = None if state == RequestState.DRAFT else created + timedelta(hours=rng.uniform(0, 48))
                due = None
                if state in WAITING_DAYS:
                    due = (submitted or created) + timedelta(days=rng.uniform(-10, WAITING_DAYS[state]) + 1100)
                    due = min(due, now + timedelta(days=WAITING_DAYS[state]))
                asks = rng.random() < 0.2
                description, description_seal = _rich(rng, rng.randint(30, 90))
                batch.append(
                    SupportRequest(
                        reference=reference,
                        city_id=city.pk,
                        region_id=city.region_id,
                        submitted_by_id=focal_by_city.get(city.pk),
                        title=_text(rng, rng.randint(3, 8)).capitalize(),
                        description=description,
                        description_seal=description_seal,
                        summary=_text(rng, 20),
                        theme=rng.choice(Theme.values),
                        kind=SupportKind.FUND if asks else rng.choice(SupportKind.values[:4]),
                        strategic_priority=rng.choice(StrategicPriority.values),
                        language=rng.choice(["en", "en", "fr", "ar"]),
                        urgency=rng.choice(Urgency.values),
                        funding_requested=rng.randint(2, 60) * 1000 if asks else None,
                        sensitivity=Sensitivity.RESTRICTED if rng.random() < 0.05 else Sensitivity.SHAREABLE,
                        state=state,
                        created_at=created,
                        updated_at=created,
                        submitted_at=submitted,
                        closed_at=created + timedelta(days=rng.uniform(5, 90))
                        if state in {RequestState.CLOSED, RequestState.DECLINED, RequestState.WITHDRAWN}
                        else None,
                        due_at=due,
                    )
                )
            # auto_now/auto_now_add would overwrite the spread-out dates: bulk_create keeps them only
            # when the fields are told not to stamp.
            with _keep_timestamps():
                created_rows = SupportRequest.objects.bulk_create(batch, batch_size=500)
            messages = []
            assignments = []
            visibilities = [Visibility.CITY, Visibility.CITY, Visibility.INTERNAL, Visibility.EXPERT]
            for row in created_rows:
                for i in range(rng.randint(1, 10)):
                    body, body_seal = _rich(rng, rng.randint(10, 60))
                    messages.append(
                        Message(
                            request_id=row.pk,
                            author_id=row.submitted_by_id,
                            body=body,
                            body_seal=body_seal,
                            visibility=rng.choice(visibilities),
                            created_at=row.created_at + timedelta(hours=i * 7),
                        )
                    )
                if row.state in WITH_EXPERT and rng.random() < 0.06:
                    status = (
                        ExpertAssignment.Status.PROPOSED
                        if row.state == RequestState.EXPERT_MATCHING
                        else ExpertAssignment.Status.ACCEPTED
                        if row.state in {RequestState.IN_DELIVERY, RequestState.DELIVERED}
                        else ExpertAssignment.Status.COMPLETED
                    )
                    assignments.append(
                        ExpertAssignment(request_id=row.pk, expert_id=rng.choice(expert_rows).pk, status=status)
                    )
            with _keep_timestamps():
                Message.objects.bulk_create(messages, batch_size=1000)
            ExpertAssignment.objects.bulk_create(assignments, batch_size=1000)
            # The expert's reach is a guardian grant (see helpdesk.selectors.visible_requests): one row per
            # live assignment, so the scaled data answers the same as data built through the lifecycle.
            SupportRequestUserObjectPermission.objects.bulk_create(
                [
                    SupportRequestUserObjectPermission(
                        user_id=a.expert_id, permission_id=view_permission, content_object_id=a.request_id
                    )
                    for a in assignments
                    if a.status in ExpertAssignment.ACTIVE
                ],
                batch_size=1000,
                ignore_conflicts=True,
            )
        done += size
        added["requests"] += size
        added["messages"] += len(messages)
        added["assignments"] += len(assignments)
    return added


class _keep_timestamps:
    """Temporarily switch off auto_now/auto_now_add on the bulk-inserted models."""

    FIELDS = [(SupportRequest, "created_at"), (SupportRequest, "updated_at"), (Message, "created_at")]

    def __enter__(self) -> None:
        self.saved = []
        for model, name in self.FIELDS:
            field = model._meta.get_field(name)
            self.saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False

    def __exit__(self, *exc: object) -> None:
        for field, auto_now, auto_now_add in self.saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
