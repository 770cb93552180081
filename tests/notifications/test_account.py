"""E-mails about a person's own account, as the task sends them: reset links and security notices."""

from __future__ import annotations

import pytest
from django.utils import translation

from notifications.services import account_notice_send, password_reset_send
from notifications.services.account import NOTICES
from tests.factories import CityFactory, focal_point

pytestmark = pytest.mark.django_db


def test_a_reset_goes_to_each_active_account_of_the_address_and_to_no_one_else(mailoutbox):
    person = focal_point(CityFactory(), email="shared@example.org")
    focal_point(CityFactory(), email="shared@example.org", is_active=False)
    assert password_reset_send(email="nobody@example.org") == 0
    assert password_reset_send(email="not an address") == 0
    assert mailoutbox == []
    assert password_reset_send(email="SHARED@example.org") == 1
    (message,) = mailoutbox
    assert message.to == ["shared@example.org"] and person.username in message.body
    assert "http://127.0.0.1:8000/accounts/reset/" in message.body  # SITE_URL, not the asker's Host header


def test_a_notice_names_the_change_and_never_a_secret(mailoutbox):
    person = focal_point(CityFactory(), email="new@example.org", preferred_language="fr")
    assert account_notice_send(user_id=person.pk, notice="email_changed", address="old@example.org")
    (message,) = mailoutbox
    assert message.to == ["old@example.org"]
    with translation.override("fr"):
        what = str(NOTICES["email_changed"])
    assert message.body.startswith("Bonjour") and what in message.body  # in the person's language
    assert "new@example.org" not in message.body + message.alternatives[0][0]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_notice_for_nobody_or_of_no_known_kind_sends_nothing(mailoutbox):
    person = focal_point(CityFactory())
    assert not account_notice_send(user_id=person.pk + 1000, notice="password_changed", address="a@example.org")
    assert not account_notice_send(user_id=person.pk, notice="made_up", address="a@example.org")
    assert not account_notice_send(user_id=person.pk, notice="password_changed", address="")
    assert mailoutbox == []
