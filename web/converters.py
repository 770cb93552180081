"""Path converters: what a URL's parts may be, decided before any view or query runs."""

from __future__ import annotations


class ReferenceConverter:
    """A request's reference (``SCN-2026-000123``): ASCII letters, digits and hyphens, as ``reference_format``
    writes them. Anything else in its place (a NUL byte, which PostgreSQL refuses in a query with an error,
    Unicode, a dot) is no reference: the URL resolves to nothing, a 404, before a query is made."""

    regex = r"[A-Za-z0-9][A-Za-z0-9-]{0,39}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A row's id: ASCII digits, at most ``web.params.MAX_ID_DIGITS`` of them (what ``parse_id`` accepts). A
    longer number would overflow the database's integer (SQLite raises on it), and Django's ``int`` converter
    takes any length: here it is no id at all, a 404 before any query."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)
