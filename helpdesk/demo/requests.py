"""The demo network's requests: one or more in every state of the lifecycle, with messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from helpdesk.models import City, Message, RequestState, SupportRequest, User, Visibility
from helpdesk.services import request_create


@dataclass(frozen=True)
class DemoRequest:
    city: str
    title: str
    theme: str
    kind: str
    target: str
    priority: int = 3
    language: str = "en"
    funding: Decimal | None = None
    description: str = ""
    messages: list[tuple[str, str]] = field(default_factory=list)


DEMO_REQUESTS = [
    DemoRequest(
        "Mombasa",
        "Youth mentoring programme after the port attack",
        "incident_response",
        "expert",
        RequestState.IN_DELIVERY,
        4,
        description="<p>The county wants to set up a mentoring scheme for young people in the old town.</p>",
        messages=[("city", "Could an expert share examples from other coastal cities?")],
    ),
    DemoRequest(
        "Mombasa",
        "Referral mechanism for schools",
        "multi_agency",
        "advice",
        RequestState.DRAFT,
        3,
        description="<p>Draft: how should teachers refer concerns?</p>",
    ),
    DemoRequest(
        "Saïda",
        "تدريب موظفي البلدية على الاستجابة لخطاب الكراهية",
        "global_crises",
        "training",
        RequestState.SUBMITTED,
        3,
        "ar",
        description="<p>نطلب تدريبا لموظفي البلدية.</p>",
    ),
    DemoRequest(
        "Kumanovo",
        "Multi-ethnic youth council",
        "young_cities",
        "fund",
        RequestState.FUNDING_REVIEW,
        4,
        funding=Decimal("18000"),
        description="<p>Seed funding for a youth council across communities.</p>",
    ),
    DemoRequest(
        "Kolofata",
        "Appui à la coordination avec les autorités nationales",
        "national_local",
        "expert",
        RequestState.EXPERT_MATCHING,
        2,
        "fr",
        description="<p>La commune souhaite un appui pour coordonner avec les services de l'État.</p>",
    ),
    DemoRequest(
        "Kousseri",
        "Dialogue communautaire après les incidents",
        "incident_response",
        "advice",
        RequestState.INFO_REQUESTED,
        3,
        "fr",
        description="<p>Besoin de conseils pour organiser un dialogue communautaire.</p>",
    ),
    DemoRequest(
        "Cape Town",
        "Peer exchange on online hate monitoring",
        "global_crises",
        "peer_exchange",
        RequestState.DELIVERED,
        1,
        description="<p>Learn from a city that monitors online hate.</p>",
    ),
    DemoRequest(
        "Addu City",
        "Women's development committee outreach",
        "young_cities",
        "advice",
        RequestState.CLOSED,
        4,
        description="<p>Advice on engaging women's committees in prevention.</p>",
    ),
    DemoRequest(
        "Highland Park",
        "Recovery support one year on",
        "incident_response",
        "expert",
        RequestState.CLOSED,
        3,
        description="<p>Sharing recovery lessons with other cities.</p>",
    ),
    DemoRequest(
        "Chattanooga",
        "Local democracy safeguarding plan",
        "local_democracy",
        "training",
        RequestState.DECLINED,
        5,
        description="<p>Training for council staff.</p>",
    ),
    DemoRequest(
        "Aurora",
        "Antisemitism and islamophobia response",
        "global_crises",
        "advice",
        RequestState.WITHDRAWN,
        3,
        description="<p>Guidance on responding to rising hate incidents.</p>",
    ),
    DemoRequest(
        "Berlin",
        "National-local coordination workshop",
        "national_local",
        "peer_exchange",
        RequestState.SUBMITTED,
        2,
        description="<p>A workshop with federal and state partners.</p>",
    ),
    DemoRequest(
        "Oslo",
        "Multi-agency framework review",
        "multi_agency",
        "expert",
        RequestState.EXPERT_MATCHING,
        3,
        description="<p>Review of the municipal framework.</p>",
    ),
    DemoRequest(
        "Victoria",
        "Youth engagement survey design",
        "young_cities",
        "fund",
        RequestState.IN_DELIVERY,
        4,
        funding=Decimal("9500"),
        description="<p>Survey of young residents.</p>",
    ),
]


def demo_request_exists(spec: DemoRequest, city: City) -> bool:
    return SupportRequest.objects.filter(city=city, title=spec.title).exists()


@transaction.atomic
def seed_requests() -> int:
    """Create the demo requests that do not exist yet; returns how many were created."""
    created = 0
    cities = {c.name: c for c in City.objects.filter(name__in={s.city for s in DEMO_REQUESTS})}
    for spec in DEMO_REQUESTS:
        city = cities[spec.city]
        if demo_request_exists(spec, city):
            continue
        focal = User.objects.filter(cities=city).order_by("pk").first()
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
        now = timezone.now()
        SupportRequest.objects.filter(pk=request.pk).update(
            state=spec.target, submitted_at=None if spec.target == RequestState.DRAFT else now
        )
        for visibility, body in spec.messages:
            Message.objects.create(
                request=request, author=focal, body=f"<p>{body}</p>", visibility=Visibility(visibility)
            )
        created += 1
    return created
