"""What the API tests share: a client calling with a real personal token of a person (DRF's, or Django's own for
tests that post JSON as ``content_type="application/json"``)."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

from helpdesk.models import User
from helpdesk.services import api_token_create


def api_client(user: User) -> APIClient:
    """A client that calls the API as ``user``, with a token made as the profile page makes one."""
    _token, key = api_token_create(owner=user, name="tests", second_factor_verified=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def token_client(user: User) -> Client:
    """Django's test client calling the API as ``user`` with a token of theirs."""
    _token, key = api_token_create(owner=user, name="tests", second_factor_verified=True)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")
