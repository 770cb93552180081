"""The notification centre and the watchers of a request, through their pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_q.conf import Conf

from helpdesk.models import Message, Visibility
from helpdesk.services import expert_access_grant, expert_access_revoke
from notifications.models import Channel, Notification, Reason, Status, Watch
from tests.factories import SupportRequestFactory
from tests.notification_world import World, make_world


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture(autouse=True)
def _sync_tasks(monkeypatch):
    """django-q2 runs a queued task at once, in this process, as in the notification tests."""
    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def in_app(world, user, count: int, **fields) -> list[Notification]:
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(
            recipient=user,
            request=world.request,
            event=fields.get("event", "request_info"),
            reason=Reason.CITY,
            channel=Channel.IN_APP,
            status=Status.SENT,
            created_at=now - timedelta(minutes=n),
            read_at=fields.get("read_at"),
        )
        for n in range(count)
    )


@pytest.fixture
def focal_client(world, client):
    client.force_login(world.focal1)
    return client


def test_the_centre_needs_a_signed_in_person(client, db):
    response = client.get(reverse("notifications:list"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_centre_lists_ones_own_notifications_newest_first_a_page_at_a_time(world, focal_client):
    mine = in_app(world, world.focal1, 30)
    in_app(world, world.focal2, 3)

    first = focal_client.get(reverse("notifications:list"))
    second = focal_client.get(reverse("notifications:list"), {"page": 2})

    assert [e.pk for e in first.context["entries"]] == [n.pk for n in mine[:25]]
    assert [e.pk for e in second.context["entries"]] == [n.pk for n in mine[25:]]
    assert first.context["unread"] == 30


def test_the_centre_costs_no_query_per_row(world, focal_client, django_assert_max_num_queries):
    url = reverse("notifications:list")
    in_app(world, world.focal1, 3)
    focal_client.get(url)  # the session's first page may write to it
    with django_assert_max_num_queries(20) as few:
        focal_client.get(url)
    in_app(world, world.focal1, 22)
    with django_assert_max_num_queries(len(few.captured_queries)):
        focal_client.get(url)


def test_the_centre_shows_what_happened_and_never_the_content(world, focal_client):
    world.request.description = "DESCRIPTION-MARKER"
    world.request.save(update_fields=["description"])
    Message.objects.create(request=world.request, author=world.owner, body="BODY-MARKER", visibility=Visibility.CITY)
    in_app(world, world.focal1, 1, event="message_posted")

    page = focal_client.get(reverse("notifications:list")).content.decode()

    assert "New message on a request" in page and world.request.reference in page
    assert "MARKER" not in page


def test_the_page_has_no_inline_script_or_style(world, focal_client):
    in_app(world, world.focal1, 2)

    page = focal_client.get(reverse("notifications:list")).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert " style=" not in page and "<style" not in page


def test_opening_a_notification_marks_it_read_and_leads_to_its_request(world, focal_client):
    (notification,) = in_app(world, world.focal1, 1)

    assert focal_client.get(reverse("notifications:open", args=[notification.pk])).status_code == 405
    response = focal_client.post(reverse("notifications:open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == world.request.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(world, focal_client):
    (theirs,) = in_app(world, world.focal2, 1)

    assert focal_client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    assert focal_client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_one_and_mark_all_read(world, focal_client):
    first, *_others = in_app(world, world.focal1, 4)
    in_app(world, world.focal2, 2)

    focal_client.post(reverse("notifications:read", args=[first.pk]), {"next": "https://evil.example/"})
    assert Notification.objects.unread().filter(recipient=world.focal1).count() == 3
    response = focal_client.post(reverse("notifications:read-all"))

    assert response["Location"] == reverse("notifications:list")
    assert Notification.objects.unread().filter(recipient=world.focal1).count() == 0
    assert Notification.objects.unread().filter(recipient=world.focal2).count() == 2


def test_marking_read_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.focal1)
    (notification,) = in_app(world, world.focal1, 1)

    assert client.post(reverse("notifications:read-all")).status_code == 403
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 403


def test_the_badge_counts_unread_notifications_in_one_query(world, django_assert_num_queries):
    in_app(world, world.focal1, 3)
    in_app(world, world.focal1, 2, read_at=timezone.now())
    template = Template("{% load notifications_tags %}{% unread_badge %}")

    with django_assert_num_queries(1):
        html = template.render(Context({"user": world.focal1}))

    assert ">3<" in html and reverse("notifications:list") in html


def test_the_badge_of_a_visitor_is_a_plain_link(db):
    from django.contrib.auth.models import AnonymousUser

    html = Template("{% load notifications_tags %}{% unread_badge %}").render(Context({"user": AnonymousUser()}))

    assert "badge" not in html


def watch(client, world, user, action: str = "add"):
    url = reverse("notifications:watchers", args=[world.request.reference])
    return client.post(url, {"action": action, "user": user.pk})


def test_hub_staff_add_a_colleague_who_is_told(world, client, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(world.owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = watch(client, world, world.hub_lead)

    assert response.status_code == 302
    assert Watch.objects.filter(request=world.request, user=world.hub_lead).exists()
    told = Notification.objects.get(recipient=world.hub_lead, channel=Channel.IN_APP)
    assert (told.event, told.actor) == ("watch_added", world.owner)
    assert [m.to for m in mailoutbox] == [[world.hub_lead.email]]


def test_watching_oneself_tells_nobody(world, client):
    client.force_login(world.owner)

    watch(client, world, world.owner)

    assert Watch.objects.filter(user=world.owner).exists()
    assert not Notification.objects.exists()


def test_only_colleagues_can_be_watchers(world, client):
    client.force_login(world.owner)

    watch(client, world, world.focal1)
    watch(client, world, world.other_hub)

    assert not Watch.objects.filter(user__in=[world.focal1, world.other_hub]).exists()


def test_people_who_are_not_hub_staff_cannot_add_watchers(world, client):
    client.force_login(world.focal1)
    assert watch(client, world, world.hub_lead).status_code == 403
    client.force_login(world.other_hub)
    assert watch(client, world, world.other_hub).status_code == 404
    assert not Watch.objects.filter(user__in=[world.hub_lead, world.other_hub]).exists()


def test_a_watcher_may_stop_watching_and_hub_staff_may_remove_one(world, client):
    Watch.objects.create(request=world.request, user=world.hub_lead)
    client.force_login(world.mu2)
    watch(client, world, world.mu2, "remove")
    client.force_login(world.owner)
    watch(client, world, world.hub_lead, "remove")

    assert not Watch.objects.filter(request=world.request).exists()


def test_the_watch_panel_shows_hub_staff_the_colleagues_they_can_add(world):
    template = Template("{% load notifications_tags %}{% watch_panel req full=True %}")

    for_hub = template.render(Context({"user": world.owner, "req": world.request, "csrf_token": "t"}))
    for_city = template.render(Context({"user": world.focal1, "req": world.request, "csrf_token": "t"}))

    assert f'value="{world.hub_lead.pk}"' in for_hub and f'value="{world.focal1.pk}"' not in for_hub
    assert str(world.mu2) in for_hub  # already watching
    assert for_city.strip() == ""
    # On the request page the panel lists the watchers and links to the page that adds one.
    compact = Template("{% load notifications_tags %}{% watch_panel req %}").render(
        Context({"user": world.owner, "req": world.request, "csrf_token": "t"})
    )
    assert str(world.mu2) in compact and f'value="{world.hub_lead.pk}"' not in compact
    assert reverse("notifications:watchers-page", args=[world.request.reference]) in compact


def test_opening_a_request_marks_its_notifications_read_in_one_update(world, focal_client, django_assert_num_queries):
    about_it = in_app(world, world.focal1, 3)
    other = SupportRequestFactory(city=world.request.city)
    Notification.objects.create(
        recipient=world.focal1, request=other, event="submit", reason=Reason.CITY, channel=Channel.IN_APP
    )
    url = world.request.get_absolute_url()
    focal_client.get(reverse("notifications:list"))  # the session's first page may write to it
    assert focal_client.get(reverse("notifications:list")).context["unread"] == 4

    page = focal_client.get(url)

    assert page.status_code == 200
    # The header, rendered after the marking, already counts one.
    badge = re.search(r"badge rounded-pill[^>]*>(\d+)<", page.content.decode())
    assert badge and badge.group(1) == "1"
    assert Notification.objects.unread().filter(recipient=world.focal1).get().request == other
    assert all(n.read_at is not None for n in Notification.objects.filter(pk__in=[n.pk for n in about_it]))
    # One UPDATE, whatever the number of notifications it marks.
    in_app(world, world.focal1, 5)
    with CaptureQueriesContext(connection) as captured:
        focal_client.get(url)
    writes = [q["sql"] for q in captured.captured_queries if "notifications_notification" in q["sql"]]
    assert [sql.split()[0] for sql in writes if sql.startswith("UPDATE")] == ["UPDATE"]
    # Opened again with nothing new about it: one read counts for the header, and nothing is written.
    with CaptureQueriesContext(connection) as captured:
        again = focal_client.get(url).content.decode()
    touching = [q["sql"].split()[0] for q in captured.captured_queries if "notifications_notification" in q["sql"]]
    assert touching == ["SELECT"]
    badge = re.search(r"badge rounded-pill[^>]*>(\d+)<", again)
    assert badge and badge.group(1) == "1"


def test_opening_a_request_leaves_other_peoples_notifications_unread(world, focal_client):
    in_app(world, world.focal2, 2)

    focal_client.get(world.request.get_absolute_url())

    assert Notification.objects.unread().filter(recipient=world.focal2).count() == 2


def ended(world: World) -> Notification:
    """A notification of expert.proposed's about a request they may no longer open (their access revoked)."""
    expert_access_revoke(request=world.request, expert=world.proposed)
    (notification,) = in_app(world, world.proposed, 1, event="withdraw")
    return notification


def test_a_notification_about_a_request_one_may_no_longer_open_names_nothing_of_it(world, client):
    world.request.title = "TITLE-MARKER youth centre"
    world.request.save(update_fields=["title"])
    notification = ended(world)
    client.force_login(world.proposed)

    page = client.get(reverse("notifications:list")).content.decode()

    assert "You no longer have access to this request." in page
    assert "TITLE-MARKER" not in page and world.request.reference not in page
    assert reverse("notifications:open", args=[notification.pk]) not in page
    assert "The city withdrew the request" in page  # what happened is still said


def test_opening_such_a_notification_leads_back_to_the_list_not_to_a_dead_end(world, client):
    notification = ended(world)
    client.force_login(world.proposed)

    response = client.post(reverse("notifications:open", args=[notification.pk]), follow=True)

    assert response.redirect_chain == [(reverse("notifications:list"), 302)]
    assert "You no longer have access to this request." in response.content.decode()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_whether_each_request_may_be_opened_costs_one_query_for_the_page(world, client, django_assert_max_num_queries):
    """A page mixing requests one may open and one may not: still no query per row."""
    url = reverse("notifications:list")
    ended(world)
    others = [make_world(suffix=f"-{i}", assignments=False).request for i in range(3)]
    for request in others[:2]:
        expert_access_grant(request=request, expert=world.proposed)
    client.force_login(world.proposed)
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for request in others:
        Notification.objects.bulk_create(
            Notification(recipient=world.proposed, request=request, event="submit", reason=Reason.EXPERT,
                         channel=Channel.IN_APP)
            for _ in range(4)
        )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    entries = response.context["entries"]
    assert {e.reference for e in entries if not e.access_ended} == {r.reference for r in others[:2]}
    assert sum(e.access_ended for e in entries) == 5  # the revoked request's one and the third request's four
