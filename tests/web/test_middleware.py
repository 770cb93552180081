"""The middleware that guards every page: session timeouts and sign-outs, no-store caching, the client's
address behind proxies."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from helpdesk.models import ExpertProfile, Role
from helpdesk.services import user_set_roles
from tests.access_world import build_world
from tests.factories import PASSWORD, UserFactory
from web.middleware import SESSION_SEEN, SESSION_STARTED, client_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def _login(client: Client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def _detail(world) -> str:
    return reverse("request-detail", kwargs={"reference": world.req.reference})


def _age_session(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"started": SESSION_STARTED, "seen": SESSION_SEEN}[key]] = now - ago
    session.save()


def _signed_out(client: Client, response) -> bool:
    return (
        response.status_code == 302
        and reverse("login") in response["Location"]
        and "_auth_user_id" not in client.session
    )


# --- sessions -----------------------------------------------------------------------------------------
def test_idle_timeout_signs_out_on_the_server(client, world, settings):
    _login(client, world.user("own_city"))
    assert client.get(_detail(world)).status_code == 200
    key = client.session.session_key
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    assert _signed_out(client, client.get(_detail(world)))
    assert not Session.objects.filter(session_key=key).exists()


def test_activity_keeps_the_session_alive(client, world, settings):
    _login(client, world.user("own_city"))
    client.get(_detail(world))
    _age_session(client, seen=settings.SESSION_IDLE_SECONDS - 30)
    assert client.get(_detail(world)).status_code == 200
    assert client.session[SESSION_SEEN] >= int(time.time()) - 5


def test_absolute_timeout_ends_even_an_active_session(client, world, settings):
    _login(client, world.user("own_city"))
    client.get(_detail(world))
    _age_session(client, started=settings.SESSION_COOKIE_AGE + 5, seen=1)
    assert _signed_out(client, client.get(_detail(world)))


def test_logout_ends_the_session_on_the_server(client, world):
    _login(client, world.user("own_city"))
    client.get(_detail(world))
    old_key = client.session.session_key
    stolen = Client()
    stolen.cookies["sessionid"] = old_key
    assert stolen.get(_detail(world)).status_code == 200
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=old_key).exists()
    assert stolen.get(_detail(world)).status_code == 302


def test_deactivation_takes_effect_on_the_very_next_request(client, world):
    person = world.user("own_city")
    _login(client, person)
    assert client.get(_detail(world)).status_code == 200
    key = client.session.session_key
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert client.get(_detail(world)).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()


def test_suspending_an_expert_takes_effect_on_the_very_next_request(client, world):
    person = world.user("assigned_expert")
    _login(client, person)
    assert client.get(_detail(world)).status_code == 200
    ExpertProfile.objects.filter(user=person).update(vetting_status=ExpertProfile.Vetting.SUSPENDED)
    assert _signed_out(client, client.get(_detail(world)))


def test_a_suspended_expert_with_another_role_keeps_only_that_role(client, world):
    person = world.user("assigned_expert")
    person.cities.add(world.req_other_region.city)
    user_set_roles(user=person, roles=[Role.EXPERT, Role.FOCAL_POINT])
    ExpertProfile.objects.filter(user=person).update(vetting_status=ExpertProfile.Vetting.SUSPENDED)
    _login(client, person)
    assert client.get(_detail(world)).status_code == 404
    other = reverse("request-detail", kwargs={"reference": world.req_other_region.reference})
    assert client.get(other).status_code == 200


def test_revoking_a_grant_takes_effect_on_the_very_next_request(client, world):
    from helpdesk.services import expert_access_revoke

    _login(client, world.user("assigned_expert"))
    assert client.get(_detail(world)).status_code == 200
    expert_access_revoke(request=world.req, expert=world.user("assigned_expert"))
    assert client.get(_detail(world)).status_code == 404


# --- headers ------------------------------------------------------------------------------------------
def test_signed_in_responses_are_not_stored(client, world):
    _login(client, world.user("own_city"))
    for url in (_detail(world), reverse("home")):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url


def test_content_security_policy_allows_no_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_settings_secure_the_cookies():
    env = {**os.environ, "DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DJANGO_TESTING", None)
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', "
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SAMESITE', 'DEBUG']}))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    values = json.loads(out.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "DEBUG": False,
    }


# --- client address ------------------------------------------------------------------------------------
def test_client_address_trusts_forwarded_for_only_behind_declared_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/hub/queue/?q=%00", None),
        ("get", "/hub/queue/?%00=1", None),
        ("get", "/hub/queue/?q=%1B", None),
        ("get", "/requests/%00/", None),
        ("post", "/language/", {"language": "fr\x00"}),
        ("post", "/language/", {"lang\x07uage": "fr"}),
    ],
)
def test_a_control_character_in_the_input_is_a_400_before_any_view(client, method, url, data):
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 400


def test_tabs_line_breaks_and_other_control_characters_in_form_values_pass(world, client):
    _login(client, world.user("own_city"))
    url = reverse("request-message-preview", kwargs={"reference": world.req.reference})
    response = client.post(url, {"body": "Line one\r\n\tLine two \x0c pasted", "visibility": "city"})
    assert response.status_code == 200


def test_the_admins_blank_to_field_is_a_400_not_a_server_error(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/helpdesk/region/1/delete/?_to_field=").status_code == 400
    assert client.get("/admin/helpdesk/region/").status_code == 200


# --- time zone -----------------------------------------------------------------------------------------
def _people_page_moment(client, reader, seen) -> str:
    import re

    client.force_login(reader)
    html = client.get(reverse("people")).content.decode()
    moment = re.search(r'<time datetime="([^"]+)"[^>]*>([^<]+)</time>', html[html.index(f"<bdi>{seen}</bdi>") :])
    return f"{moment.group(1)} {moment.group(2)}"


def test_a_persons_pages_show_moments_in_their_time_zone(client):
    import datetime

    from django.utils import timezone

    from tests.factories import CityFactory, focal_point, management

    seen = focal_point(CityFactory(), last_login=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC))
    reader = management(time_zone="Asia/Kathmandu")
    assert _people_page_moment(client, reader, seen) == "2026-03-01T17:45:00+05:45 2026-03-01 17:45 +0545"
    # Back to the desk's zone once the page is made: the next request on this thread starts clean.
    assert timezone.get_current_timezone_name() == "UTC"
    reader.time_zone = ""
    reader.save(update_fields=["time_zone"])
    assert _people_page_moment(client, reader, seen).startswith("2026-03-01T12:00:00+00:00 2026-03-01 12:00")
    # A name the zone database no longer knows: the default, not an error.
    reader.time_zone = "Mars/Olympus_Mons"
    reader.save(update_fields=["time_zone"])
    assert _people_page_moment(client, reader, seen).startswith("2026-03-01T12:00:00+00:00")
