"""The notification centre over the API: the caller's own lines newest first by cursor, what the centre shows and
never the content, marking read, and a bounded query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import Message, Sensitivity, SupportRequest, User, Visibility
from helpdesk.services import expert_access_grant, expert_access_revoke
from notifications.models import Channel, Notification, Reason, Status
from tests.notification_world import World, make_world
from tests.web.api.conftest import token_client

LIST = reverse("api:notifications")


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def in_app(user: User, request: SupportRequest, count: int, **fields: Any) -> list[Notification]:
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            request=request,
            event=fields.get("event", "request_info"),
            reason=Reason.CITY,
            channel=Channel.IN_APP,
            status=Status.SENT,
            created_at=now - timedelta(minutes=n + fields.get("older", 0)),
            read_at=fields.get("read_at"),
        )
        for n in range(count)
    )


def test_own_notifications_newest_first_a_page_at_a_time(world: World, settings: Any) -> None:
    settings.API_PAGE_SIZE = 2
    mine = in_app(world.focal1, world.request, 3)
    in_app(world.focal2, world.request, 2)  # someone else's: never listed
    Notification.objects.create(
        recipient=world.focal1, request=world.request, event="request_info", reason=Reason.CITY, channel=Channel.EMAIL
    )  # an e-mail is not a line of the centre
    client = token_client(world.focal1)
    first = client.get(LIST).json()
    assert [n["id"] for n in first["results"]] == [mine[0].pk, mine[1].pk]
    second = client.get(first["next"]).json()
    assert [n["id"] for n in second["results"]] == [mine[2].pk]
    assert second["next"] is None


def test_a_line_says_what_happened_and_never_the_content(world: World) -> None:
    world.request.description = "DESCRIPTION-MARKER"
    world.request.save(update_fields=["description"])
    Message.objects.create(request=world.request, author=world.owner, body="BODY-MARKER", visibility=Visibility.CITY)
    in_app(world.focal1, world.request, 1, event="message_posted")
    answer = token_client(world.focal1).get(LIST)
    assert answer.status_code == 200
    (line,) = answer.json()["results"]
    assert line["label"] == "New message on a request"
    assert line["reference"] == world.request.reference and line["title"] == world.request.title
    assert line["unread"] is True and line["access_ended"] is False
    assert "MARKER" not in answer.content.decode()


def test_a_restricted_title_is_withheld_as_in_the_centre(world: World) -> None:
    world.request.sensitivity = Sensitivity.RESTRICTED
    world.request.save(update_fields=["sensitivity"])
    in_app(world.focal1, world.request, 1)
    (line,) = token_client(world.focal1).get(LIST).json()["results"]
    assert line["title"] != world.request.title and line["reference"] == world.request.reference


def test_access_ended_hides_the_reference_and_title(world: World) -> None:
    expert_access_grant(request=world.request, expert=world.proposed, actor=world.owner)
    in_app(world.proposed, world.request, 1)
    expert_access_revoke(request=world.request, expert=world.proposed, actor=world.owner)
    (line,) = token_client(world.proposed).get(LIST).json()["results"]
    assert line["access_ended"] is True and line["reference"] == "" and line["title"] == ""


def test_unread_only_and_mark_read(world: World) -> None:
    unread = in_app(world.focal1, world.request, 2)
    in_app(world.focal1, world.request, 1, read_at=timezone.now(), older=10)
    client = token_client(world.focal1)
    assert [n["id"] for n in client.get(LIST, {"unread": "1"}).json()["results"]] == [n.pk for n in unread]
    read = client.post(reverse("api:notification-read", args=[unread[0].pk]))
    assert read.status_code == 200 and read.json()["unread"] is False
    assert Notification.objects.get(pk=unread[0].pk).read_at is not None
    done = client.post(reverse("api:notifications-read-all")).json()
    assert done == {"marked": 1, "unread": 0}
    assert client.get(LIST, {"unread": "1"}).json()["results"] == []


def test_someone_elses_notification_is_not_found(world: World) -> None:
    (theirs,) = in_app(world.focal2, world.request, 1)
    answer = token_client(world.focal1).post(reverse("api:notification-read", args=[theirs.pk]))
    assert answer.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_list_keeps_its_query_count_at_ten_times_the_data(world: World) -> None:
    client = token_client(world.focal1)
    in_app(world.focal1, world.request, 2)
    client.get(LIST)  # the token's first use writes its last-used time
    small = _queries(client)
    others = [make_world(suffix=f"-{n}").request for n in range(3)]
    in_app(world.focal1, world.request, 18)
    for other in others:  # lines about requests the reader may not open: still one query for them all
        in_app(world.focal1, other, 2)
    assert _queries(client) == small
