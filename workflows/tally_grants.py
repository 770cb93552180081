"""The grant tally (``workflows.models.GrantTally``): what each request's approved grants add to it, keeping it in
step with the moves and the admin's edits that change them, rebuilding and checking it against a recount, and
reading the reports' grant lines from it.

A request adds, for each of its approved applications, one grant and the amount approved to the cell of the
application's envelope and strategic priority, and the same amount as disbursed once the request is delivered.
Two moves change that: approving a grant (``approve_funding``, which says so with ``grant_tally_mark`` before it
writes) and the delivery that stamps ``delivered_at`` (``transition_perform`` passes the stamp it saw before the
move to ``grant_tally_settle``). A move that does neither reads nothing. The rows the reports add up are one per
envelope and priority, whatever the number of grants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet, Sum

from helpdesk.models import SupportRequest
from workflows.models import FundApplication, GrantTally
from workflows.tally_cells import cells_add
from workflows.tally_outcomes import hundredths as hundredths_of

if TYPE_CHECKING:
    from workflows.moves.base import Move

Key = tuple[int, int]  # (envelope, strategic priority)
Line = tuple[int, int, int]  # (grants, committed, disbursed), the amounts in hundredths
APPROVED = FundApplication.Status.APPROVED
# An approved application's (request, envelope, priority, amount approved).
Granted = tuple[int, int, int, Decimal]


def _granted(request_ids: Collection[int] | None, apps: Any = None) -> list[Granted]:
    """The approved applications of some requests (every request: None): one query."""
    model = FundApplication if apps is None else apps.get_model("workflows", "FundApplication")
    rows = model.objects.filter(status=APPROVED).order_by()
    if request_ids is not None:
        rows = rows.filter(request_id__in=request_ids)
    return list(rows.values_list("request_id", "envelope_id", "strategic_priority", "amount_approved"))


def _cells(granted: list[Granted], delivered: Collection[int]) -> dict[Key, Line]:
    """What ``granted`` adds to the tally, the requests ``delivered`` counting as disbursed."""
    cells: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    for request_id, envelope, priority, amount in granted:
        line = cells[(envelope, priority)]
        hundredths = hundredths_of(amount or Decimal(0))
        line[0] += 1
        line[1] += hundredths
        if request_id in delivered:
            line[2] += hundredths
    return {key: (n, c, d) for key, (n, c, d) in cells.items()}


def _minus(after: dict[Key, Line], before: dict[Key, Line]) -> dict[Key, Line]:
    change = {}
    for key in set(after) | set(before):
        a, b = after.get(key, (0, 0, 0)), before.get(key, (0, 0, 0))
        line = (a[0] - b[0], a[1] - b[1], a[2] - b[2])
        if any(line):
            change[key] = line
    return change


def grant_tally_apply(change: dict[Key, Line]) -> None:
    """Add ``change`` to the tally inside the caller's transaction: three queries, race-safe
    (``workflows.tally_cells.cells_add``)."""
    cells_add(GrantTally, ("envelope_id", "priority"), ["grants", "committed", "disbursed"], change)


def grant_tally_mark(request: SupportRequest, move: Move) -> None:
    """Called by a move's handler before it writes an application's approval: the request's contribution is read
    once per move, and ``grant_tally_settle`` adds the difference at its end."""
    if move.grants_before is None:
        move.grants_before = _cells(_granted([request.pk]), [request.pk] if request.delivered_at else [])


def grant_tally_settle(request: SupportRequest, move: Move, *, delivered_before: datetime | None) -> None:
    """At the end of a move (``transition_perform``): if it approved a grant (``grant_tally_mark``) or delivered
    the request (``delivered_at`` set since ``delivered_before``), move the request's contribution."""
    delivered_now = request.delivered_at is not None
    if move.grants_before is None and delivered_now == (delivered_before is not None):
        return
    granted = _granted([request.pk])
    before = move.grants_before
    if before is None:
        # Nothing approved in this move: the same grants, as they counted before the delivery.
        before = _cells(granted, [request.pk] if delivered_before else [])
    grant_tally_apply(_minus(_cells(granted, [request.pk] if delivered_now else []), before))


def _delivered(request_ids: Collection[int] | None, apps: Any = None) -> set[int]:
    model = SupportRequest if apps is None else apps.get_model("helpdesk", "SupportRequest")
    rows = model.objects.filter(delivered_at__isnull=False).order_by()
    if request_ids is not None:
        rows = rows.filter(pk__in=request_ids)
    return set(rows.values_list("pk", flat=True))


@contextmanager
def grant_tally_kept(request_ids: Collection[int]) -> Iterator[None]:
    """Keep the tally in step with what the block writes about the applications of ``request_ids`` outside a move
    (the admin's edits of an application's envelope or priority), in the caller's transaction."""
    ids = sorted(request_ids)
    # Locked as a move locks its request: no move may approve or deliver them between the two readings.
    list(SupportRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    delivered = _delivered(ids)
    before = _cells(_granted(ids), delivered)
    yield
    grant_tally_apply(_minus(_cells(_granted(ids), delivered), before))


def grant_tally_recount(apps: Any = None) -> dict[Key, Line]:
    """The tally as the approved applications give it today (two queries: for a check, a rebuild or the migration
    that creates it, with its ``apps``)."""
    return _cells(_granted(None, apps), _delivered(None, apps))


def grant_tally_rebuild() -> int:
    """Replace the tally with a recount, in the caller's transaction (``workflows.tally.tally_rebuild``, which
    holds every request locked); returns the number of cells."""
    recount = grant_tally_recount()
    GrantTally.objects.all().delete()
    GrantTally.objects.bulk_create(
        GrantTally(envelope_id=envelope, priority=priority, grants=n, committed=c, disbursed=d)
        for (envelope, priority), (n, c, d) in recount.items()
    )
    return len(recount)


@dataclass(frozen=True)
class GrantDifference:
    key: Key
    tallied: Line
    recounted: Line

    def __str__(self) -> str:
        envelope, priority = self.key
        return f"grants envelope={envelope} priority={priority}: tally {self.tallied}, recount {self.recounted}"


def grant_tally_differences() -> list[GrantDifference]:
    """Every cell where the tally and a recount disagree (empty: they agree)."""
    zero: Line = (0, 0, 0)
    with transaction.atomic():
        tallied = {
            (envelope, priority): (n, c, d)
            for envelope, priority, n, c, d in GrantTally.objects.values_list(
                "envelope_id", "priority", "grants", "committed", "disbursed"
            )
            if n or c or d
        }
        recount = grant_tally_recount()
    return [
        GrantDifference(key, tallied.get(key, zero), recount.get(key, zero))
        for key in sorted(set(tallied) | set(recount))
        if tallied.get(key, zero) != recount.get(key, zero)
    ]


def grant_lines(cells: QuerySet[GrantTally]) -> list[tuple[int, int, str, int, Decimal, Decimal]]:
    """``cells`` (the tally of some envelopes) added up per hub, priority and currency: (hub, priority, currency,
    grants, committed, disbursed), amounts with their two decimals. One query, a row per combination whatever the
    number of grants."""
    rows = (
        cells.order_by()
        .values_list("envelope__region_id", "priority", "envelope__currency")
        .annotate(n=Sum("grants"), c=Sum("committed"), d=Sum("disbursed"))
    )
    return [
        (hub, priority, currency, n, Decimal(c).scaleb(-2), Decimal(d).scaleb(-2))
        for hub, priority, currency, n, c, d in rows
        if n
    ]
