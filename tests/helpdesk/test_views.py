import pytest

from tests.factories import PASSWORD, CityFactory, SupportRequestFactory, focal_point

pytestmark = pytest.mark.django_db


def test_root_shows_the_login_page_to_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


def test_login_then_home_lists_only_the_citys_requests(client):
    city = CityFactory()
    mine = SupportRequestFactory(city=city, title="Ours")
    theirs = SupportRequestFactory(title="Someone else's")
    user = focal_point(city)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert mine.reference in page and theirs.reference not in page
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
