"""Form fields the desk's forms share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from web.params import parse_id


class RowsField(forms.ModelMultipleChoiceField):
    """Rows chosen by their ids (checkboxes, a multiple select). Each value must be an id the desk could have
    given (``web.params.parse_id``) before the database is asked: Django's own field sends any integer to an
    ``IN`` query, and one past 64 bits is an error on SQLite and PostgreSQL instead of a refused choice."""

    def _check_values(self, value: Iterable[Any]) -> QuerySet[Any]:
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        # Django's own (undeclared in django-stubs): the queryset of the chosen rows, each checked to exist.
        return super()._check_values(value)  # type: ignore[misc]
