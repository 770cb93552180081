"""The city pages: the directory, the membership gaps, a city's record, its form and the city's own choice of
anonymity to experts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import City, PeopleAction, PeopleLog, RequestState
from tests.factories import (
    CityFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Zebra-crossing riot plan 7731"
SECRET_DESCRIPTION = "Quartermaster whispered description 5512"
SECRET_SUMMARY = "Unshareable brief of the harbour 9043"


@pytest.fixture
def region():
    return RegionFactory(name="Region A")


@pytest.fixture
def city(region):
    """A member city with requests whose text is distinctive (a draft too)."""
    city = CityFactory(name="Alpha One", region=region, country="KE", languages=["en", "fr"])
    for state in (RequestState.SUBMITTED, RequestState.CLOSED, RequestState.DRAFT):
        SupportRequestFactory(
            city=city,
            state=state,
            theme="young_cities",
            title=SECRET_TITLE,
            description=f"<p>{SECRET_DESCRIPTION}</p>",
            summary=SECRET_SUMMARY,
        )
    return city


@pytest.fixture
def quiet(region):
    """A member city that chose to stay anonymous to experts (its country named nowhere else)."""
    return CityFactory(name="Hushville", region=region, country="IS", anonymous_to_experts=True)


def _page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _no_request_content(html: str) -> None:
    for text in (SECRET_TITLE, SECRET_DESCRIPTION, SECRET_SUMMARY):
        assert text not in html


@pytest.mark.parametrize("who", ["hub", "management", "focal", "expert", "steering"])
def test_the_directory_shows_themes_worked_on_never_a_requests_text(client, city, who):
    reader = {
        "hub": lambda: hub_staff(city.region),
        "management": management,
        "focal": lambda: focal_point(city),
        "expert": expert,
        "steering": steering,
    }[who]()

    html = _page(client, reader, "/cities/")

    assert "Alpha One" in html and "Young Cities (youth engagement)" in html and "French" in html
    _no_request_content(html)


@pytest.mark.parametrize("who", ["hub", "management", "focal"])
def test_a_citys_record_shows_no_request_text(client, city, who):
    reader = {"hub": lambda: hub_staff(city.region), "management": management, "focal": lambda: focal_point(city)}[
        who
    ]()
    html = _page(client, reader, f"/cities/{city.pk}/")
    assert "Alpha One" in html
    _no_request_content(html)


def test_an_anonymous_city_is_not_named_to_an_expert_while_its_hub_sees_it(client, city, quiet):
    html = _page(client, expert(), "/cities/")
    assert "Hushville" not in html and "Iceland" not in html
    assert "1 more city chose not to be listed to experts." in html
    # Nor found by its name.
    html = _page(client, expert(), "/cities/?q=Hush")
    assert "Hushville" not in html and "Iceland" not in html

    html = _page(client, hub_staff(city.region), "/cities/")
    assert "Hushville" in html and "Iceland" in html and "Anonymous to experts" in html
    assert "chose not to be listed" not in html


def test_the_directory_links_records_only_for_those_who_may_read_them(client, city, region):
    other = CityFactory(name="Beta One")
    staff = hub_staff(region)

    html = _page(client, staff, "/cities/")
    assert f'href="/cities/{city.pk}/"' in html and f'href="/cities/{city.pk}/edit/"' in html
    assert f'href="/cities/{other.pk}/"' not in html and "Beta One" in html
    assert 'href="/cities/new/"' in html

    html = _page(client, expert(), "/cities/")
    assert f'href="/cities/{city.pk}/"' not in html and 'href="/cities/new/"' not in html


def test_the_directory_page_costs_the_same_for_3_or_20_cities(client, region):
    reader = management()
    client.force_login(reader)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cities/").status_code == 200
        return len(captured)

    for _ in range(3):
        focal_point(CityFactory(region=region))
    few = count()
    for n in range(17):
        city = CityFactory(region=RegionFactory() if n % 4 == 0 else region, anonymous_to_experts=n % 2 == 0)
        SupportRequestFactory(city=city, state=RequestState.SUBMITTED)
        CityFactory(region=city.region, is_member=False)
    many = count()
    assert few == many <= 12, (few, many)


def test_the_gaps_page_costs_the_same_for_3_or_20_cities(client, region):
    client.force_login(management())

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cities/gaps/").status_code == 200
        return len(captured)

    for _ in range(3):
        CityFactory(region=region)
    few = count()
    for n in range(17):
        city = CityFactory(region=RegionFactory() if n % 4 == 0 else region, principles_accepted_on="2024-01-01")
        if n % 2:
            focal_point(city)
    many = count()
    assert few == many <= 10, (few, many)


def test_hub_staff_cannot_edit_another_hubs_city_nor_choose_its_anonymity(client, city):
    outsider = hub_staff(RegionFactory())
    client.force_login(outsider)
    assert client.get(f"/cities/{city.pk}/edit/").status_code == 404
    assert client.post(f"/cities/{city.pk}/edit/", {"name": "Taken", "country": "KE"}).status_code == 404
    assert client.get(f"/cities/{city.pk}/").status_code == 404

    client.force_login(hub_staff(city.region))
    assert client.post(f"/cities/{city.pk}/anonymity/", {"choice": "anonymous"}).status_code == 403
    city.refresh_from_db()
    assert city.name == "Alpha One" and city.anonymous_to_experts is False


def test_a_focal_point_chooses_their_citys_anonymity_from_its_record(client, city):
    focal = focal_point(city)
    html = _page(client, focal, f"/cities/{city.pk}/")
    assert f'action="/cities/{city.pk}/anonymity/"' in html
    assert f'href="/cities/{city.pk}/edit/"' not in html

    response = client.post(f"/cities/{city.pk}/anonymity/", {"choice": "anonymous"})

    assert response.status_code == 302 and response["Location"] == f"/cities/{city.pk}/"
    city.refresh_from_db()
    assert city.anonymous_to_experts is True
    row = PeopleLog.objects.get(city=city)
    assert (row.action, row.actor) == (PeopleAction.CITY_ANONYMITY, focal)


def test_another_citys_focal_point_may_not_read_nor_choose(client, city):
    client.force_login(focal_point(CityFactory(region=city.region)))
    assert client.get(f"/cities/{city.pk}/").status_code == 404
    assert client.post(f"/cities/{city.pk}/anonymity/", {"choice": "anonymous"}).status_code == 404
    assert not PeopleLog.objects.exists()


def test_the_record_for_its_hub_shows_the_focal_points_and_links_to_edit(client, city):
    focal_point(city, first_name="Amina", last_name="Odhiambo", email="amina@example.org")
    html = _page(client, hub_staff(city.region), f"/cities/{city.pk}/")
    assert "Amina Odhiambo" in html and "amina@example.org" in html
    assert f'href="/cities/{city.pk}/edit/"' in html
    assert "anonymity/" not in html


def test_hub_staff_add_a_city_to_their_hub(client, region):
    staff = hub_staff(region)
    client.force_login(staff)
    assert 'name="region"' not in client.get("/cities/new/").content.decode()

    response = client.post(
        "/cities/new/",
        {"name": "Kisumu", "country": "KE", "is_member": "on", "member_since": "2024-05-01", "languages": ["en", "fr"]},
    )

    city = City.objects.get(name="Kisumu")
    assert response.status_code == 302 and response["Location"] == f"/cities/{city.pk}/"
    assert (city.region, city.languages, str(city.member_since)) == (region, ["en", "fr"], "2024-05-01")
    assert PeopleLog.objects.filter(city=city, action=PeopleAction.CITY_ADDED, actor=staff).exists()


def test_the_management_unit_chooses_the_hub(client, region):
    client.force_login(management())
    assert 'name="region"' in client.get("/cities/new/").content.decode()
    response = client.post("/cities/new/", {"name": "Tunis", "country": "TN", "region": region.pk})
    assert response.status_code == 302
    assert City.objects.get(name="Tunis").region == region


def test_a_duplicate_name_is_shown_on_its_field_and_nothing_typed_is_lost(client, city):
    client.force_login(hub_staff(city.region))
    response = client.post("/cities/new/", {"name": "alpha one", "country": "KE", "member_since": "2023-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This country already has a city of this name on the desk." in html
    assert 'id="id_name_error"' in html and 'value="2023-01-01"' in html


def test_the_record_is_edited_and_the_change_logged(client, city):
    client.force_login(hub_staff(city.region))
    html = client.get(f"/cities/{city.pk}/edit/").content.decode()
    assert 'value="Alpha One"' in html and '<option value="KE" selected>' in html

    response = client.post(
        f"/cities/{city.pk}/edit/",
        {"name": "Alpha One", "country": "KE", "principles_accepted_on": "2025-02-03", "languages": ["en", "fr"]},
    )

    assert response.status_code == 302
    city.refresh_from_db()
    assert city.is_member is False and str(city.principles_accepted_on) == "2025-02-03"
    row = PeopleLog.objects.get(city=city, action=PeopleAction.CITY_CHANGED)
    assert row.detail["after"] == {"is_member": False, "principles_accepted_on": "2025-02-03"}


def test_the_gaps_page_lists_each_hubs_gaps(client, city, region):
    far = CityFactory(name="Far city", principles_accepted_on="2024-01-01")
    focal_point(far)
    city.principles_accepted_on = None
    city.save(update_fields=["principles_accepted_on"])

    html = _page(client, management(), "/cities/gaps/")
    assert "Alpha One" in html and "Region A" in html
    assert "Far city" not in html  # its hub has no gap
    assert "No gap" in html

    html = _page(client, hub_staff(far.region), "/cities/gaps/")
    assert "Alpha One" not in html and "No gap" in html

    client.force_login(expert())
    assert client.get("/cities/gaps/").status_code == 403


def test_the_city_home_links_to_the_citys_record(client, city):
    html = _page(client, focal_point(city), "/city/")
    assert f'href="/cities/{city.pk}/"' in html and "Your city's record" in html


@pytest.mark.parametrize("query", ["?hub=abc", "?hub=999999", "?theme=nope&language=xx", "?q=" + "x" * 500])
def test_filters_off_the_lists_are_ignored(client, city, query):
    html = _page(client, steering(), "/cities/" + query)
    assert "Alpha One" in html or "No member city matches" in html


def test_the_record_shows_its_recent_changes_to_those_who_keep_it(client, city):
    staff = hub_staff(city.region)
    focal = focal_point(city)
    client.force_login(focal)
    client.post(f"/cities/{city.pk}/anonymity/", {"choice": "anonymous"})
    client.force_login(staff)
    client.post(
        f"/cities/{city.pk}/edit/", {"name": "Alpha One", "country": "KE", "is_member": "on", "languages": ["ar"]}
    )

    html = _page(client, staff, f"/cities/{city.pk}/")
    assert "Recent changes to the record" in html
    assert "City record changed" in html and "City&#x27;s anonymity to experts changed" in html
    html = _page(client, focal, f"/cities/{city.pk}/")
    assert "Recent changes to the record" not in html


def test_the_record_page_costs_the_same_with_1_or_8_focal_points(client, city):
    client.force_login(hub_staff(city.region))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cities/{city.pk}/").status_code == 200
        return len(captured)

    focal_point(city)
    few = count()
    for _ in range(7):
        focal_point(city)
    assert few == count() <= 12
