"""The scale seeder's resources: in proportion to the requests, in three languages, searchable at once."""

import pytest
from django.core.management import call_command

from devtools.demo.resources_scale import seed_scale_resources
from helpdesk.models import Resource, ResourceVersion
from helpdesk.selectors import resources_search
from tests.factories import steering

pytestmark = pytest.mark.django_db


def test_resources_are_seeded_in_proportion_with_their_index():
    from io import StringIO

    call_command("seed_demo", stdout=StringIO())
    before = Resource.objects.filter(state="published").count()
    added = seed_scale_resources(requests=5000)
    assert added == 100 + 10
    assert Resource.objects.filter(state="published").count() - before >= 100
    languages = set(
        ResourceVersion.objects.filter(resource__slug__startswith="scale-").values_list("language", flat=True)
    )
    assert languages == {"en", "fr", "ar"}
    reader = steering()
    for word in ("mentoring", "formation", "التطرف"):
        found = list(resources_search(reader, q=word)[:5])
        assert found, word
        assert all(item.state == "published" for item in found)
