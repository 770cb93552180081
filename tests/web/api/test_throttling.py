"""Calls per token: past ``API_THROTTLE_RATE`` a token gets 429 with Retry-After in the one error shape, and
another token (of the same person, or of someone else) is not slowed by it. A session is counted per person."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from helpdesk.models import SupportRequest, User
from helpdesk.services import api_token_create
from tests.factories import CityFactory, focal_point
from tests.web.pages import in_state
from web.api.throttling import PerTokenThrottle

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture
def throttled(settings, monkeypatch):
    """The throttle on (tests run with RATELIMIT_ENABLE off), LIMIT calls a minute, its clock held still (a
    minute's window crossed mid-test would start a new count). DRF reads the rates when the class is built,
    so the class's own copy is patched, not the setting."""
    settings.RATELIMIT_ENABLE = True
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", {"api": f"{LIMIT}/minute"})
    now = 1_800_000_000.0
    monkeypatch.setattr(PerTokenThrottle, "timer", lambda self: now)
    cache.clear()
    yield settings
    cache.clear()


def _key(owner: User, name: str) -> str:
    return api_token_create(owner=owner, name=name, days=30, second_factor_verified=True)[1]


def _get(request: SupportRequest, key: str) -> object:
    url = reverse("api:request-detail", args=[request.reference])
    return Client().get(url, HTTP_AUTHORIZATION=f"Token {key}")


def test_past_the_rate_a_token_gets_429_with_retry_after_and_another_token_does_not(throttled):
    city = CityFactory()
    owner = focal_point(city)
    request = in_state("submitted", city=city)
    busy, other = _key(owner, "Busy script"), _key(owner, "Nightly report")
    for _ in range(LIMIT):
        assert _get(request, busy).status_code == 200
    refused = _get(request, busy)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 60
    body = refused.json()
    assert set(body) == {"code", "detail"} and body["code"] == "throttled"
    # The owner's other token, and another person's, have their own count.
    assert _get(request, other).status_code == 200
    colleague = focal_point(city)
    assert _get(request, _key(colleague, "Tracker")).status_code == 200


def test_off_when_the_rate_limits_are_off(throttled):
    throttled.RATELIMIT_ENABLE = False
    city = CityFactory()
    owner = focal_point(city)
    request = in_state("submitted", city=city)
    key = _key(owner, "Script")
    assert all(_get(request, key).status_code == 200 for _ in range(LIMIT + 2))


def test_a_session_is_counted_per_person(throttled):
    city = CityFactory()
    owner = focal_point(city)
    request = in_state("submitted", city=city)
    client = Client()
    client.force_login(owner)
    url = reverse("api:request-detail", args=[request.reference])
    statuses = [client.get(url).status_code for _ in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]
