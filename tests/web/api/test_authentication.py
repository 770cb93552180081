"""Who may call the API: a personal token acts as its owner with their role and scope at each call, and every
token that should not work (deactivated owner, suspended expert, expired, revoked, unknown, malformed) gets the
same 401 in the one error shape; the key is shown once and kept only as a digest; making a token needs the
second factor; each creation and revocation is a line in the owner's admin history, never the key. The desk's
own session works too, with CSRF checked on writes."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import ApiToken, ExpertProfile, Role, SupportRequest, User
from helpdesk.services import api_token_create, api_token_revoke, user_set_roles
from tests.factories import CityFactory, expert, focal_point
from tests.web.pages import in_state

pytestmark = pytest.mark.django_db


def _token(owner: User, *, name: str = "City tracker", days: int = 30) -> tuple[ApiToken, str]:
    return api_token_create(owner=owner, name=name, days=days, second_factor_verified=True)


def _detail(request: SupportRequest) -> str:
    return reverse("api:request-detail", args=[request.reference])


def _call(url: str, key: str | None = None, *, header: str | None = None, method: str = "get") -> object:
    client = Client()
    extra = {}
    if header is not None:
        extra["HTTP_AUTHORIZATION"] = header
    elif key is not None:
        extra["HTTP_AUTHORIZATION"] = f"Token {key}"
    return getattr(client, method)(url, **extra)


def _city_request() -> tuple[User, SupportRequest]:
    city = CityFactory()
    return focal_point(city), in_state("submitted", city=city)


def _assert_refused(response: object) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Token realm="api"'
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] in {"authentication_failed", "not_authenticated"}
    assert body["detail"]


def test_the_key_is_returned_once_and_only_its_digest_is_kept():
    owner, request = _city_request()
    token, key = _token(owner)
    assert key.startswith("scd_") and len(key) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["key_digest"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in stored.values()}
    assert stored["prefix"] == key[:12]
    response = _call(_detail(request), key)
    assert response.status_code == 200
    assert response.json()["reference"] == request.reference


def test_bearer_is_accepted_as_well_as_token():
    owner, request = _city_request()
    _token_row, key = _token(owner)
    assert _call(_detail(request), header=f"Bearer {key}").status_code == 200


def _deactivated(owner: User, key: str) -> None:
    User.objects.filter(pk=owner.pk).update(is_active=False)


def _expired(owner: User, key: str) -> None:
    ApiToken.objects.filter(user=owner).update(expires_at=timezone.now() - timedelta(seconds=1))


def _revoked(owner: User, key: str) -> None:
    api_token_revoke(token=ApiToken.objects.get(user=owner), actor=owner)


@pytest.mark.parametrize("spoil", [_deactivated, _expired, _revoked], ids=["deactivated", "expired", "revoked"])
def test_a_token_that_no_longer_works_is_refused(spoil):
    owner, request = _city_request()
    _token_row, key = _token(owner)
    assert _call(_detail(request), key).status_code == 200
    spoil(owner, key)
    _assert_refused(_call(_detail(request), key))


def test_a_suspended_experts_token_is_refused():
    person = expert()
    _token_row, key = _token(person)
    request = in_state("submitted")
    # Before: the expert is authenticated (not let into this request: 404, not 401).
    assert _call(_detail(request), key).status_code == 404
    ExpertProfile.objects.filter(user=person).update(vetting_status=ExpertProfile.Vetting.SUSPENDED)
    _assert_refused(_call(_detail(request), key))


@pytest.mark.parametrize(
    "header",
    [
        "Token scd_" + "x" * 43,  # well formed, unknown
        "Token",  # no key
        "Token a b",  # two keys
        "Token not-a-desk-key",  # not the desk's prefix
        "Token scd_" + "x" * 200,  # too long to be one
        "Token scd_\u00e9t\u00e9",  # not ASCII
    ],
    ids=["unknown", "no-key", "two-parts", "foreign", "too-long", "not-ascii"],
)
def test_unknown_and_malformed_tokens_get_the_same_401(header):
    _owner, request = _city_request()
    _assert_refused(_call(_detail(request), header=header))


def test_no_credentials_at_all_is_a_401_too():
    _owner, request = _city_request()
    _assert_refused(_call(_detail(request)))


def test_last_use_is_written_at_most_once_a_minute():
    owner, request = _city_request()
    token, key = _token(owner)
    assert token.last_used_at is None
    _call(_detail(request), key)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    _call(_detail(request), key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    # A minute later the next call moves it.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    _call(_detail(request), key)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


def test_making_a_token_needs_the_second_factor():
    owner = focal_point(CityFactory())
    with pytest.raises(PermissionDenied):
        api_token_create(owner=owner, name="Tracker", days=30, second_factor_verified=False)
    assert not ApiToken.objects.filter(user=owner).exists()
    assert not LogEntry.objects.filter(object_id=str(owner.pk)).exists()


def test_each_creation_and_revocation_is_one_history_line_without_the_key():
    owner = focal_point(CityFactory())
    token, key = _token(owner)
    api_token_revoke(token=token, actor=owner)
    api_token_revoke(token=token, actor=owner)  # twice: nothing more happens
    lines = list(LogEntry.objects.filter(object_id=str(owner.pk)).values_list("change_message", flat=True))
    assert sorted(lines) == sorted(
        [f"API token {token.pk} created, expires {token.expires_at:%Y-%m-%d}", f"API token {token.pk} revoked"]
    )
    assert not any(key in line or key[12:] in line for line in lines)


def test_only_the_owner_revokes():
    owner = focal_point(CityFactory())
    token, _key = _token(owner)
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=focal_point(CityFactory()))
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_acts_with_the_owners_role_and_scope_as_they_are_now():
    owner, request = _city_request()
    _token_row, key = _token(owner)
    assert _call(_detail(request), key).status_code == 200
    # Moved to another city: the old city's request is out of scope at the very next call.
    owner.cities.set([CityFactory()])
    assert _call(_detail(request), key).status_code == 404
    owner.cities.set([request.city])
    assert _call(_detail(request), key).status_code == 200
    # The role removed: its requests are gone with it.
    user_set_roles(user=owner, roles=[])
    assert _call(_detail(request), key).status_code == 404
    user_set_roles(user=owner, roles=[Role.FOCAL_POINT])
    assert _call(_detail(request), key).status_code == 200


def test_a_token_never_sees_more_than_its_owner_on_the_pages():
    owner, _request = _city_request()
    _token_row, key = _token(owner)
    elsewhere = in_state("submitted")
    client = Client()
    client.force_login(owner)
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    assert _call(_detail(elsewhere), key).status_code == 404


def test_the_desks_session_works_and_its_writes_need_the_csrf_token():
    owner, request = _city_request()
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get(_detail(request)).status_code == 200
    refused = client.post(_detail(request), {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "CSRF" in refused.json()["detail"]
    # With the token the page carries, the same write reaches the view (which has no POST: 405).
    client.get(reverse("profile"))
    csrf = client.cookies["csrftoken"].value
    allowed = client.post(_detail(request), {}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 405


def test_a_token_needs_no_csrf_token():
    owner, request = _city_request()
    _token_row, key = _token(owner)
    client = Client(enforce_csrf_checks=True)
    response = client.post(_detail(request), {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 405
