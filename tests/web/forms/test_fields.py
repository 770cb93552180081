"""The shared form fields: rows chosen by id refuse what no id could be before the database sees it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from helpdesk.models import Region
from tests.factories import RegionFactory
from web.forms.fields import RowsField

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [str(10**40), "٣", "1e999", "-1", "abc"])
def test_a_value_that_is_no_id_is_refused_as_a_choice(value):
    field = RowsField(queryset=Region.objects.all())

    with pytest.raises(ValidationError) as refused:
        field.clean([value])

    assert getattr(refused.value, "code", "") in {"invalid_pk_value", "invalid_choice"}


def test_ids_of_rows_are_chosen():
    regions = [RegionFactory(), RegionFactory()]
    field = RowsField(queryset=Region.objects.all())

    assert set(field.clean([str(r.pk) for r in regions])) == set(regions)
