"""The city directory, the membership gaps and a city's record: who reads what, and in how many queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import RequestState, User
from helpdesk.selectors.cities import city_directory, city_record_for, membership_gaps
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

pytestmark = pytest.mark.django_db


def _names(directory) -> dict[str, list[str]]:
    return {hub.name: [city.name for city in hub.cities] for hub in directory.hubs}


def test_the_directory_lists_member_cities_by_hub_with_languages_and_themes_worked_on():
    east = RegionFactory(name="East Africa")
    mena = RegionFactory(name="MENA")
    nairobi = CityFactory(name="Nairobi", region=east, languages=["fr", "en"])
    CityFactory(name="Amman", region=mena, languages=["ar"])
    CityFactory(name="Former member", region=east, is_member=False)
    SupportRequestFactory(city=nairobi, theme="young_cities", state=RequestState.SUBMITTED)
    SupportRequestFactory(city=nairobi, theme="young_cities", state=RequestState.CLOSED)
    SupportRequestFactory(city=nairobi, theme="multi_agency", state=RequestState.IN_DELIVERY)
    SupportRequestFactory(city=nairobi, theme="global_crises", state=RequestState.DRAFT)  # the city's own

    directory = city_directory(steering())

    assert _names(directory) == {"East Africa": ["Nairobi"], "MENA": ["Amman"]}
    row = directory.hubs[0].cities[0]
    assert row.languages == ["English", "French"]
    assert row.themes == ["Multi-agency prevention frameworks", "Young Cities (youth engagement)"]
    assert row.country == "Kenya"
    assert not row.may_open and not row.may_edit
    assert directory.non_members == []


def test_an_expert_does_not_see_an_anonymous_city_but_is_told_how_many_are_left_out():
    region = RegionFactory(name="Region")
    CityFactory(name="Open city", region=region)
    CityFactory(name="Quiet city", region=region, anonymous_to_experts=True)
    CityFactory(name="Quiet too", region=region, anonymous_to_experts=True)

    seen = city_directory(expert())
    assert _names(seen) == {"Region": ["Open city"]}
    assert seen.hubs[0].unlisted == 2
    # A name search does not change the count: it cannot confirm that a name is an anonymous member.
    searched = city_directory(expert(), query="quiet")
    assert _names(searched) == {"Region": []} and searched.hubs[0].unlisted == 2

    for reader in (hub_staff(region), management(), steering()):
        listed = city_directory(reader)
        assert _names(listed) == {"Region": ["Open city", "Quiet city", "Quiet too"]}
        assert listed.hubs[0].unlisted == 0


def test_the_directory_filters_by_hub_theme_language_and_name():
    east, west = RegionFactory(name="East"), RegionFactory(name="West")
    mekele = CityFactory(name="Mékelé", region=east, languages=["en"])
    CityFactory(name="Dakar", region=west, languages=["fr"])
    SupportRequestFactory(city=mekele, theme="incident_response", state=RequestState.SUBMITTED)
    reader = steering()

    assert _names(city_directory(reader, hub=west.pk)) == {"West": ["Dakar"]}
    assert _names(city_directory(reader, theme="incident_response")) == {"East": ["Mékelé"]}
    assert _names(city_directory(reader, language="fr")) == {"West": ["Dakar"]}
    assert _names(city_directory(reader, query="MEKE")) == {"East": ["Mékelé"]}


def test_those_who_keep_the_records_may_open_and_edit_them_and_see_non_members():
    region = RegionFactory()
    member = CityFactory(region=region)
    other = CityFactory()
    former = CityFactory(region=region, is_member=False)
    staff = hub_staff(region)

    rows = {row.pk: row for hub in city_directory(staff).hubs for row in hub.cities}
    assert rows[member.pk].may_open and rows[member.pk].may_edit
    assert not rows[other.pk].may_open and not rows[other.pk].may_edit
    assert [row.pk for row in city_directory(staff).non_members] == [former.pk]
    focal_rows = {row.pk: row for hub in city_directory(focal_point(member)).hubs for row in hub.cities}
    assert focal_rows[member.pk].may_open and not focal_rows[member.pk].may_edit


def _network(cities: int) -> None:
    for n in range(cities):
        region = RegionFactory() if n % 3 == 0 else None
        city = CityFactory(**({"region": region} if region else {}), anonymous_to_experts=n % 4 == 0)
        focal_point(city)
        SupportRequestFactory(city=city, state=RequestState.SUBMITTED, theme="young_cities" if n % 2 else "other")
        if n % 5 == 0:
            CityFactory(region=city.region, is_member=False)


def _queries(reader_pk: int) -> int:
    reader = User.objects.get(pk=reader_pk)  # a fresh person, as on each request
    reader.roles  # noqa: B018  (their roles are read once per request, before any page)
    with CaptureQueriesContext(connection) as captured:
        assert city_directory(reader).total
    return len(captured)


@pytest.mark.parametrize("role", ["expert", "management", "hub"])
def test_the_directory_costs_the_same_queries_for_3_or_20_cities(role):
    _network(3)
    reader = {"expert": expert, "management": management, "hub": lambda: hub_staff(RegionFactory())}[role]()
    few = _queries(reader.pk)
    _network(17)
    many = _queries(reader.pk)
    assert few == many <= 6, (few, many)


def test_the_gaps_are_counted_per_hub():
    east, west = RegionFactory(name="East"), RegionFactory(name="West")
    complete = CityFactory(name="Complete", region=east, principles_accepted_on="2024-01-01")
    focal_point(complete)
    no_focal = CityFactory(name="No focal", region=east, principles_accepted_on="2024-01-01")
    gone = CityFactory(name="Gone focal", region=east, principles_accepted_on="2024-01-01")
    focal_point(gone, is_active=False)
    no_principles = CityFactory(name="No principles", region=west, principles_accepted_on=None)
    focal_point(no_principles)
    CityFactory(name="Not a member", region=west, is_member=False)

    every = {hub.name: hub for hub in membership_gaps(management())}
    assert [c.name for c in every["East"].no_focal_point] == ["Gone focal", "No focal"]
    assert every["East"].principles_missing == [] and every["East"].members == 3
    assert every["West"].no_focal_point == []
    assert [c.name for c in every["West"].principles_missing] == ["No principles"]
    assert every["West"].members == 1
    assert [hub.name for hub in membership_gaps(hub_staff(west))] == ["West"]
    assert membership_gaps(focal_point(no_focal)) == []
    assert membership_gaps(steering()) == []
    assert no_focal.pk in {c.pk for c in every["East"].no_focal_point}


def test_the_gaps_cost_the_same_few_queries_whatever_the_number_of_cities(django_assert_max_num_queries):
    reader = management()
    _network(3)
    with django_assert_max_num_queries(4):
        membership_gaps(reader)
    _network(17)
    reader = User.objects.get(pk=reader.pk)
    with django_assert_max_num_queries(4):
        assert len(membership_gaps(reader)) >= 7


def test_a_citys_record_is_for_its_hub_the_management_unit_and_its_focal_points():
    city = CityFactory()
    focal = focal_point(city, first_name="Amina", last_name="Odhiambo", email="amina@example.org", phone="+254 1")
    focal_point(city, username="left", is_active=False)

    record = city_record_for(hub_staff(city.region), city.pk)
    assert record is not None and record.may_edit and record.may_handover and not record.may_set_anonymity
    assert [(p.name, p.email, p.phone) for p in record.focal_points] == [
        ("Amina Odhiambo", "amina@example.org", "+254 1")
    ]
    own = city_record_for(focal, city.pk)
    assert own is not None and own.may_set_anonymity and not own.may_edit
    assert city_record_for(management(), city.pk) is not None
    for outsider in (hub_staff(RegionFactory()), focal_point(CityFactory(region=city.region)), expert(), steering()):
        assert city_record_for(outsider, city.pk) is None
    assert city_record_for(management(), 999999) is None
