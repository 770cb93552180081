"""A closed request with something to hide everywhere (the description, the title, restricted and every
channel's messages, files' names and content, personal data in the summary) and outcomes worth sharing: what
"publish what was learned" is tested on (tests/workflows/test_publishing.py, tests/web/views/test_publish.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core import serializers
from django.core.files.base import ContentFile
from django.utils import timezone

from helpdesk.models import (
    Attachment,
    Message,
    Resource,
    ResourceFile,
    ResourceLog,
    ResourceVersion,
    SupportRequest,
    User,
)
from notifications.models import Notification
from tests.factories import (
    CityFactory,
    RegionFactory,
    SupportRequestFactory,
    focal_point,
    hub_staff,
    indicator,
    management,
)
from workflows.models import FollowUp, OutcomeTarget, OutcomeValue

CITY_NAME = "Zarkovia"
PHONE = "+33 6 12 34 56 78"
EMAIL = "marie.dupont@example.org"
MARKERS = {
    "title": "MARKTITLEQX1",
    "description": "MARKDESCQX2",
    "restricted_message": "MARKRESTRQX3",
    "city_message": "MARKCITYQX4",
    "internal_message": "MARKINTERNQX5",
    "expert_message": "MARKEXPERTQX6",
    "file_name": "MARKFILENAMEQX7",
    "file_content": "MARKFILEBODYQX8",
    "person": "Wilhelmina Quarterbridge",
}
SECRETS = [*MARKERS.values(), PHONE, EMAIL, "+33612345678", "dupont"]


@dataclass
class World:
    request: SupportRequest
    hub: User
    other_hub: User
    focal: User
    management: User


def build(
    *, anonymous_to_experts: bool = False, state: str = "closed", language: str = "fr", city_name: str = CITY_NAME
) -> World:
    region = RegionFactory()
    city = CityFactory(region=region, name=city_name, anonymous_to_experts=anonymous_to_experts)
    focal = focal_point(city, first_name="Wilhelmina", last_name="Quarterbridge", email="focal@example.org")
    hub = hub_staff(region)
    request = SupportRequestFactory(
        city=city,
        state=state,
        language=language,
        title=f"Incident {MARKERS['title']}",
        description=f"<p>{MARKERS['description']} {MARKERS['person']} was threatened.</p>",
        summary=(
            "La ville a formé 40 agents municipaux à la prévention. "
            f"Pour en savoir plus, appeler {PHONE} ou écrire à {EMAIL}."
        ),
        theme="multi_agency",
        strategic_priority=3,
        submitted_by=focal,
        closed_at=timezone.now() if state == "closed" else None,
    )
    for visibility, marker, sensitivity in (
        ("city", MARKERS["city_message"], "shareable"),
        ("internal", MARKERS["internal_message"], "shareable"),
        ("expert", MARKERS["expert_message"], "shareable"),
        ("internal", MARKERS["restricted_message"], "restricted"),
    ):
        message = Message.objects.create(
            request=request,
            author=hub,
            body=f"<p>{marker} {MARKERS['person']}</p>",
            visibility=visibility,
            sensitivity=sensitivity,
        )
    attachment = Attachment(
        request=request,
        message=message,
        original_name=f"{MARKERS['file_name']}.txt",
        size=20,
        content_type="text/plain",
        uploaded_by=focal,
    )
    attachment.file.save("x", ContentFile(MARKERS["file_content"].encode()), save=False)
    attachment.save()
    staff = indicator(name="Municipal staff trained", name_fr="Agents municipaux formés", unit="count", priority=3)
    target = OutcomeTarget.objects.create(request=request, indicator=staff, baseline=Decimal(0), target=Decimal(30))
    OutcomeValue.objects.create(target=target, stage=OutcomeValue.Stage.DELIVERED, value=Decimal(40))
    OutcomeValue.objects.create(target=target, stage=OutcomeValue.Stage.CONFIRMED, value=Decimal(38))
    follow_up = FollowUp.objects.create(
        request=request,
        months=6,
        due_on=timezone.now().date(),
        status=FollowUp.Status.ANSWERED,
        answered_at=timezone.now(),
    )
    OutcomeValue.objects.create(
        target=target, stage=OutcomeValue.Stage.SUSTAINED, follow_up=follow_up, value=Decimal(35)
    )
    return World(request=request, hub=hub, other_hub=hub_staff(RegionFactory()), focal=focal, management=management())


def everything_about(resource: Resource) -> str:
    """Every field of every row of ``resource`` (its versions, files and history) serialised, its files' content,
    and the notifications it sent: what a marker must not appear in."""
    rows = [
        *Resource.objects.filter(pk=resource.pk),
        *ResourceVersion.objects.filter(resource=resource),
        *ResourceFile.objects.filter(resource=resource),
        *ResourceLog.objects.filter(resource=resource),
        *Notification.objects.filter(data__resource=resource.pk),
    ]
    text = serializers.serialize("json", rows)
    for item in ResourceFile.objects.filter(resource=resource):
        with item.file.open("rb") as handle:
            text += handle.read().decode("utf-8", "replace")
    return text


def leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [secret for secret in SECRETS if secret.lower() in lowered]
