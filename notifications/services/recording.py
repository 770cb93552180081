"""Recording notifications: in the same transaction as the move or message that causes them (the signals are
sent there), without a savepoint of its own: if recording fails, the move or message fails with it.

Each recipient gets an in-app row, and an e-mail row according to their ``notification_mode``: ``pending``
(sent as soon as the transaction commits), ``held`` (for the daily digest), or none (in the desk only). The
e-mail rows are handed to django-q2 in ``transaction.on_commit``: a rolled-back move notifies no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from helpdesk import access
from helpdesk.models import Message, NotificationMode, SupportRequest, User, Visibility
from notifications import events, recipients
from notifications.models import Channel, Notification, Reason, Status
from notifications.queue import enqueue_emails_on_commit

# "@username" where a username is Django's default set (letters, digits and @ . + - _), not inside an
# e-mail address; a trailing full stop ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]{1,150})")
MAX_MENTIONS = 20


@dataclass(frozen=True)
class Delivery:
    """One person to tell about one request, and why."""

    request: SupportRequest | None
    recipient: User
    reason: str
    event: str
    data: Mapping[str, Any]


def _email_status(user: User) -> str | None:
    if not user.email or user.notification_mode == NotificationMode.IN_APP:
        return None
    return Status.HELD if user.notification_mode == NotificationMode.DIGEST else Status.PENDING


def notifications_save(*, deliveries: Iterable[Delivery], actor: User | None, now: datetime) -> list[Notification]:
    """Write the rows for ``deliveries`` (the caller holds the transaction) and queue the e-mails on commit."""
    rows: list[Notification] = []
    for d in deliveries:
        common = {
            "recipient": d.recipient,
            "request": d.request,
            "event": d.event,
            "reason": d.reason,
            "actor": actor,
            "data": dict(d.data),
            "created_at": now,
        }
        rows.append(Notification(channel=Channel.IN_APP, status=Status.SENT, sent_at=now, **common))
        status = _email_status(d.recipient)
        if status == Status.PENDING:
            rows.append(
                Notification(channel=Channel.EMAIL, status=status, next_attempt_at=now, enqueued_at=now, **common)
            )
        elif status == Status.HELD:
            rows.append(Notification(channel=Channel.EMAIL, status=status, **common))
    created = Notification.objects.bulk_create(rows)
    enqueue_emails_on_commit(n.pk for n in created if n.channel == Channel.EMAIL and n.status == Status.PENDING)
    return created


def _may_see(resolved: Sequence[recipients.Recipient], obj: SupportRequest | Message, action: str) -> list[Any]:
    access.scopes_prime(r.user for r in resolved)
    return [r for r in resolved if access.can(r.user, action, obj)]


def notifications_record_event(
    *, event: str, request: SupportRequest, actor: User | None, data: Mapping[str, Any] | None = None
) -> list[Notification]:
    """Tell whoever the recipients table names for ``event`` (and the watchers), never the actor."""
    data = data or {}
    named = data.get("experts") or data.get("expert_ids") or ([data["expert_id"]] if data.get("expert_id") else [])
    resolved = recipients.resolve(
        recipients.audiences_for(event),
        [request],
        exclude_user_id=actor.pk if actor else None,
        named_expert_ids=[int(pk) for pk in named if str(pk).isdigit()],
    )[request.pk]
    allowed = _may_see(list(resolved.values()), request, "view")
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        message_id = data.get("message")
        if isinstance(message_id, int) and allowed:
            # The move posted its text (a question, an answer, a reason) as a message a moment ago, in this
            # transaction: whoever hears of the move is not told of that message a second time.
            Notification.objects.filter(
                request=request,
                event=events.MESSAGE_POSTED,
                data__message_id=message_id,
                recipient_id__in=[r.user.pk for r in allowed],
            ).delete()
        return notifications_save(
            deliveries=[Delivery(request, r.user, r.reason, event, {"state": request.state}) for r in allowed],
            actor=actor,
            now=now,
        )


def mentioned_usernames(body: str) -> list[str]:
    names: list[str] = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def notifications_record_message(*, message: Message, author: User | None) -> list[Notification]:
    """Tell those involved who may see ``message`` at its visibility, and colleagues @mentioned in a note."""
    request = message.request
    author_id = author.pk if author else message.author_id
    candidates = recipients.resolve(
        (*recipients.MESSAGE_CANDIDATES, recipients.Audience.WATCHERS), [request], exclude_user_id=author_id
    )[request.pk]
    people: dict[int, tuple[recipients.Recipient, str]] = {
        pk: (r, events.MESSAGE_POSTED) for pk, r in candidates.items()
    }
    if message.visibility == Visibility.INTERNAL:
        names = mentioned_usernames(message.body)
        if names:
            for user in User.objects.filter(username__in=names, is_active=True).exclude(pk=author_id):
                known = people.get(user.pk)
                person = known[0].user if known else user
                people[user.pk] = (recipients.Recipient(user=person, reason=Reason.MENTION), events.MENTIONED)
    allowed = {r.user.pk for r in _may_see([r for r, _event in people.values()], message, "see_message")}
    data = {"message_id": message.pk, "visibility": message.visibility, "state": request.state}
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        return notifications_save(
            deliveries=[
                Delivery(request, r.user, r.reason, event, data) for pk, (r, event) in people.items() if pk in allowed
            ],
            actor=author,
            now=now,
        )
