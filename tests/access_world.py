"""A small network with one person per role and relation, for the access tests and the permission matrix.

Region A holds the city of the request (A1) and a neighbour (A2); region B is elsewhere. The request
``req`` of A1 has messages on every channel (one restricted), attachments on every channel, an assigned
expert (proposed, with the guardian grant the workflow gives) and a suspended expert who was assigned; the hub
shared one of its city files ("shared") with the assigned expert (``extra["share"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.files.base import ContentFile

from helpdesk.models import (
    Attachment,
    AttachmentShare,
    ExpertProfile,
    Message,
    RequestState,
    RetainedRead,
    Role,
    Sensitivity,
    SupportRequest,
    User,
    Visibility,
)
from helpdesk.services import expert_access_grant
from tests.factories import (
    CityFactory,
    RegionFactory,
    SupportRequestFactory,
    UserFactory,
    expert,
    focal_point,
    hub_staff,
    management,
    steering,
)
from workflows.models import ExpertAssignment

# The roles and relations of the permission matrix, in the order tables list them.
ROLES = (
    "anonymous",
    "own_city",
    "same_region_city",
    "other_region_city",
    "assigned_expert",
    "unassigned_expert",
    "hub_region",
    "hub_other_region",
    "management",
    "steering",
)

# The smallest PDF a reader opens (pypdf refuses anything less): a catalogue, no pages, a correct xref table.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    b"trailer << /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n"
)


@dataclass
class World:
    users: dict[str, User | None]
    req: SupportRequest  # city A1, submitted
    req_same_region: SupportRequest  # city A2
    req_other_region: SupportRequest  # city B1
    draft: SupportRequest  # city A1, draft
    messages: dict[str, Message] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def requests(self) -> list[SupportRequest]:
        return [self.req, self.req_same_region, self.req_other_region, self.draft]

    def user(self, role: str) -> User | None:
        return self.users[role]


def _attach(request: SupportRequest, *, visibility: str, sensitivity: str, name: str, by: User) -> Attachment:
    attachment = Attachment(
        request=request,
        original_name=name,
        size=len(PDF_BYTES),
        content_type="application/pdf",
        visibility=visibility,
        sensitivity=sensitivity,
        uploaded_by=by,
    )
    attachment.file.save(name, ContentFile(PDF_BYTES), save=False)
    attachment.save()
    return attachment


def build_world() -> World:
    region_a = RegionFactory(code="region-a", name="Region A")
    region_b = RegionFactory(code="region-b", name="Region B")
    a1 = CityFactory(name="Alpha One", region=region_a)
    a2 = CityFactory(name="Alpha Two", region=region_a)
    b1 = CityFactory(name="Beta One", region=region_b)
    users: dict[str, User | None] = {
        "anonymous": None,
        "own_city": focal_point(a1, username="focal.own", phone="+254 700 000 001"),
        "same_region_city": focal_point(a2, username="focal.neighbour"),
        "other_region_city": focal_point(b1, username="focal.far"),
        "assigned_expert": expert(username="expert.assigned"),
        "unassigned_expert": expert(username="expert.unassigned"),
        "hub_region": hub_staff(region_a, username="hub.a"),
        "hub_other_region": hub_staff(region_b, username="hub.b"),
        "management": management(username="mu.one"),
        "steering": steering(username="steering.one"),
    }
    own = users["own_city"]
    req = SupportRequestFactory(
        city=a1,
        submitted_by=own,
        state=RequestState.SUBMITTED,
        title="Youth centre after the attack",
        description="<p>Full description for the hub.</p>",
        summary="Shareable brief for experts.",
    )
    world = World(
        users=users,
        req=req,
        req_same_region=SupportRequestFactory(city=a2, submitted_by=users["same_region_city"], state="submitted"),
        req_other_region=SupportRequestFactory(city=b1, submitted_by=users["other_region_city"], state="submitted"),
        draft=SupportRequestFactory(city=a1, submitted_by=own, state=RequestState.DRAFT, title="Our draft"),
    )
    hub = users["hub_region"]
    assigned = users["assigned_expert"]
    ExpertAssignment.objects.create(request=req, expert=assigned, proposed_by=hub)
    expert_access_grant(request=req, expert=assigned, actor=hub)
    suspended = expert(username="expert.suspended")
    ExpertAssignment.objects.create(request=req, expert=suspended, proposed_by=hub)
    expert_access_grant(request=req, expert=suspended, actor=hub)
    ExpertProfile.objects.filter(user=suspended).update(vetting_status=ExpertProfile.Vetting.SUSPENDED)
    world.extra["suspended_expert"] = suspended
    world.extra["deactivated"] = focal_point(a1, username="focal.gone", is_active=False)
    world.extra["expert_user"] = UserFactory(username="nobody.roleless")
    # Region A's lead (``users["hub_region"]`` is an officer) and city A1's former focal point, who kept read
    # access to ``req`` at a handover (the matrix's ``Case.extra``).
    world.extra["hub_lead"] = hub_staff(region_a, username="hub.a.lead", is_hub_lead=True)
    former = UserFactory(username="focal.former", roles=[Role.FOCAL_POINT])
    RetainedRead.objects.create(user=former, request=req, granted_by=hub)
    world.extra["former_city"] = former

    world.messages = {
        "city": Message.objects.create(request=req, author=own, body="<p>City channel text</p>"),
        "internal": Message.objects.create(
            request=req, author=hub, body="<p>Internal hub note</p>", visibility=Visibility.INTERNAL
        ),
        "expert": Message.objects.create(
            request=req, author=hub, body="<p>Expert channel text</p>", visibility=Visibility.EXPERT
        ),
        "restricted": Message.objects.create(
            request=req,
            author=own,
            body="<p>Restricted city text</p>",
            sensitivity=Sensitivity.RESTRICTED,
            screening_flags=[{"field": "body", "kind": "phone", "start": 0, "end": 5}],
        ),
    }
    world.attachments = {
        "city": _attach(req, visibility=Visibility.CITY, sensitivity=Sensitivity.SHAREABLE, name="city.pdf", by=own),
        "internal": _attach(
            req, visibility=Visibility.INTERNAL, sensitivity=Sensitivity.SHAREABLE, name="internal.pdf", by=hub
        ),
        "expert": _attach(
            req, visibility=Visibility.EXPERT, sensitivity=Sensitivity.SHAREABLE, name="expert.pdf", by=hub
        ),
        "restricted": _attach(
            req, visibility=Visibility.CITY, sensitivity=Sensitivity.RESTRICTED, name="restricted.pdf", by=own
        ),
        "shared": _attach(
            req, visibility=Visibility.CITY, sensitivity=Sensitivity.SHAREABLE, name="shared.pdf", by=own
        ),
        "other_region": _attach(
            world.req_other_region,
            visibility=Visibility.CITY,
            sensitivity=Sensitivity.SHAREABLE,
            name="far.pdf",
            by=users["other_region_city"],
        ),
    }
    world.extra["share"] = AttachmentShare.objects.create(
        attachment=world.attachments["shared"], expert=assigned, shared_by=hub
    )
    return world
