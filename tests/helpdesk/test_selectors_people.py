"""Who the people page lists for each reader (``helpdesk.selectors.people``), and the recent changes they read."""

import pytest

from helpdesk.models import PeopleAction, Role
from helpdesk.selectors.people import PeopleFilters, people_filter_places, people_log_visible_to, people_visible_to
from helpdesk.services.people_log import people_log_record
from tests.factories import (
    CityFactory,
    RegionFactory,
    UserFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():
    a, b = RegionFactory(code="a"), RegionFactory(code="b")
    a1, a2, b1 = CityFactory(region=a, name="Alpha"), CityFactory(region=a, name="Anda"), CityFactory(region=b)
    people = {
        "lead_a": hub_staff(a, is_hub_lead=True),
        "officer_a": hub_staff(a),
        "staff_b": hub_staff(b),
        "focal_a1": focal_point(a1),
        "focal_a2": focal_point(a2, is_active=False),
        "focal_b1": focal_point(b1),
        "expert": expert(),
        "mu": management(),
        "steering": steering(),
        "roleless": UserFactory(),
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return {"a": a, "b": b, "a1": a1, "a2": a2, "b1": b1, **people}


def _names(user, **filters):
    return {person.pk for person in people_visible_to(user, filters=PeopleFilters(**filters))}


def _ids(net, *keys):
    return {net[key].pk for key in keys}


def test_the_management_unit_lists_every_account_but_an_administrators_own(net):
    everyone = _ids(
        net,
        "lead_a",
        "officer_a",
        "staff_b",
        "focal_a1",
        "focal_a2",
        "focal_b1",
        "expert",
        "mu",
        "steering",
        "roleless",
    )
    assert _names(net["mu"]) == everyone


def test_hub_staff_list_their_hub_and_their_regions_focal_points_only(net):
    region_a = _ids(net, "lead_a", "officer_a", "focal_a1", "focal_a2")
    assert _names(net["lead_a"]) == region_a
    assert _names(net["officer_a"]) == region_a
    assert net["focal_b1"].pk not in _names(net["lead_a"])  # never another region's focal point
    assert _names(net["staff_b"]) == _ids(net, "staff_b", "focal_b1")


def test_a_focal_point_of_two_regions_shows_only_the_readers_region_city(net):
    net["focal_b1"].cities.add(net["a1"])
    listed = {p.pk: p for p in people_visible_to(net["lead_a"])}
    assert [city.name for city in listed[net["focal_b1"].pk].cities.all()] == ["Alpha"]


@pytest.mark.parametrize("key", ["focal_a1", "expert", "steering", "roleless"])
def test_nobody_else_lists_anyone(net, key):
    assert _names(net[key]) == set()
    assert people_log_visible_to(net[key]) == []
    assert people_filter_places(net[key]) == ([], [])


def test_filters_narrow_the_list(net):
    mu = net["mu"]
    assert _names(mu, role=Role.FOCAL_POINT) == _ids(net, "focal_a1", "focal_a2", "focal_b1")
    assert _names(mu, region_id=net["a"].pk) == _ids(net, "lead_a", "officer_a", "focal_a1", "focal_a2")
    assert _names(mu, city_id=net["a1"].pk) == _ids(net, "focal_a1")
    assert _names(mu, active=False) == _ids(net, "focal_a2")
    assert net["focal_a2"].pk not in _names(mu, active=True)
    net["focal_a1"].first_name, net["focal_a1"].email = "Zainab", "zainab@city.example"
    net["focal_a1"].save(update_fields=["first_name", "email"])
    assert _names(mu, q="zain") == _ids(net, "focal_a1")
    assert _names(mu, q="city.example") == _ids(net, "focal_a1")
    # A hub's staff filter within their region: another region's city finds nobody.
    assert _names(net["lead_a"], city_id=net["b1"].pk) == set()


def test_the_filters_offer_the_readers_places(net):
    regions, cities = people_filter_places(net["mu"])
    assert {r.pk for r in regions} == {net["a"].pk, net["b"].pk} and len(cities) == 3
    regions, cities = people_filter_places(net["officer_a"])
    assert regions == [] and {c.pk for c in cities} == {net["a1"].pk, net["a2"].pk}


def test_recent_changes_follow_the_readers_region(net):
    in_a = people_log_record(actor=net["lead_a"], action=PeopleAction.CITY_CHANGED, city=net["a1"])
    in_b = people_log_record(actor=net["staff_b"], action=PeopleAction.CITY_CHANGED, city=net["b1"])
    assert [row.pk for row in people_log_visible_to(net["officer_a"])] == [in_a.pk]
    assert {row.pk for row in people_log_visible_to(net["mu"])} == {in_a.pk, in_b.pk}


def test_the_list_and_the_changes_cost_the_same_queries_for_5_or_40_people(net):
    def cost():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            rows = list(people_visible_to(net["mu"]))
            for person in rows:
                list(person.groups.all()), list(person.cities.all())
                profile = getattr(person, "expert_profile", None)
                if profile is not None:
                    list(profile.regions.all())
            for row in people_log_visible_to(net["mu"]):
                str(row.actor), str(row.person), row.city, row.invitation
        return len(queries)

    cost()  # the reader's own roles are read once, then kept on them
    few = cost()
    assert few <= 5  # people, roles, cities, an expert's hubs; the changes
    for index in range(30):
        person = focal_point(CityFactory(region=net["a"]))
        if index % 3 == 0:
            expert()
        people_log_record(actor=net["mu"], action=PeopleAction.DEACTIVATED, person=person)
    assert cost() == few
