"""Signal receivers: each hands the event to a service, inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from helpdesk.models import Message, Resource, SupportRequest, User
from notifications import services
from workflows.models import PeerIntroduction


def on_lifecycle_event(
    sender: Any,
    *,
    event: str,
    request: SupportRequest,
    actor: User | None = None,
    data: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    services.notifications_record_event(event=event, request=request, actor=actor, data=data)


def on_introduction_event(
    sender: Any, *, event: str, introduction: PeerIntroduction, actor: User | None = None, **kwargs: Any
) -> None:
    services.notifications_record_introduction(event=event, introduction=introduction, actor=actor)


def on_message_posted(
    sender: Any, *, message: Message, author: User | None = None, part_of_move: bool = False, **kwargs: Any
) -> None:
    if part_of_move:
        return  # the move's lifecycle event names the message, and tells of both at once
    services.notifications_record_message(message=message, author=author)


def on_resource_moved(sender: Any, *, resource: Resource, actor: User | None, action: str, **kwargs: Any) -> None:
    services.notifications_record_resource(resource=resource, actor=actor, action=action)


def on_resource_consent(
    sender: Any, *, resource: Resource, actor: User | None = None, step: str, **kwargs: Any
) -> None:
    services.notifications_record_consent(resource=resource, actor=actor, step=step)
