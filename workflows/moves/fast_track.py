"""The hub puts a request on the incident fast track: from then on its deadlines count in hours, every day
included (``workflows.deadlines``), and the hub's staff, its lead and the management unit are alerted at once
(the move's event, told as urgent by ``notifications``).

The request keeps its state: the move gives the step it waits in a fast-track deadline from now (never a later
one than it had), which the audit row records like any deadline.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from helpdesk.models import RequestState, SupportRequest, Visibility
from helpdesk.services import message_post
from workflows.errors import TransitionRefused
from workflows.models import FundApplication
from workflows.moves.base import Move
from workflows.moves.funding import is_emergency


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


def _emergency_application(request: SupportRequest, move: Move) -> bool | None:
    """For a request in funding review, whether its pending application becomes an emergency one (within the
    emergency ceiling: one member of the management unit decides it in the fast track's hours; above it, the
    usual time and the four-eyes rule); None when no application waits."""
    if request.state != RequestState.FUNDING_REVIEW:
        return None
    application = move.facts.pending_application
    if application is None:
        return None
    emergency = is_emergency(request, application.amount_requested)
    if emergency:
        FundApplication.objects.filter(pk=application.pk).update(emergency=True)
    move.record["emergency"] = emergency
    return emergency


def fast_track(request: SupportRequest, move: Move) -> None:
    request.fast_tracked_at = move.now
    move.changed.add("fast_tracked_at")
    move.record["fast_track"] = True
    move.record["message"] = _reason_note(request, move)
    if _emergency_application(request, move) is False:
        move.fast_track = False
        return
    # The step it waits in now counts in the fast track's hours from this moment (never later than it was).
    move.restart_deadline = True
