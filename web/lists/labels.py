"""Choice labels translated once per page.

A model's ``get_FOO_display`` hashes every choice's lazy label to find one, translating each of them: in a
list of 25 lines it translated the ten state names 250 times (2 ms of a page). A list reads its labels here,
once, and looks each line's up.
"""

from __future__ import annotations

from django.db.models import Choices


def labels(choices: type[Choices]) -> dict[str, str]:
    """Each value of ``choices`` with its label in the active language."""
    return {str(value): str(label) for value, label in choices.choices}
