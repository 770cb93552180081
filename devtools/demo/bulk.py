"""Fast inserts for the scale seeder: hundreds of thousands of rows without building a model per row.

``bulk_create`` costs ~40 µs a row here (a model instance, then every value prepared field by field),
which made seeding 100,000 requests with their messages and history take minutes. These rows are
generated, not typed by anyone, and go straight to the table: ``COPY`` on PostgreSQL, ``executemany`` on
SQLite. Values are converted once per column kind (times, JSON, decimals), as Django would store them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils.duration import duration_microseconds

Converter = Callable[[Any], Any]


def _json(value: Any) -> str:
    # Most seeded JSON is an empty list or a one-key object: skip the encoder for the empty ones.
    if not value:
        return "[]" if isinstance(value, list) else "{}"
    return json.dumps(value, ensure_ascii=False)


def _sqlite_datetime(value: datetime) -> str:
    # What Django's SQLite backend stores for an aware datetime (naive UTC, ISO with a space), without its
    # per-value settings lookups: a quarter of the seeding time went there.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _converter(field: models.Field) -> Converter | None:
    if isinstance(field, models.JSONField):
        return _json
    if connection.vendor == "postgresql":
        return None  # COPY takes Python's datetimes, decimals and dates as they are
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime
    if isinstance(field, models.DecimalField):
        return lambda value: str(value) if isinstance(value, Decimal) else value
    if isinstance(field, models.DurationField):
        return lambda value: duration_microseconds(value) if isinstance(value, timedelta) else value  # as Django
    if isinstance(field, models.DateField):
        return lambda value: value.isoformat() if value is not None else None
    return None


@contextmanager
def bulk_load() -> Iterator[None]:
    """Around a bulk seeding run. On SQLite: a page cache large enough for the growing indexes, and no fsync
    per commit (a crash mid-seed leaves a benchmark database to seed again, nothing of value); halves the
    time of ``seed_demo --scale 100000``. On PostgreSQL: the GIN (trigram) indexes are dropped and built
    again once at the end, instead of taking each row's trigrams one by one (seeding took 176 s instead of
    about 70)."""
    if connection.in_atomic_block:
        # Inside a transaction (a test) SQLite refuses to change its safety level; nothing to gain there.
        yield
        return
    if connection.vendor == "postgresql":
        with _without_gin_indexes():
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
        synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
        cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB, in KiB
        cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")


@contextmanager
def _without_gin_indexes() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE %s",
            ["% USING gin %"],
        )
        saved = cursor.fetchall()
        for name, _definition in saved:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in saved:
                cursor.execute(definition)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, attribute names) into ``model``'s table.

    Returns how many rows were written. Defaults, ``auto_now`` and signals do not apply: every column
    that is not nullable and has no database default must be given.
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    converters = [(i, c) for i, c in enumerate(_converter(f) for f in columns) if c is not None]

    def prepared() -> Iterable[Sequence[Any]]:
        if not converters:
            yield from rows
            return
        for row in rows:
            values = list(row)
            for i, convert in converters:
                if values[i] is not None:
                    values[i] = convert(values[i])
            yield values

    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # psycopg 3
                for values in prepared():
                    copy.write_row(values)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        batch: list[Sequence[Any]] = []
        for values in prepared():
            batch.append(values)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def update_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Set ``fields`` of existing rows: each of ``rows`` is (pk, *values in the order of ``fields``).

    PostgreSQL takes a thousand rows per statement (``UPDATE ... FROM (VALUES ...)``, each value cast to its
    column's type); SQLite, one statement per row in ``executemany``, which costs it little.
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    converters = [(i + 1, c) for i, c in enumerate(_converter(f) for f in columns) if c is not None]
    prepared: list[list[Any]] = []
    for row in rows:
        values = list(row)
        for i, convert in converters:
            if values[i] is not None:
                values[i] = convert(values[i])
        prepared.append(values)
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [meta.pk.db_type(connection), *(f.db_type(connection) for f in columns)]
            assignments = ", ".join(f"{quote(f.column)} = v.c{i + 1}" for i, f in enumerate(columns))
            names = ", ".join(f"c{i}" for i in range(len(types)))
            for start in range(0, len(prepared), 1000):
                chunk = prepared[start : start + 1000]
                row_sql = "(" + ", ".join(f"%s::{t}" for t in types) + ")"
                sql = (
                    f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row_sql] * len(chunk))}) "  # noqa: S608
                    f"AS v({names}) WHERE {table}.{pk} = v.c0"
                )
                cursor.execute(sql, [value for values in chunk for value in values])
        else:
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - names from _meta
            cursor.executemany(sql, [[*values[1:], values[0]] for values in prepared])
    return len(prepared)
