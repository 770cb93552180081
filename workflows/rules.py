"""Who may make a move, and the request's own conditions for it, as named by the lifecycle table.

Who: the ``helpdesk.access`` scope helpers, one per ``Rule``. Conditions (``Guard``) and separation of
duties (``ActorCheck``) each carry the refusal code and message ``perform`` raises when they fail.
Everything reads the request through ``workflows.facts`` so a page asking about every button costs a
fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.access import (
    is_expert_in_good_standing,
    is_focal_point_of,
    is_hub_staff_of,
    is_management,
)
from helpdesk.models import SupportRequest, User
from workflows.facts import facts_of
from workflows.lifecycle import ActorCheck, Guard, Rule, TransitionSpec
from workflows.models import ExpertAssignment

Actor = User | AnonymousUser | None
PROPOSED = ExpertAssignment.Status.PROPOSED
ACCEPTED = ExpertAssignment.Status.ACCEPTED


# The assignment comes from the request's facts (one read for every button of a page), the standing of the
# expert from the access scope: together what ``helpdesk.access.is_assigned_expert`` and
# ``is_accepted_expert`` answer, without a query each.
def _proposed_expert(user: Actor, request: SupportRequest) -> bool:
    return is_expert_in_good_standing(user) and facts_of(request).assignment_of(user.pk, [PROPOSED]) is not None


def _delivery_team(user: Actor, request: SupportRequest) -> bool:
    if is_hub_staff_of(user, request):
        return True
    return is_expert_in_good_standing(user) and facts_of(request).assignment_of(user.pk, [ACCEPTED]) is not None


RULES: dict[Rule, Callable[[Actor, SupportRequest], bool]] = {
    Rule.FOCAL_POINT: is_focal_point_of,
    Rule.HUB_STAFF: is_hub_staff_of,
    Rule.PROPOSED_EXPERT: _proposed_expert,
    Rule.DELIVERY_TEAM: _delivery_team,
    Rule.MANAGEMENT: lambda user, request: is_management(user),
    Rule.SYSTEM: lambda user, request: user is None,
}


def allows(rule: Rule, user: Actor, request: SupportRequest) -> bool:
    """Whether ``user`` may make a move governed by ``rule`` on ``request`` (memoised per request object)."""
    if rule is not Rule.SYSTEM and user is None:
        return False
    user_id = getattr(user, "pk", None)
    return facts_of(request).verdict(rule.value, user_id, lambda: RULES[rule](user, request))


@dataclass(frozen=True)
class Check:
    code: str
    message: Promise
    passes: Callable[..., bool]
    # The request's own fields at fault, for a page to mark them.
    at_fault: Callable[[SupportRequest], list[str]] | None = None


def _submission_complete(request: SupportRequest) -> bool:
    return not missing_for_submission(request)


def missing_for_submission(request: SupportRequest) -> list[str]:
    """The request's own fields a focal point must fill in before the hub sees it."""
    missing = [name for name in ("title", "description", "summary") if not (getattr(request, name) or "").strip()]
    missing += [name for name in ("theme", "kind", "language") if not getattr(request, name)]
    if request.kind == "fund" and request.funding_requested is None:
        missing.append("funding_requested")
    return missing


def _deadline_passed(request: SupportRequest) -> bool:
    now = facts_of(request).now or timezone.now()
    return request.due_at is not None and request.due_at <= now


GUARDS: dict[Guard, Check] = {
    Guard.SUBMISSION_COMPLETE: Check(
        "incomplete",
        _("Complete the request first: title, description, shareable summary, and the amount asked for a grant."),
        _submission_complete,
        missing_for_submission,
    ),
    Guard.HAS_ACCEPTED_EXPERT: Check(
        "no_accepted_expert",
        _("Delivery can start once an expert has accepted the assignment."),
        lambda request: facts_of(request).has_assignment(ACCEPTED),
    ),
    Guard.NO_PENDING_APPLICATION: Check(
        "funding_pending",
        _("A fund application is awaiting the management unit's decision."),
        lambda request: facts_of(request).pending_application is None,
    ),
    Guard.HAS_PENDING_APPLICATION: Check(
        "no_application",
        _("There is no fund application awaiting a decision."),
        lambda request: facts_of(request).pending_application is not None,
    ),
    Guard.DEADLINE_PASSED: Check("not_due", _("The evaluation period has not ended yet."), _deadline_passed),
}


def _not_triager(user: Actor, request: SupportRequest) -> bool:
    return getattr(user, "pk", None) not in facts_of(request).triager_ids


def _not_first_approver(user: Actor, request: SupportRequest) -> bool:
    application = facts_of(request).pending_application
    return application is None or application.first_approver_id != getattr(user, "pk", None)


ACTOR_CHECKS: dict[ActorCheck, Check] = {
    ActorCheck.NOT_TRIAGER: Check(
        "separation_of_duties",
        _("You triaged this request, so someone else in the management unit must decide on its funding."),
        _not_triager,
    ),
    ActorCheck.NOT_FIRST_APPROVER: Check(
        "four_eyes",
        _("You gave the first approval; a second, different member of the management unit must confirm it."),
        _not_first_approver,
    ),
}


def may_act(spec: TransitionSpec, user: Actor, request: SupportRequest) -> bool:
    """The person side of a move: the table's rule, then its separation-of-duties checks."""
    if not allows(spec.rule, user, request):
        return False
    return all(ACTOR_CHECKS[check].passes(user, request) for check in spec.actor_checks)
