"""A person's page, deactivating and reactivating from it, and a city's focal point handover page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Invitation, PeopleAction, PeopleLog, Role, SupportRequest, User
from helpdesk.services.people_log import people_log_record
from notifications.models import Watch
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management
from tests.web.pages import in_state
from workflows.models import ExpertAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    region = RegionFactory(name="East hub")
    city = CityFactory(region=region, name="Kisumu")
    return {
        "region": region,
        "city": city,
        "former": focal_point(city, username="former.fp", first_name="Amina", last_name="Odhiambo"),
        "successor": focal_point(city, username="new.fp"),
        "officer": hub_staff(region, username="officer"),
        "lead": hub_staff(region, username="lead", is_hub_lead=True),
        "elsewhere": hub_staff(RegionFactory(), username="far.hub"),
    }


def _page(client, viewer, person):
    client.force_login(viewer)
    return client.get(reverse("person-detail", args=[person.pk]))


def test_the_person_page_names_only_the_requests_its_reader_sees(client, net):
    """An officer who moved from another hub may still follow a request there: their new hub's lead reads the
    person page without that request (neither counted nor named); the management unit reads both."""
    officer = net["officer"]
    here = in_state("submitted", city=net["city"], owner=officer, title="Flood shelter plan")
    there = in_state("submitted", city=CityFactory(), owner=officer, title="Another hub's secret plan")
    body = _page(client, net["lead"], officer).content.decode()
    assert here.reference in body and there.reference not in body and "secret plan" not in body
    assert "Follows 1 open request" in body
    body = _page(client, management(), officer).content.decode()
    assert here.reference in body and there.reference in body


def test_the_person_page_says_role_scope_and_holdings(client, net):
    officer = net["officer"]
    owned = in_state("submitted", city=net["city"], owner=officer, title="Flood shelter plan")
    in_state("closed", city=net["city"], owner=officer, title="Old closed one")
    Invitation.objects.create(
        email="invited@example.org",
        role=Role.FOCAL_POINT,
        city=net["city"],
        invited_by=officer,
        nonce="n",
        expires_at=timezone.now() + timedelta(days=3),
    )
    response = _page(client, net["lead"], officer)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hub staff" in body and "Staff of the hub" in body and "East hub" in body
    assert owned.reference in body and "Old closed one" not in body
    assert "invited@example.org" in body
    assert "Deactivate" in body and 'name="reason"' in body and "<dialog" in body
    # A focal point's page: their city in words, no internal code.
    body = _page(client, net["officer"], net["former"]).content.decode()
    assert "Kisumu" in body and "focal_point" not in body
    assert "Deactivate this account" not in body  # an officer manages nobody


def test_who_opens_a_person_page(client, net):
    assert _page(client, net["elsewhere"], net["former"]).status_code == 404
    assert _page(client, net["successor"], net["former"]).status_code == 403
    assert _page(client, management(), net["former"]).status_code == 200
    assert _page(client, net["officer"], net["lead"]).status_code == 200
    assert _page(client, net["officer"], expert()).status_code == 404


def test_deactivate_from_the_page_needs_a_reason_and_a_confirmation(client, net):
    former, lead = net["former"], net["lead"]
    client.force_login(lead)
    url = reverse("person-deactivate", args=[former.pk])
    response = client.post(url, {"reason": "", "confirm": "on"})
    assert response.status_code == 200 and User.objects.get(pk=former.pk).is_active
    response = client.post(url, {"reason": "Left the city's service"})
    assert response.status_code == 200 and b'name="confirm"' in response.content
    assert User.objects.get(pk=former.pk).is_active
    response = client.post(url, {"reason": "Left the city's service", "confirm": "on"})
    assert response.status_code == 302 and not User.objects.get(pk=former.pk).is_active
    body = client.get(reverse("person-detail", args=[former.pk])).content.decode()
    assert "Left the city&#x27;s service" in body and "Account deactivated" in body and "Reactivate" in body
    response = client.post(reverse("person-reactivate", args=[former.pk]), {"reason": "Back", "confirm": "on"})
    assert response.status_code == 302 and User.objects.get(pk=former.pk).is_active
    # Nobody deactivates themselves (the page offers no button, the post is refused).
    assert (
        client.post(reverse("person-deactivate", args=[lead.pk]), {"reason": "x", "confirm": "on"}).status_code == 403
    )


def test_a_deactivated_persons_pending_work_is_flagged_on_their_page(client, net):
    gone = expert(username="expert.gone")
    request = in_state("submitted", city=net["city"])
    ExpertAssignment.objects.create(request=request, expert=gone, proposed_by=net["officer"])
    unit = management()
    client.force_login(unit)
    client.post(reverse("person-deactivate", args=[gone.pk]), {"reason": "Conflict", "confirm": "on"})
    body = client.get(reverse("person-detail", args=[gone.pk])).content.decode()
    assert "still holds what is listed here" in body and "1 expert assignment proposed or under way" in body


def _person_queries(client, viewer, person) -> int:
    client.force_login(viewer)
    url = reverse("person-detail", args=[person.pk])
    client.get(url)  # warm the session and the site's caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_person_page_costs_the_same_with_many_requests_and_log_lines(client, net, django_assert_max_num_queries):
    officer, lead = net["officer"], net["lead"]
    in_state("submitted", city=net["city"], owner=officer)
    people_log_record(actor=lead, action=PeopleAction.INVITED, person=officer)
    few = _person_queries(client, lead, officer)
    for _n in range(12):
        in_state("submitted", city=CityFactory(region=net["region"]), owner=officer)
        people_log_record(actor=management(), action=PeopleAction.SCOPE_ADDED, person=officer, city=CityFactory())
    assert _person_queries(client, lead, officer) == few
    client.force_login(lead)
    with django_assert_max_num_queries(12):
        client.get(reverse("person-detail", args=[officer.pk]))


# --- The handover page ------------------------------------------------------------------------------------------
def _handover_url(net) -> str:
    return reverse("city-handover", args=[net["city"].pk])


def test_the_handover_page_shows_what_will_move_and_moves_it(client, net):
    former, successor = net["former"], net["successor"]
    open_one = in_state("submitted", city=net["city"], submitted_by=former)
    draft = in_state("draft", city=net["city"], submitted_by=former)
    Watch.objects.create(request=open_one, user=former)
    client.force_login(net["officer"])
    response = client.get(_handover_url(net))
    assert response.status_code == 200
    loads = {load.person.pk: (load.requests, load.drafts, load.watches) for load in response.context["loads"]}
    assert loads == {former.pk: (1, 1, 1), successor.pk: (0, 0, 0)}
    data = {"former": former.pk, "successor": successor.pk, "keep_read": "on"}
    response = client.post(_handover_url(net), data)
    assert response.status_code == 200 and response.context["confirming"]
    assert SupportRequest.objects.get(pk=open_one.pk).submitted_by_id == former.pk
    response = client.post(_handover_url(net), {**data, "confirm": "on"})
    assert response.status_code == 302
    assert set(SupportRequest.objects.filter(submitted_by=successor).values_list("pk", flat=True)) == {
        open_one.pk,
        draft.pk,
    }
    done = client.get(response["Location"])
    assert done.context["done"]["requests"] == 1 and done.context["done"]["drafts"] == 1
    assert done.context["done"]["kept_read"] == 1
    assert PeopleLog.objects.filter(action=PeopleAction.HANDOVER, city=net["city"]).count() == 1
    # The handover is on both people's pages.
    for person in (former, successor):
        assert "Focal point handover" in client.get(reverse("person-detail", args=[person.pk])).content.decode()


def test_without_another_focal_point_the_page_asks_to_invite_one_first(client, net):
    city = CityFactory(region=net["region"])
    focal_point(city)
    client.force_login(net["lead"])
    response = client.get(reverse("city-handover", args=[city.pk]))
    assert response.status_code == 200 and not response.context["has_successor"]
    assert "Invite the new focal point first" in response.content.decode()


def test_the_handover_refuses_a_successor_of_another_city(client, net):
    stranger = focal_point(CityFactory(region=net["region"]))
    client.force_login(net["officer"])
    data = {"former": net["former"].pk, "successor": stranger.pk, "confirm": "on"}
    response = client.post(_handover_url(net), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert net["former"].cities.filter(pk=net["city"].pk).exists()


def test_the_handover_page_costs_the_same_with_many_focal_points(client, net):
    client.force_login(net["officer"])
    client.get(_handover_url(net))
    with CaptureQueriesContext(connection) as few:
        client.get(_handover_url(net))
    for _n in range(8):
        person = focal_point(net["city"])
        in_state("submitted", city=net["city"], submitted_by=person)
    with CaptureQueriesContext(connection) as many:
        client.get(_handover_url(net))
    assert len(many) == len(few)
    assert len(few) <= 10
