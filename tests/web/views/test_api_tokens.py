"""The API tokens page: a token is made only with the second factor proven, its key shown once in the answer
(never in the session, never cached), its errors on the fields in the reader's language, revoked after a
confirmation, and nobody reaches another person's token."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY

from helpdesk.models import ApiToken
from helpdesk.services.api_tokens import key_digest
from tests.factories import CityFactory, focal_point
from tests.web.views.test_two_factor import enrolled
from web.two_factor import HAS_FACTOR

pytestmark = pytest.mark.django_db

URL = "/accounts/api-tokens/"


def _verified(client, user) -> None:
    """``user`` signed in with a session that proved their authenticator app."""
    device, _codes = enrolled(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[HAS_FACTOR] = True
    session.save()


def test_the_profile_links_to_the_page(client):
    client.force_login(focal_point(CityFactory()))
    assert reverse("api-tokens") == URL
    assert f'href="{URL}"' in client.get(reverse("profile")).content.decode()


def test_without_the_second_factor_the_page_says_why_and_makes_nothing(client):
    person = focal_point(CityFactory())
    client.force_login(person)
    page = client.get(URL).content.decode()
    assert "two-step sign-in" in page
    assert f'href="{reverse("two-factor-setup")}?next={URL}"' in page
    assert 'name="days"' not in page
    response = client.post(URL, {"name": "Tracker", "days": "30"})
    assert response.status_code == 200
    assert not ApiToken.objects.filter(user=person).exists()


def test_a_token_is_made_and_its_key_shown_once(client):
    person = focal_point(CityFactory())
    _verified(client, person)
    response = client.post(URL, {"name": "City tracker", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=person)
    key = response.context["key"]
    assert key.startswith(token.prefix)
    assert token.key_digest == key_digest(key) and key not in token.key_digest
    page = response.content.decode()
    assert f'value="{key}"' in page and "shown only this once" in page
    # Not in the session, not on the next page, not in the admin history.
    assert key not in str(dict(client.session.items()))
    again = client.get(URL).content.decode()
    assert key not in again and token.prefix in again and "City tracker" in again
    assert not LogEntry.objects.filter(change_message__contains=key).exists()
    assert LogEntry.objects.filter(object_id=str(person.pk), change_message__startswith=f"API token {token.pk} created")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "days": "30"}, "name"),
        ({"name": "A", "days": "0"}, "days"),
        ({"name": "A", "days": "9999"}, "days"),
    ],
)
def test_errors_are_on_their_field_in_the_readers_language(client, data, field):
    person = focal_point(CityFactory(), preferred_language="fr")
    _verified(client, person)
    response = client.post(URL, data)
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert not ApiToken.objects.filter(user=person).exists()
    page = response.content.decode()
    assert 'lang="fr"' in page and f'id="id_{field}_error"' in page
    with translation.override("fr"):
        expected = (
            gettext("This field is required.")
            if field == "name"
            else gettext("A token lasts from 1 to %(max)d days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        )
    assert form.errors[field] == [expected]
    if field == "name":
        assert "Ce champ est obligatoire." in page


def test_revoking_asks_first_then_revokes_for_good(client):
    person = focal_point(CityFactory())
    _verified(client, person)
    client.post(URL, {"name": "Tracker", "days": "30"})
    token = ApiToken.objects.get(user=person)
    revoke = reverse("api-token-revoke", args=[token.pk])
    page = client.get(URL).content.decode()
    assert 'data-confirm-dialog="confirm-revoke-' in page and "<dialog" in page
    asked = client.post(revoke)
    assert asked.status_code == 200 and "cannot be undone" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(revoke, {"confirm": "on"})["Location"] == URL
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert LogEntry.objects.filter(change_message=f"API token {token.pk} revoked").count() == 1
    assert "Revoke" not in client.get(URL).content.decode().split("tokens-title")[1].split("make-title")[0]


def test_another_persons_token_is_not_found(client):
    owner = focal_point(CityFactory())
    _verified(client, owner)
    client.post(URL, {"name": "Tracker", "days": "30"})
    token = ApiToken.objects.get(user=owner)
    client.force_login(focal_point(owner.cities.get()))
    assert client.post(reverse("api-token-revoke", args=[token.pk]), {"confirm": "on"}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
