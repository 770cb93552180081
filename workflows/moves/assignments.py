"""Expert assignments: proposals (within each expert's capacity), the expert's answer, the hub lead's decision
on a declared conflict, the start of delivery.

An assignment goes proposed → accepted | declined, and accepted → completed when the request is delivered. An
expert who declares a conflict of interest while accepting is not accepted yet: proposed → conflict, then the hub
lead (or the management unit) waives it, with a reason (conflict → accepted), or closes it so that the hub asks
someone else (conflict → declined, the brief taken back). Capacity is race-safe: the proposed experts' profile
rows are locked (in id order, so two proposals never deadlock) before their active assignments are counted.
"""

from __future__ import annotations

import hashlib

from django.db.models import Count
from django.utils.translation import gettext as _

from helpdesk.access import can
from helpdesk.access_people import Unfit, expert_unfit
from helpdesk.models import ExpertProfile, SupportRequest, User
from helpdesk.services import expert_access_grant, expert_access_revoke
from workflows.errors import TransitionConflict, TransitionRefused
from workflows.models import ExpertAssignment
from workflows.moves.base import Move
from workflows.moves.common import delivery_date_agree
from workflows.moves.outcomes import outcomes_plan
from workflows.spec import ANNOUNCED

PROPOSED = ExpertAssignment.Status.PROPOSED
ACCEPTED = ExpertAssignment.Status.ACCEPTED
CONFLICT = ExpertAssignment.Status.CONFLICT
# An expert is on the request (and may not be proposed again) while their assignment is in one of these.
LIVE = (PROPOSED, ACCEPTED, CONFLICT, ExpertAssignment.Status.COMPLETED)
# What an acceptance that declares a conflict announces instead of a plain acceptance (``workflows.lifecycle``).
CONFLICT_DECLARED = "assignment_conflict"


def _refuse(move: Move, message: str, code: str) -> TransitionRefused:
    return TransitionRefused(message, code=code, transition=move.spec.name, fields={"experts": message})


def _names(experts: dict[int, User], ids: list[int]) -> dict[str, str]:
    return {"names": ", ".join(str(experts[pk]) if pk in experts else f"#{pk}" for pk in ids)}


def _why_unfit(request: SupportRequest, experts: dict[int, User], ids: list[int]) -> str:
    """Each refused expert with the reason, as the matching page words it ("Samir Aziz (not vetted yet)"); one
    query for the profiles and one for their standing conflicts."""
    rows = ExpertProfile.objects.filter(user_id__in=ids).select_related("user").prefetch_related("conflict_cities")
    profiles = {p.user_id: p for p in rows}
    parts = []
    for pk in ids:
        name = str(experts[pk]) if pk in experts else f"#{pk}"
        unfit = expert_unfit(profiles[pk], request) if pk in profiles else None
        parts.append(f"{name} ({Unfit(unfit).label})" if unfit else name)
    return ", ".join(parts)


def experts_propose(request: SupportRequest, move: Move) -> None:
    """Create a proposed assignment for each expert in ``move.data["experts"]`` and let them see the brief
    (routing a request to the pool, and proposing more experts while matching goes on)."""
    ids: list[int] = move.data["experts"]
    # Bounded by validation.MAX_EXPERTS: the access rule is asked once per named expert.
    experts = {user.pk: user for user in User.objects.filter(pk__in=ids)}
    refused = [
        pk for pk in ids if pk not in experts or not can(move.actor, "propose_expert", request, expert=experts[pk])
    ]
    if refused:
        names = _why_unfit(request, experts, refused)
        message = _("Cannot be proposed for this request: %(names)s.") % {"names": names}
        raise _refuse(move, message, "expert_unavailable")
    profiles = list(
        ExpertProfile.objects.select_for_update(of=("self",))
        .filter(user_id__in=ids)
        .order_by("user_id")
        .only("user_id", "availability", "max_concurrent_assignments")
    )
    unavailable = [p.user_id for p in profiles if p.availability == ExpertProfile.Availability.UNAVAILABLE]
    if unavailable:
        raise _refuse(move, _("Marked unavailable: %(names)s.") % _names(experts, unavailable), "expert_unavailable")
    already = set(
        ExpertAssignment.objects.filter(request_id=request.pk, expert_id__in=ids, status__in=LIVE).values_list(
            "expert_id", flat=True
        )
    )
    if already:
        named = [pk for pk in ids if pk in already]
        raise _refuse(
            move, _("Already assigned to this request: %(names)s.") % _names(experts, named), "already_proposed"
        )
    active = dict(
        ExpertAssignment.objects.filter(expert_id__in=ids, status__in=ExpertAssignment.ACTIVE)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    full = [p.user_id for p in profiles if active.get(p.user_id, 0) >= p.max_concurrent_assignments]
    if full:
        message = _("At full capacity (no more active assignments): %(names)s.") % _names(experts, full)
        raise _refuse(move, message, "capacity")
    created = ExpertAssignment.objects.bulk_create(
        [ExpertAssignment(request_id=request.pk, expert_id=pk, status=PROPOSED, proposed_by=move.actor) for pk in ids]
    )
    for pk in ids:
        expert_access_grant(request=request, expert=experts[pk], actor=move.actor)
    move.record["experts"] = list(ids)
    # Routing to the pool may name what the support aims to move (proposing more experts later does not).
    if move.data.get("indicators"):
        outcomes_plan(request, move)
    move.record["assignments"] = [a.pk for a in created if a.pk is not None]


def _own_proposal(request: SupportRequest, move: Move) -> ExpertAssignment:
    assignment = move.facts.assignment_of(getattr(move.actor, "pk", None), [PROPOSED])
    if assignment is None:
        raise TransitionRefused(
            _("You have no proposal awaiting your answer on this request."),
            code="no_assignment",
            transition=move.spec.name,
        )
    return assignment


def accept_assignment(request: SupportRequest, move: Move) -> None:
    """The expert accepts, with their declaration. A declared conflict of interest stops the acceptance: the
    assignment waits for the hub lead's decision (``waive_conflict``, ``release_conflicted``), the expert keeps
    the brief meanwhile, and the move tells the hub lead instead of announcing an acceptance."""
    assignment = _own_proposal(request, move)
    conflicted = bool(move.data["has_conflict"])
    updated = ExpertAssignment.objects.filter(pk=assignment.pk, status=PROPOSED).update(
        status=CONFLICT if conflicted else ACCEPTED,
        conflict_of_interest=move.data["declaration"],
        has_conflict=conflicted,
        responded_at=move.now,
    )
    if not updated:
        raise TransitionConflict()
    move.record.update(assignment=assignment.pk, expert=assignment.expert_id, has_conflict=conflicted)
    if conflicted:
        move.record[ANNOUNCED] = CONFLICT_DECLARED


def _conflicted(move: Move) -> ExpertAssignment:
    """The assignment the move names (``data["assignment"]``), which must await a decision on its conflict."""
    wanted = move.data["assignment"]
    assignment = next((a for a in move.facts.assignments if a.pk == wanted and a.status == CONFLICT), None)
    if assignment is None:
        message = _("Choose an expert whose declared conflict awaits a decision.")
        raise TransitionRefused(message, code="no_conflict", transition=move.spec.name, fields={"assignment": message})
    return assignment


def waive_conflict(request: SupportRequest, move: Move) -> None:
    """The hub lead (or the management unit) lets the expert advise despite the conflict they declared: the
    acceptance stands, with the waiver's reason, author and time on the assignment. The audit row keeps the
    reason's fingerprint (the trail holds no free text: retention blanks the reason, never the trail), so the
    reason on the assignment can be shown to be the one recorded."""
    assignment = _conflicted(move)
    reason: str = move.data["reason"]
    updated = ExpertAssignment.objects.filter(pk=assignment.pk, status=CONFLICT).update(
        status=ACCEPTED, waiver_reason=reason, waived_by=move.actor, waived_at=move.now
    )
    if not updated:
        raise TransitionConflict()
    move.record.update(
        assignment=assignment.pk,
        # The expert named hears that their acceptance stands (``Audience.NAMED_EXPERTS``).
        experts=[assignment.expert_id],
        waiver_reason_sha256=hashlib.sha256(reason.encode()).hexdigest(),
    )


def release_conflicted(request: SupportRequest, move: Move) -> None:
    """The hub lead (or the management unit) does not waive the conflict: the acceptance ends (stored as
    declined, with the expert's answer time kept), the expert loses the brief at once and is told, and the hub
    proposes someone else."""
    assignment = _conflicted(move)
    updated = ExpertAssignment.objects.filter(pk=assignment.pk, status=CONFLICT).update(
        status=ExpertAssignment.Status.DECLINED
    )
    if not updated:
        raise TransitionConflict()
    expert_access_revoke(request=request, expert=assignment.expert, actor=move.actor)
    # Whose part ends here: the move's event tells them (``Audience.RELEASED_EXPERTS``).
    move.record.update(assignment=assignment.pk, released_experts=[assignment.expert_id])


def decline_assignment(request: SupportRequest, move: Move) -> None:
    assignment = _own_proposal(request, move)
    updated = ExpertAssignment.objects.filter(pk=assignment.pk, status=PROPOSED).update(
        status=ExpertAssignment.Status.DECLINED, decline_reason=move.data["reason"], responded_at=move.now
    )
    if not updated:
        raise TransitionConflict()
    assert move.actor is not None
    expert_access_revoke(request=request, expert=move.actor, actor=move.actor)
    move.record.update(assignment=assignment.pk, expert=assignment.expert_id)


def start_delivery(request: SupportRequest, move: Move) -> None:
    move.delivery_due = delivery_date_agree(request, move)
    move.record["experts"] = [a.expert_id for a in move.facts.assignments if a.status == ACCEPTED]
