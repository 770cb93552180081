"""City records: kept by their hub's staff and the management unit, each change logged in the people log; a
city's anonymity to experts is its own focal points' choice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from helpdesk.models import City, PeopleAction, PeopleLog
from helpdesk.services.cities import city_anonymity_set, city_create, city_update
from tests.factories import CityFactory, RegionFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db


def _record(city: City, **changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "name": city.name,
        "country": str(city.country),
        "is_member": city.is_member,
        "member_since": city.member_since,
        "principles_accepted_on": city.principles_accepted_on,
        "languages": list(city.languages),
    }
    return {**record, **changes}


def test_hub_staff_add_a_city_to_their_hub_and_the_log_says_so():
    region = RegionFactory()
    staff = hub_staff(region)

    city = city_create(
        actor=staff,
        region=region,
        name="  Mombasa  ",
        country="KE",
        member_since=date(2024, 3, 1),
        languages=["fr", "en", "en"],
    )

    city.refresh_from_db()
    assert (city.name, city.region_id, city.languages, city.anonymous_to_experts) == (
        "Mombasa",
        region.pk,
        ["en", "fr"],
        False,
    )
    row = PeopleLog.objects.get(city=city)
    assert (row.action, row.actor, row.region_id) == (PeopleAction.CITY_ADDED, staff, region.pk)
    assert row.detail["after"]["member_since"] == "2024-03-01"
    assert row.detail["after"]["country"] == "KE"


@pytest.mark.parametrize("who", ["other_hub", "focal_point", "expert", "steering"])
def test_only_the_hub_and_the_management_unit_add_cities(who):
    region = RegionFactory()
    actor = {
        "other_hub": lambda: hub_staff(RegionFactory()),
        "focal_point": lambda: focal_point(CityFactory(region=region)),
        "expert": expert,
        "steering": steering,
    }[who]()

    with pytest.raises(PermissionDenied):
        city_create(actor=actor, region=region, name="Nowhere", country="KE")
    assert not City.objects.filter(name="Nowhere").exists()
    assert not PeopleLog.objects.exists()


def test_the_management_unit_adds_a_city_to_any_hub():
    city = city_create(actor=management(), region=RegionFactory(), name="Tunis", country="TN")
    assert PeopleLog.objects.filter(city=city, action=PeopleAction.CITY_ADDED).count() == 1


def test_a_name_already_kept_in_the_country_is_refused_on_the_name_field():
    existing = CityFactory(name="Kisumu", country="KE")
    staff = hub_staff(existing.region)

    with pytest.raises(ValidationError) as refused:
        city_create(actor=staff, region=existing.region, name="kisumu", country="KE")
    assert "name" in refused.value.message_dict
    # The same name in another country is another city.
    city_create(actor=staff, region=existing.region, name="Kisumu", country="UG")


def test_dates_in_the_future_are_refused():
    region = RegionFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        city_create(
            actor=hub_staff(region),
            region=region,
            name="Later",
            country="KE",
            member_since=tomorrow,
            principles_accepted_on=tomorrow,
        )
    assert set(refused.value.message_dict) == {"member_since", "principles_accepted_on"}


def test_an_unknown_language_is_refused():
    region = RegionFactory()
    with pytest.raises(ValidationError) as refused:
        city_create(actor=hub_staff(region), region=region, name="Babel", country="KE", languages=["xx"])
    assert "languages" in refused.value.message_dict


def test_an_update_logs_the_fields_that_changed_before_and_after():
    city = CityFactory(name="Eldoret", languages=["en"], principles_accepted_on=None)
    staff = hub_staff(city.region)

    city_update(
        city=city, actor=staff, **_record(city, principles_accepted_on=date(2025, 1, 2), languages=["en", "fr"])
    )

    city.refresh_from_db()
    assert city.principles_accepted_on == date(2025, 1, 2)
    row = PeopleLog.objects.get(city=city)
    assert row.action == PeopleAction.CITY_CHANGED
    assert row.detail == {
        "before": {"principles_accepted_on": None, "languages": ["en"]},
        "after": {"principles_accepted_on": "2025-01-02", "languages": ["en", "fr"]},
    }


def test_an_update_that_changes_nothing_writes_no_log():
    city = CityFactory()
    city_update(city=city, actor=hub_staff(city.region), **_record(city))
    assert not PeopleLog.objects.exists()


def test_leaving_the_network_clears_nothing_else():
    city = CityFactory(
        member_since=date(2020, 1, 1), principles_accepted_on=date(2020, 2, 1), anonymous_to_experts=True
    )
    city_update(city=city, actor=management(), **_record(city, is_member=False))

    city.refresh_from_db()
    assert (city.is_member, city.member_since, city.principles_accepted_on) == (
        False,
        date(2020, 1, 1),
        date(2020, 2, 1),
    )
    assert city.anonymous_to_experts is True
    assert PeopleLog.objects.get(city=city).detail == {"before": {"is_member": True}, "after": {"is_member": False}}


def test_hub_staff_cannot_keep_another_hubs_city():
    city = CityFactory(name="Far away")
    with pytest.raises(PermissionDenied):
        city_update(city=city, actor=hub_staff(RegionFactory()), **_record(city, name="Renamed"))
    city.refresh_from_db()
    assert city.name == "Far away"


def test_an_update_keeps_the_unique_name_rule():
    CityFactory(name="Garissa", country="KE")
    city = CityFactory(name="Lamu", country="KE")
    with pytest.raises(ValidationError) as refused:
        city_update(city=city, actor=management(), **_record(city, name="Garissa"))
    assert "name" in refused.value.message_dict


def test_a_focal_point_chooses_their_citys_anonymity_and_it_is_logged():
    city = CityFactory()
    focal = focal_point(city)

    city_anonymity_set(city=city, actor=focal, anonymous=True)
    city_anonymity_set(city=city, actor=focal, anonymous=True)  # the same choice: nothing to log

    city.refresh_from_db()
    assert city.anonymous_to_experts is True
    row = PeopleLog.objects.get(city=city)
    assert (row.action, row.actor, row.region_id) == (PeopleAction.CITY_ANONYMITY, focal, city.region_id)
    assert row.detail == {"before": {"anonymous_to_experts": False}, "after": {"anonymous_to_experts": True}}


@pytest.mark.parametrize("who", ["hub", "management", "other_focal"])
def test_nobody_but_the_citys_focal_points_chooses_its_anonymity(who):
    city = CityFactory()
    actor = {
        "hub": lambda: hub_staff(city.region),
        "management": management,
        "other_focal": lambda: focal_point(CityFactory(region=city.region)),
    }[who]()

    with pytest.raises(PermissionDenied):
        city_anonymity_set(city=city, actor=actor, anonymous=True)
    city.refresh_from_db()
    assert city.anonymous_to_experts is False
    assert not PeopleLog.objects.exists()
