"""The permission matrix of the pages over the API: for every role and every request, the API opens, lists,
withholds and refuses exactly what the pages do.

(a) The access world (``tests/access_world.py``, one person per role and relation), with a restricted and an
anonymised request and a city anonymous to experts added; (b) the demo network (``seed_demo``), one person of
each role, every demo request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from helpdesk.models import Attachment, Message, Role, Sensitivity, SupportRequest, User, Visibility
from helpdesk.selectors import request_for, visible_requests
from tests.access_world import PDF_BYTES, ROLES, World, build_world
from tests.permission_cases import LIST_PAGES
from tests.test_permission_matrix import REFERENCE
from tests.web.api.conftest import api_client
from web import presenters
from web.api.serializers.requests import RequestLineSerializer, RequestSerializer

pytestmark = pytest.mark.django_db

SECRET = "Secret description of the restricted request"
FULL_DESCRIPTION = "Full description for the hub."
SUBMITTER_PHONE = "+254 700 000 001"
SUBMITTER_EMAIL = "focal.own@example.org"
# Text of a request that shows on its page only to some readers: the API shows it to the same ones. (Not the
# summary: the page shows it only to those who read the brief and those who oversee, a matter of layout.)
SENTINELS = (SECRET, FULL_DESCRIPTION, SUBMITTER_PHONE, SUBMITTER_EMAIL)


def _world() -> World:
    """The access world with every way a field is withheld: a restricted request (region A's neighbour city),
    an anonymised one (region B) and the request's city anonymous to experts (the brief hides it)."""
    world = build_world()
    SupportRequest.objects.filter(pk=world.req_same_region.pk).update(
        sensitivity=Sensitivity.RESTRICTED,
        description=f"<p>{SECRET}</p>",
        description_seal="",
        screening_flags=[{"field": "description", "kind": "phone", "start": 0, "end": 5}],
    )
    SupportRequest.objects.filter(pk=world.req_other_region.pk).update(anonymised_at=timezone.now())
    world.req.city.anonymous_to_experts = True
    world.req.city.save(update_fields=["anonymous_to_experts"])
    for request in world.requests:
        request.refresh_from_db()
    return world


def _page_client(person: User | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def _api(person: User | None) -> APIClient:
    return api_client(person) if person is not None else APIClient()


def _json(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


def _api_list(api: APIClient) -> list[dict[str, Any]]:
    """Every line of the API's list, page after page."""
    lines: list[dict[str, Any]] = []
    url: str | None = reverse("api:request-list")
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        lines += response.json()["results"]
        url = response.json()["next"]
    return lines


def _page_text(client: Client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200, name
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def _agree_on_reads(person: User | None, role: str, references: list[str]) -> None:
    """The detail of every request, the list and what each withholds: the API's equal the pages'."""
    page, api = _page_client(person), _api(person)
    opened: set[str] = set()
    for reference in references:
        page_response = page.get(reverse("request-detail", args=[reference]))
        api_response = api.get(reverse("api:request-detail", args=[reference]))
        if person is None:
            assert (page_response.status_code, api_response.status_code) == (302, 401), reference
            continue
        assert page_response.status_code == api_response.status_code, (role, reference)
        assert api_response.status_code in (200, 404), (role, reference)
        if api_response.status_code != 200:
            continue
        opened.add(reference)
        shown = api_response.json()
        support_request = request_for(person, reference)
        assert support_request is not None
        view = presenters.request_view(support_request, person)
        assert shown == _json(RequestSerializer(view).data), (role, reference)
        html = page_response.content.decode()
        body = json.dumps(shown, ensure_ascii=False)
        for text in SENTINELS:
            assert (text in html) == (text in body), (role, reference, text)
    if person is None:
        assert APIClient().get(reverse("api:request-list")).status_code == 401
        return
    lines = _api_list(api)
    listed = [line["reference"] for line in lines]
    assert len(listed) == len(set(listed)), role
    assert set(listed) == set(visible_requests(person).values_list("reference", flat=True)) == opened, role
    rows = {r.reference: r for r in visible_requests(person).select_related("city", "region", "owner", "submitted_by")}
    for line in lines:
        expected = _json(
            RequestLineSerializer(presenters.request_view(rows[line["reference"]], person, line=True)).data
        )
        assert line == expected, (role, line["reference"])
    for name, roles in LIST_PAGES.items():
        if role in roles:
            on_page = set(REFERENCE.findall(_page_text(page, name))) & set(references)
            assert on_page <= set(listed), (role, name, sorted(on_page - set(listed)))


def test_every_role_reads_every_request_over_the_api_as_on_its_pages():
    world = _world()
    references = list(SupportRequest.objects.order_by("pk").values_list("reference", flat=True))
    withheld = {r.reference for r in world.requests if r.sensitivity == Sensitivity.RESTRICTED}
    assert withheld and world.req_other_region.anonymised_at is not None
    for role in ROLES:
        _agree_on_reads(world.user(role), role, references)


# --- writes ------------------------------------------------------------------------------------------------
def _snapshot(world: World) -> tuple[Any, ...]:
    draft = SupportRequest.objects.get(pk=world.draft.pk)
    return (draft.title, draft.state, Message.objects.count(), Attachment.objects.count())


def _outcome(world: World, call: Callable[[Any], int], client: Any) -> tuple[int, bool]:
    """The status of ``call`` and whether it changed a row; rolled back, so each call starts from the world."""
    before = _snapshot(world)
    with transaction.atomic():
        status = call(client)
        changed = _snapshot(world) != before
        transaction.set_rollback(True)
    return status, changed


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _writes(world: World) -> dict[str, tuple[Callable[[Client], int], Callable[[APIClient], int]]]:
    """Each write, as the page makes it and as the API makes it."""
    draft, req = world.draft.reference, world.req.reference
    writes: dict[str, tuple[Callable[[Client], int], Callable[[APIClient], int]]] = {
        "edit_draft": (
            lambda c: (
                c.post(
                    reverse("request-edit", args=[draft]), {"city": world.draft.city_id, "title": "Changed title"}
                ).status_code
            ),
            lambda a: (
                a.patch(
                    reverse("api:request-detail", args=[draft]), {"title": "Changed title"}, format="json"
                ).status_code
            ),
        ),
        "submit_draft": (
            lambda c: c.post(reverse("request-move", args=[draft, "submit"])).status_code,
            lambda a: a.post(reverse("api:request-submit", args=[draft])).status_code,
        ),
    }
    for channel in Visibility.values:
        writes[f"message_{channel}"] = (
            lambda c, channel=channel: (
                c.post(
                    reverse("request-message", args=[req]), {"body": "A question about the plan", "visibility": channel}
                ).status_code
            ),
            lambda a, channel=channel: (
                a.post(
                    reverse("api:request-messages", args=[req]),
                    {"body": "A question about the plan", "visibility": channel},
                    format="json",
                ).status_code
            ),
        )
        # The pages upload a file with a message; the API also takes one on its own: both add a file or neither.
        writes[f"upload_{channel}"] = (
            lambda c, channel=channel: (
                c.post(
                    reverse("request-message", args=[req]),
                    {"body": "The plan attached", "visibility": channel, "attachment": _pdf()},
                ).status_code
            ),
            lambda a, channel=channel: (
                a.post(
                    reverse("api:request-attachments", args=[req]), {"file": _pdf(), "visibility": channel}
                ).status_code
            ),
        )
    return writes


def test_every_write_refused_on_a_page_is_refused_over_the_api_with_no_row_changed():
    world = build_world()
    done: dict[str, set[str]] = {}
    clients = {role: (_page_client(world.user(role)), _api(world.user(role))) for role in ROLES}
    for name, (on_page, over_api) in _writes(world).items():
        for role in ROLES:
            page_status, page_changed = _outcome(world, on_page, clients[role][0])
            api_status, api_changed = _outcome(world, over_api, clients[role][1])
            assert page_changed == api_changed, (name, role, page_status, api_status)
            if api_changed:
                assert api_status in (200, 201), (name, role, api_status)
                done.setdefault(name, set()).add(role)
            else:
                assert api_status >= 400, (name, role, api_status)
    # The matrix tests something: each write is made by someone, and refused to someone.
    assert done["edit_draft"] == done["submit_draft"] == {"own_city"}
    assert done["message_city"] == done["upload_city"] == {"own_city", "hub_region", "management"}
    assert done["message_internal"] == {"hub_region", "management"}
    assert done["message_expert"] == {"assigned_expert", "hub_region", "management"}


def test_every_file_downloads_over_the_api_for_exactly_those_the_page_lets_download():
    world = build_world()
    for role in ROLES:
        person = world.user(role)
        if person is None:
            continue
        page, api = _page_client(person), _api(person)
        for name, attachment in world.attachments.items():
            page_status = page.get(reverse("attachment-download", args=[attachment.pk])).status_code
            api_status = api.get(reverse("api:attachment-download", args=[attachment.pk])).status_code
            assert page_status == api_status, (role, name)


# --- the demo network ---------------------------------------------------------------------------------------
DEMO_ROLES = (Role.FOCAL_POINT, Role.EXPERT, Role.HUB_STAFF, Role.MANAGEMENT, Role.STEERING)


def test_for_every_demo_request_the_api_agrees_with_the_pages_for_one_person_of_each_role():
    """Seeded once (6.5 s measured on this machine; the roles share it, so no module-scoped database is
    needed), then every demo request read by one person of each role through both the pages and the API."""
    call_command("seed_demo", verbosity=0)
    references = list(SupportRequest.objects.order_by("pk").values_list("reference", flat=True))
    assert len(references) >= 20
    for role in DEMO_ROLES:
        # The person of the role with the most to see: the matrix is only as good as the requests it opens.
        people = User.objects.filter(groups__name=role, is_active=True).order_by("pk")
        person = max(people, key=lambda p: (visible_requests(p).count(), -p.pk))
        _agree_on_reads(person, str(role), references)
        if role != Role.STEERING:
            assert visible_requests(person).exists(), role
