"""The hub's queue (and the management unit's cross-hub list): what the filter bar asks for, the rows it
matches, and one page of lines, each line only what the queue shows (``templates/web/hub/queue.html``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from helpdesk.access import can
from helpdesk.models import TERMINAL_STATES, RequestState, SupportKind, SupportRequest, Urgency, User, country_name
from helpdesk.placeholders import ANONYMISED_TITLE
from helpdesk.selectors import request_search, visible_requests
from web.countdown import request_countdown
from web.lists.labels import ChoiceWords
from web.lists.pagination import COUNT_LIMIT, DEFAULT_SORT, PER_PAGE, Page, paginate
from web.params import parse_id
from workflows.lifecycle import INITIAL
from workflows.selectors import overdue_requests

# "Open" is what the desk still works on: neither ended nor a draft (a draft is the city's own).
CLOSED_OR_DRAFT = [*sorted(TERMINAL_STATES), INITIAL]
OPEN_STATES = [state for state in RequestState.values if state not in CLOSED_OR_DRAFT]
MAX_SEARCH_LENGTH = 100
URGENT = frozenset({Urgency.HIGH, Urgency.CRITICAL})
TITLE_LENGTH = 80


@dataclass
class QueueFilters:
    """What a person asked the list to show; every field is optional."""

    states: Sequence[str] = ()
    theme: str = ""
    kind: str = ""
    region_id: int | None = None
    city_id: int | None = None
    country: str = ""  # ISO 3166 code
    owner: str = ""  # "me", "none" or a user id
    language: str = ""
    overdue: bool = False
    funding: bool = False
    search: str = ""
    sort: str = DEFAULT_SORT
    exclude_terminal: bool = False
    # Filed on or after ``filed_from`` and before ``filed_before`` (days in the desk's time zone): the needs
    # map's quarters and years (``workflows.needs``) link to the requests they count.
    filed_from: date | None = None
    filed_before: date | None = None


def filtered_requests(user: User, filters: QueueFilters, *, for_count: bool = False) -> QuerySet[SupportRequest]:
    """The requests ``user`` may see that match ``filters``.

    ``for_count``: the same rows, phrased for counting them rather than listing them in order (see "open").
    """
    qs = visible_requests(user)
    if filters.states:
        qs = qs.filter(state__in=list(filters.states))
    elif filters.exclude_terminal:
        # Counted as "one of these states", which the (region, state, created) index answers without reading
        # a row; listed as "none of those", which walks the (region, created) index in page order. The other
        # phrasing makes SQLite sort every open request of the hub, or read every row to count them.
        # A search reads the text of every candidate row anyway, so it takes the first phrasing too.
        by_list = for_count or bool(filters.search.strip())
        qs = qs.filter(state__in=OPEN_STATES) if by_list else qs.exclude(state__in=CLOSED_OR_DRAFT)
    if filters.theme:
        qs = qs.filter(theme=filters.theme)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.region_id:
        qs = qs.filter(region_id=filters.region_id)
    if filters.city_id:
        qs = qs.filter(city_id=filters.city_id)
    if filters.country:
        qs = qs.filter(city__country=filters.country)
    if filters.owner == "me":
        qs = qs.filter(owner=user)
    elif filters.owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif (owner_id := parse_id(filters.owner)) is not None:
        qs = qs.filter(owner_id=owner_id)
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.overdue:
        qs = qs.filter(pk__in=overdue_requests().values("pk"))
    if filters.funding:
        qs = qs.filter(funding_requested__isnull=False)
    zone = timezone.get_default_timezone()
    if filters.filed_from:
        qs = qs.filter(created_at__gte=datetime.combine(filters.filed_from, time.min, tzinfo=zone))
    if filters.filed_before:
        qs = qs.filter(created_at__lt=datetime.combine(filters.filed_before, time.min, tzinfo=zone))
    term = filters.search.strip()[:MAX_SEARCH_LENGTH]
    if term:
        # Only text the person may read can match, or the list would reveal withheld content.
        qs = request_search(qs, user, term)
    return qs


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: only what it shows, as text ready to print."""

    reference: str
    url: str
    title: str
    asks_funding: bool
    urgent_label: str  # empty unless the urgency is high or critical
    city: str
    country: str  # the name, in the reader's language
    region: str
    state: str
    state_label: str
    kind_label: str
    owner: str  # empty: nobody yet
    due_at: datetime | None
    overdue: bool
    take_url: str  # where the viewer makes themselves the owner; empty when they may not or already are
    selectable: bool = False  # the viewer may give it an owner: it has a box for the bulk "take" and "assign"
    fast_track: bool = False  # on the incident fast track: its badge
    countdown: str = ""  # on the fast track, in a step timed in hours: "Answer due in 5 hours" (``web.countdown``)


# What a line reads of a request (and what its cursor needs): the rest (its description, budget, screening
# results) stays in the database.
QUEUE_COLUMNS = (
    "reference",
    "title",
    "funding_requested",
    "urgency",
    "state",
    "kind",
    "due_at",
    "fast_tracked_at",
    "created_at",
    "updated_at",
    "anonymised_at",
    "city_id",
    "region_id",
    "owner_id",
    "city__name",
    "city__country",
    "region__name",
    "region__name_fr",
    "region__name_ar",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def queue_row(request: SupportRequest, user: User, *, now: datetime, words: ChoiceWords | None = None) -> QueueRow:
    """A line of the queue for a request fetched with its city, hub and owner (``QUEUE_COLUMNS``)."""
    words = words or ChoiceWords()
    title = request.title if len(request.title) <= TITLE_LENGTH else request.title[: TITLE_LENGTH - 1] + "…"
    manages = can(user, "manage_owner", request)
    return QueueRow(
        reference=request.reference,
        url=reverse("request-detail", args=[request.reference]),
        title=str(ANONYMISED_TITLE) if request.anonymised_at else title,
        asks_funding=request.funding_requested is not None,
        urgent_label=words(Urgency, request.urgency) if request.urgency in URGENT else "",
        city=request.city.name,
        country=country_name(request.city.country),  # in the reader's language
        region=request.region.localized_name,
        state=request.state,
        state_label=words(RequestState, request.state),
        kind_label=words(SupportKind, request.kind),
        owner=str(request.owner) if request.owner else "",
        due_at=request.due_at,
        overdue=bool(request.due_at and request.due_at < now and request.state not in TERMINAL_STATES),
        take_url=reverse("request-owner", args=[request.reference]) if manages and request.owner_id != user.pk else "",
        selectable=manages,
        fast_track=request.fast_tracked_at is not None,
        countdown=request_countdown(request, now=now),
    )


def queue_page(
    user: User,
    filters: QueueFilters,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of ``QueueRow`` lines of the requests ``user`` may see that match ``filters``."""
    qs = filtered_requests(user, filters).select_related("city", "region", "owner").only(*QUEUE_COLUMNS)
    # SQLite: a search reads the text of every candidate to count its matches (a hub's 16,800 requests: 15 ms
    # to count to 1,000); its page says how many it shows, and "more than" when there are others. PostgreSQL
    # finds the matches in its word indexes (``helpdesk.request_index``) and counts them as any list, to
    # COUNT_LIMIT at most: never every match.
    counted = not filters.search.strip() or connection.vendor == "postgresql"
    page = paginate(
        qs,
        sort_key=filters.sort,
        after=after,
        before=before,
        per_page=per_page,
        count=counted,
        count_qs=filtered_requests(user, filters, for_count=True) if counted else None,
        count_limit=COUNT_LIMIT,
    )
    now, words = timezone.now(), ChoiceWords()
    page.rows = [queue_row(request, user, now=now, words=words) for request in page.rows]
    return page
