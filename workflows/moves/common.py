"""Steps several moves share: a message to the city, winding up assignments, the delivery date."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Message, SupportRequest, User, Visibility
from helpdesk.services import expert_access_revoke, message_post
from workflows.errors import TransitionRefused
from workflows.models import ExpertAssignment, FundApplication
from workflows.moves.base import Move

PROPOSED = ExpertAssignment.Status.PROPOSED
ACCEPTED = ExpertAssignment.Status.ACCEPTED
# Not accepted yet: an open proposal, or an acceptance that awaits the hub lead's decision on a declared conflict.
OPEN = (PROPOSED, ExpertAssignment.Status.CONFLICT)


def post_for_city(request: SupportRequest, move: Move, field: str) -> int:
    """Post the move's text ``field`` as a message shared with the city; returns the message id
    (``message_for_city``)."""
    return message_for_city(request, move, field).pk


def message_for_city(request: SupportRequest, move: Move, field: str) -> Message:
    """Post the move's text ``field`` as a message shared with the city; returns the message.

    Text that looks like personal data is kept, marked restricted by the message service: the person
    already chose to send it as part of the move, and refusing the move would lose it.
    """
    # No move that posts text is the desk's own (system_only): ``refusal`` let only a person make it.
    assert move.actor is not None
    try:
        message = message_post(
            request=request,
            author=move.actor,
            body=move.data[field],
            visibility=Visibility.CITY,
            confirm_personal_data=True,
            part_of_move=True,
        )
    except ValidationError as exc:
        raise TransitionRefused(
            " ".join(exc.messages), code="invalid_data", transition=move.spec.name, fields=[field]
        ) from None
    except PermissionDenied:
        raise TransitionRefused(
            _("You may not write to the city on this request."), code="not_allowed", transition=move.spec.name
        ) from None
    return message


def assignments_wind_up(request: SupportRequest, move: Move) -> None:
    """The request no longer needs experts: accepted assignments are completed, open proposals withdrawn (an
    acceptance still awaiting a decision on its declared conflict too).

    A withdrawn proposal is stored as declined without an answer (``responded_at`` empty), and the expert
    loses access at once; experts who worked on the request keep it for the grace period.
    """
    rows = list(
        ExpertAssignment.objects.filter(request_id=request.pk, status__in=ExpertAssignment.ACTIVE).values_list(
            "pk", "expert_id", "status"
        )
    )
    if not rows:
        return
    withdrawn = [expert_id for _, expert_id, status in rows if status in OPEN]
    ExpertAssignment.objects.filter(request_id=request.pk, status=ACCEPTED).update(
        status=ExpertAssignment.Status.COMPLETED, completed_at=move.now
    )
    ExpertAssignment.objects.filter(request_id=request.pk, status__in=OPEN).update(
        status=ExpertAssignment.Status.DECLINED
    )
    # At most the handful of experts proposed on one request.
    for expert in User.objects.filter(pk__in=withdrawn):
        expert_access_revoke(request=request, expert=expert, actor=move.actor)
    move.record["assignments_completed"] = sorted(pk for pk, _, status in rows if status == ACCEPTED)
    move.record["assignments_withdrawn"] = sorted(pk for pk, _, status in rows if status in OPEN)
    # Whose part ends here without their answer: the move's event tells them (``Audience.RELEASED_EXPERTS``).
    if withdrawn:
        move.record["released_experts"] = sorted(withdrawn)


def pending_application_close(request: SupportRequest, move: Move) -> None:
    """A withdrawn request's application awaiting decision is closed as rejected, with no decider."""
    closed = FundApplication.objects.filter(Q(request_id=request.pk) & Q(status=FundApplication.Status.PENDING)).update(
        status=FundApplication.Status.REJECTED, decided_at=move.now
    )
    if closed:
        move.record["fund_application_closed"] = True


def delivery_date_agree(request: SupportRequest, move: Move) -> date | None:
    """The agreed delivery date: the one given with the move, else the city's wish if it has not passed;
    ``None`` leaves it to the table's default (``workflows.deadlines.default_delivery_date``). "Today" is the
    owning hub's, whose calendar ends the delivery date (``HubCalendar.end_of``)."""
    today = move.hub_calendar(request).localdate(move.now)
    given = move.data.get("delivery_due")
    if given is not None:
        if given < today:
            raise TransitionRefused(
                _("The delivery date cannot be in the past."),
                code="invalid_data",
                transition=move.spec.name,
                fields={"delivery_due": _("Choose today or a later date.")},
            )
        return given
    if request.desired_by and request.desired_by >= today:
        return request.desired_by
    return None
