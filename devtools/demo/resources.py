"""The demo's resource hub, and the cities open to peer exchange.

Every resource is written, translated, sent to review and published through ``helpdesk.services`` by the people
who would do it: focal points propose their cities' policies, hub staff write guides, city profiles and the good
practice drawn from closed requests, the management unit writes training tools; translations are made by hub
staff, and someone who wrote none of it publishes. The texts are in ``devtools.demo.resource_texts``. ``seed_resources`` skips a resource whose original title exists, so
``seed_demo`` stays idempotent.

Two pieces stand in for services other work provides, each in one function the lead switches at merge:
``_from_requests`` (the draft drawn from a closed request and the city's consent) and
``peer_contact_themes_seed`` (the cities' opt-in to peer exchange).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from devtools.demo.network import _slug
from devtools.demo.resource_texts import DemoResource, Text
from devtools.demo.resource_texts.cities import CITY_RESOURCES
from devtools.demo.resource_texts.guides import GUIDES
from devtools.demo.resource_texts.practice import FROM_REQUESTS, UNPUBLISHED
from devtools.demo.resource_texts.tools import TOOLS
from helpdesk.models import (
    City,
    Consent,
    Region,
    RequestState,
    Resource,
    ResourceLog,
    ResourceState,
    ResourceVersion,
    SupportRequest,
    User,
)
from helpdesk.sanitize import markdown_html
from helpdesk.services import (
    city_peer_contact_set,
    resource_consent_answer,
    resource_create,
    resource_publish,
    resource_submit,
    resource_version_save,
)
from workflows.publishing import resource_from_request_start

DEMO_RESOURCES: list[DemoResource] = [*TOOLS, *GUIDES, *CITY_RESOURCES, *FROM_REQUESTS, *UNPUBLISHED]

# The themes cities agreed to be contacted about for a peer exchange: each has a closed demo request on the theme
# that it evaluated well (``DEMO_REQUESTS``, ``LEARNED_REQUESTS``). Kumanovo's request for a peer exchange on
# youth engagement finds Sarajevo (same hub, English), Addu City (English) and Sousse (no shared language).
PEER_CONTACT_THEMES = {
    "Addu City": ["young_cities"],
    "Sarajevo": ["young_cities", "local_democracy"],
    "Sousse": ["young_cities"],
    "Highland Park": ["incident_response"],
    "Colombo": ["incident_response"],
    "Tirana": ["multi_agency"],
    "Kousseri": ["multi_agency"],
    "Mombasa": ["multi_agency"],
    "Montréal": ["global_crises"],
    "Amman": ["national_local"],
}


def typed(markdown: str) -> str:
    """The Markdown as a person types it in the resource form: a paragraph or a list item on one line (the
    texts are wrapped in the source, and the form keeps a line break as one), a section's title in bold (the
    hub's Markdown has no headings)."""
    paragraphs: list[str] = []
    for line in markdown.strip().splitlines():
        line = line.strip()
        if line.startswith("## "):
            line = f"**{line[3:]}**"
        new_block = not line or not paragraphs or not paragraphs[-1] or line.startswith(("- ", "**"))
        if new_block or re.match(r"\d+\. ", line):
            paragraphs.append(line)
        else:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
    return "\n".join(paragraphs)


def _body(markdown: str) -> str:
    return markdown_html(typed(markdown))


def _reviewers(spec: DemoResource) -> list[str]:
    """Who may publish it, in the order they would: the hub's staff, then the management unit."""
    if spec.hub:
        return [f"hub.{spec.hub}", f"hub.{spec.hub}.officer", "mu.director", "mu.officer"]
    return ["mu.director", "mu.officer", "hub.central"]


def _consenting(spec: DemoResource) -> str:
    """The focal point who answers for the city drawn from."""
    return _focal(spec.city or "")


@transaction.atomic
def seed_resources() -> int:
    """Write, translate, review and publish the demo resources that do not exist yet; returns how many."""
    done = set(
        ResourceVersion.objects.filter(title__in=[spec.texts[0].title for spec in DEMO_RESOURCES]).values_list(
            "title", flat=True
        )
    )
    todo = [spec for spec in DEMO_RESOURCES if spec.texts[0].title not in done]
    if not todo:
        return 0
    usernames = {text.by for spec in todo for text in spec.texts}
    usernames |= {name for spec in todo for name in _reviewers(spec)}
    usernames |= {_consenting(spec) for spec in todo if spec.source}
    people = {user.username: user for user in User.objects.filter(username__in=usernames)}
    regions = {region.code: region for region in Region.objects.all()}
    cities = {city.name: city for city in City.objects.filter(name__in={spec.city for spec in todo if spec.city})}
    drawn, closed = _from_requests(specs=[spec for spec in todo if spec.source], people=people)
    now = timezone.now()
    stories: list[tuple[Resource, datetime, datetime]] = []
    for index, spec in enumerate(todo):
        original = spec.texts[0]
        author = people[original.by]
        resource = drawn.get(original.title) or resource_create(
            actor=author,
            kind=spec.kind,
            language=original.language,
            title=original.title,
            summary=original.summary,
            body=_body(original.body),
            themes=spec.themes,
            priorities=spec.priorities,
            region=regions[spec.hub] if spec.hub else None,
            city=cities[spec.city] if spec.city else None,
        )
        _walk(spec, resource, people)
        if spec.source:  # told after the request closed: drafted, agreed and published since
            since = closed[original.title]
            end = since + (now - since) * (0.95 if spec.state == ResourceState.REVIEW else 0.75)
            start = max(since + (now - since) * 0.1, end - timedelta(days=30))
        else:
            end = now - timedelta(days=spec.age, hours=index % 7)
            start = end - timedelta(days=12 + 5 * (index % 4))
        stories.append((resource, start, end))
    _backdate(stories)
    return len(todo)


def _walk(spec: DemoResource, resource: Resource, people: dict[str, User]) -> None:
    """The original's author writes its own translations, sends it to review, others translate; someone who wrote
    none of it publishes it."""
    original, translations = spec.texts[0], spec.texts[1:]
    author = people[original.by]
    for text in translations:
        if text.by == original.by:
            _translate(resource, text, original.language, people)
    if spec.state == ResourceState.DRAFT:
        return
    resource_submit(resource=resource, actor=author)
    for text in translations:
        if text.by != original.by:
            _translate(resource, text, original.language, people)
    if spec.state == ResourceState.REVIEW:
        return
    writers = {text.by for text in spec.texts}
    reviewer = next(name for name in _reviewers(spec) if name not in writers)
    resource_publish(resource=resource, actor=people[reviewer])


def _translate(resource: Resource, text: Text, source: str, people: dict[str, User]) -> None:
    resource_version_save(
        resource=resource,
        actor=people[text.by],
        language=text.language,
        title=text.title,
        summary=text.summary,
        body=_body(text.body),
        translated_from=source,
    )


def _from_requests(
    *, specs: list[DemoResource], people: dict[str, User]
) -> tuple[dict[str, Resource], dict[str, datetime]]:
    """Drafts of good practice drawn from closed demo requests by their hub (``resource_from_request_start``:
    linked to the request, about its city, the city asked for its consent), and the focal point's answer
    (``resource_consent_answer``); by original title, with when each request closed."""
    if not specs:
        return {}, {}
    requests = {
        (request.city.name, request.title): request
        for request in SupportRequest.objects.filter(
            state=RequestState.CLOSED, title__in=[spec.source for spec in specs]
        ).select_related("city")
    }
    drawn: dict[str, Resource] = {}
    closed: dict[str, datetime] = {}
    for spec in specs:
        request = requests[(spec.city or "", spec.source or "")]
        original = spec.texts[0]
        author, focal = people[original.by], people[_consenting(spec)]
        resource = resource_from_request_start(
            request=request,
            actor=author,
            kind=spec.kind,
            language=original.language,
            title=original.title,
            summary=original.summary,
            body=_body(original.body),
            themes=spec.themes,
            priorities=spec.priorities,
        )
        if spec.consent != Consent.ASKED:
            resource = resource_consent_answer(resource=resource, actor=focal, answer=spec.consent)
        drawn[original.title] = resource
        closed[original.title] = request.closed_at or timezone.now()
    return drawn, closed


def _backdate(stories: list[tuple[Resource, datetime, datetime]]) -> None:
    """Move each resource's story to when it happened: written at ``start``, published (or last touched) at
    ``end``, every history row, version and consent in between, in their order.

    The services stamp "now"; this is the one place the demo rewrites those stamps, in three bulk updates.
    """
    ids = [resource.pk for resource, _, _ in stories]
    rows: dict[int, list[ResourceLog]] = defaultdict(list)
    logs = list(ResourceLog.objects.filter(resource_id__in=ids).order_by("resource_id", "created_at", "id"))
    for row in logs:
        rows[row.resource_id].append(row)
    written: dict[tuple[int, str], datetime] = {}
    resources = []
    for resource, start, end in stories:
        history = rows[resource.pk]
        step = (end - start) / max(len(history) - 1, 1)
        for number, row in enumerate(history):
            row.created_at = start + step * number
            if row.action in {"created", "written", "translated"}:
                written[(resource.pk, row.data.get("language", ""))] = row.created_at
            if row.action == "consent_answered":
                resource.consent_at = row.created_at
        resource.created_at, resource.updated_at = start, end
        if resource.state == ResourceState.PUBLISHED:
            resource.published_at = resource.reviewed_at = end
        resources.append(resource)
    versions = list(ResourceVersion.objects.filter(resource_id__in=ids))
    for version in versions:
        version.written_at = written.get((version.resource_id, version.language), version.written_at)
    ResourceLog.objects.bulk_update(logs, ["created_at"])
    ResourceVersion.objects.bulk_update(versions, ["written_at"])
    Resource.objects.bulk_update(
        resources, ["created_at", "updated_at", "published_at", "reviewed_at", "consent_at"], batch_size=100
    )


@transaction.atomic
def peer_contact_themes_seed() -> int:
    """The cities that agreed to be contacted about their themes for a peer exchange, each by its focal point
    through the opt-in service; a city that already chose keeps its choice. Returns how many cities were opened
    now."""
    cities = [
        city
        for city in City.objects.filter(name__in=PEER_CONTACT_THEMES).only("pk", "name", "peer_contact_themes")
        if not city.peer_contact_themes
    ]
    focal = {person.username: person for person in User.objects.filter(username__in=[_focal(c.name) for c in cities])}
    for city in cities:
        city_peer_contact_set(city=city, actor=focal[_focal(city.name)], themes=PEER_CONTACT_THEMES[city.name])
    return len(cities)


def _focal(city_name: str) -> str:
    return f"focal.{_slug(city_name)}"
