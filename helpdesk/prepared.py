"""Reads whose SQL Django compiles once per connection: a speed device, kept where ``make bench`` showed a page
missing its target without it (``docs/performance.md``).

Building a queryset and compiling it costs 0.3 to 0.6 ms of Python here, more than SQLite takes to answer (a
request's 55 messages: 0.23 ms as a prepared read, 0.69 ms through the ORM). The reads a request page makes
every time use it (its messages, its files in the shape each reader reads them, its trail and the reader's
unread notifications; the request page of the benchmark was at 11 x the floor without them), and so does the
unread count every page's header shows. ``PreparedRead`` lets the ORM write the SQL once per connection and
shape, then only binds each call's values and applies the same converters the ORM would. It reads the
compiler's output, which is not Django's public API: ``tests/helpdesk/test_prepared.py`` holds the mechanism
equal to the ORM, and each read is held equal to its plain queryset where its selector is tested
(``tests/helpdesk/test_selectors.py``, ``test_shares.py``, ``tests/notifications/test_selectors.py``), so a
Django upgrade that changes it fails there.

The queryset is still written with the ORM, by a function of the read's values (so the rule it expresses
lives in one place); it is first called with stand-in values, and each parameter of the compiled SQL is
traced back to the value it came from. Only plain integers, strings and sequences of them may be bound
(a sequence's length is part of the shape), and the queryset must not branch on them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

Value = int | str | Sequence[int | str]
# Stand-ins nobody stores: far below any id, and strings no form can submit (a NUL first).
_INT_BASE = -(2**52)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # For each parameter of ``sql``: (name, index in a sequence or None), or None for a constant of the query.
    slots: tuple[tuple[str, int | None] | None, ...]
    constants: tuple[Any, ...]
    compiler: Any
    converters: dict[int, Any]


_EMPTY = object()  # the shape matches nothing (an empty IN list): no query is made


class PreparedRead:
    """A ``values_list`` read, compiled once per database connection and shape of its values."""

    def __init__(self, name: str, build: Callable[..., QuerySet[Any]], *, using: str = "default") -> None:
        self.name = name
        self._build = build
        self._using = using

    def rows(self, **values: Value) -> list[tuple[Any, ...]]:
        """The rows of the read for ``values`` (keyword arguments of the build function), as tuples."""
        connection = connections[self._using]
        shape = tuple((key, len(v) if _is_sequence(v) else type(v).__name__) for key, v in sorted(values.items()))
        # Kept on the connection object: connections are per thread, and so are their converters.
        cache: dict[Hashable, _Compiled | object] = connection.__dict__.setdefault("_helpdesk_prepared", {})
        # Keyed by the read itself, not its name: two reads given the same name never share SQL.
        compiled = cache.get((self, shape))
        if compiled is None:
            compiled = cache[(self, shape)] = self._compile(values)
        if compiled is _EMPTY:
            return []
        assert isinstance(compiled, _Compiled)
        params = [
            constant if slot is None else _bound(values[slot[0]], slot[1])
            for slot, constant in zip(compiled.slots, compiled.constants, strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            return [tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)]
        return [tuple(row) for row in rows]

    def _compile(self, values: dict[str, Value]) -> _Compiled | object:
        stand_ins: dict[Any, tuple[str, int | None]] = {}
        arguments: dict[str, Any] = {}
        for number, (key, value) in enumerate(sorted(values.items())):
            if _is_sequence(value):
                items = [_stand_in(number * 1000 + i, item) for i, item in enumerate(value)]
                stand_ins.update({item: (key, i) for i, item in enumerate(items)})
                arguments[key] = items
            else:
                item = _stand_in(number * 1000, value)
                stand_ins[item] = (key, None)
                arguments[key] = item
        queryset = self._build(**arguments)
        compiler = queryset.query.get_compiler(using=self._using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _EMPTY
        slots = tuple(stand_ins.get(p) if isinstance(p, int | str) else None for p in params)
        if set(stand_ins.values()) - {slot for slot in slots if slot is not None}:
            raise ImproperlyConfigured(f"Prepared read {self.name}: a value does not reach the SQL as given.")
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Compiled(
            sql=sql,
            slots=slots,
            constants=tuple(None if slot is not None else p for slot, p in zip(slots, params, strict=True)),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )


def _is_sequence(value: Value) -> TypeGuard[Sequence[int | str]]:
    return isinstance(value, list | tuple)


def _bound(value: Value, index: int | None) -> int | str:
    """What one parameter binds: a plain value as given, or the item ``index`` of a sequence."""
    if isinstance(value, int | str):
        return value
    # ``_compile`` traced a sequence item by item, so its slots always carry an index.
    assert index is not None
    return value[index]


def _stand_in(number: int, example: object) -> int | str:
    if isinstance(example, bool) or not isinstance(example, int | str):
        raise ImproperlyConfigured(f"Prepared reads bind integers and strings only, not {type(example).__name__}.")
    return _INT_BASE - number if isinstance(example, int) else f"\x00prepared-{number}"
