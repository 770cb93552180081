"""The invitation e-mail: sent once, after the commit, in the invitee's language, with a link that works."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client

from helpdesk.models import Invitation, Role
from helpdesk.services.invitations import invitation_create, invitation_for_token, invitation_resend, invitation_revoke
from notifications.queue import enqueue_invitation_on_commit
from notifications.services.invitations import invitation_mail_send
from tests.factories import CityFactory, RegionFactory, hub_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the test's own transaction never commits) as each block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


LINK = re.compile(r"http://127\.0\.0\.1:8000/invitations/([^/\s]+)/")


@pytest.fixture
def lead():
    return hub_staff(
        RegionFactory(code="mena"), username="lead", first_name="Samir", last_name="Lead", is_hub_lead=True
    )


def _invite(lead, committed, **kwargs) -> Invitation:
    values = {"email": "nadia@example.org", "role": Role.FOCAL_POINT, "first_name": "Nadia", "language": "fr"}
    city = CityFactory(region=lead.region, name="Saida")
    with committed(), transaction.atomic():
        invitation = invitation_create(actor=lead, city=city, **{**values, **kwargs})
        enqueue_invitation_on_commit(invitation_id=invitation.pk)
    return invitation


def test_the_invitation_is_sent_once_after_the_commit_in_the_invitees_language(lead, committed, mailoutbox):
    invitation = _invite(lead, committed, message="Welcome aboard, Saida!")
    (message,) = mailoutbox
    assert message.to == ["nadia@example.org"]
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.body.startswith("Bonjour Nadia")
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html and "Samir Lead" in message.body and "Saida" in message.body
    assert "Welcome aboard, Saida!" in message.body
    token = LINK.search(message.body).group(1)
    assert token in html
    assert invitation_for_token(token).invitation == invitation
    response = Client().get(f"/invitations/{token}/")
    assert response.status_code == 200 and "nadia" in response.content.decode()


def test_arabic_mail_reads_right_to_left(lead, committed, mailoutbox):
    _invite(lead, committed, language="ar")
    html = mailoutbox[0].alternatives[0][0]
    assert 'dir="rtl"' in html and mailoutbox[0].extra_headers["Content-Language"] == "ar"


def test_a_resend_mails_the_new_link_and_the_old_one_stops_working(lead, committed, mailoutbox):
    invitation = _invite(lead, committed)
    with committed(), transaction.atomic():
        invitation_resend(invitation=invitation, actor=lead)
        enqueue_invitation_on_commit(invitation_id=invitation.pk)
    first, second = (LINK.search(message.body).group(1) for message in mailoutbox)
    assert first != second
    assert invitation_for_token(first).refusal == "unknown"
    assert invitation_for_token(second).refusal == ""


def test_nothing_is_sent_for_an_invitation_no_longer_pending(lead, committed, mailoutbox):
    invitation = _invite(lead, committed)
    mailoutbox.clear()
    invitation_revoke(invitation=invitation, actor=lead)
    assert not invitation_mail_send(invitation_id=invitation.pk)
    assert not invitation_mail_send(invitation_id=invitation.pk + 100)
    assert mailoutbox == []


def test_nothing_is_sent_when_the_transaction_rolls_back(lead, committed, mailoutbox):
    with committed(), transaction.atomic():
        invitation = invitation_create(actor=lead, email="x@example.org", role=Role.EXPERT)
        enqueue_invitation_on_commit(invitation_id=invitation.pk)
        transaction.set_rollback(True)
    assert mailoutbox == []
