"""Finding resources: only what the person may read, filtered, a title match before a text match."""

import pytest

from helpdesk.selectors import resources_search
from tests.factories import CityFactory, ResourceVersionFactory, focal_point, resource, steering

pytestmark = pytest.mark.django_db


def test_a_title_match_ranks_above_a_text_match_and_drafts_stay_out():
    in_text = resource()
    in_text.versions.update(body="<p>The youth council met monthly.</p>")
    in_title = resource(kind="tool")
    in_title.versions.update(title="Youth council toolkit")
    resource(state="draft").versions.update(title="Youth council draft")
    reader = steering()
    found = list(resources_search(reader, q="youth council"))
    assert found == [in_title, in_text]
    assert list(resources_search(reader, q="youth", kinds=["tool"])) == [in_title]


def test_filters_by_language_theme_and_priority():
    french = resource(languages=("fr",), themes=["young_cities"], priorities=[4])
    ResourceVersionFactory(resource=resource(), language="ar")
    reader = focal_point(CityFactory())
    assert list(resources_search(reader, languages=["fr"])) == [french]
    assert list(resources_search(reader, themes=["young_cities"], priorities=[4])) == [french]
