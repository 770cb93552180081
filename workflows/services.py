"""The one way a request moves: ``transition_perform`` (what a person may do now is
``workflows.selectors.available_transitions``, by the same check chain).

Also the lifecycle's scheduled jobs (``auto_close_overdue``, ``outcomes_followups_run``, ``expert_grants_expire``,
``access_grants_reconcile``), which go through the same entry point or the access services, and are safe to
run twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from helpdesk.attachments import Inspected
from helpdesk.models import (
    TERMINAL_STATES,
    HeldFile,
    Message,
    RequestState,
    SupportRequest,
    SupportRequestUserObjectPermission,
    User,
    Visibility,
)
from helpdesk.sanitize import clean_html
from helpdesk.screening import PersonalDataFound, screen_fields
from helpdesk.services import (
    attachments_store,
    expert_grants_remove,
    group_grants_remove,
    message_post,
    uploads_inspect,
)
from workflows.audit import log_append
from workflows.calendar import DESK_CALENDAR
from workflows.checks import refusal
from workflows.deadlines import deadline_for, default_delivery_date, due_at_for
from workflows.errors import TransitionConflict, TransitionRefused, WorkflowError
from workflows.facts import RequestFacts
from workflows.follow_ups import Step, asked_at_or_after, cutoffs, kind_of, latest_delivered_for, schedule
from workflows.lifecycle import STATE_SPECS, TRANSITION_SPECS
from workflows.machine import RequestLifecycle
from workflows.milestones import milestones_stamp
from workflows.models import ExpertAssignment, FollowUp, OutcomeTarget
from workflows.moves.base import Move
from workflows.selectors import ANSWER_MOVE, available_transitions, message_of_last, reply_answers
from workflows.signals import lifecycle_event
from workflows.spec import ANNOUNCED, DeadlineKind, TransitionSpec
from workflows.tally import contributions_of, tally_move
from workflows.tally_grants import grant_tally_settle
from workflows.tally_outcomes import outcome_tally_settle
from workflows.validation import clean_data

# Columns every move may touch on the request; a handler adds its own through ``Move.changed``.
STAMPED = ("state", "due_at", "closed_at", "delivery_due", "updated_at")


def _spec(transition: str) -> TransitionSpec:
    spec = TRANSITION_SPECS.get(transition)
    if spec is None:
        raise TransitionRefused(_("This action does not exist."), code="unknown_transition", transition=transition)
    return spec


def _stamp(lifecycle: SupportRequest, move: Move, from_state: str) -> list[str]:
    """Set what entering the new state implies (deadline, delivery date, closing time, milestones); returns
    the columns."""
    fields = ["updated_at", *sorted(move.changed)]
    to_state = lifecycle.state
    if to_state == from_state:
        return [*fields, *_deadline_restart(lifecycle, move)]
    # The owning hub's calendar, read once per move (``Move.hub_calendar``); terminal states await nothing.
    calendar = move.hub_calendar(lifecycle) if to_state not in TERMINAL_STATES else DESK_CALENDAR
    if STATE_SPECS[to_state].deadline.kind is DeadlineKind.DELIVERY_DATE:
        lifecycle.delivery_due = move.delivery_due or default_delivery_date(move.now, calendar)
        move.record["delivery_due"] = lifecycle.delivery_due
    if to_state in TERMINAL_STATES:
        lifecycle.closed_at = move.now
    fast_track = lifecycle.fast_tracked_at is not None if move.fast_track is None else move.fast_track
    lifecycle.due_at = due_at_for(
        to_state, now=move.now, delivery_due=lifecycle.delivery_due, calendar=calendar, fast_track=fast_track
    )
    move.record["due_at"] = lifecycle.due_at
    return [*STAMPED, *sorted(move.changed), *milestones_stamp(lifecycle, move.spec, now=move.now)]


def _deadline_restart(lifecycle: SupportRequest, move: Move) -> list[str]:
    """The deadline of the state a move stays in, started again from now (``Move.restart_deadline``), when that is
    sooner than the one it had; returns the column if it changed."""
    if not move.restart_deadline:
        return []
    fast_track = lifecycle.fast_tracked_at is not None if move.fast_track is None else move.fast_track
    # Hours count every day alike: the hub's calendar is read only for working days.
    hours = deadline_for(lifecycle.state, fast_track=fast_track).kind is DeadlineKind.HOURS
    calendar = DESK_CALENDAR if hours else move.hub_calendar(lifecycle)
    due = due_at_for(lifecycle.state, now=move.now, calendar=calendar, fast_track=fast_track)
    if due is None or (lifecycle.due_at is not None and due >= lifecycle.due_at):
        return []
    lifecycle.due_at = due
    move.record["due_at"] = due
    return ["due_at"]


def transition_perform(
    *,
    request: SupportRequest,
    transition: str,
    actor: User | None,
    data: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> SupportRequest:
    """Make the lifecycle move ``transition`` on ``request`` as ``actor`` (``None``: the desk itself).

    In one transaction: lock and re-read the request, ask the move's check chain (``workflows.checks``), clean
    the data, run the move's handler, record the new state through the machine, save, append the audit row
    and send ``lifecycle_event``. Raises ``TransitionRefused`` (nothing written) or ``TransitionConflict``
    when the request changed since the caller read it (pages answer 409). ``now``: the moment of a move the
    desk makes itself (a scheduled task passes its clock); people's moves happen now. Returns the request as
    it is after the move.
    """
    spec = _spec(transition)
    moment = (now if actor is None else None) or timezone.now()
    seen_state = request.state
    try:
        with transaction.atomic():
            # The city comes with the request (its country counts in the needs map's tally); only the request's
            # row is locked.
            locked = RequestLifecycle.objects.select_for_update(of=("self",)).select_related("city")
            lifecycle = locked.get(pk=request.pk)
            if lifecycle.state != seen_state and (spec.target is not None or lifecycle.state not in spec.sources):
                # The caller decided on a state that is gone: let them look again rather than guess.
                raise TransitionConflict()
            facts = RequestFacts(lifecycle, now=moment)
            refused = refusal(spec, facts, actor)
            if refused is not None:
                raise refused
            move = Move(spec, actor, clean_data(spec, data or {}, lifecycle), moment, facts)
            from_state = lifecycle.state
            counted = contributions_of(lifecycle)  # what the request adds to the figures' tally before the move
            delivered_before = lifecycle.delivered_at
            outcome = spec.handler(lifecycle, move)
            # The machine records the new state (django-fsm checks the source and writes the protected field).
            getattr(lifecycle, spec.name)(outcome)
            lifecycle.save(update_fields=_stamp(lifecycle, move, from_state))
            tally_move(counted, lifecycle)
            outcome_tally_settle(lifecycle, move)  # if the handler wrote outcomes (``outcome_tally_mark``)
            # If the handler approved a grant (``grant_tally_mark``) or the move delivered a request.
            grant_tally_settle(lifecycle, move, delivered_before=delivered_before)
            event = spec.announced(from_state=from_state, to_state=lifecycle.state, name=move.record.get(ANNOUNCED))
            log = log_append(
                request_id=lifecycle.pk,
                transition=spec.name,
                from_state=from_state,
                to_state=lifecycle.state,
                actor_id=getattr(actor, "pk", None),
                created_at=moment,
                comment=move.comment,
                data=move.record,
            )
            # Listeners get the plain model, as everywhere else (django-fsm swaps classes the same way).
            lifecycle.__class__ = SupportRequest
            lifecycle_event.send(
                sender=SupportRequest, event=event.name, request=lifecycle, actor=actor, log=log, data=log.data
            )
    except ConcurrentTransition:
        raise TransitionConflict() from None
    except TransitionNotAllowed:
        # The check chain let the move through on the locked row; only a change in between gets here.
        raise TransitionConflict() from None
    except IntegrityError:
        # A unique constraint (one live assignment per expert, one audit row per sequence number) caught a
        # concurrent move that the checks above could not see yet.
        raise TransitionConflict() from None
    return lifecycle


def reply_post(
    *,
    request: SupportRequest,
    author: User,
    body: str,
    visibility: str = Visibility.CITY,
    confirm_personal_data: bool = False,
    attachments: Sequence[IO[bytes]] = (),
    held: Sequence[HeldFile] = (),
) -> Message:
    """A person's message on ``request``, with its files (fresh ``attachments`` and ``held`` ones kept from
    a message held back before); while the hub waits for the city's answer, a city
    message is that answer.

    ``body`` is rich text (a form's Markdown, cleaned). When the author may answer the hub's question now and
    writes on the channel the answer goes to (``workflows.selectors.reply_answers``), the answer move is made
    with ``body`` as its answer: its message is the one posted, the request goes back to the hub, and the hub
    hears of it once (the move's event; the move's message raises no notification of its own). Otherwise it
    is a plain message (``helpdesk.services.message_post``). Files go on the message either way; a file
    refused (``AttachmentRefused``), personal data not confirmed (``PersonalDataFound``), or a refused
    move (``TransitionRefused``, ``TransitionConflict``) writes nothing.
    """
    with transaction.atomic():
        # Only a request waiting for information can be answered: other messages skip the checks' reads.
        asked = request.state == RequestState.INFO_REQUESTED
        if asked and reply_answers(available_transitions(request, author), visibility):
            # The move keeps what looks like personal data (marked restricted); a message asks first.
            if not confirm_personal_data and (found := screen_fields({"body": clean_html(body)})):
                raise PersonalDataFound(found)
            # Files are checked before the move, so a refused file leaves the question open.
            files: list[Inspected | HeldFile] = [*held, *uploads_inspect(attachments)]
            transition_perform(request=request, transition=ANSWER_MOVE, actor=author, data={"answer": body})
            posted = message_of_last(request, ANSWER_MOVE)
            assert posted is not None  # the answer move posts its text (workflows.moves.triage.provide_info)
            message = Message.objects.get(pk=posted)
            attachments_store(
                request=request,
                uploaded_by=author,
                files=files,
                visibility=message.visibility,
                sensitivity=message.sensitivity,
                message=message,
            )
        else:
            message = message_post(
                request=request,
                author=author,
                body=body,
                visibility=visibility,
                confirm_personal_data=confirm_personal_data,
                attachments=attachments,
                held=held,
            )
    return message


def auto_close_overdue(*, now: datetime | None = None) -> int:
    """Close delivered requests whose evaluation period is over; returns how many were closed.

    Each close is its own move (own transaction, audit row and event); a request evaluated or closed in
    the meantime is skipped, so running twice closes nothing more.
    """
    now = now or timezone.now()
    due = SupportRequest.objects.filter(state=RequestState.DELIVERED, due_at__lte=now).order_by("due_at", "pk")
    closed = 0
    # One move per request, by design: a failure closes nothing else by accident.
    for request in due:
        try:
            transition_perform(request=request, transition="auto_close", actor=None, now=now)
        except WorkflowError:
            continue
        closed += 1
    return closed


@dataclass(frozen=True)
class FollowUpRun:
    """What one run of the follow-up job did (``outcomes_followups_run``)."""

    opened: int = 0
    reminded: int = 0
    escalated: int = 0
    missed: int = 0


# Each step of an open follow-up: its stamp column, and the desk's move for each kind (the outcome follow-ups, the
# check-ins after an incident: the same steps in their own words).
FOLLOW_UP_STEPS: tuple[tuple[Step, str, str], ...] = (
    (Step.REMIND, "follow_up_remind", "reminded_at"),
    (Step.ESCALATE, "follow_up_escalate", "escalated_at"),
    (Step.MISS, "follow_up_miss", ""),
)
CHECK_IN_MOVES = {
    "follow_up_open": "check_in_open",
    "follow_up_remind": "check_in_remind",
    "follow_up_escalate": "check_in_escalate",
    "follow_up_miss": "check_in_miss",
}


def _move_of(request: SupportRequest, transition: str) -> str:
    """The follow-up move ``transition`` as the request's kind of follow-ups names it."""
    return CHECK_IN_MOVES[transition] if kind_of(request) == FollowUp.Kind.INCIDENT else transition


def _moves_made(requests: Sequence[SupportRequest], transition: str, now: datetime) -> int:
    """Make ``transition`` (a follow-up move, as each request's kind names it) on each request, one move (own
    transaction, audit row, event) per request; a request that moved on or was handled in the meantime is
    skipped. Returns how many moves were made."""
    made = 0
    for request in requests:
        try:
            transition_perform(request=request, transition=_move_of(request, transition), actor=None, now=now)
        except WorkflowError:
            continue
        made += 1
    return made


def follow_ups_to_open(now: datetime) -> list[SupportRequest]:
    """Delivered or closed requests whose next follow-up has come (``workflows.follow_ups.next_point``), in one
    query: for each point of each kind, delivered on or before the last day whose point has come, and asked
    neither then nor at a later point. Outcome follow-ups are for requests off the incident fast track whose
    support planned key indicators; check-ins after the incident for those on it, indicators or not."""
    today = timezone.localdate(now)

    def come(kind: str) -> Q:
        found = Q(pk__in=[])
        for point in schedule(kind):
            day_after = latest_delivered_for(today, point) + timedelta(days=1)
            before = timezone.make_aware(datetime.combine(day_after, time.min))
            asked = FollowUp.objects.filter(asked_at_or_after(point), request_id=OuterRef("pk"))
            found |= Q(delivered_at__lt=before) & Q(~Exists(asked))
        return found

    planned = Exists(OutcomeTarget.objects.filter(request_id=OuterRef("pk")))
    outcome = Q(fast_tracked_at=None) & Q(planned) & come(FollowUp.Kind.OUTCOME)
    incident = Q(fast_tracked_at__isnull=False) & come(FollowUp.Kind.INCIDENT)
    return list(
        SupportRequest.objects.filter(
            outcome | incident, state__in=[RequestState.DELIVERED, RequestState.CLOSED], anonymised_at=None
        ).order_by("delivered_at", "pk")
    )


def follow_ups_at_step(step: Step, now: datetime) -> list[SupportRequest]:
    """The requests with an open follow-up due for ``step`` at ``now`` (one per follow-up, in one query)."""
    limits = cutoffs(now)
    due = FollowUp.objects.filter(status=FollowUp.Status.OPEN, opened_at__lte=limits[step])
    if step is not Step.MISS:
        # Past the time to answer, a follow-up is missed, not reminded or escalated first.
        due = due.filter(opened_at__gt=limits[Step.MISS], **{f"{_stamp_of(step)}__isnull": True})
    return [f.request for f in due.select_related("request").order_by("opened_at", "pk")]


def _stamp_of(step: Step) -> str:
    return next(column for s, _, column in FOLLOW_UP_STEPS if s is step)


def outcomes_followups_run(*, now: datetime | None = None) -> FollowUpRun:
    """The follow-ups after delivery, as the desk runs them daily: ask the cities whose follow-up (or check-in
    after an incident) has come, remind those who have not answered, tell the hub after longer, and count as
    missed those left unanswered.

    Every step is a lifecycle move of the desk (its own transaction, audit row and notifications) whose guard
    checks again under the request's lock, so a run that overlaps another, or a second run, does nothing more.
    The candidates are found with one query per step, whatever the number of requests.
    """
    now = now or timezone.now()
    opened = _moves_made(follow_ups_to_open(now), "follow_up_open", now)
    done = {step: _moves_made(follow_ups_at_step(step, now), move, now) for step, move, _ in FOLLOW_UP_STEPS}
    return FollowUpRun(opened=opened, reminded=done[Step.REMIND], escalated=done[Step.ESCALATE], missed=done[Step.MISS])


def expert_grants_expire(*, now: datetime | None = None) -> int:
    """Take away experts' access to requests that ended more than the grace period ago; returns how many.

    The access service removes them in one pass and records each in the access log; rows from a job run
    twice are simply gone the second time.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EXPERT_ACCESS_GRACE_DAYS)
    grants = SupportRequestUserObjectPermission.objects.filter(
        permission__codename="view_supportrequest",
        content_object__state__in=TERMINAL_STATES,
        content_object__closed_at__lt=cutoff,
    ).order_by("pk")
    # The access service owns the grant table and its log; a daily run handles at most a thousand grants.
    return expert_grants_remove(grant_ids=list(grants.values_list("pk", flat=True)[:1000]))


@dataclass(frozen=True)
class ReconcileResult:
    orphaned: int  # no proposed, accepted or completed assignment behind the grant
    expired: int  # the request ended longer ago than the grace period
    group_rows: int  # request access is never granted to groups: any such row is stray

    @property
    def total(self) -> int:
        return self.orphaned + self.expired + self.group_rows


def access_grants_reconcile(*, now: Any = None, grace_days: int | None = None) -> ReconcileResult:
    """Remove guardian rows that no live assignment explains; each removal is in the access log.

    The workflow revokes on decline and after the grace period; this is the safety net that keeps the
    grant table equal to the assignments whatever happened (a failed task, an admin edit, a bulk import).
    """
    now = now or timezone.now()
    grace = timedelta(days=settings.EXPERT_ACCESS_GRACE_DAYS if grace_days is None else grace_days)
    live = ExpertAssignment.objects.filter(
        request_id=OuterRef("content_object_id"),
        expert_id=OuterRef("user_id"),
        status__in=[*ExpertAssignment.ACTIVE, ExpertAssignment.Status.COMPLETED],
    )
    ended = Q(content_object__state__in=TERMINAL_STATES) & (
        Q(content_object__closed_at__lt=now - grace)
        | Q(content_object__closed_at__isnull=True, content_object__updated_at__lt=now - grace)
    )
    grants = SupportRequestUserObjectPermission.objects.filter(permission__codename="view_supportrequest")
    with transaction.atomic():
        orphaned = list(grants.filter(~Exists(live)).values_list("pk", flat=True))
        expired = list(grants.filter(Exists(live)).filter(ended).values_list("pk", flat=True))
        expert_grants_remove(grant_ids=orphaned + expired)
        group_rows = group_grants_remove()
    return ReconcileResult(orphaned=len(orphaned), expired=len(expired), group_rows=group_rows)
