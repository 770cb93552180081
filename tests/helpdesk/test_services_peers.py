"""A city's consent to peer exchange: chosen by its focal points only, each change recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from helpdesk.models import CityPeerConsentLog
from helpdesk.services import city_peer_contact_set
from tests.factories import CityFactory, focal_point, hub_staff, management

pytestmark = pytest.mark.django_db


def test_the_choice_is_kept_in_the_catalogues_order_and_each_change_recorded():
    city = CityFactory()
    focal = focal_point(city)

    city_peer_contact_set(city=city, actor=focal, themes=["young_cities", "multi_agency"])
    city_peer_contact_set(city=city, actor=focal, themes=["multi_agency", "young_cities"])  # the same choice
    city_peer_contact_set(city=city, actor=focal, themes=[])

    city.refresh_from_db()
    assert city.peer_contact_themes == []
    rows = list(CityPeerConsentLog.objects.filter(city=city).order_by("pk").values_list("themes_before", "themes"))
    assert rows == [([], ["multi_agency", "young_cities"]), (["multi_agency", "young_cities"], [])]


@pytest.mark.parametrize("who", ["other_focal", "hub", "management"])
def test_nobody_but_the_citys_focal_points_chooses(who):
    city = CityFactory()
    actor = {
        "other_focal": lambda: focal_point(CityFactory(region=city.region)),
        "hub": lambda: hub_staff(city.region),
        "management": management,
    }[who]()

    with pytest.raises(PermissionDenied):
        city_peer_contact_set(city=city, actor=actor, themes=["multi_agency"])

    assert not CityPeerConsentLog.objects.exists()


def test_a_theme_outside_the_catalogue_is_refused():
    city = CityFactory()

    with pytest.raises(ValidationError):
        city_peer_contact_set(city=city, actor=focal_point(city), themes=["astrology"])

    city.refresh_from_db()
    assert city.peer_contact_themes == []
