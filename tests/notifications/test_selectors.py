"""Reads of the notifications app."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from notifications.models import Channel, Notification, Reason
from notifications.selectors import unread_count, unread_counts
from tests.factories import SupportRequestFactory, focal_point

pytestmark = pytest.mark.django_db


def test_the_request_pages_unread_counts_are_what_the_orm_counts(django_assert_num_queries):
    """``unread_counts`` is a prepared read (``helpdesk.prepared``): equal to the plain aggregate, person by
    person, with and without notifications about the request."""
    first, second = SupportRequestFactory(), SupportRequestFactory()
    person, other, idle = focal_point(first.city), focal_point(second.city), focal_point(first.city)
    rows = [(person, first, None), (person, first, None), (person, second, None), (person, first, "read")]
    rows += [(other, second, None)]
    for recipient, request, read in rows:
        Notification.objects.create(
            recipient=recipient,
            request=request,
            event="submit",
            reason=Reason.CITY,
            channel=Channel.IN_APP,
            read_at=first.created_at if read else None,
        )
    Notification.objects.create(recipient=person, request=first, event="submit", reason=Reason.CITY, channel="email")
    for user in (person, other, idle):
        for request in (first, second):
            plain = (
                Notification.objects.unread()
                .filter(recipient_id=user.pk)
                .aggregate(n=Count("*"), here=Count("pk", filter=Q(request_id=request.pk)))
            )
            with django_assert_num_queries(1):
                counts = unread_counts(user, request)
            assert counts == (plain["n"], plain["here"]), (user, request)
            assert counts[0] == unread_count(user)
    assert unread_counts(person, first) == (3, 2)
