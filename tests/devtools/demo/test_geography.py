"""Where the scale seeder puts its cities: in a country of their hub's region, clustered as a real network's."""

from __future__ import annotations

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django_countries import countries

from devtools.demo.geography import REGION_COUNTRIES, city_places
from devtools.demo.network import CITIES, HUBS
from helpdesk.models import City, Region

pytestmark = pytest.mark.django_db


def test_every_active_hub_has_its_regions_countries_and_none_twice():
    active = {code for code, *_names, _languages, is_active in HUBS if is_active}
    assert set(REGION_COUNTRIES) == active
    named = [code for codes in REGION_COUNTRIES.values() for code in codes]
    assert len(named) == len(set(named))  # a country belongs to one hub
    known = dict(countries)
    assert all(code in known for code in named)
    # The demo network's cities are in their hub's countries, and those countries come first.
    for _name, country, hub, *_rest in CITIES:
        assert country in REGION_COUNTRIES[hub]
    for hub, codes in REGION_COUNTRIES.items():
        demo = {country for _name, country, city_hub, *_rest in CITIES if city_hub == hub}
        assert set(codes[: len(demo)]) == demo


def test_places_follow_each_hubs_region_and_cluster_in_its_first_countries():
    regions = [Region(code=code, name=code) for code in REGION_COUNTRIES] + [Region(code="elsewhere", name="x")]
    places = city_places(20_000, regions, random.Random(7))
    assert len(places) == 20_000
    for region, country in places:
        assert country in REGION_COUNTRIES.get(region.code, dict(countries))
    per_hub = Counter(region.code for region, _country in places if region.code in REGION_COUNTRIES)
    # A hub with more countries has more cities: the central team the most, North America (two) the fewest.
    assert per_hub.most_common(1)[0][0] == "central"
    assert per_hub["north-america"] < per_hub["western-balkans"] < per_hub["esa"]
    central = Counter(country for region, country in places if region.code == "central")
    first, last = REGION_COUNTRIES["central"][0], REGION_COUNTRIES["central"][-1]
    assert central[first] > 20 * central[last] > 0
    # A hub the table does not know draws from every country.
    assert len({country for region, country in places if region.code == "elsewhere"}) > 100


def test_the_scale_seeders_cities_are_in_their_hubs_countries():
    call_command("seed_demo", "--scale", "50", "--cities", "120", "--experts", "25", stdout=StringIO())
    cities = City.objects.filter(name__startswith="Scale city").select_related("region")
    assert cities.count() > 70
    assert all(city.country.code in REGION_COUNTRIES[city.region.code] for city in cities)
