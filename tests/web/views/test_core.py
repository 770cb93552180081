"""The server-error page: a 503 the reader can read, and a load balancer can act on, while the database is away."""

import pytest
from django.db import InterfaceError, OperationalError, connections
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import CityFactory, focal_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    # As a browser sees it: the error page, not the exception the test client re-raises by default.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_in_the_readers_language_while_the_database_is_unreachable(browser, monkeypatch, error):
    person = focal_point(CityFactory(), preferred_language="ar")
    browser.force_login(person)
    browser.cookies["django_language"] = "fr"

    def down(*args, **kwargs):
        raise error("connection to server at 127.0.0.1 failed: Connection refused")

    # Everything that would read the database fails: the session, the person, the page, the page about it.
    monkeypatch.setattr(connections["default"], "cursor", down)
    monkeypatch.setattr(connections["default"], "_cursor", down)
    response = browser.get("/city/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    # The profile cannot be read: the browser's language (its cookie) is the reader's.
    with translation.override("fr"):
        heading = gettext("The desk is briefly unavailable")
    assert '<html lang="fr"' in page and heading in page


def test_any_other_failure_is_still_a_500(browser, monkeypatch):
    browser.force_login(focal_point(CityFactory()))

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("web.views.city.home", broken)
    monkeypatch.setattr("web.views.core.city.home", broken)
    response = browser.get("/")
    assert response.status_code == 500 and "Retry-After" not in response
