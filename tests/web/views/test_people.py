"""The people page (``/people/``): what each role lists, the recent changes, the filters, and the site's menu
entries for the people pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Invitation, PeopleAction, Role
from helpdesk.services.people_log import people_log_record
from tests.factories import (
    CityFactory,
    RegionFactory,
    SupportRequestFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from web.views.people import change_sentence

pytestmark = pytest.mark.django_db
URL = "/people/"


@pytest.fixture
def net():
    a = RegionFactory(code="a", name="Hub Alpha")
    b = RegionFactory(code="b", name="Hub Beta")
    a1, b1 = CityFactory(region=a, name="Arcadia"), CityFactory(region=b, name="Borealis")
    people = {
        "lead": hub_staff(a, is_hub_lead=True, first_name="Lena", last_name="Lead"),
        "officer": hub_staff(a, first_name="Otto", last_name="Officer"),
        "staff_b": hub_staff(b, first_name="Bea", last_name="Beta"),
        "focal_a": focal_point(a1, first_name="Fatou", last_name="Arcadian"),
        "focal_b": focal_point(b1, first_name="Farid", last_name="Borealian"),
        "expert": expert(first_name="Esme", last_name="Expert"),
        "mu": management(first_name="Mona", last_name="Manager"),
        "steering": steering(),
    }
    # Requests with titles nobody on this page may read.
    SupportRequestFactory(
        city=a1, region=a, title="Zebra-crossing riot in the old market", submitted_by=people["focal_a"]
    )
    SupportRequestFactory(city=b1, region=b, title="Quokka festival safety plan", submitted_by=people["focal_b"])
    return {"a": a, "b": b, "a1": a1, "b1": b1, **people}


def _page(client, user, query=""):
    client.force_login(user)
    response = client.get(URL + query)
    return response, response.content.decode() if response.status_code == 200 else ""


def test_the_management_unit_lists_everyone(client, net):
    response, html = _page(client, net["mu"])
    assert response.status_code == 200
    for key in ("lead", "officer", "staff_b", "focal_a", "focal_b", "expert", "mu"):
        assert f"<bdi>{net[key]}</bdi>" in html, key
    assert "Hub lead" in html and "City focal point" in html and "Expert" in html
    assert "Arcadia (Kenya)" in html and "Hub Beta" in html
    table = html[html.index("<table") : html.index("</table>")]
    assert "focal_point" not in table and "hub_staff" not in table  # role codes never reach a person


@pytest.mark.parametrize("reader", ["lead", "officer"])
def test_hub_staff_list_their_region_only(client, net, reader):
    response, html = _page(client, net[reader])
    assert response.status_code == 200
    for key in ("lead", "officer", "focal_a"):
        assert f"<bdi>{net[key]}</bdi>" in html, key
    for key in ("staff_b", "focal_b", "expert", "mu"):
        assert str(net[key]) not in html, key
    assert "Borealis" not in html


@pytest.mark.parametrize("reader", ["focal_a", "expert", "steering"])
def test_everyone_else_is_refused(client, net, reader):
    response, _html = _page(client, net[reader])
    assert response.status_code == 403


def test_no_request_content_is_on_the_page(client, net):
    for reader in ("mu", "lead"):
        _response, html = _page(client, net[reader])
        assert "Zebra" not in html and "Quokka" not in html


def test_filters_narrow_and_a_bad_value_narrows_nothing(client, net):
    _response, html = _page(client, net["mu"], f"?role={Role.EXPERT}")
    assert str(net["expert"]) in html and str(net["focal_a"]) not in html
    _response, html = _page(client, net["mu"], f"?hub={net['b'].pk}")
    assert str(net["focal_b"]) in html and str(net["focal_a"]) not in html
    _response, html = _page(client, net["mu"], "?q=fatou")
    assert str(net["focal_a"]) in html and str(net["focal_b"]) not in html
    net["focal_a"].is_active = False
    net["focal_a"].save(update_fields=["is_active"])
    _response, html = _page(client, net["mu"], "?status=deactivated")
    assert str(net["focal_a"]) in html and str(net["lead"]) not in html and "Deactivated" in html
    response, html = _page(client, net["mu"], "?hub=nonsense&page=x")
    assert response.status_code == 200 and str(net["focal_b"]) in html
    # Hub staff are offered no hub filter, and only their own region's cities.
    _response, html = _page(client, net["lead"])
    assert 'name="hub"' not in html and "Borealis" not in html


def test_last_sign_in_is_shown_and_never_when_never(client, net):
    net["focal_a"].last_login = timezone.now()
    net["focal_a"].save(update_fields=["last_login"])
    _response, html = _page(client, net["lead"])
    assert "<time datetime=" in html and "Never" in html


def test_recent_changes_are_sentences_of_the_readers_region(client, net):
    invitation = Invitation.objects.create(
        email="new.person@arcadia.example",
        role=Role.FOCAL_POINT,
        city=net["a1"],
        invited_by=net["lead"],
        nonce="n" * 43,
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    people_log_record(actor=net["lead"], action=PeopleAction.INVITED, city=net["a1"], invitation=invitation)
    people_log_record(actor=net["mu"], action=PeopleAction.DEACTIVATED, person=net["focal_b"], city=net["b1"])
    _response, html = _page(client, net["officer"])
    changes = html[html.index('id="people-changes"') :]
    text = re.sub(r"<[^>]+>", "", changes)
    assert "Lena Lead invited new.person@arcadia.example as a focal point of Arcadia." in text
    assert "deactivated" not in text
    _response, html = _page(client, net["mu"])
    text = re.sub(r"<[^>]+>", "", html[html.index('id="people-changes"') :])
    assert f"Mona Manager deactivated the account of {net['focal_b']}." in text
    assert invitation.nonce not in html


def _page_queries(client, user):
    client.force_login(user)
    client.get(URL)  # the session's first page may write to it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_5_or_40_people(client, net):
    few = _page_queries(client, net["mu"])
    for index in range(35):
        person = focal_point(CityFactory(region=net["a"]))
        if index % 5 == 0:
            expert()
        people_log_record(actor=net["lead"], action=PeopleAction.SCOPE_ADDED, person=person, region=net["a"])
    assert _page_queries(client, net["mu"]) == few
    assert few <= 16


def test_the_page_is_paginated_by_fifty(client, net):
    for _ in range(50):
        focal_point(net["a1"])
    _response, html = _page(client, net["lead"])
    assert html.count('<th scope="row"') == 50 and 'rel="next"' in html
    _response, html = _page(client, net["lead"], "?page=2")
    assert html.count('<th scope="row"') == 3  # the lead, the officer and 51 focal points: 53


# --- the site's menu ---------------------------------------------------------------------------------------
def _menu(client, user):
    client.force_login(user)
    html = client.get(reverse("profile")).content.decode()
    return re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.S).group(1)


@pytest.mark.parametrize(
    ("reader", "sees_people"),
    [("mu", True), ("lead", True), ("officer", True), ("focal_a", False), ("expert", False), ("steering", False)],
)
def test_the_menu_offers_people_to_who_may_open_it(client, net, reader, sees_people):
    menu = _menu(client, net[reader])
    assert ('href="/people/"' in menu) is sees_people
    # Every entry the menu gives opens for its reader.
    for href in re.findall(r'href="([^"]+)"', menu):
        assert client.get(href).status_code == 200, href


def test_the_menu_marks_the_people_page_as_current(client, net):
    client.force_login(net["lead"])
    html = client.get(URL).content.decode()
    assert re.search(r'class="nav-link active" href="/people/" aria-current="page">People<', html)


def test_the_menus_people_entries_cost_no_query(client, net, settings):
    from web import context_processors

    client.force_login(net["officer"])
    client.get(reverse("profile"))
    with CaptureQueriesContext(connection) as with_entries:
        client.get(reverse("profile"))
    original = context_processors.PEOPLE_NAV
    context_processors.PEOPLE_NAV = ()
    try:
        with CaptureQueriesContext(connection) as without:
            client.get(reverse("profile"))
    finally:
        context_processors.PEOPLE_NAV = original
    assert len(with_entries) == len(without)


def test_the_changes_of_the_trusted_pool_and_the_hub_calendars_read_as_sentences(client):
    mu = management(first_name="Claire", last_name="Martin")
    amina = expert(first_name="Amina", last_name="Odhiambo")
    hub = RegionFactory(name="Middle East and North Africa")
    rows = [
        people_log_record(actor=amina, action=PeopleAction.EXPERT_AVAILABILITY, person=amina),
        people_log_record(actor=mu, action=PeopleAction.EXPERT_CONFLICTS_REVIEWED, person=amina),
        people_log_record(actor=mu, action=PeopleAction.TIES_DECLARED, person=mu),
        people_log_record(actor=mu, action=PeopleAction.HUB_CALENDAR, region=hub),
    ]

    sentences = [re.sub(r"</?bdi>", "", str(change_sentence(row))) for row in rows]

    assert sentences == [
        "Amina Odhiambo changed the leave or standby of Amina Odhiambo.",
        "Claire Martin reviewed the declared conflicts of Amina Odhiambo.",
        "Claire Martin changed the cities Claire Martin is tied to.",
        "Claire Martin changed the calendar of Middle East and North Africa.",
    ]
