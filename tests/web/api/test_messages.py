"""``/api/v1/requests/<ref>/messages/``: the messages the caller reads, a page at a time, with their files and
the access log of restricted ones shown; posting one on each channel as the request page does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import AccessLog, Attachment, Message, Sensitivity, Visibility
from tests.access_world import PDF_BYTES, ROLES, build_world
from tests.web.api.conftest import api_client
from web import presenters

pytestmark = pytest.mark.django_db


def _url(request) -> str:
    return reverse("api:request-messages", args=[request.reference])


def test_each_role_reads_the_messages_the_page_shows_it_and_restricted_ones_are_logged():
    world = build_world()
    for role in ROLES:
        person = world.user(role)
        if person is None:
            continue
        AccessLog.objects.all().delete()
        response = api_client(person).get(_url(world.req))
        shown = presenters.message_views(world.req, person)
        if not shown and response.status_code == 404:
            continue
        assert response.status_code == 200, role
        assert [m["id"] for m in response.json()["results"]] == [m.pk for m in shown], role
        logged = set(
            AccessLog.objects.filter(action=AccessLog.Action.VIEW_RESTRICTED).values_list("message", flat=True)
        )
        assert logged == {m.pk for m in shown if m.revealed_restricted}, role
    # The restricted message: its city's focal point and its hub read it (and are logged); an expert never does.
    hub = world.user("hub_region")
    AccessLog.objects.all().delete()
    api_client(hub).get(_url(world.req))
    assert AccessLog.objects.filter(user=hub, message=world.messages["restricted"]).exists()


def test_messages_come_a_page_at_a_time_with_a_cursor_to_the_earlier_ones():
    world = build_world()
    hub = world.user("hub_region")
    start = timezone.now() - timedelta(days=1)
    for n in range(35):
        message = Message.objects.create(request=world.req, author=hub, body=f"<p>Note {n}</p>")
        Message.objects.filter(pk=message.pk).update(created_at=start + timedelta(minutes=n))
    api = api_client(hub)
    newest = api.get(_url(world.req)).json()
    assert len(newest["results"]) == 30 and newest["before"]
    earlier = api.get(_url(world.req) + f"?before={newest['before']}").json()
    ids = [m["id"] for m in earlier["results"]] + [m["id"] for m in newest["results"]]
    assert len(ids) == len(set(ids)) == Message.objects.filter(request=world.req).count()
    assert earlier["before"] is None
    bad = api.get(_url(world.req) + "?before=yesterday")
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"before"}


def test_a_message_lists_the_files_it_carried():
    world = build_world()
    own = world.user("own_city")
    response = api_client(own).post(
        _url(world.req),
        {"body": "The plan, as asked", "attachment": [_pdf("plan.pdf"), _csv("budget.csv")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert sorted(f["name"] for f in response.json()["files"]) == ["budget.csv", "plan.pdf"]
    listed = api_client(world.user("hub_region")).get(_url(world.req)).json()["results"]
    (posted,) = [m for m in listed if m["id"] == response.json()["id"]]
    assert sorted(f["name"] for f in posted["files"]) == ["budget.csv", "plan.pdf"]
    assert all(f["download_url"].startswith("/api/v1/attachments/") for f in posted["files"])


def _pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _csv(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"item,amount\nrent,100\n", content_type="text/csv")


@pytest.mark.parametrize(
    ("role", "channel"),
    [
        ("own_city", Visibility.CITY),
        ("assigned_expert", Visibility.EXPERT),
        ("hub_region", Visibility.CITY),
        ("hub_region", Visibility.EXPERT),
        ("hub_region", Visibility.INTERNAL),
        ("management", Visibility.INTERNAL),
    ],
)
def test_a_message_is_posted_on_each_channel_its_author_writes_on(role, channel):
    world = build_world()
    response = api_client(world.user(role)).post(
        _url(world.req), {"body": "A **question** about the plan", "visibility": channel}, format="json"
    )
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.visibility, message.author) == (channel, world.user(role))
    assert "<strong>question</strong>" in message.body  # Markdown, cleaned, as the page's form stores it


def test_the_channel_may_be_left_out_only_by_who_writes_on_one():
    world = build_world()
    own = api_client(world.user("own_city")).post(_url(world.req), {"body": "Hello"}, format="json")
    assert own.status_code == 201 and own.json()["visibility"] == Visibility.CITY
    before = Message.objects.count()
    hub = api_client(world.user("hub_region")).post(_url(world.req), {"body": "Hello"}, format="json")
    assert hub.status_code == 400 and hub.json()["code"] == "required" and set(hub.json()["fields"]) == {"visibility"}
    expert = api_client(world.user("assigned_expert")).post(
        _url(world.req), {"body": "Hello", "visibility": Visibility.CITY}, format="json"
    )
    assert expert.status_code == 400 and expert.json()["code"] == "invalid_choice"
    nobody = api_client(world.user("unassigned_expert")).post(_url(world.req), {"body": "Hello"}, format="json")
    assert nobody.status_code == 404
    empty = api_client(world.user("own_city")).post(_url(world.req), {"body": " - "}, format="json")
    assert empty.status_code == 400 and set(empty.json()["fields"]) == {"body"}
    assert Message.objects.count() == before


def test_personal_data_answers_422_then_the_confirmed_message_is_restricted_and_its_reading_logged():
    world = build_world()
    own = world.user("own_city")
    api = api_client(own)
    text = {"body": "The mother's number is +254 712 345 678."}
    before = Message.objects.count()
    refused = api.post(_url(world.req), text, format="json")
    assert refused.status_code == 422 and refused.json()["code"] == "personal_data"
    assert Message.objects.count() == before
    AccessLog.objects.all().delete()
    kept = api.post(_url(world.req), {**text, "confirm_personal_data": True}, format="json")
    assert kept.status_code == 201 and kept.json()["is_restricted"] and not kept.json()["withheld"]
    message = Message.objects.get(pk=kept.json()["id"])
    assert message.sensitivity == Sensitivity.RESTRICTED
    assert AccessLog.objects.filter(user=own, message=message, action=AccessLog.Action.VIEW_RESTRICTED).exists()


def test_a_message_with_an_unsafe_file_is_refused_whole():
    world = build_world()
    before = (Message.objects.count(), Attachment.objects.count())
    unsafe = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = api_client(world.user("own_city")).post(
        _url(world.req), {"body": "See the report", "attachment": [_pdf(), unsafe]}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["detail"]
    assert (Message.objects.count(), Attachment.objects.count()) == before


def test_reading_the_messages_costs_the_same_at_ten_times_the_messages():
    world = build_world()
    hub = world.user("hub_region")
    api = api_client(hub)
    api.get(_url(world.req))  # the token's first use is written down once
    counts = []
    for n in (3, 30):
        while Message.objects.filter(request=world.req).count() < n:
            message = Message.objects.create(
                request=world.req, author=hub, body="<p>Restricted</p>", sensitivity=Sensitivity.RESTRICTED
            )
            Attachment.objects.create(
                request=world.req, message=message, original_name="a.pdf", size=1, uploaded_by=hub, file="x.pdf"
            )
        with CaptureQueriesContext(connection) as queries:
            assert api.get(_url(world.req)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 12, counts
