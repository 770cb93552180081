"""The daily digest: one e-mail per person gathering the rows held for them since the last one.

The digest is itself an e-mail row (``event="digest"``) sent through the same claim-send-retry path; the
held rows point at it (``digest``) and turn ``batched``. Rows are gathered under a row lock, so two runs
at once never put the same row in two digests.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from helpdesk.models import NotificationMode, User
from notifications import events
from notifications.models import Channel, Notification, Reason, Status
from notifications.queue import enqueue_emails_on_commit


def digest_send(*, now: datetime | None = None) -> int:
    """Build and queue today's digests; returns how many digests were made."""
    now = now or timezone.now()
    with transaction.atomic():
        held = list(
            Notification.objects.select_for_update()
            .filter(channel=Channel.EMAIL, status=Status.HELD, created_at__lte=now)
            .only("pk", "recipient_id")
            .order_by("pk")
        )
        by_recipient: dict[int, list[Notification]] = defaultdict(list)
        for row in held:
            by_recipient[row.recipient_id].append(row)
        people = {
            u.pk: u
            for u in User.objects.filter(pk__in=by_recipient).only("pk", "email", "is_active", "notification_mode")
        }
        # Someone who has since chosen "in the desk only", or lost their address, gets no digest.
        wanted = {
            pk: rows
            for pk, rows in by_recipient.items()
            if people[pk].is_active and people[pk].email and people[pk].notification_mode != NotificationMode.IN_APP
        }
        skipped = [row.pk for pk, rows in by_recipient.items() if pk not in wanted for row in rows]
        Notification.objects.filter(pk__in=skipped).update(status=Status.SKIPPED)
        digests = Notification.objects.bulk_create(
            Notification(
                recipient_id=pk,
                event=events.DIGEST,
                reason=Reason.DIGEST,
                channel=Channel.EMAIL,
                status=Status.PENDING,
                data={"count": len(rows)},
                created_at=now,
                next_attempt_at=now,
                enqueued_at=now,
            )
            for pk, rows in wanted.items()
        )
        batched: list[Notification] = []
        for digest in digests:
            for row in wanted[digest.recipient_id]:
                row.digest_id = digest.pk
                row.status = Status.BATCHED
                batched.append(row)
        Notification.objects.bulk_update(batched, ["digest", "status"], batch_size=500)
        enqueue_emails_on_commit(d.pk for d in digests)
    return len(digests)
