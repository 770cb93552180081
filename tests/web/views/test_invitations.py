"""The invitation pages: sending, the list (resend, revoke), and the invitee's link (new account, confirmation)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_q.conf import Conf

from helpdesk.models import Invitation, Role, User
from helpdesk.services.invitations import invitation_create, invitation_revoke, invitation_token
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db
PASSWORD = "a-sturdy-passphrase-42"


@pytest.fixture
def net():
    region = RegionFactory(code="mena", name="MENA")
    return {
        "region": region,
        "city": CityFactory(region=region, name="Saida"),
        "far_city": CityFactory(name="Far Town"),
        "lead": hub_staff(region, username="lead", first_name="Samir", last_name="Lead", is_hub_lead=True),
        "officer": hub_staff(region, username="officer"),
        "mu": management(username="mu"),
    }


def _client(person=None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _invitation(net, **kwargs) -> Invitation:
    values = {"email": "nadia@example.org", "role": Role.FOCAL_POINT, "city": net["city"], "language": "fr"}
    return invitation_create(actor=net["lead"], **{**values, **kwargs})


def _link(invitation: Invitation) -> str:
    return reverse("invitation-accept", kwargs={"token": invitation_token(invitation)})


def test_the_invite_page_offers_only_what_the_reader_may_invite(net):
    page = _client(net["lead"]).get(reverse("people-invite")).content.decode()
    assert 'value="focal_point"' in page and 'value="hub_staff"' in page and 'value="expert"' in page
    assert 'value="management"' not in page and 'name="is_hub_lead"' not in page
    assert "Saida" in page and "Far Town" not in page
    page = _client(net["officer"]).get(reverse("people-invite") + "?role=expert").content.decode()
    assert re.search(r'value="expert"[^>]*checked', page)
    assert 'value="focal_point"' not in page and 'name="city"' not in page
    page = _client(net["mu"]).get(reverse("people-invite")).content.decode()
    assert 'value="steering"' in page and 'name="is_hub_lead"' in page and "Far Town" in page


def test_the_links_that_lead_to_the_invite_page_fill_in_what_they_are_for(net):
    """The membership gaps' and a handover's link name the role and the city; a lead's one hub and an officer's
    one role are chosen already; a city outside the reader's reach is not."""
    url = reverse("people-invite")
    page = _client(net["lead"]).get(f"{url}?role=focal_point&city={net['city'].pk}").content.decode()
    assert re.search(r'value="focal_point"[^>]*checked', page)
    assert re.search(rf'<option value="{net["city"].pk}" selected>', page)
    assert re.search(rf'<option value="{net["region"].pk}" selected>', page)
    page = _client(net["lead"]).get(f"{url}?city={net['far_city'].pk}").content.decode()
    assert f'value="{net["far_city"].pk}"' not in page and 'value="" selected>' in page.split('name="city"')[1]
    page = _client(net["officer"]).get(url).content.decode()
    assert re.search(r'value="expert"[^>]*checked', page)


@pytest.mark.parametrize("make", [lambda net: focal_point(net["city"]), lambda net: expert(), lambda net: steering()])
def test_who_may_invite_nobody_gets_403(net, make):
    client = _client(make(net))
    for name in ("people-invite", "people-invitations"):
        assert client.get(reverse(name)).status_code == 403


def test_sending_an_invitation_mails_it_and_lists_it(net, monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    monkeypatch.setattr(Conf, "SYNC", True)
    data = {"email": "new@example.org", "first_name": "Nadia", "role": "focal_point", "city": net["city"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(net["lead"]).post(reverse("people-invite"), {**data, "language": "ar"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people-invitations")
    page = response.content.decode()
    assert "new@example.org" in page and "The invitation is sent" in page
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.city, invitation.invited_by) == ("focal_point", net["city"], net["lead"])
    (message,) = mailoutbox
    assert message.extra_headers["Content-Language"] == "ar" and _link(invitation) in message.body


def test_a_refused_scope_shows_on_the_form(net):
    client = _client(net["lead"])
    data = {"email": "x@example.org", "role": "focal_point", "city": net["far_city"].pk, "language": "en"}
    response = client.post(reverse("people-invite"), data)
    assert response.status_code == 200 and not Invitation.objects.exists()
    _invitation(net, email="x@example.org", language="en")
    data["city"] = net["city"].pk
    page = client.post(reverse("people-invite"), data).content.decode()
    assert "send that one again" in page


def test_the_list_shows_pending_first_and_filters_by_status(net):
    old = _invitation(net, email="old@example.org")
    invitation_revoke(invitation=old, actor=net["lead"])
    _invitation(net, email="fresh@example.org")
    page = _client(net["lead"]).get(reverse("people-invitations")).content.decode()
    assert page.index("fresh@example.org") < page.index("old@example.org")
    assert "Waiting for an answer" in page and "focal_point" not in page
    page = _client(net["lead"]).get(reverse("people-invitations") + "?status=revoked").content.decode()
    assert "old@example.org" in page and "fresh@example.org" not in page
    # The officer sees only what they sent.
    page = _client(net["officer"]).get(reverse("people-invitations")).content.decode()
    assert "fresh@example.org" not in page


@pytest.mark.parametrize("count", [5, 25])
def test_the_lists_query_count_does_not_grow_with_the_invitations(net, count, django_assert_max_num_queries):
    for n in range(count):
        _invitation(net, email=f"p{n}@example.org", city=CityFactory(region=net["region"]))
    client = _client(net["lead"])
    client.get(reverse("people-invitations"))  # the session's first page reads the person's roles once
    with django_assert_max_num_queries(6):
        response = client.get(reverse("people-invitations"))
    assert response.content.decode().count('action="/people/invitations/') == 2 * count


def test_resend_and_revoke_from_the_list(net):
    invitation = _invitation(net)
    old_link = _link(invitation)
    client = _client(net["lead"])
    assert client.post(reverse("invitation-resend", args=[invitation.pk])).status_code == 302
    assert _client().get(old_link).status_code == 404
    page = client.post(reverse("invitation-revoke", args=[invitation.pk])).content.decode()
    assert "Revoke this invitation" in page and Invitation.objects.get().revoked_at is None
    client.post(reverse("invitation-revoke", args=[invitation.pk]), {"confirm": "on"})
    assert Invitation.objects.get().revoked_at is not None
    assert _client(net["officer"]).post(reverse("invitation-resend", args=[invitation.pk])).status_code == 404


def test_accepting_makes_the_account_signs_in_and_goes_home(net):
    invitation = _invitation(net)
    client = _client()
    page = client.get(_link(invitation))
    assert page.status_code == 200 and page["Content-Language"] == "fr"
    assert "Samir Lead" in page.content.decode() and "Saida" in page.content.decode()
    data = {"username": "nadia", "password": PASSWORD, "password_again": PASSWORD, "language": "fr"}
    response = client.post(_link(invitation), {**data, "time_zone": "Asia/Beirut"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="nadia")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert user.roles == {Role.FOCAL_POINT} and list(user.cities.all()) == [net["city"]]
    used = _client().get(_link(invitation))
    assert used.status_code == 410 and reverse("login") in used.content.decode()


def test_a_role_that_needs_a_second_factor_goes_to_its_setup(net, settings):
    settings.TWO_FACTOR_REQUIRED = True
    invitation = invitation_create(actor=net["mu"], email="x@example.org", role=Role.EXPERT, language="en")
    client = _client()
    data = {"username": "xp", "password": PASSWORD, "password_again": PASSWORD, "language": "en"}
    response = client.post(_link(invitation), data)
    assert response["Location"] == reverse("two-factor-setup")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-setup"))
    assert client.get(reverse("two-factor-setup")).status_code == 200


def test_errors_show_on_the_field_in_the_invitations_language(net):
    invitation = _invitation(net)
    data = {"username": "nadia", "password": "1234567890", "password_again": "1234567890", "language": "fr"}
    response = _client().post(_link(invitation), data)
    assert response.status_code == 200 and response["Content-Language"] == "fr"
    assert response.context["form"].errors["password"]
    assert not User.objects.filter(username="nadia").exists()
    # A visitor who chose a language keeps it.
    client = _client()
    client.cookies["django_language"] = "en"
    assert client.get(_link(invitation))["Content-Language"] == "en"


def test_refused_links_say_why(net):
    expired = _invitation(net, email="e@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = _client().get(_link(expired))
    assert response.status_code == 410 and "Samir Lead" in response.content.decode()
    revoked = _invitation(net, email="r@example.org")
    invitation_revoke(invitation=revoked, actor=net["lead"])
    assert _client().get(_link(revoked)).status_code == 410
    tampered = _link(_invitation(net, email="t@example.org"))[:-3] + "00/"
    assert _client().get(tampered).status_code == 404
    assert _client().get("/invitations/not-a-token/").status_code == 404


def test_an_existing_account_confirms_while_signed_in_and_nobody_else_can(net):
    person = expert(email="known@example.org", username="known")
    invitation = _invitation(net, email="known@example.org")
    page = _client().get(_link(invitation)).content.decode()
    assert f"{reverse('login')}?next=" in page and "Add this role" not in page
    other = _client(net["officer"])
    assert "Add this role" not in other.get(_link(invitation)).content.decode()
    assert other.post(_link(invitation)).status_code == 403
    owner = _client(person)
    assert "Add this role" in owner.get(_link(invitation)).content.decode()
    assert User.objects.get(pk=person.pk).roles == {Role.EXPERT}
    assert owner.post(_link(invitation)).status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.roles == {Role.EXPERT, Role.FOCAL_POINT} and list(person.cities.all()) == [net["city"]]


def test_the_link_page_is_rate_limited_by_address(net, rate_limits_on):
    rate_limits_on.RATELIMIT_INVITATION_LINKS = "3/m"
    client = _client()
    for _ in range(3):
        assert client.get("/invitations/1-abc/").status_code == 404
    response = client.get("/invitations/1-abc/")
    assert response.status_code == 429 and response["Retry-After"]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/invitations/1-abc/").status_code == 404
