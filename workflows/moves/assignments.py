"""Expert assignments: proposals (within each expert's capacity), the expert's answer, the start of delivery.

An assignment goes proposed → accepted | declined, and accepted → completed when the request is
delivered. Capacity is race-safe: the proposed experts' profile rows are locked (in id order, so two
proposals never deadlock) before their active assignments are counted.
"""

from __future__ import annotations

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

PROPOSED = ExpertAssignment.Status.PROPOSED
ACCEPTED = ExpertAssignment.Status.ACCEPTED
LIVE = (PROPOSED, ACCEPTED, ExpertAssignment.Status.COMPLETED)


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
    assignment = _own_proposal(request, move)
    updated = ExpertAssignment.objects.filter(pk=assignment.pk, status=PROPOSED).update(
        status=ACCEPTED,
        conflict_of_interest=move.data["declaration"],
        has_conflict=move.data["has_conflict"],
        responded_at=move.now,
    )
    if not updated:
        raise TransitionConflict()
    move.record.update(assignment=assignment.pk, expert=assignment.expert_id, has_conflict=move.data["has_conflict"])


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
