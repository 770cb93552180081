"""The people and rows the benchmark measures with, found or created once per benchmark database."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from helpdesk import services
from helpdesk.models import City, ExpertProfile, Message, RequestState, Role, SupportRequest, User, Visibility
from helpdesk.sanitize import clean_html, seal
from web.forms.moves import MoveForm
from workflows.lifecycle import TRANSITION_SPECS
from workflows.models import ExpertAssignment
from workflows.services import transition_perform

DETAIL_TITLE = "Benchmark: request in delivery with 50 messages and 5 attachments"
DRAFT_TITLE = "Benchmark draft"
WARMUP = 3


@dataclass
class BenchCast:
    hub: User
    expert: User
    focal_point: User  # of the region's busiest city, whose home page is measured
    writer: User  # of another city, whose drafts the writes submit (so that the measured city keeps its size)
    management: User
    steering: User
    detail_request: SupportRequest
    drafts: list[SupportRequest]
    submitted: list[SupportRequest]
    hub_rows: int
    detail_messages: int
    detail_attachments: int
    search_term: str = "mentoring"
    transition: str = "request_info"
    posted: list[int] = field(default_factory=list)

    def _pick(self, rows: list[SupportRequest], i: int) -> SupportRequest:
        return rows[i + WARMUP] if i < 0 else rows[WARMUP + i]

    def submit_call(self, client: Client) -> Callable[[int], object]:
        def call(i: int) -> object:
            draft = self._pick(self.drafts, i)
            url = reverse("request-move", args=[draft.reference, "submit"])
            response = client.post(url, _move_data(draft, "submit"))
            _expect_redirect(response, url)
            return response

        return call

    def transition_call(self, client: Client) -> Callable[[int], object]:
        def call(i: int) -> object:
            row = self._pick(self.submitted, i)
            url = reverse("request-move", args=[row.reference, self.transition])
            response = client.post(url, _move_data(row, self.transition))
            _expect_redirect(response, url)
            return response

        return call

    def message_call(self, client: Client) -> Callable[[int], object]:
        def call(i: int) -> object:
            row = self._pick(self.submitted, i)
            url = reverse("request-message", args=[row.reference])
            response = client.post(
                url, {"body": "Thank you, we will come back to you this week.", "visibility": "city"}
            )
            _expect_redirect(response, url)
            return response

        return call


def _expect_redirect(response: object, url: str) -> None:
    if response.status_code != 302:  # type: ignore[attr-defined]
        raise RuntimeError(f"POST {url} answered {response.status_code}, not a redirect")  # type: ignore[attr-defined]


def _move_data(request: SupportRequest, name: str) -> dict[str, str]:
    """Fill every field the move's form asks for, the way a person would."""
    form = MoveForm(TRANSITION_SPECS[name], request, prefix=name)
    data = {}
    for field_name, field_obj in form.fields.items():
        key = form.add_prefix(field_name)
        kind = type(field_obj).__name__
        if kind == "BooleanField":
            if field_obj.required:  # the confirmation an irreversible move asks for
                data[key] = "on"
            continue
        data[key] = "3" if "Choice" in kind else "Could you tell us how many schools take part and who leads the work?"
    return data


def _one(role: str, **filters: object) -> User:
    return (
        User.objects.filter(groups__name=role, is_active=True, **filters).order_by("pk").first()
        or User.objects.filter(groups__name=role).order_by("pk").first()
    )


def _walk_to_delivery(request: SupportRequest, hub: User, expert: User, focal_point: User) -> SupportRequest:
    """Through the lifecycle, as a request in delivery got there: filed, routed to the expert, accepted."""
    profile = ExpertProfile.objects.get(user=expert)
    active = ExpertAssignment.objects.filter(expert=expert, status__in=ExpertAssignment.ACTIVE).count()
    if active >= profile.max_concurrent_assignments:
        # The busiest expert of the network (the inbox scenario's) takes this one more request.
        profile.max_concurrent_assignments = active + 1
        profile.save(update_fields=["max_concurrent_assignments"])
    request = transition_perform(request=request, transition="submit", actor=focal_point)
    request = transition_perform(
        request=request, transition="route_to_experts", actor=hub, data={"experts": [expert.pk]}
    )
    declaration = "No tie to the city or the people involved."
    request = transition_perform(
        request=request,
        transition="accept_assignment",
        actor=expert,
        data={"declaration": declaration, "has_conflict": False},
    )
    return transition_perform(request=request, transition="start_delivery", actor=hub)


@transaction.atomic
def _detail_request(hub: User, expert: User, focal_point: User, city: City) -> SupportRequest:
    existing = SupportRequest.objects.filter(title=DETAIL_TITLE).first()
    if existing:
        return existing
    request = services.request_create(
        city=city,
        submitted_by=focal_point,
        title=DETAIL_TITLE,
        summary="A shareable summary for the expert.",
        description="<p>" + "The city describes its need in some detail. " * 40 + "</p>",
    )
    SupportRequest.objects.filter(pk=request.pk).update(owner=hub)
    request = _walk_to_delivery(SupportRequest.objects.get(pk=request.pk), hub, expert, focal_point)
    visibilities = [Visibility.CITY] * 20 + [Visibility.INTERNAL] * 15 + [Visibility.EXPERT] * 15
    authors = {Visibility.CITY: focal_point, Visibility.INTERNAL: hub, Visibility.EXPERT: expert}
    # Fifty messages in one statement; each sealed as the message service would seal it.
    bodies = [clean_html(f"<p>Message {i}: " + "words " * 40 + "</p>") for i in range(len(visibilities))]
    Message.objects.bulk_create(
        [
            Message(request=request, author=authors[v], visibility=v, body=body, body_seal=seal(body))
            for v, body in zip(visibilities, bodies, strict=True)
        ]
    )
    for i, visibility in enumerate([Visibility.CITY] * 3 + [Visibility.EXPERT] * 2):
        author = authors[visibility]
        services.message_post(
            request=request,
            author=author,
            body=f"<p>Attachment {i}</p>",
            visibility=visibility,
            attachment=io.BytesIO(b"plain text attachment\n" * 50),
            attachment_name=f"notes-{i}.txt",
        )
    return request


def _draft(city: City, focal_point: User) -> SupportRequest:
    return services.request_create(
        city=city,
        submitted_by=focal_point,
        title=DRAFT_TITLE,
        theme="multi_agency",
        kind="advice",
        description="<p>We would like advice on setting up a multi-agency prevention framework.</p>",
        summary="Advice on a multi-agency framework.",
        strategic_priority=3,
        language="en",
        urgency="normal",
    )


def prepare_cast(*, repeat: int) -> BenchCast:
    """Find the busiest hub, an expert, a focal point; create the rows that writes consume."""
    region_id = (
        SupportRequest.objects.values("region_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("region_id", flat=True)[0]
    )
    hub = _one(Role.HUB_STAFF, region_id=region_id, is_hub_lead=True)
    focal_city = (
        City.objects.filter(region_id=region_id, focal_points__isnull=False)
        .annotate(n=Count("requests"))
        .order_by("-n", "pk")
        .first()
    )
    focal_point = User.objects.filter(cities=focal_city).order_by("pk").first()
    # The writes file drafts every run; in the measured city they would grow its home page from run to run.
    writer_city = (
        City.objects.filter(region_id=region_id, focal_points__isnull=False)
        .exclude(pk=focal_city.pk)
        .annotate(n=Count("requests"))
        .order_by("n", "pk")
        .first()
    ) or focal_city
    writer = User.objects.filter(cities=writer_city).order_by("pk").first()
    expert = (
        User.objects.filter(groups__name=Role.EXPERT, expert_profile__isnull=False)
        .annotate(n=Count("assignments"))
        .order_by("-n", "pk")
        .first()
    )
    detail = _detail_request(hub, expert, focal_point, focal_city)
    needed = repeat + WARMUP + 2
    drafts = list(SupportRequest.objects.filter(title=DRAFT_TITLE, state=RequestState.DRAFT, city=writer_city)[:needed])
    for _ in range(needed - len(drafts)):
        drafts.append(_draft(writer_city, writer))
    # The transition and the message scenarios each act on a request waiting for triage; a small network may
    # not hold enough of them, so the city files the rest (as it would, through the lifecycle).
    submitted = list(
        SupportRequest.objects.filter(region_id=region_id, state=RequestState.SUBMITTED).order_by("pk")[: needed * 2]
    )
    if len(submitted) < needed * 2:
        for _ in range(needed * 2 - len(submitted)):
            submitted.append(transition_perform(request=_draft(writer_city, writer), transition="submit", actor=writer))
    return BenchCast(
        hub=hub,
        expert=expert,
        focal_point=focal_point,
        writer=writer,
        management=_one(Role.MANAGEMENT),
        steering=_one(Role.STEERING),
        detail_request=detail,
        drafts=drafts,
        submitted=submitted,
        hub_rows=SupportRequest.objects.filter(region_id=region_id).count(),
        detail_messages=detail.messages.count(),
        detail_attachments=detail.attachments.count(),
    )
