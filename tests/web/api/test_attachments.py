"""``/api/v1/requests/<ref>/attachments/`` and ``/api/v1/attachments/<pk>/download/``: the files the caller may
see, one uploaded with the desk's content checks, and the download with the page's checks, headers and
access-log row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from helpdesk.models import AccessLog, Attachment, Visibility
from tests.access_world import PDF_BYTES, ROLES, build_world
from tests.web.api.conftest import api_client
from web import presenters

pytestmark = pytest.mark.django_db


def _url(request) -> str:
    return reverse("api:request-attachments", args=[request.reference])


def test_each_role_lists_the_files_the_page_shows_it():
    world = build_world()
    for role in ROLES:
        person = world.user(role)
        if person is None:
            continue
        response = api_client(person).get(_url(world.req))
        if response.status_code == 404:
            assert not presenters.attachment_views(world.req, person) or role in ("unassigned_expert",), role
            continue
        shown = presenters.attachment_views(world.req, person)
        lines = response.json()
        assert [(f["id"], f["name"], f["withheld"]) for f in lines] == [
            (f.pk, str(f.name), f.withheld) for f in shown
        ], role
        assert all((f["download_url"] is None) == f["withheld"] for f in lines), role
    # The assigned expert sees the expert channel's file and the one the hub shared with them, no other.
    expert_files = api_client(world.user("assigned_expert")).get(_url(world.req)).json()
    assert {f["name"] for f in expert_files} == {"expert.pdf", "shared.pdf"}


def test_a_file_is_uploaded_on_a_channel_its_author_writes_on():
    world = build_world()
    upload = SimpleUploadedFile("plan.csv", b"step,when\nopen,june\n", content_type="text/csv")
    response = api_client(world.user("hub_region")).post(
        _url(world.req), {"file": upload, "visibility": Visibility.INTERNAL}, format="multipart"
    )
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get(pk=response.json()["id"])
    assert (stored.original_name, stored.visibility, stored.request) == ("plan.csv", "internal", world.req)
    # Not on a channel the caller does not write on, and nothing for who does not see the request.
    before = Attachment.objects.count()
    again = SimpleUploadedFile("plan2.csv", b"other,content\n", content_type="text/csv")
    refused = api_client(world.user("assigned_expert")).post(
        _url(world.req), {"file": again, "visibility": Visibility.INTERNAL}, format="multipart"
    )
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"visibility"}
    outside = api_client(world.user("other_region_city")).post(_url(world.req), {"file": again}, format="multipart")
    assert outside.status_code == 404
    assert Attachment.objects.count() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
    ],
)
def test_an_unsafe_file_is_refused_with_why(name, content):
    world = build_world()
    before = Attachment.objects.count()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = api_client(world.user("own_city")).post(_url(world.req), {"file": upload}, format="multipart")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] not in ("invalid", "") and body["detail"]
    assert Attachment.objects.count() == before


def test_the_download_carries_the_pages_headers_and_is_written_to_the_access_log():
    world = build_world()
    own = world.user("own_city")
    attachment = world.attachments["city"]
    response = api_client(own).get(reverse("api:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    page = _page_download(own, attachment.pk)
    for header in ("Content-Type", "Content-Disposition", "X-Content-Type-Options", "Content-Security-Policy"):
        assert response[header] == page[header], header
    assert response["Content-Disposition"].startswith('attachment; filename="city.pdf"')
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    logged = AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, attachment=attachment)
    assert list(logged.values_list("user", flat=True)) == [own.pk, own.pk]  # the API's and the page's


def _page_download(user, pk):
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("attachment-download", args=[pk]))
    assert response.status_code == 200
    return response


def test_a_file_the_caller_may_not_download_is_404_and_logs_nothing():
    world = build_world()
    expert = world.user("assigned_expert")
    api = api_client(expert)
    for name in ("internal", "restricted", "city", "other_region"):
        response = api.get(reverse("api:attachment-download", args=[world.attachments[name].pk]))
        assert response.status_code == 404, name
    assert api.get(reverse("api:attachment-download", args=[999999])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_listing_the_files_costs_the_same_at_ten_times_the_files():
    world = build_world()
    hub = world.user("hub_region")
    api = api_client(hub)
    api.get(_url(world.req))  # the token's first use is written down once
    counts = []
    for n in (3, 30):
        while Attachment.objects.filter(request=world.req).count() < n:
            Attachment.objects.create(
                request=world.req, original_name="a.pdf", size=1, uploaded_by=hub, file="x.pdf", visibility="internal"
            )
        with CaptureQueriesContext(connection) as queries:
            assert api.get(_url(world.req)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 12, counts
