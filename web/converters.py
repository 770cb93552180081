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
