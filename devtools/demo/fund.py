"""The demo's incident fast track on the fund's side: an emergency fund application awaiting the management unit,
and a delivered incident request whose check-in after the incident (two weeks on) awaits its city.

Irbid (MENA hub) asks the fund for 8,000 EUR, under the emergency ceiling, the evening after an attack on its
market: hub.mena applied three hours ago, so ``mu.director`` finds it first in the fund queue with some 45 hours
left. Sousse (MENA hub) had an expert's support after a fire set at a community centre, delivered 15 days ago:
the desk checked in with the city yesterday, and ``focal.sousse`` finds the check-in on the city's home.

The requests are put on the fast track by setting their column (the demo stands in for the filing service), and
walked through ``transition_perform`` like every demo request. Safe to run twice: a request that exists already
(same city and title) is left as it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from devtools.demo.timeline import clock
from helpdesk.models import City, Indicator, Role, SupportRequest, User
from helpdesk.services import request_create
from workflows.services import transition_perform

EMERGENCY_CITY, EMERGENCY_TITLE = "Irbid", "Emergency support after the market attack"
CHECK_IN_CITY, CHECK_IN_TITLE = "Sousse", "Community mediation after the arson at the youth centre"
INDICATOR = "partner-agencies"  # local agencies working together on prevention (strategic priority 3)


def _people(city: City) -> tuple[User, User]:
    """The city's focal point and its hub's lead."""
    focal = User.objects.filter(cities=city, groups__name=Role.FOCAL_POINT).order_by("pk").first()
    lead = User.objects.filter(region_id=city.region_id, is_hub_lead=True).order_by("pk").first()
    assert focal is not None and lead is not None, city
    return focal, lead


def _filed(city: City, title: str, *, at: datetime, incident: datetime, **fields: Any) -> SupportRequest:
    """A request filed by the city's focal point at ``at``, on the incident fast track, submitted."""
    focal, _lead = _people(city)
    with clock(at):
        request = request_create(
            city=city,
            submitted_by=focal,
            title=title,
            summary=title,
            theme="incident_response",
            strategic_priority=3,
            urgency="critical",
            **fields,
        )
        SupportRequest.objects.filter(pk=request.pk).update(fast_tracked_at=at, incident_at=incident)
        request.refresh_from_db()
        return transition_perform(request=request, transition="submit", actor=focal)


def _emergency_application(city: City, now: datetime) -> None:
    _focal, lead = _people(city)
    request = _filed(
        city,
        EMERGENCY_TITLE,
        at=now - timedelta(hours=7),
        incident=now - timedelta(hours=20),
        kind="fund",
        funding_requested=Decimal("8000"),
        description="Psychosocial first aid for the families and a meeting of the city's partners this week.",
    )
    indicator = Indicator.objects.get(code=INDICATOR)
    with clock(now - timedelta(hours=3)):
        transition_perform(
            request=request,
            transition="route_to_funding",
            actor=lead,
            data={
                "amount": Decimal("8000"),
                "currency": "EUR",
                "budget_lines": [
                    {"item": "Psychosocial first aid (two weeks)", "amount": "5500"},
                    {"item": "Partners' coordination meetings", "amount": "2500"},
                ],
                "strategic_priority": 3,
                "justification": "City-led incident response: the first weeks decide how the community recovers.",
                "indicators": [{"indicator": indicator.pk, "baseline": "2", "target": "6"}],
            },
        )


def _delivered_with_check_in(city: City, now: datetime) -> None:
    _focal, lead = _people(city)
    expert = User.objects.get(username="expert.omar")
    delivered = now - timedelta(days=15)
    request = _filed(
        city,
        CHECK_IN_TITLE,
        at=delivered - timedelta(days=9),
        incident=delivered - timedelta(days=10),
        kind="expert",
        description="The municipality wants mediators to keep the neighbourhood's young people and families talking.",
    )
    indicator = Indicator.objects.get(code=INDICATOR)
    steps: list[tuple[datetime, str, User, dict[str, Any]]] = [
        (
            delivered - timedelta(days=8, hours=20),
            "route_to_experts",
            lead,
            {"experts": [expert.pk], "indicators": [{"indicator": indicator.pk, "baseline": "1", "target": "4"}]},
        ),
        (
            delivered - timedelta(days=8, hours=6),
            "accept_assignment",
            expert,
            {"declaration": "No tie to the city or the people involved.", "has_conflict": False},
        ),
        (delivered - timedelta(days=8), "start_delivery", lead, {}),
        (
            delivered,
            "report_delivery",
            expert,
            {
                "report": "<p>Two mediation circles held; twelve mediators trained with the city's social services.</p>",
                "values": [{"indicator": indicator.pk, "value": "3"}],
            },
        ),
    ]
    for at, transition, actor, data in steps:
        with clock(at):
            request = transition_perform(request=request, transition=transition, actor=actor, data=data)
    # The desk's daily job checks in two weeks after delivery (the move it makes for this request).
    transition_perform(request=request, transition="check_in_open", actor=None, now=delivered + timedelta(days=14))


@transaction.atomic
def seed_fund(*, now: datetime | None = None) -> int:
    """Create the emergency application and the request awaiting its check-in if missing; returns how many
    requests were created."""
    now = now or timezone.now()
    cities = {c.name: c for c in City.objects.filter(name__in=[EMERGENCY_CITY, CHECK_IN_CITY])}
    existing = set(
        SupportRequest.objects.filter(title__in=[EMERGENCY_TITLE, CHECK_IN_TITLE]).values_list("city__name", "title")
    )
    created = 0
    if (EMERGENCY_CITY, EMERGENCY_TITLE) not in existing:
        _emergency_application(cities[EMERGENCY_CITY], now)
        created += 1
    if (CHECK_IN_CITY, CHECK_IN_TITLE) not in existing:
        _delivered_with_check_in(cities[CHECK_IN_CITY], now)
        created += 1
    return created
