"""Keyset pagination of a page's list: each page starts from the last row of the previous one (the
"cursor") along an index, never with OFFSET, so a deep page of a 100,000-request queue costs the first's.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

PER_PAGE = 25
# A list counts its rows up to here and then says "more than": an exact count of a filter that matches
# most of 100,000 requests reads them all (10 ms on SQLite for a hub's closed English requests), and past
# a thousand nobody acts on the exact figure. Paging is unaffected.
COUNT_LIMIT = 1000


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
class Page:
    rows: list[Any]  # requests, or the lines a presenter made of them
    total: int
    next_cursor: str | None
    previous_cursor: str | None
    per_page: int
    total_capped: bool = False  # there are more than ``total`` rows (see COUNT_LIMIT)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


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
    # "Up to the cursor's value, but not the cursor's row or those before it among equals": a range on the
    # sort column, which the index seeks to, where "beyond or tied" (an OR) walked the index from its start
    # (page 200 of a hub's queue: 4.5 ms against 2.2).
    bound = Q(**{f"{name}__lte" if descending else f"{name}__gte": value})
    passed = Q(**{name: value}) & (Q(pk__gte=pk) if descending else Q(pk__lte=pk))
    result = bound & ~passed
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
    ``count_qs``: the same rows phrased for counting, when that phrasing is cheaper. Without ``count``, no
    count is made: ``total`` is what this page holds, capped ("more than") when there are other pages.
    """
    sort = SORTS.get(sort_key) or SORTS[DEFAULT_SORT]
    total = (qs if count_qs is None else count_qs).order_by()[: count_limit + 1].count() if count else -1
    capped = total > count_limit
    total = min(total, count_limit)
    backwards = bool(before) and not after
    token = before if backwards else after
    cursor = _decode(token) if token else None
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
    if not count:
        total, capped = len(rows), bool(next_cursor or previous_cursor)
    return Page(
        rows=rows,
        total=total,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        per_page=per_page,
        total_capped=capped,
    )
