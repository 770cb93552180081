"""Peer exchange pages: a city's consent, the hub's peers page, an introduction's page and the city's home."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import City, CityPeerConsentLog
from notifications.models import Notification
from tests.factories import CityFactory, SupportRequestFactory, focal_point, hub_staff
from tests.workflows.conftest import Net
from workflows.models import PeerIntroduction, TransitionLog
from workflows.peers import INTRODUCTION_WITHDRAWN

THEME = "multi_agency"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def peer(net: Net) -> City:
    City.objects.filter(pk=net.far_city.pk).update(peer_contact_themes=[THEME], name="Farbridge")
    net.far_city.refresh_from_db()
    net.people["peer_focal"] = focal_point(net.far_city)
    return net.far_city


def _asking(net: Net, **fields):
    City.objects.filter(pk=net.city.pk).update(name="Askton", **fields)
    return net.at("submitted", kind="peer_exchange", title="Askton youth plan")


# --- The city's consent -------------------------------------------------------------------------------------------
def test_a_focal_point_chooses_the_themes_and_the_choice_is_recorded(net):
    client = _client(net.focal)
    url = reverse("city-peer-exchange")

    page = client.get(url)
    response = client.post(url, {"city": net.city.pk, "themes": ["young_cities", THEME]})

    assert page.status_code == 200 and reverse("city-peer-exchange") in client.get(reverse("city-home")).text
    assert response.status_code == 302
    net.city.refresh_from_db()
    assert net.city.peer_contact_themes == [THEME, "young_cities"]
    log = CityPeerConsentLog.objects.get(city=net.city)
    assert (log.actor, log.themes_before, log.themes) == (net.focal, [], [THEME, "young_cities"])


def test_a_focal_point_cannot_choose_for_another_city(net):
    _client(net.focal).post(reverse("city-peer-exchange"), {"city": net.other_city.pk, "themes": [THEME]})

    net.other_city.refresh_from_db()
    assert net.other_city.peer_contact_themes == []  # the post set the focal point's own city instead


# --- The hub's peers page -------------------------------------------------------------------------------------------
def test_the_hub_sees_why_each_city_is_suggested_and_proposes_one(net, peer):
    request = _asking(net)
    client = _client(net.hub)
    url = reverse("request-peers", args=[request.reference])

    page = client.get(url)
    assert "Farbridge" in page.text and "English" in page.text
    response = client.post(url, {"peer-peer_city": peer.pk, "peer-note": "Both run youth councils."})

    assert response.status_code == 302
    intro = PeerIntroduction.objects.get(request=request)
    assert (intro.peer_city, intro.note) == (peer, "Both run youth councils.")
    request.refresh_from_db()
    assert request.state == "expert_matching"


def test_the_request_page_leads_the_hub_to_the_peers_page(net, peer):
    request = _asking(net)

    page = _client(net.hub).get(request.get_absolute_url())

    assert reverse("request-peers", args=[request.reference]) in page.text


@pytest.mark.parametrize("who", ["focal", "other_focal", "expert", "other_hub", "steering"])
def test_the_peers_page_is_not_there_for_anyone_but_the_overseers(net, peer, who):
    request = _asking(net)

    response = _client(net.people[who]).get(reverse("request-peers", args=[request.reference]))

    assert response.status_code == 404


def test_the_management_unit_reads_the_suggestions_but_does_not_propose(net, peer):
    request = _asking(net)
    url = reverse("request-peers", args=[request.reference])

    page = _client(net.mu).get(url)
    _client(net.mu).post(url, {"peer-peer_city": peer.pk})

    assert page.status_code == 200 and "Farbridge" in page.text
    assert not PeerIntroduction.objects.exists()


# --- The introduction's page ---------------------------------------------------------------------------------------
def _introduced(net: Net, peer: City, **fields) -> PeerIntroduction:
    request = _asking(net, **fields)
    _client(net.hub).post(
        reverse("request-peers", args=[request.reference]),
        {"peer-peer_city": peer.pk, "peer-note": "Both run youth councils."},
    )
    return PeerIntroduction.objects.get(request=request)


def _all_the_peer_city_reads(net: Net, intro: PeerIntroduction) -> str:
    client = _client(net.peer_focal)
    pages = [
        client.get(reverse("introduction-detail", args=[intro.pk])).text,
        client.get(reverse("city-home")).text,
        client.get(reverse("notifications:list")).text,
    ]
    return " ".join(pages)


def test_both_cities_accept_on_the_introductions_page_and_then_see_each_other(net, peer):
    intro = _introduced(net, peer)
    url = reverse("introduction-detail", args=[intro.pk])
    peer_client, asking_client = _client(net.peer_focal), _client(net.focal)

    assert "Askton" not in _all_the_peer_city_reads(net, intro)
    assert "Farbridge" not in asking_client.get(url).text
    peer_client.post(url, {"answer": "accept"})
    intro.refresh_from_db()
    assert intro.status == "proposed"
    assert "Farbridge" in asking_client.get(url).text  # the peer city accepted to be named
    assert "Askton" not in peer_client.get(url).text
    asking_client.post(url, {"answer": "accept"})

    intro.refresh_from_db()
    assert intro.status == "made"
    peer_page, asking_page = peer_client.get(url).text, asking_client.get(url).text
    assert "Askton" in peer_page and net.focal.email in peer_page
    assert "Farbridge" in asking_page and net.peer_focal.email in asking_page


def test_an_anonymous_city_is_named_nowhere_the_peer_city_looks_until_it_accepted(net, peer):
    intro = _introduced(net, peer, anonymous_to_experts=True)
    _client(net.peer_focal).post(reverse("introduction-detail", args=[intro.pk]), {"answer": "accept"})

    seen = _all_the_peer_city_reads(net, intro)

    assert "Askton" not in seen and intro.request.reference not in seen and "youth plan" not in seen
    assert Notification.objects.filter(recipient=net.peer_focal, request__isnull=False).count() == 0


def test_declining_asks_to_confirm_then_ends_the_introduction(net, peer):
    intro = _introduced(net, peer)
    url = reverse("introduction-detail", args=[intro.pk])
    client = _client(net.peer_focal)

    unconfirmed = client.post(url, {"answer": "decline"})
    intro.refresh_from_db()
    assert unconfirmed.status_code == 200 and intro.status == "proposed"
    client.post(url, {"answer": "decline", "confirm": "on"})

    intro.refresh_from_db()
    assert intro.status == "declined"


@pytest.mark.parametrize("who", ["other_focal", "expert", "other_hub", "steering"])
def test_the_introduction_is_not_there_for_anyone_else(net, peer, who):
    intro = _introduced(net, peer)

    assert _client(net.people[who]).get(reverse("introduction-detail", args=[intro.pk])).status_code == 404


def test_the_peer_citys_notification_opens_the_introduction(net, peer):
    intro = _introduced(net, peer)
    row = Notification.objects.in_app().get(recipient=net.peer_focal)

    response = _client(net.peer_focal).post(reverse("notifications:open", args=[row.pk]))

    assert response.url == reverse("introduction-detail", args=[intro.pk])


def test_the_city_home_lists_an_introduction_awaiting_its_answer(net, peer):
    intro = _introduced(net, peer)

    page = _client(net.peer_focal).get(reverse("city-home")).text

    assert reverse("introduction-detail", args=[intro.pk]) in page


# --- Query counts ---------------------------------------------------------------------------------------------------
def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_peers_page_costs_the_same_with_more_cities(net, peer):
    request = _asking(net)
    client = _client(net.hub)
    url = reverse("request-peers", args=[request.reference])
    few = _count(client, url)
    for _ in range(15):
        CityFactory(region=net.other_region, peer_contact_themes=[THEME])

    assert _count(client, url) == few


def test_the_city_home_costs_the_same_with_more_introductions(net, peer):
    _introduced(net, peer)
    client = _client(net.peer_focal)
    few = _count(client, reverse("city-home"))
    for _ in range(4):
        other = CityFactory(region=net.region)
        request = SupportRequestFactory(city=other, state="submitted", kind="peer_exchange")
        _client(net.hub).post(reverse("request-peers", args=[request.reference]), {"peer-peer_city": peer.pk})
    assert PeerIntroduction.objects.count() == 5

    assert _count(client, reverse("city-home")) == few


def test_the_asking_citys_request_page_links_its_introduction_and_the_trail_names_nobody(net, peer):
    intro = _introduced(net, peer)
    _client(net.peer_focal).post(reverse("introduction-detail", args=[intro.pk]), {"answer": "accept"})

    page = _client(net.focal).get(intro.request.get_absolute_url()).text

    assert reverse("introduction-detail", args=[intro.pk]) in page
    # The peer city accepted: named to the asking city; its focal point is not, until both accepted.
    assert "Farbridge" in page and net.peer_focal.get_full_name() not in page


@pytest.mark.django_db
def test_the_hub_withdraws_an_introduction_waiting_for_answers_and_both_cities_are_told(client):
    asking_city, peer_city = CityFactory(name="Sousse"), CityFactory(name="Addu City")
    hub = hub_staff(asking_city.region)
    asking, peer = focal_point(asking_city), focal_point(peer_city)
    request = SupportRequestFactory(city=asking_city, state="submitted", kind="peer_exchange")
    intro = PeerIntroduction.objects.create(request=request, peer_city=peer_city, proposed_at=timezone.now())
    url = reverse("introduction-withdraw", args=[intro.pk])
    # The city may not withdraw it; without the confirmation the hub is asked first.
    client.force_login(asking)
    client.post(url, {"confirm": "on"})
    intro.refresh_from_db()
    assert intro.status == PeerIntroduction.Status.PROPOSED
    client.force_login(hub)
    page = client.post(url)
    assert page.status_code == 200 and 'name="confirm" value="on"' in page.content.decode()
    intro.refresh_from_db()
    assert intro.status == PeerIntroduction.Status.PROPOSED
    assert client.post(url, {"confirm": "on"}).status_code == 302
    intro.refresh_from_db()
    assert intro.status == PeerIntroduction.Status.WITHDRAWN
    assert TransitionLog.objects.filter(request=request, transition=INTRODUCTION_WITHDRAWN).count() == 1
    told = Notification.objects.filter(event="introduction_withdrawn").values_list("recipient_id", "request_id")
    assert {(asking.pk, request.pk), (peer.pk, None)} <= set(told)
    assert all(recipient != hub.pk for recipient, _ in told)
    # Nobody may answer it any more.
    client.force_login(peer)
    client.post(reverse("introduction-detail", args=[intro.pk]), {"answer": "accept"})
    intro.refresh_from_db()
    assert intro.status == PeerIntroduction.Status.WITHDRAWN and not intro.peer_answer
