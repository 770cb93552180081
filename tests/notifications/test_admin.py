"""The outbox in the admin: the management unit finds failed e-mails and queues them again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Channel, Notification, Reason, Status
from tests.factories import hub_staff


@pytest.fixture
def failed(world) -> Notification:
    return Notification.objects.create(
        recipient=world.focal1,
        request=world.request,
        event="request_info",
        reason=Reason.CITY,
        channel=Channel.EMAIL,
        status=Status.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )


@pytest.fixture
def unit_client(world, client):
    world.mu1.is_staff = True
    world.mu1.save(update_fields=["is_staff"])
    client.force_login(world.mu1)
    return client


def test_the_unit_filters_the_failed_emails(world, failed, unit_client):
    Notification.objects.create(
        recipient=world.focal2, request=world.request, event="submit", reason=Reason.CITY, channel=Channel.EMAIL
    )

    response = unit_client.get(reverse("admin:notifications_notification_changelist"), {"status__exact": "failed"})

    assert response.status_code == 200
    assert [n.pk for n in response.context["cl"].result_list] == [failed.pk]


def test_the_unit_retries_failed_emails_which_then_go_out(
    world, failed, unit_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = unit_client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "retry_failed", "_selected_action": [failed.pk]},
            follow=True,
        )

    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == Status.SENT and [m.to for m in mailoutbox] == [[world.focal1.email]]


def test_staff_outside_the_unit_cannot_read_the_outbox(world, failed, client):
    clerk = hub_staff(world.request.region, username="clerk", is_staff=True)
    client.force_login(clerk)

    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 403
