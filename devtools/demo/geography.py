"""Where the scale seeder's cities are: each in a country of its hub's region, as a hub engages its region's cities.

A hub's needs map has one line per country its cities are in. Drawing every city's country from the whole world
gave each hub cities in about 118 countries (a needs map of 826 cells that 100,000 requests had not yet filled),
which no regional hub has. Here a hub's cities are in its region's countries, and the network's cities cluster as
real ones do: a region's first countries (those where the demo network's cities already are) hold more of them
than its last (weight 1/rank). The central team covers Europe and the regions no active hub covers yet, so it has
the most countries and the most cities, and the widest map.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from django_countries import countries

from helpdesk.models import Region


def _codes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# ISO 3166 codes by hub code, the demo network's countries first, then the region's others.
REGION_COUNTRIES: dict[str, tuple[str, ...]] = {
    "esa": _codes("KE ZA UG TZ SO ET RW BI MZ ZM ZW MW BW NA LS SZ MG MU SC KM DJ ER SS AO SD"),
    "mena": _codes("LB JO TN MA IQ DZ EG LY SY PS YE SA AE OM QA BH KW MR"),
    "south-asia": _codes("MV LK BD NP IN PK BT AF"),
    "western-balkans": _codes("MK BA AL XK ME RS"),
    "north-america": ("US", "CA"),
    "central": _codes(
        # Europe
        "DE GB NO NL CM FR BE DK SE FI IS IE PT ES IT AT CH PL CZ SK HU SI HR RO BG GR CY MT LU EE LV LT UA MD "
        "GE AM AZ TR "
        # West and Central Africa, and South-East Asia (planned hubs), Latin America, East Asia, Oceania,
        # Central Asia
        "NG GH SN CI ML NE BF TD BJ TG ID PH MY TH SG VN KH CO MX BR AR CL PE EC GT SV CR JP KR AU NZ KZ KG "
        "UZ TJ"
    ),
}


def city_places(count: int, regions: Sequence[Region], rng: random.Random) -> list[tuple[Region, str]]:
    """``count`` (hub, country) pairs: a hub drawn in proportion to its region's countries, then a country of its
    region by weight 1/rank. A hub the table does not know (a network of other hubs) draws from every country."""
    everywhere = tuple(sorted(code for code, _name in countries))
    places = [REGION_COUNTRIES.get(region.code, everywhere) for region in regions]
    weights = [[1 / rank for rank in range(1, len(codes) + 1)] for codes in places]
    picked = rng.choices(range(len(regions)), weights=[len(codes) for codes in places], k=count)
    return [(regions[i], rng.choices(places[i], weights=weights[i])[0]) for i in picked]
