"""Parameters from a URL or a form, read at the edge: a value that is not what the page expects is no value.

Python's ``str.isdigit()`` and ``str.isdecimal()`` accept Unicode digits (``²``, ``٣``) and any length, and
``int()`` then refuses past 4,300 digits, while a database refuses an integer past 64 bits: a row id is read
here, ASCII digits of bounded length, or not at all.
"""

from __future__ import annotations

# A bigint holds any 18-digit number; longer is no id the desk ever gave.
MAX_ID_DIGITS = 18


def parse_id(value: object) -> int | None:
    """A positive row id written as ASCII digits (at most ``MAX_ID_DIGITS``), or ``None`` for anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number or None
