"""Signing in, each role's home, language, profile and the friendly error pages."""

import re

import pytest
from django.urls import reverse

from helpdesk.models import Role
from tests.factories import (
    PASSWORD,
    CityFactory,
    SupportRequestFactory,
    UserFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)

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


def test_liveness_asks_nothing_of_the_database_and_readiness_says_what_is_down(client, monkeypatch):
    from django.db import OperationalError, connection, connections
    from django.test.utils import CaptureQueriesContext

    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "broker": "ok"}
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/healthz").status_code == 200
    assert captured.captured_queries == []

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", down)
    assert client.get("/healthz").json() == {"status": "ok"}  # the process lives: keep it
    response = client.get("/readyz")  # not ready: send it no traffic
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json()["status"] == "unavailable" and response.json()["database"] == "unavailable"


@pytest.mark.parametrize(
    ("make", "marker"),
    [
        (lambda: focal_point(CityFactory()), "Our requests"),
        (lambda: hub_staff(CityFactory().region), "Queue of"),
        (lambda: expert(), "My assignments"),
        (lambda: management(), "Technical support fund"),
        (lambda: steering(), "The desk in figures"),
    ],
    ids=["focal_point", "hub_staff", "expert", "management", "steering"],
)
def test_each_role_lands_on_its_own_home(client, make, marker):
    client.force_login(make())
    response = client.get("/")
    assert response.status_code == 200
    assert marker in response.content.decode()


def test_a_person_without_role_is_told_so(client):
    client.force_login(UserFactory())
    assert "no role on the desk yet" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        ("hub-queue", {Role.HUB_STAFF, Role.MANAGEMENT}),
        ("expert-inbox", {Role.EXPERT}),
        ("fund-queue", {Role.MANAGEMENT}),
        ("overview", {Role.MANAGEMENT}),
        ("steering", {Role.STEERING, Role.MANAGEMENT}),
        ("city-home", {Role.FOCAL_POINT}),
        ("request-new", {Role.FOCAL_POINT}),
    ],
)
def test_role_pages_answer_403_to_other_roles_and_send_visitors_to_sign_in(client, url_name, allowed):
    url = reverse(url_name)
    assert client.get(url).status_code == 302
    people = {
        Role.FOCAL_POINT: focal_point(CityFactory()),
        Role.HUB_STAFF: hub_staff(CityFactory().region),
        Role.EXPERT: expert(),
        Role.MANAGEMENT: management(),
        Role.STEERING: steering(),
    }
    for role, person in people.items():
        client.force_login(person)
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)


def test_logout_is_a_post_and_ends_the_session(client):
    user = focal_point(CityFactory())
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("city-home")).status_code == 302


def test_profile_saves_language_and_notification_mode_and_pages_follow_the_language(client):
    user = focal_point(CityFactory())
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Leïla",
            "last_name": "Haddad",
            "email": "leila@example.org",
            "phone": "",
            "organisation": "City hall",
            "preferred_language": "fr",
            "notification_mode": "digest",
            # A new address needs the current password (tests/web/views/test_account_security.py).
            "current_password": PASSWORD,
            # Not on the form: must be ignored.
            "is_staff": "on",
            "region": "1",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.preferred_language, user.notification_mode, user.is_staff) == ("fr", "digest", False)
    page = client.get(reverse("city-home")).content.decode()
    assert '<html lang="fr" dir="ltr" ' in page and "Nos demandes" in page


def test_profile_form_keeps_what_was_typed_on_error(client):
    user = focal_point(CityFactory())
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "first_name": "Kept",
            "last_name": "",
            "email": "not-an-address",
            "preferred_language": "en",
            "notification_mode": "immediate",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Kept"' in page and 'value="not-an-address"' in page and "is-invalid" in page


def test_arabic_pages_are_right_to_left_with_the_rtl_stylesheet(client):
    user = focal_point(CityFactory(), preferred_language="ar")
    client.force_login(user)
    page = client.get(reverse("city-home")).content.decode()
    assert '<html lang="ar" dir="rtl" ' in page
    assert "bootstrap.rtl.min.css" in page
    assert re.search(r'href="[^"]*bootstrap\.min\.css"', page) is None


def test_language_switcher_sets_a_cookie_for_visitors_and_the_profile_for_people(client):
    response = client.post(reverse("set-language"), {"language": "ar", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert 'dir="rtl"' in client.get("/").content.decode()
    user = focal_point(CityFactory())
    client.force_login(user)
    client.post(reverse("set-language"), {"language": "fr", "next": "https://evil.example.org/"})
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    response = client.post(reverse("set-language"), {"language": "en", "next": "https://evil.example.org/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "We cannot find this page"), ("fr", "Nous ne trouvons pas cette page"), ("ar", "لا نجد هذه الصفحة")],
)
def test_not_found_page_is_friendly_in_three_languages(client, language, text):
    client.force_login(focal_point(CityFactory(), preferred_language=language))
    response = client.get("/requests/SCN-1999-000001/")
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "This page is not for your role"),
        ("fr", "Cette page n’est pas pour votre rôle"),
        ("ar", "هذه الصفحة ليست لدورك"),
    ],
)
def test_forbidden_page_is_friendly_in_three_languages(client, language, text):
    client.force_login(steering(preferred_language=language))
    response = client.get(reverse("hub-queue"))
    assert response.status_code == 403
    assert text in response.content.decode()


def test_server_error_page_is_friendly_and_translated(client, settings):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("fr"):
        page = render_to_string("500.html")
    assert 'lang="fr"' in page and "Un problème est survenu de notre côté" in page


def test_pages_send_no_inline_script_or_style(client):
    user = hub_staff(CityFactory().region)
    client.force_login(user)
    for url in ["/", reverse("profile"), reverse("hub-queue")]:
        page = client.get(url).content.decode()
        assert "style=" not in page
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
        assert re.search(r"\son[a-z]+=", page) is None
