"""The demo requests that the resource hub and peer exchange draw on.

Closed requests, well evaluated, on themes where their cities have something to pass on: a few of them become
good practice on the resource hub (with the city's consent), and their cities agree to be contacted about their
themes (``devtools.demo.resources.peer_contact_themes_seed``). And one city asking for a peer exchange whose hub
has peers to suggest: Kumanovo (a demo login) wants to learn from a city that runs a youth council, as Sarajevo
(same hub, same language) and Addu City (same language) do and Sousse (no shared language) does too.

Walked like every demo request (``devtools.demo.requests.seed_requests``); no fund application among them, so
the fund's figures stay those of ``DEMO_REQUESTS``.
"""

from __future__ import annotations

from typing import Any

from devtools.demo.requests import (
    EVALUATION,
    DemoRequest,
    S,
    Step,
    _accepted,
    _plan,
    _reached,
    _routed,
    _submitted,
)


def _answered(answer: str, outcomes: str, rating: int = 5) -> tuple[Step, ...]:
    """Help-desk advice: the hub answers, the city evaluates and the request closes."""
    return _submitted(
        Step("answer_directly", "hub", {"answer": answer}),
        Step("evaluate", "focal", {**EVALUATION, "rating": rating, "outcomes": outcomes}),
    )


def _delivered(
    expert: str, plan: list[dict[str, Any]], report: str, values: list[dict[str, Any]], outcomes: str
) -> tuple[Step, ...]:
    """An expert's support, delivered, reported and evaluated by the city, which confirms the values."""
    return _submitted(
        _routed(expert, plan=plan),
        _accepted(expert),
        Step("start_delivery", "hub"),
        Step("report_delivery", expert, {"report": report, "values": values}),
        Step("evaluate", "focal", {**EVALUATION, "outcomes": outcomes, "values": values}),
    )


LEARNED_REQUESTS = [
    DemoRequest(
        "Sarajevo",
        "Youth council across the city's communities",
        "young_cities",
        "expert",
        S.CLOSED,
        _delivered(
            "expert.aida",
            _plan(("youth-council", "0", "1"), ("youth-engaged", "20", "60")),
            "<p>Four design sessions with young people from every municipality of the city; the council's rules "
            "were adopted and its first sitting held.</p>",
            _reached(("youth-council", "1"), ("youth-engaged", "74")),
            "A youth council with seats for every community, rules the council adopted, and a first sitting.",
        ),
        4,
        description="The city wants a youth council that does not split along community lines.",
    ),
    DemoRequest(
        "Sousse",
        "Conseil municipal des jeunes : première année",
        "young_cities",
        "advice",
        S.CLOSED,
        _answered(
            "<p>Trois conseils municipaux de jeunes du réseau, leurs règlements et leurs budgets participatifs.</p>",
            "Un règlement intérieur adapté et un budget participatif voté pour le conseil des jeunes.",
        ),
        4,
        "fr",
        description="Comment faire vivre le conseil municipal des jeunes au-delà de sa première année ?",
    ),
    DemoRequest(
        "Montréal",
        "Réponse municipale aux discours haineux en ligne",
        "global_crises",
        "expert",
        S.CLOSED,
        _delivered(
            "expert.lucia",
            _plan(("staff-trained", "0", "20"), ("response-days", "7", "2")),
            "<p>Deux ateliers avec les équipes des communications et des relations avec les communautés.</p>",
            _reached(("staff-trained", "23"), ("response-days", "2")),
            "Un protocole de réponse en deux jours et 23 agents formés.",
        ),
        3,
        "fr",
        description="La ville veut mieux réagir quand une crise lointaine enflamme les réseaux sociaux.",
    ),
    DemoRequest(
        "Kousseri",
        "Plan communal de prévention avec les chefs traditionnels",
        "multi_agency",
        "advice",
        S.CLOSED,
        _answered(
            "<p>Exemples de comités communaux associant chefs traditionnels, imams, prêtres et services.</p>",
            "Un comité communal de prévention installé avec les chefferies.",
            4,
        ),
        3,
        "fr",
        description="Comment associer les chefferies traditionnelles au plan communal de prévention ?",
    ),
    DemoRequest(
        "Amman",
        "Coordination with national ministries on social cohesion",
        "national_local",
        "expert",
        S.CLOSED,
        _delivered(
            "expert.omar",
            _plan(("coordination-mechanism", "0", "1"), ("joint-meetings", "1", "6")),
            "<p>A coordination cell set up with three ministries; six joint meetings held.</p>",
            _reached(("coordination-mechanism", "1"), ("joint-meetings", "6")),
            "A standing coordination cell with the ministries, meeting every month.",
        ),
        2,
        description="The municipality wants a standing channel to the ministries working on social cohesion.",
    ),
    DemoRequest(
        "Colombo",
        "Interfaith reassurance after the attacks",
        "incident_response",
        "advice",
        S.CLOSED,
        _answered(
            "<p>How three cities organised visible interfaith reassurance in the first week after an attack.</p>",
            "A reassurance plan the council and the religious leaders agreed within days.",
        ),
        3,
        description="How to reassure every community in the days after an attack on places of worship.",
    ),
    DemoRequest(
        "Mombasa",
        "Working with religious leaders across the county",
        "multi_agency",
        "advice",
        S.CLOSED,
        _answered(
            "<p>Two models of county-level councils of religious leaders and how they work with the county.</p>",
            "An interfaith forum that now sits on the county's prevention steering group.",
        ),
        3,
        description="Advice on bringing religious leaders into the county's prevention work.",
    ),
    DemoRequest(
        "Kumanovo",
        "Peer exchange with a city that runs a youth council",
        "young_cities",
        "peer_exchange",
        S.SUBMITTED,
        _submitted(),
        1,
        description="Our youth council is being set up; we would like to learn from a city whose council works "
        "across communities.",
    ),
]
