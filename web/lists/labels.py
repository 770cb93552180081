"""Choice labels translated once per page.

A model's ``get_FOO_display`` hashes every choice's lazy label to find one, translating each of them: in a
list of 25 lines it translated the ten state names 250 times (2 ms of a page). A list reads its labels here,
once per kind of choice, and looks each line's up.
"""

from __future__ import annotations

from django.db.models import Choices


def labels(choices: type[Choices]) -> dict[str, str]:
    """Each value of ``choices`` with its label in the active language."""
    return {str(value): str(label) for value, label in choices.choices}


class ChoiceWords:
    """The labels a page of lines prints, each kind of choice translated on first use:
    ``words(RequestState, request.state)``. Made once per page, in the reader's language."""

    def __init__(self) -> None:
        self._tables: dict[type[Choices], dict[str, str]] = {}

    def __call__(self, choices: type[Choices], value: object) -> str:
        """The label of ``value``; the value itself when the choices do not know it, "" for no value."""
        if value is None or value == "":
            return ""
        table = self._tables.get(choices)
        if table is None:
            table = self._tables[choices] = labels(choices)
        key = str(value)
        return table.get(key, key)
