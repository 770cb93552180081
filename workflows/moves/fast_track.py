"""The hub puts a request on the incident fast track: from then on its deadlines count in hours, every day
included (``workflows.deadlines``), and the hub's staff, its lead and the management unit are alerted at once
(the move's event, told as urgent by ``notifications``).

The request keeps its state: the move gives the step it waits in a fast-track deadline from now (never a later
one than it had), which the audit row records like any deadline.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState, SupportRequest, Visibility
from helpdesk.services import message_post
from workflows.errors import TransitionRefused
from workflows.moves.base import Move


def _reason_note(request: SupportRequest, move: Move) -> int:
    """The reason, kept as an internal note for the hub and the management unit; returns the message id."""
    assert move.actor is not None  # a person's move (``Rule.HUB_STAFF``)
    try:
        message = message_post(
            request=request,
            author=move.actor,
            body=move.data["reason"],
            visibility=Visibility.INTERNAL,
            # Kept, marked restricted when it looks like personal data: refusing the move would lose it.
            confirm_personal_data=True,
            part_of_move=True,
        )
    except ValidationError as exc:
        raise TransitionRefused(
            " ".join(exc.messages), code="invalid_data", transition=move.spec.name, fields=["reason"]
        ) from None
    except PermissionDenied:
        raise TransitionRefused(
            _("You may not write an internal note on this request."), code="not_allowed", transition=move.spec.name
        ) from None
    return message.pk


def _reaches(request: SupportRequest, move: Move) -> bool:
    """Whether the fast track's hours reach the step the request waits in: not a fund application above the
    emergency ceiling, which the management unit decides in its usual time (and with four eyes above their
    threshold)."""
    if request.state != RequestState.FUNDING_REVIEW:
        return True
    application = move.facts.pending_application
    return application is None or application.amount_requested <= settings.FUND_EMERGENCY_CEILING


def fast_track(request: SupportRequest, move: Move) -> None:
    request.fast_tracked_at = move.now
    move.changed.add("fast_tracked_at")
    move.record["fast_track"] = True
    move.record["message"] = _reason_note(request, move)
    if not _reaches(request, move):
        move.fast_track = False
        return
    # The deadlines read the lifecycle table, which imports this handler: asked when the move is made.
    from workflows.deadlines import due_at_for

    due = due_at_for(request.state, now=move.now, fast_track=True)
    if due is not None and (request.due_at is None or due < request.due_at):
        request.due_at = due
        move.changed.add("due_at")
        move.record["due_at"] = due
