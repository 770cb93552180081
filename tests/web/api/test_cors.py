"""CORS is closed by default: no other site's script reads the API from a browser. A site named in
``CORS_ALLOWED_ORIGINS`` is allowed its preflight and its reads; any other origin still is not."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.services import api_token_create
from tests.factories import CityFactory, focal_point
from tests.web.pages import in_state

pytestmark = pytest.mark.django_db

TRACKER = "https://tracker.city.example"


def _preflight(url: str, origin: str) -> object:
    return Client().options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )


def _url() -> str:
    return reverse("api:request-detail", args=["SCN-2026-0001"])


def test_by_default_no_origin_is_allowed(settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    response = _preflight(_url(), TRACKER)
    assert "Access-Control-Allow-Origin" not in response
    city = CityFactory()
    owner = focal_point(city)
    request = in_state("submitted", city=city)
    key = api_token_create(owner=owner, name="Tracker", days=30, second_factor_verified=True)[1]
    url = reverse("api:request-detail", args=[request.reference])
    read = Client().get(url, HTTP_ORIGIN=TRACKER, HTTP_AUTHORIZATION=f"Token {key}")
    assert read.status_code == 200  # a server calling is not a browser: CORS does not stop it
    assert "Access-Control-Allow-Origin" not in read


def test_a_named_origin_is_allowed_its_preflight_and_no_other(settings):
    settings.CORS_ALLOWED_ORIGINS = [TRACKER]
    allowed = _preflight(_url(), TRACKER)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == TRACKER
    assert "authorization" in allowed["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in allowed  # no cookies from another site
    assert "Access-Control-Allow-Origin" not in _preflight(_url(), "https://evil.example")


def test_pages_outside_the_api_never_answer_cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [TRACKER]
    response = _preflight(reverse("profile"), TRACKER)
    assert "Access-Control-Allow-Origin" not in response
