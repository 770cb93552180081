"""Adding to a tally's cells in the caller's transaction: the one mechanism the request, outcome and grant tallies
(``workflows.tally``, ``workflows.tally_outcomes``, ``workflows.tally_grants``) keep their cells with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Case, F, Model, Q, Value, When


def cells_add(
    model: type[Model], fields: Sequence[str], columns: Sequence[str], change: Mapping[tuple[Any, ...], Sequence[int]]
) -> None:
    """Add to ``model``'s cells (one row per value of ``fields``, a key of ``change`` giving them in that order)
    each cell's deltas, one per column of ``columns``: three queries whatever the change.

    Safe with several workers on PostgreSQL: the missing cells are inserted first (``ON CONFLICT DO NOTHING``: a
    worker inserting the same cell waits for the first to commit, then inserts nothing), then every cell is
    locked in one fixed order (``SELECT … FOR UPDATE ORDER BY`` the cell's fields), so two moves touching the
    same cells wait for each other instead of deadlocking, then one ``UPDATE`` adds each delta with
    ``column = column + delta``, computed by the database on the locked row, never a value read earlier. SQLite
    runs one writer at a time.
    """
    keys = [key for key, deltas in change.items() if any(deltas)]
    if not keys:
        return

    def cell(key: tuple[Any, ...]) -> Q:
        return Q(**dict(zip(fields, key, strict=True)))  # a None matches a NULL (``IS NULL``)

    model._default_manager.bulk_create(
        [model(**dict(zip(fields, key, strict=True))) for key in keys], ignore_conflicts=True
    )
    cells = Q()
    for key in keys:
        cells |= cell(key)
    list(model._default_manager.select_for_update().filter(cells).order_by(*fields).values_list("pk", flat=True))
    model._default_manager.filter(cells).update(
        **{
            column: F(column) + Case(*(When(cell(key), then=Value(change[key][i])) for key in keys), default=Value(0))
            for i, column in enumerate(columns)
        }
    )
