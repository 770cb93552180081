"""The resource hub over the API: the search with the list page's filters, a resource as its page shows it (its
languages, who wrote and translated it, its files through the desk's download, the city only when it chose to be
named), 404 for what the caller may not read, and a bounded query count."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.models import City, Region
from helpdesk.services import resource_file_add
from tests.access_world import PDF_BYTES
from tests.factories import (
    CityFactory,
    RegionFactory,
    ResourceVersionFactory,
    focal_point,
    hub_staff,
    management,
    resource,
    steering,
)
from tests.web.api.conftest import token_client

pytestmark = pytest.mark.django_db

LIST = reverse("api:resources")


@pytest.fixture
def region() -> Region:
    return RegionFactory()


@pytest.fixture
def city(region: Region) -> City:
    return CityFactory(region=region)


def detail(slug: str) -> str:
    return reverse("api:resource-detail", args=[slug])


def test_the_search_lists_published_resources_with_the_pages_filters(city: City) -> None:
    guide = resource(kind="guide", languages=("en", "fr"))
    policy = resource(kind="policy", themes=["young_cities"])
    resource(state="draft")  # not the reader's: never listed
    client = token_client(focal_point(city))
    found = client.get(LIST).json()
    assert {line["slug"] for line in found["results"]} == {guide.slug, policy.slug}
    assert found["count"] == 2 and found["page"] == 1 and found["has_next"] is False
    line = next(line for line in found["results"] if line["slug"] == guide.slug)
    assert [language["code"] for language in line["languages"]] == ["en", "fr"]
    assert [line["slug"] for line in client.get(LIST, {"kind": "policy"}).json()["results"]] == [policy.slug]
    assert [line["slug"] for line in client.get(LIST, {"theme": "young_cities"}).json()["results"]] == [policy.slug]
    # An unknown value is ignored, as on the page.
    assert client.get(LIST, {"kind": "spaceship"}).json()["count"] == 2


def test_the_words_searched_for(city: City) -> None:
    wanted = resource()
    ResourceVersionFactory(resource=wanted, language="fr", title="Conseil des jeunes et prévention")
    resource()
    found = token_client(focal_point(city)).get(LIST, {"q": "jeunes"}).json()
    assert [line["slug"] for line in found["results"]] == [wanted.slug]


def test_a_resource_as_its_page_shows_it(city: City, region: Region) -> None:
    item = resource(languages=("en",), city=city, city_named=False, region=region)
    translator = management(first_name="Samira", last_name="Haddad")
    ResourceVersionFactory(resource=item, language="fr", title="Un guide", translated_from="en", written_by=translator)
    stored = resource_file_add(resource=item, actor=translator, upload=SimpleUploadedFile("guide.pdf", PDF_BYTES))
    client = token_client(focal_point(CityFactory(region=region)))
    shown = client.get(detail(item.slug), {"lang": "fr"}).json()
    assert shown["language"] == "fr" and shown["title"] == "Un guide"
    french = next(v for v in shown["versions"] if v["language"] == "fr")
    assert french["translated_from"] == "en" and french["written_by"] == "Samira Haddad"
    assert shown["city"] is None and shown["hub"] == str(region)
    (file,) = shown["files"]
    assert file["name"] == "guide.pdf" and file["size"] == len(PDF_BYTES)
    download = client.get(file["download_url"])
    assert download.status_code == 200 and download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert client.get(reverse("api:resource-file", args=[item.slug, stored.pk + 1000])).status_code == 404


def test_the_city_is_named_only_when_it_chose_to_be(city: City, region: Region) -> None:
    named = resource(city=city, city_named=True, region=region)
    client = token_client(steering())
    assert client.get(detail(named.slug)).json()["city"] == city.name


def test_a_draft_is_404_for_someone_who_may_not_read_it(city: City, region: Region) -> None:
    draft = resource(state="draft", region=region, created_by=hub_staff(region))
    assert token_client(focal_point(city)).get(detail(draft.slug)).status_code == 404
    assert token_client(focal_point(city)).get(reverse("api:resource-file", args=[draft.slug, 1])).status_code == 404
    assert token_client(hub_staff(region)).get(detail(draft.slug)).status_code == 200


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_search_keeps_its_query_count_at_ten_times_the_data(city: City) -> None:
    client = token_client(focal_point(city))
    for _n in range(3):
        resource(languages=("en", "fr"))
    client.get(LIST)  # the token's first use writes its last-used time
    small = _queries(client)
    for _n in range(27):
        resource(languages=("en", "fr", "ar"))
    assert _queries(client) == small
