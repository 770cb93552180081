"""Lists of requests for pages: filters, sort, search and keyset pagination over ``visible_requests``.

Pages never slice with OFFSET: a deep page of a 100,000-request queue costs the same as the first,
because each page starts from the last row of the previous one (the "cursor") along an index.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from helpdesk.models import TERMINAL_STATES, RequestState, SupportRequest, User
from helpdesk.selectors import PERSON_NAME, request_search, visible_requests
from web.presenters import CityRow, city_rows, fund_rows, inbox_rows, queue_rows
from workflows.selectors import (
    assignments_for_expert,
    current_fiscal_year,
    envelope_balances,
    overdue_requests,
    pending_applications,
)

PER_PAGE = 25
CLOSED_OR_DRAFT = [*sorted(TERMINAL_STATES), RequestState.DRAFT]
OPEN_STATES = [s for s in RequestState.values if s not in CLOSED_OR_DRAFT]
# A list counts its rows up to here and then says "more than": an exact count of a filter that matches
# most of 100,000 requests reads them all (10 ms on SQLite for a hub's closed English requests), and past
# a thousand nobody acts on the exact figure. Paging is unaffected.
COUNT_LIMIT = 1000
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool
    nullable: bool = False


SORTS: dict[str, Sort] = {
    "newest": Sort("created_at", descending=True),
    "oldest": Sort("created_at", descending=False),
    "deadline": Sort("due_at", descending=False, nullable=True),
    "updated": Sort("updated_at", descending=True),
}
DEFAULT_SORT = "newest"


@dataclass
class QueueFilters:
    """What a person asked the list to show; every field is optional."""

    states: Sequence[str] = ()
    theme: str = ""
    kind: str = ""
    region_id: int | None = None
    city_id: int | None = None
    country: str = ""
    owner: str = ""  # "me", "none" or a user id
    language: str = ""
    overdue: bool = False
    funding: bool = False
    search: str = ""
    sort: str = DEFAULT_SORT
    exclude_terminal: bool = False


@dataclass
class Page:
    rows: list[Any]  # requests, or the lines a presenter made of them
    total: int
    next_cursor: str | None
    previous_cursor: str | None
    per_page: int
    extra: dict[str, Any] = field(default_factory=dict)
    total_capped: bool = False  # there are more than ``total`` rows (see COUNT_LIMIT)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _overdue(qs: QuerySet[SupportRequest]) -> QuerySet[SupportRequest]:

    return qs.filter(pk__in=overdue_requests().values("pk"))


def filtered_requests(user: User, filters: QueueFilters, *, for_count: bool = False) -> QuerySet[SupportRequest]:
    """The requests ``user`` may see that match ``filters``.

    ``for_count``: the same rows, phrased for counting them rather than listing them in order (see "open").
    """
    qs = visible_requests(user)
    if filters.states:
        qs = qs.filter(state__in=list(filters.states))
    elif filters.exclude_terminal:
        # "Open" is what the desk still works on: a draft is the city's own, not yet the hub's. Counted as
        # "one of these states", which the (region, state, created) index answers without reading a row;
        # listed as "none of those", which walks the (region, created) index in page order. The other
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
    elif filters.owner.isdigit():
        qs = qs.filter(owner_id=int(filters.owner))
    if filters.language:
        qs = qs.filter(language=filters.language)
    if filters.overdue:
        qs = _overdue(qs)
    if filters.funding:
        qs = qs.filter(funding_requested__isnull=False)
    term = filters.search.strip()[:MAX_SEARCH_LENGTH]
    if term:
        # Only text the person may read can match, or the list would reveal withheld content.
        qs = request_search(qs, user, term)
    return qs


def _encode(value: object, pk: int) -> str:
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    return base64.urlsafe_b64encode(f"{text}|{pk}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime | None, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        text, pk = raw.rsplit("|", 1)
        return (datetime.fromisoformat(text) if text else None), int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _ordering(sort: Sort, *, backwards: bool) -> list[Any]:
    descending = sort.descending != backwards
    if sort.nullable:
        # Rows without a deadline come last going forwards, first going backwards.
        expr = F(sort.field).desc(nulls_first=True) if descending else F(sort.field).asc(nulls_last=True)
    else:
        expr = F(sort.field).desc() if descending else F(sort.field).asc()
    return [expr, "-pk" if descending else "pk"]


def _after(sort: Sort, value: datetime | None, pk: int, *, backwards: bool) -> Q:
    """Rows strictly after (value, pk) in the direction of travel."""
    descending = sort.descending != backwards
    name = sort.field
    pk_q = Q(pk__lt=pk) if descending else Q(pk__gt=pk)
    if value is None:
        # Inside the block of rows without a value (nullable sorts only).
        if sort.nullable and not backwards:
            return Q(**{f"{name}__isnull": True}) & pk_q
        return (Q(**{f"{name}__isnull": True}) & pk_q) | Q(**{f"{name}__isnull": False})
    beyond = Q(**{f"{name}__lt" if descending else f"{name}__gt": value})
    tie = Q(**{name: value}) & pk_q
    result = beyond | tie
    if sort.nullable and not backwards:
        result |= Q(**{f"{name}__isnull": True})
    return result


def paginate(
    qs: QuerySet[Any],
    *,
    sort_key: str = DEFAULT_SORT,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
    count: bool = True,
    count_limit: int = COUNT_LIMIT,
    count_qs: QuerySet[Any] | None = None,
) -> Page:
    """One page of ``qs`` in the order ``sort_key`` names, starting after (or ending before) a cursor.

    ``total`` is exact up to ``count_limit``; beyond, it is ``count_limit`` and ``total_capped`` is set.
    ``count_qs``: the same rows phrased for counting, when that phrasing is cheaper.
    """
    sort = SORTS.get(sort_key) or SORTS[DEFAULT_SORT]
    total = (qs if count_qs is None else count_qs).order_by()[: count_limit + 1].count() if count else -1
    capped = total > count_limit
    total = min(total, count_limit)
    backwards = bool(before) and not after
    cursor = _decode(before if backwards else after) if (before or after) else None
    page_qs = qs
    if cursor is not None:
        page_qs = page_qs.filter(_after(sort, cursor[0], cursor[1], backwards=backwards))
    rows = list(page_qs.order_by(*_ordering(sort, backwards=backwards))[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    first, last = (rows[0], rows[-1]) if rows else (None, None)

    def key(row: Any) -> str | None:
        return _encode(getattr(row, sort.field), row.pk) if row is not None else None

    if backwards:
        next_cursor = key(last)
        previous_cursor = key(first) if more else None
    else:
        next_cursor = key(last) if more else None
        previous_cursor = key(first) if cursor is not None else None
    return Page(
        rows=rows,
        total=total,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        per_page=per_page,
        total_capped=capped,
    )


# What a line of the queue shows (``web.presenters.QueueRow``) and what its cursor needs: the rest of
# a request (its description, budget, screening results) stays in the database.
QUEUE_COLUMNS = (
    "reference",
    "title",
    "funding_requested",
    "urgency",
    "state",
    "kind",
    "due_at",
    "created_at",
    "updated_at",
    "anonymised_at",
    "city_id",
    "region_id",
    "owner_id",
    "city__name",
    "city__country",
    "region__name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


def queue_page(
    user: User,
    filters: QueueFilters,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> Page:
    """The hub queue (or the management unit's cross-hub list): one page of ``QueueRow`` lines."""
    qs = filtered_requests(user, filters).select_related("city", "region", "owner").only(*QUEUE_COLUMNS)
    page = paginate(
        qs,
        sort_key=filters.sort,
        after=after,
        before=before,
        per_page=per_page,
        count_qs=filtered_requests(user, filters, for_count=True),
        count_limit=COUNT_LIMIT,
    )
    page.rows = queue_rows(page.rows, user, now=timezone.now())
    return page


# What a line of a focal point's home shows (``web.presenters.CityRow``) and what its cursor needs.
CITY_COLUMNS = ("reference", "title", "state", "due_at", "updated_at", "anonymised_at", "city_id", "city__name")


def city_attention(user: User, *, limit: int = 20) -> list[CityRow]:
    """A focal point's requests that wait for the city itself: drafts, questions, evaluations."""
    waiting = [RequestState.DRAFT, RequestState.INFO_REQUESTED, RequestState.DELIVERED]
    rows = (
        visible_requests(user)
        .filter(city__in=user.cities.values("pk"), state__in=waiting)
        .select_related("city")
        .only(*CITY_COLUMNS)
        .order_by(F("due_at").asc(nulls_last=True), "-pk")[:limit]
    )
    return city_rows(list(rows))


def city_requests(user: User, *, after: str | None = None, before: str | None = None) -> Page:
    """All requests of the focal point's cities, last changed first: one page of ``CityRow`` lines."""
    qs = visible_requests(user).filter(city__in=user.cities.values("pk")).select_related("city")
    page = paginate(qs.only(*CITY_COLUMNS), sort_key="updated", after=after, before=before)
    page.rows = city_rows(page.rows)
    return page


def expert_assignments(user: User) -> dict[str, list[Any]]:
    """An expert's proposed, accepted and completed assignments on requests they may still see."""

    grouped: dict[str, list[Any]] = {"proposed": [], "accepted": [], "completed": []}
    rows = (
        assignments_for_expert(user)
        .filter(status__in=list(grouped), request__in=visible_requests(user).values("pk"))
        .only(*INBOX_COLUMNS)[:200]
    )
    assignments = list(rows)
    for assignment, line in zip(assignments, inbox_rows(assignments), strict=True):
        grouped[assignment.status].append(line)
    return grouped


# What a line of an expert's inbox shows (``web.presenters.InboxRow``).
INBOX_COLUMNS = (
    "status",
    "created_at",
    *(f"request__{name}" for name in ("reference", "title", "state", "theme", "kind", "language", "anonymised_at")),
    "request__city__name",
    "request__city__country",
    "request__city__anonymous_to_experts",
    "request__region__name",
)


# What a line of the fund queue shows (``web.presenters.FundRow``), and its cursor (pk, created_at).
FUND_QUEUE_LINE = (
    "pk",
    "created_at",
    "amount_requested",
    "currency",
    "strategic_priority",
    "request__reference",
    "request__title",
    "request__due_at",
    "request__anonymised_at",
    "request__city__name",
    "request__region__name",
    *(f"{person}__{name}" for person in ("recommended_by", "first_approver") for name in PERSON_NAME),
)


@dataclass
class FundQueue:
    page: Page  # rows: ``FundRow`` lines of the pending fund applications, oldest first
    envelopes: list[Any]
    fiscal_year: int


def fund_queue(
    user: User,
    *,
    fiscal_year: int | None = None,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> FundQueue:
    """One page of the fund applications awaiting a decision (oldest first), with each region's envelope for
    the fiscal year.

    Each envelope carries what is committed and what pending applications ask, so the unit sees what an
    approval would leave.
    """

    year = fiscal_year or current_fiscal_year()
    applications = pending_applications().filter(request__in=visible_requests(user).values("pk"))
    page = paginate(
        applications.values_list(*FUND_QUEUE_LINE, named=True),
        sort_key="oldest",
        after=after,
        before=before,
        per_page=per_page,
        count_qs=applications.values("pk"),
    )
    page.rows = fund_rows(page.rows, now=timezone.now())
    return FundQueue(page=page, envelopes=list(envelope_balances(year)), fiscal_year=year)
