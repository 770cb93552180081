"""The demo network's requests, each walked to its state through ``transition_perform`` by the people who would act.

Every demo request therefore has a real history: audit rows, messages, assignments, fund applications
and envelope commitments, exactly as the desk would have recorded them. ``seed_requests`` skips requests
that already exist (same city and title), so ``seed_demo`` stays idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from devtools.demo.timeline import clock, schedule
from helpdesk.models import TERMINAL_STATES, City, Indicator, RequestState, Role, SupportRequest, User, Visibility
from helpdesk.services import message_post, request_create
from workflows.services import transition_perform

S = RequestState


@dataclass(frozen=True)
class Step:
    """One move: the transition, who makes it (``focal``, ``hub``, ``officer`` or a username), its data.

    In ``data``, ``experts`` lists usernames and ``indicators`` and ``values`` name key indicators by code; they
    are turned into ids when the step runs.
    """

    transition: str
    actor: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoRequest:
    city: str
    title: str
    theme: str
    kind: str
    target: str
    steps: tuple[Step, ...]
    priority: int = 3
    language: str = "en"
    funding: Decimal | None = None
    description: str = ""
    messages: tuple[str, ...] = ()


def _submitted(*more: Step) -> tuple[Step, ...]:
    return (Step("submit", "focal"), *more)


def _accepted(expert: str) -> Step:
    return Step(
        "accept_assignment",
        expert,
        {"declaration": "No tie to the city or the people involved.", "has_conflict": False},
    )


def _plan(*rows: tuple[str, str | None, str | None]) -> list[dict[str, Any]]:
    """The key indicators a routing aims to move: (code, baseline, target), either figure possibly unknown."""
    return [{"indicator": code, "baseline": baseline, "target": target} for code, baseline, target in rows]


def _reached(*rows: tuple[str, str | None]) -> list[dict[str, Any]]:
    """The values of the planned indicators at delivery or at the city's evaluation: (code, value)."""
    return [{"indicator": code, "value": value} for code, value in rows]


def _routed(*experts: str, plan: list[dict[str, Any]], by: str = "hub") -> Step:
    return Step("route_to_experts", by, {"experts": list(experts), "indicators": plan})


def _fund_application(
    lines: list[tuple[str, str]], justification: str, priority: int, plan: list[dict[str, Any]]
) -> Step:
    return Step(
        "route_to_funding",
        "hub",
        {
            "budget_lines": [{"item": item, "amount": amount} for item, amount in lines],
            "strategic_priority": priority,
            "justification": justification,
            "indicators": plan,
        },
    )


EVALUATION = {
    "rating": 5,
    "outcomes": "Clear next steps for the council and a contact in a peer city.",
    "would_recommend": True,
    "comments": "<p>Fast and practical.</p>",
}

DEMO_REQUESTS = [
    DemoRequest(
        "Mombasa",
        "Youth mentoring programme after the port attack",
        "incident_response",
        "expert",
        S.IN_DELIVERY,
        _submitted(
            _routed("expert.amina", plan=_plan(("youth-engaged", "0", "60"), ("staff-trained", "4", "20"))),
            _accepted("expert.amina"),
            Step("start_delivery", "hub"),
        ),
        4,
        description="The county wants to set up a mentoring scheme for young people in the old town.",
        messages=("Could an expert share examples from other coastal cities?",),
    ),
    DemoRequest(
        "Mombasa",
        "Referral mechanism for schools",
        "multi_agency",
        "advice",
        S.DRAFT,
        (),
        3,
        description="Draft: how should teachers refer concerns?",
    ),
    DemoRequest(
        "Saïda",
        "تدريب موظفي البلدية على الاستجابة لخطاب الكراهية",
        "global_crises",
        "training",
        S.SUBMITTED,
        _submitted(),
        3,
        "ar",
        description="نطلب تدريبا لموظفي البلدية.",
    ),
    DemoRequest(
        "Kumanovo",
        "Multi-ethnic youth council",
        "young_cities",
        "fund",
        S.FUNDING_REVIEW,
        _submitted(
            _fund_application(
                [("Facilitation of the council", "9000"), ("Meetings and venues", "5000"), ("Outreach", "4000")],
                "A youth council across communities answers priority 4 and has the mayor's backing.",
                4,
                _plan(("youth-council", "0", "1"), ("youth-engaged", "12", "40")),
            )
        ),
        4,
        funding=Decimal("18000"),
        description="Seed funding for a youth council across communities.",
    ),
    DemoRequest(
        "Mokolo",
        "Radio communautaire pour la prévention",
        "young_cities",
        "fund",
        S.FUNDING_REVIEW,
        _submitted(
            _fund_application(
                [("Équipement de la radio", "22000"), ("Formation des animateurs", "12000"), ("Émissions", "6000")],
                "Une radio de proximité tenue par des jeunes, alignée sur la priorité 4.",
                4,
                _plan(("youth-projects", "1", "6"), ("youth-trust", "35", "50")),
            ),
            # Above the four-eyes threshold: the first approval waits for a second approver.
            Step("approve_funding", "mu.officer", {"conditions": "Quarterly progress notes to the hub."}),
        ),
        4,
        "fr",
        funding=Decimal("40000"),
        description="La commune souhaite lancer une radio communautaire animée par des jeunes.",
    ),
    DemoRequest(
        "Kolofata",
        "Appui à la coordination avec les autorités nationales",
        "national_local",
        "expert",
        S.EXPERT_MATCHING,
        _submitted(
            _routed("expert.hugo", plan=_plan(("coordination-mechanism", "0", "1"), ("joint-meetings", "1", "6"))),
            Step("decline_assignment", "expert.hugo", {"reason": "Not available before the summer."}),
            Step("propose_expert", "hub.central.officer", {"experts": ["expert.jean"]}),
        ),
        2,
        "fr",
        description="La commune souhaite un appui pour coordonner avec les services de l'État.",
    ),
    DemoRequest(
        "Kousseri",
        "Dialogue communautaire après les incidents",
        "incident_response",
        "advice",
        S.INFO_REQUESTED,
        _submitted(
            Step(
                "request_info",
                "hub",
                {"question": "<p>Quels groupes souhaitez-vous réunir, et à quelle date ?</p>"},
            )
        ),
        3,
        "fr",
        description="Besoin de conseils pour organiser un dialogue communautaire.",
    ),
    DemoRequest(
        "Cape Town",
        "Peer exchange on online hate monitoring",
        "global_crises",
        "peer_exchange",
        S.DELIVERED,
        _submitted(
            _routed(
                "expert.grace",
                plan=_plan(
                    ("city-exchanges-held", "0", "2"), ("practices-adapted", "0", "3"), ("peer-contacts", "1", "5")
                ),
            ),
            _accepted("expert.grace"),
            Step("start_delivery", "hub.esa.officer"),
            Step(
                "report_delivery",
                "expert.grace",
                {
                    "report": "<p>Two online sessions with a peer city's team.</p>",
                    # One practice taken up so far (short of three); more officials kept in touch than hoped.
                    "values": _reached(
                        ("city-exchanges-held", "2"), ("practices-adapted", "1"), ("peer-contacts", "7")
                    ),
                },
            ),
        ),
        1,
        description="Learn from a city that monitors online hate.",
    ),
    DemoRequest(
        "Addu City",
        "Women's development committee outreach",
        "young_cities",
        "advice",
        S.CLOSED,
        _submitted(
            Step("answer_directly", "hub", {"answer": "<p>Three approaches that worked elsewhere, with contacts.</p>"}),
            Step("evaluate", "focal", EVALUATION),
        ),
        4,
        description="Advice on engaging women's committees in prevention.",
    ),
    DemoRequest(
        "Highland Park",
        "Recovery support one year on",
        "incident_response",
        "expert",
        S.CLOSED,
        _submitted(
            Step("request_info", "hub", {"question": "<p>Which city services should take part?</p>"}),
            Step("provide_info", "focal", {"answer": "<p>Parks, police liaison and the library.</p>"}),
            _routed(
                "expert.james",
                plan=_plan(("response-days", "10", "3"), ("staff-trained", "0", "25"), ("prevention-plan", "0", "1")),
            ),
            _accepted("expert.james"),
            Step("start_delivery", "hub"),
            Step(
                "report_delivery",
                "hub.north-america.officer",
                {
                    "report": "<p>Workshop held with three services.</p>",
                    "values": _reached(("response-days", "4"), ("staff-trained", "31"), ("prevention-plan", "1")),
                },
            ),
            # The city corrects one figure: three of the people counted left before the training ended.
            Step(
                "evaluate",
                "focal",
                {
                    **EVALUATION,
                    "rating": 4,
                    "values": _reached(("response-days", "4"), ("staff-trained", "28"), ("prevention-plan", "1")),
                },
            ),
        ),
        3,
        description="Sharing recovery lessons with other cities.",
    ),
    DemoRequest(
        "Chattanooga",
        "Local democracy safeguarding plan",
        "local_democracy",
        "training",
        S.DECLINED,
        _submitted(
            Step("decline", "hub", {"reason": "<p>A national programme already covers this training this year.</p>"})
        ),
        5,
        description="Training for council staff.",
    ),
    DemoRequest(
        "Aurora",
        "Antisemitism and islamophobia response",
        "global_crises",
        "advice",
        S.WITHDRAWN,
        _submitted(Step("withdraw", "focal")),
        3,
        description="Guidance on responding to rising hate incidents.",
    ),
    DemoRequest(
        "Berlin",
        "National-local coordination workshop",
        "national_local",
        "peer_exchange",
        S.SUBMITTED,
        _submitted(),
        2,
        description="A workshop with federal and state partners.",
    ),
    DemoRequest(
        "Oslo",
        "Multi-agency framework review",
        "multi_agency",
        "expert",
        S.EXPERT_MATCHING,
        _submitted(
            _routed(
                "expert.ingrid",
                "expert.claire",
                plan=_plan(("partner-agencies", "6", "12"), ("staff-trained", "0", "40")),
            ),
            _accepted("expert.ingrid"),
        ),
        3,
        description="Review of the municipal framework.",
    ),
    DemoRequest(
        "Victoria",
        "Youth engagement survey design",
        "young_cities",
        "fund",
        S.IN_DELIVERY,
        _submitted(
            _fund_application(
                [("Survey design and analysis", "6500"), ("Outreach to young residents", "3000")],
                "A city-wide survey of young residents informs the youth strategy (priority 4).",
                4,
                # The survey itself will measure trust: no baseline yet.
                _plan(("youth-trust", None, "55"), ("youth-engaged", "30", "150")),
            ),
            Step("approve_funding", "mu.director"),
        ),
        4,
        funding=Decimal("9500"),
        description="Survey of young residents.",
    ),
    DemoRequest(
        "Tirana",
        "Prevention plan with schools and social services",
        "multi_agency",
        "fund",
        S.CLOSED,
        _submitted(
            _fund_application(
                [
                    ("Facilitation of the planning group", "8000"),
                    ("Training of frontline staff", "7000"),
                    ("Printing and translation", "2000"),
                ],
                "A municipal prevention plan drawn up with schools and social services answers priority 3.",
                3,
                _plan(("prevention-plan", "0", "1"), ("staff-trained", "0", "30"), ("partner-agencies", "3", "8")),
            ),
            Step("approve_funding", "mu.director"),
            Step(
                "report_delivery",
                "officer",
                {
                    "report": "<p>The planning group met five times; the council adopted the plan in its session.</p>",
                    "values": _reached(("prevention-plan", "1"), ("staff-trained", "26"), ("partner-agencies", "9")),
                },
            ),
            Step(
                "evaluate",
                "focal",
                {
                    **EVALUATION,
                    "values": _reached(("prevention-plan", "1"), ("staff-trained", "24"), ("partner-agencies", "9")),
                },
            ),
        ),
        3,
        funding=Decimal("17000"),
        description="Support to draw up a municipal prevention plan with schools and social services.",
    ),
]


class DemoPeople:
    """The demo network's people, read in two queries, found by role for a city or by username."""

    def __init__(self, specs: Iterable[DemoRequest], cities: dict[str, City]) -> None:
        usernames = {step.actor for spec in specs for step in spec.steps}
        usernames |= {name for spec in specs for step in spec.steps for name in step.data.get("experts", [])}
        regions = {city.region_id for city in cities.values()}
        people = User.objects.filter(
            Q(username__in=usernames) | Q(region_id__in=regions, groups__name=Role.HUB_STAFF)
        ).distinct()
        self.by_username = {user.username: user for user in people}
        self.hub_lead = {u.region_id: u for u in people if u.region_id and u.is_hub_lead}
        self.hub_officer = {u.region_id: u for u in people if u.region_id and not u.is_hub_lead}
        links = (
            User.cities.through.objects.filter(
                city_id__in=[city.pk for city in cities.values()], user__groups__name=Role.FOCAL_POINT
            )
            .select_related("user")
            .order_by("user_id")
        )
        self.focal: dict[int, User] = {}
        for link in links:
            self.focal.setdefault(link.city_id, link.user)

    def actor(self, key: str, city: City) -> User:
        if key == "focal":
            return self.focal[city.pk]
        if key == "hub":
            return self.hub_lead[city.region_id]
        if key == "officer":
            return self.hub_officer[city.region_id]
        return self.by_username[key]


def _resolve(data: dict[str, Any], people: DemoPeople, indicators: dict[str, int]) -> dict[str, Any]:
    resolved = dict(data)
    if "experts" in data:
        resolved["experts"] = [people.by_username[name].pk for name in data["experts"]]
    for name in ("indicators", "values"):
        if name in data:
            resolved[name] = [{**row, "indicator": indicators[row["indicator"]]} for row in data[name]]
    return resolved


@transaction.atomic
def seed_requests(specs: Sequence[DemoRequest] = DEMO_REQUESTS) -> int:
    """Create and walk the demo requests of ``specs`` that do not exist yet; returns how many were created."""
    cities = {c.name: c for c in City.objects.filter(name__in={s.city for s in specs})}
    existing = set(
        SupportRequest.objects.filter(city__in=cities.values(), title__in=[s.title for s in specs]).values_list(
            "city__name", "title"
        )
    )
    todo = [spec for spec in specs if (spec.city, spec.title) not in existing]
    if not todo:
        return 0
    people = DemoPeople(todo, cities)
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    now, opened = timezone.now(), 0
    for spec in todo:
        city = cities[spec.city]
        focal = people.focal[city.pk]
        moments = schedule(
            specs.index(spec),
            steps=len(spec.steps),
            waiting=spec.target not in TERMINAL_STATES,
            count=len(specs),
            now=now,
            opened=opened,
        )
        opened += spec.target not in TERMINAL_STATES
        with clock(moments[0]):
            request = request_create(
                city=city,
                submitted_by=focal,
                title=spec.title,
                description=spec.description,
                summary=spec.title,
                theme=spec.theme,
                kind=spec.kind,
                strategic_priority=spec.priority,
                language=spec.language,
                funding_requested=spec.funding,
            )
        for step, at in zip(spec.steps, moments[1:], strict=True):
            with clock(at):
                request = transition_perform(
                    request=request,
                    transition=step.transition,
                    actor=people.actor(step.actor, city),
                    data=_resolve(step.data, people, indicators),
                )
        with clock(min(moments[-1] + timedelta(hours=2), now)):
            for body in spec.messages:
                message_post(request=request, author=focal, body=f"<p>{body}</p>", visibility=Visibility.CITY)
        if request.state != spec.target:
            raise RuntimeError(f"Demo request {spec.title!r} reached {request.state}, not {spec.target}.")
    return len(todo)
