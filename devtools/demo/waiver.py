"""A declared conflict of interest and a declared tie in the demo network.

In Amman, the MENA hub routed a request to Youssef Haddad (``expert.youssef``), who accepted declaring a conflict
of interest: his acceptance waits for the hub lead (``hub.mena``) to record a waiver or ask another expert. And
``mu.officer`` declared a tie to Kumanovo, whose fund application awaits a decision: ``mu.director`` decides it,
``mu.officer`` reads why they may not. (``mu.director`` is tied to no city: every pending application keeps a
member who may decide it.)

Both through the product's own services (the request walked through ``transition_perform``, the tie through the
profile's service with its people-log line), and only when missing, so a second run changes nothing.
"""

from __future__ import annotations

from django.db import transaction

from devtools.demo.requests import DemoRequest, Step, seed_requests
from helpdesk.models import City, RequestState, User
from helpdesk.services.ties import tied_cities_set

WAIVER_REQUESTS = [
    DemoRequest(
        "Amman",
        "Community dialogue after the attack on a youth centre",
        "incident_response",
        "expert",
        RequestState.EXPERT_MATCHING,
        (
            Step("submit", "focal"),
            Step("route_to_experts", "hub", {"experts": ["expert.youssef"]}),
            Step(
                "accept_assignment",
                "expert.youssef",
                {
                    "declaration": "I advised the Greater Amman Municipality on its community-policing plan in 2024,"
                    " with two of the officials who would take part.",
                    "has_conflict": True,
                },
            ),
        ),
        3,
        description="The municipality wants to bring residents, youth workers and police together after the attack.",
    ),
]
# Who declared a tie to which cities (a second member of the management unit decides their grants).
TIES = {"mu.officer": ["Kumanovo"]}


@transaction.atomic
def seed_waiver() -> int:
    """The conflict awaiting the MENA hub lead and the declared tie; returns how many requests were created."""
    created = seed_requests(WAIVER_REQUESTS)
    for username, names in TIES.items():
        person = User.objects.get(username=username)
        cities = City.objects.filter(name__in=names).values_list("pk", flat=True)
        # The service records nothing when the person already declared exactly these ties.
        tied_cities_set(user=person, city_ids=[*person.tied_cities.values_list("pk", flat=True), *cities])
    return created
