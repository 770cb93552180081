"""Declared ties to cities: who may declare them, the whole list replaced, each change in the people log."""

import pytest
from django.core.exceptions import PermissionDenied

from helpdesk.models import PeopleLog
from helpdesk.services.ties import TIES_DECLARED, tied_cities_set
from tests.factories import CityFactory, expert, focal_point, hub_staff, management, steering

pytestmark = pytest.mark.django_db


def test_a_management_member_declares_ties_and_the_change_is_logged():
    person = management()
    amman, irbid = CityFactory(name="Amman"), CityFactory(name="Irbid")

    assert tied_cities_set(user=person, city_ids=[amman.pk, irbid.pk]) is True
    assert tied_cities_set(user=person, city_ids=[irbid.pk]) is True

    assert list(person.tied_cities.all()) == [irbid]
    lines = list(PeopleLog.objects.filter(person=person, action=TIES_DECLARED).order_by("pk"))
    assert [line.detail for line in lines] == [
        {"before": [], "after": sorted([amman.pk, irbid.pk])},
        {"before": sorted([amman.pk, irbid.pk]), "after": [irbid.pk]},
    ]
    assert all(line.actor == person for line in lines)


def test_the_same_list_again_changes_and_records_nothing():
    person = hub_staff(CityFactory().region)
    city = CityFactory()
    tied_cities_set(user=person, city_ids=[city.pk])

    assert tied_cities_set(user=person, city_ids=[city.pk, city.pk]) is False
    assert PeopleLog.objects.filter(person=person).count() == 1


@pytest.mark.parametrize("make", [lambda: focal_point(CityFactory()), expert, steering])
def test_who_decides_nothing_about_a_city_declares_no_tie(make):
    with pytest.raises(PermissionDenied):
        tied_cities_set(user=make(), city_ids=[CityFactory().pk])
    assert not PeopleLog.objects.exists()
