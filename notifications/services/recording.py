"""Recording notifications: in the same transaction as the move or message that causes them (the signals are
sent there), without a savepoint of its own: if recording fails, the move or message fails with it.

Each recipient gets an in-app row, and an e-mail row according to their ``notification_mode``: ``pending``
(sent as soon as the transaction commits), ``held`` (for the daily digest), or none (in the desk only). An
urgent delivery (``Delivery.urgent``: a request entering the incident fast track, ``events.URGENT_EVENTS``) is
e-mailed at once whatever the mode: the digest or the desk alone would tell the hub hours too late. The
e-mail rows are handed to django-q2 in ``transaction.on_commit``: a rolled-back move notifies no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from helpdesk import access
from helpdesk.models import Message, NotificationMode, Role, SupportRequest, User, Visibility
from notifications import events, recipients
from notifications.models import Channel, HeldReply, Notification, Reason, Status
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
    # Sent by e-mail at once whatever the person's notification mode (the incident fast track's alerts).
    urgent: bool = False


def _email_status(user: User, *, urgent: bool = False) -> str | None:
    if not user.email:
        return None
    if urgent:
        return Status.PENDING
    if user.notification_mode == NotificationMode.IN_APP:
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
        status = _email_status(d.recipient, urgent=d.urgent)
        if status == Status.PENDING:
            rows.append(
                Notification(channel=Channel.EMAIL, status=status, next_attempt_at=now, enqueued_at=now, **common)
            )
        elif status == Status.HELD:
            rows.append(Notification(channel=Channel.EMAIL, status=status, **common))
    created = Notification.objects.bulk_create(rows)
    enqueue_emails_on_commit(n.pk for n in created if n.channel == Channel.EMAIL and n.status == Status.PENDING)
    return created


def notifications_record_event(
    *, event: str, request: SupportRequest, actor: User | None, data: Mapping[str, Any] | None = None
) -> list[Notification]:
    """Tell whoever the recipients table names for ``event`` (and the watchers), never the actor.

    A move that posted its text as a message (a question, an answer, a reason: ``data["message"]``) is told
    here once: whoever hears of the move is not told of that message a second time, and the others who may
    read it hear of the message. Both are resolved with the same reads.

    A request entering the incident fast track (``events.fast_track_entered``) is told as urgent, to the hub's
    lead and staff and the management unit (``recipients.FAST_TRACK_RECIPIENTS``), with its deadline.
    """
    data = data or {}
    urgent_event = events.fast_track_entered(event, request)
    event = urgent_event or event
    audiences = recipients.FAST_TRACK_RECIPIENTS if urgent_event else recipients.audiences_for(event)
    told_data: dict[str, Any] = {"state": request.state}
    if urgent_event and request.due_at is not None:
        told_data["due_at"] = request.due_at.isoformat()
    named = data.get("experts") or data.get("expert_ids") or ([data["expert_id"]] if data.get("expert_id") else [])
    resolver = recipients.Resolver(
        [request],
        named_expert_ids=_ids(named),
        released_expert_ids=_ids(data.get("released_experts") or []),
        application_closed=bool(data.get("fund_application_closed")),
    )
    actor_id = actor.pk if actor else None
    told = resolver.recipients(audiences, exclude_user_id=actor_id)[request.pk]
    message_id = data.get("message")
    message = _message_of_move(request, message_id) if isinstance(message_id, int) else None
    people = _message_people(resolver, message, actor_id) if message is not None else {}
    access.people_prime([*(r.user for r in told.values()), *(r.user for r, _event in people.values())])
    # An expert whose proposal the move closed has just lost access, and is told all the same: what they are
    # shown of the request is only that their part ended (``web.notification_entries``, ``rendering``).
    deliveries = [
        Delivery(request, r.user, r.reason, event, told_data, urgent=urgent_event is not None)
        for r in told.values()
        if r.reason == Reason.RELEASED or access.can(r.user, "view", request)
    ]
    if message is not None:
        heard = {d.recipient.pk for d in deliveries}
        deliveries += _message_deliveries(message, {pk: p for pk, p in people.items() if pk not in heard})
    with transaction.atomic(savepoint=False):
        return notifications_save(deliveries=deliveries, actor=actor, now=timezone.now())


def _ids(values: Iterable[Any]) -> list[int]:
    return [int(pk) for pk in values if str(pk).isdigit()]


def _message_of_move(request: SupportRequest, message_id: int) -> Message | None:
    message = Message.objects.filter(pk=message_id, request_id=request.pk).only(*MESSAGE_COLUMNS).first()
    if message is not None:
        message.request = request
    return message


# What deciding who is told of a message reads of it.
MESSAGE_COLUMNS = ("id", "request_id", "author_id", "visibility", "sensitivity", "body")


def mentioned_usernames(body: str) -> list[str]:
    names: list[str] = []
    for match in MENTION.finditer(body or ""):
        name = match.group(1).rstrip(".")
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


People = dict[int, tuple[recipients.Recipient, str]]


def _message_people(resolver: recipients.Resolver, message: Message, author_id: int | None) -> People:
    """Those involved in the request (and colleagues @mentioned in an internal note), with the event each
    would be told; whether each may read the message is decided by ``_message_deliveries``."""
    audiences = (*recipients.MESSAGE_CANDIDATES, recipients.Audience.WATCHERS)
    candidates = resolver.recipients(audiences, exclude_user_id=author_id)[message.request.pk]
    people: People = {pk: (r, events.MESSAGE_POSTED) for pk, r in candidates.items()}
    if message.visibility == Visibility.INTERNAL:
        names = mentioned_usernames(message.body)
        if names:
            mentioned = User.objects.filter(username__in=names, is_active=True)
            if author_id is not None:
                mentioned = mentioned.exclude(pk=author_id)
            for user in mentioned:
                known = people.get(user.pk)
                person = known[0].user if known else user
                people[user.pk] = (recipients.Recipient(user=person, reason=Reason.MENTION), events.MENTIONED)
    return people


def _message_deliveries(message: Message, people: People) -> list[Delivery]:
    """Who of ``people`` may read ``message`` (their scopes already primed), told of it."""
    request = message.request
    data = {"message_id": message.pk, "visibility": message.visibility, "state": request.state}
    return [
        Delivery(request, r.user, r.reason, event, data)
        for r, event in people.values()
        if access.can(r.user, "see_message", message)
    ]


def notifications_record_message(*, message: Message, author: User | None) -> list[Notification]:
    """Tell those involved who may see ``message`` at its visibility, and colleagues @mentioned in a note."""
    author_id = author.pk if author else message.author_id
    people = _message_people(recipients.Resolver([message.request]), message, author_id)
    access.people_prime(r.user for r, _event in people.values())
    with transaction.atomic(savepoint=False):
        return notifications_save(deliveries=_message_deliveries(message, people), actor=author, now=timezone.now())


def notifications_record_reply_held(*, held: HeldReply) -> list[Notification]:
    """Tell the sender of a reply by e-mail that it is held for them to confirm: in the desk, and by e-mail
    whatever their notification mode (they wrote by e-mail and wait for it), at once. The e-mail names the
    request and links to the form that holds their text; it never carries the text or the files."""
    user, request = held.owner, held.request
    now = timezone.now()
    common = {
        "recipient": user,
        "request": request,
        "event": events.REPLY_HELD,
        "reason": _reason_of(user, request),
        "actor": None,
        "data": {"held": held.pk, "state": request.state},
        "created_at": now,
    }
    rows = [Notification(channel=Channel.IN_APP, status=Status.SENT, sent_at=now, **common)]
    if user.email:
        rows.append(
            Notification(channel=Channel.EMAIL, status=Status.PENDING, next_attempt_at=now, enqueued_at=now, **common)
        )
    with transaction.atomic(savepoint=False):
        created = Notification.objects.bulk_create(rows)
        enqueue_emails_on_commit(n.pk for n in created if n.channel == Channel.EMAIL)
    return created


def _reason_of(user: User, request: SupportRequest) -> str:
    """Why a person who writes on ``request`` hears of it: the part they play in it."""
    if request.city_id in user.focal_city_ids:
        return Reason.CITY
    if request.owner_id == user.pk:
        return Reason.OWNER
    if Role.EXPERT in user.roles:
        return Reason.EXPERT
    if Role.MANAGEMENT in user.roles:
        return Reason.MANAGEMENT
    return Reason.HUB
