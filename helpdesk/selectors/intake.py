"""What the new-request form suggests before a city files ("these may answer you"), and how often that answered
it (the deflection figures of the management overview).

Suggestions are published resources (through ``resources_search``) and answered requests of the person's own
cities (closed or delivered, through ``visible_requests``, never another city's), matched on a few words of what
is being typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from helpdesk.access import Person, scope
from helpdesk.models import IntakeSession, RequestState, Resource, ResourceState, SupportRequest, User
from helpdesk.selectors import visible_requests
from helpdesk.selectors.resources import resources_search

SUGGESTIONS = 5
QUERY_MAX_CHARS = 200
WORD_MIN_CHARS = 3
WORD_MAX_CHARS = 40
WORDS_MAX = 4
# A resource matches every word it is searched for: it is searched for the longest (most telling) few.
RESOURCE_WORDS = 2
ANSWERED = (RequestState.CLOSED, RequestState.DELIVERED)
# What a request suggestion shows: its reference, title, state and closing date.
REQUEST_LINE = ("id", "reference", "title", "state", "closed_at", "delivered_at")
_EDGES = re.compile(r"^\W+|\W+$")


def intake_words(q: str) -> list[str]:
    """The words of ``q`` a suggestion is matched on: its first few of three to forty characters, trimmed of
    punctuation, each once (whatever its case). An answered request matches any of them (the most first); a
    resource the longest two."""
    words: list[str] = []
    for raw in q[:QUERY_MAX_CHARS].split():
        word = _EDGES.sub("", raw)
        if WORD_MIN_CHARS <= len(word) <= WORD_MAX_CHARS and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
        if len(words) == WORDS_MAX:
            break
    return words


@dataclass(frozen=True)
class IntakeSuggestions:
    words: list[str] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    requests: list[SupportRequest] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.resources or self.requests)


def answered_requests(user: Person) -> list[int] | None:
    """The cities whose answered requests ``user`` may be suggested: their own as a focal point (None: none)."""
    if not isinstance(user, User) or not user.is_active:
        return None
    cities = sorted(scope(user).city_ids)
    return cities or None


def intake_suggestions(user: Person, q: str) -> IntakeSuggestions:
    """Up to five published resources and five answered requests of ``user``'s own cities matching ``q``."""
    words = intake_words(q)
    if not words:
        return IntakeSuggestions()
    telling = sorted(words, key=len, reverse=True)[:RESOURCE_WORDS]
    resources = list(
        resources_search(
            user, q=" ".join(w for w in words if w in telling), states=(ResourceState.PUBLISHED,)
        ).prefetch_related("versions")[:SUGGESTIONS]
    )
    requests: list[SupportRequest] = []
    cities = answered_requests(user)
    if cities is not None:
        score = sum(
            (Case(When(title__icontains=word, then=Value(1)), default=Value(0), output_field=IntegerField())
             for word in words),
            start=Value(0, output_field=IntegerField()),
        )  # fmt: skip
        requests = list(
            visible_requests(user)
            .filter(city_id__in=cities, state__in=ANSWERED)
            .filter(Q.create([("title__icontains", word) for word in words], connector=Q.OR))
            .annotate(score=score, answered_at=Coalesce("closed_at", "delivered_at"))
            .order_by("-score", F("answered_at").desc(nulls_last=True), "-pk")
            .only(*REQUEST_LINE)[:SUGGESTIONS]
        )
    return IntakeSuggestions(words=words, resources=resources, requests=requests)


def intake_suggestion_resource(user: Person, slug: str) -> Resource | None:
    """The published resource ``slug`` if ``user`` may be suggested it."""
    return resources_search(user, states=(ResourceState.PUBLISHED,)).filter(slug=slug).first()


def intake_suggestion_request(user: Person, reference: str) -> SupportRequest | None:
    """The answered request ``reference`` of ``user``'s own cities, if there is one."""
    cities = answered_requests(user)
    if cities is None:
        return None
    return (
        visible_requests(user)
        .filter(city_id__in=cities, state__in=ANSWERED, reference=reference)
        .only("id", "reference")
        .first()
    )


@dataclass(frozen=True)
class Deflection:
    since: datetime
    shown: int
    opened: int
    deflected: int
    filed_anyway: int


def intake_deflection(*, days: int = 90, now: datetime | None = None) -> Deflection:
    """Form sessions of the last ``days`` that showed suggestions; of them, those where one was opened; of those,
    how many ended without a request filed (deflected) and how many filed anyway. One query."""
    since = (now or timezone.now()) - timedelta(days=days)
    opened = Q(opened__gt=0)
    counts = IntakeSession.objects.filter(shown_at__gte=since).aggregate(
        n_shown=Count("pk"),
        n_opened=Count("pk", filter=opened),
        n_deflected=Count("pk", filter=opened & Q(filed_at__isnull=True)),
        n_filed=Count("pk", filter=opened & Q(filed_at__isnull=False)),
    )
    return Deflection(
        since=since,
        shown=counts["n_shown"],
        opened=counts["n_opened"],
        deflected=counts["n_deflected"],
        filed_anyway=counts["n_filed"],
    )
