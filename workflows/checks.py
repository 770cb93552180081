"""The one check chain of a move: who may make it, the separation of duties, the request's own conditions.

``refusal`` answers "may this person make this move now?" with ``None`` or the refusal to raise, in the order
that gives the most useful reason. ``transition_perform`` raises it; ``available_transitions`` offers the moves
it lets through, so a button is shown exactly when pressing it would be allowed.

Who: the ``helpdesk.access`` scope helpers, one per ``Rule``. Conditions (``Guard``) and separation of duties
(``ActorCheck``) each carry the refusal code and message. Everything about the request is read through its
``RequestFacts``, so asking about every button of a page costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk.access import is_expert_in_good_standing, is_focal_point_of, is_hub_staff_of, is_management
from helpdesk.models import RequestState, SupportKind, SupportRequest, User
from workflows.errors import TransitionRefused
from workflows.facts import RequestFacts
from workflows.follow_ups import Kind, Step, kind_of, open_due, step_due
from workflows.lifecycle import TRIAGE
from workflows.models import ExpertAssignment
from workflows.spec import ActorCheck, Guard, Rule, TransitionSpec

Actor = User | AnonymousUser | None
PROPOSED = ExpertAssignment.Status.PROPOSED
ACCEPTED = ExpertAssignment.Status.ACCEPTED
CONFLICT = ExpertAssignment.Status.CONFLICT


# The assignment comes from the request's facts (one read for every button of a page), the standing of the
# expert from the access scope.
def _proposed_expert(user: Actor, facts: RequestFacts) -> bool:
    return is_expert_in_good_standing(user) and facts.assignment_of(getattr(user, "pk", None), [PROPOSED]) is not None


def _delivery_team(user: Actor, facts: RequestFacts) -> bool:
    if is_hub_staff_of(user, facts.request):
        return True
    return is_expert_in_good_standing(user) and facts.assignment_of(getattr(user, "pk", None), [ACCEPTED]) is not None


def _hub_lead(user: Actor, facts: RequestFacts) -> bool:
    if is_management(user):
        return True
    return is_hub_staff_of(user, facts.request) and bool(getattr(user, "is_hub_lead", False))


RULES: dict[Rule, Callable[[Actor, RequestFacts], bool]] = {
    Rule.FOCAL_POINT: lambda user, facts: is_focal_point_of(user, facts.request),
    Rule.HUB_STAFF: lambda user, facts: is_hub_staff_of(user, facts.request),
    Rule.PROPOSED_EXPERT: _proposed_expert,
    Rule.DELIVERY_TEAM: _delivery_team,
    Rule.HUB_LEAD: _hub_lead,
    Rule.MANAGEMENT: lambda user, facts: is_management(user),
    Rule.SYSTEM: lambda user, facts: user is None,
}


def allows(rule: Rule, user: Actor, facts: RequestFacts) -> bool:
    """Whether ``user`` may make a move governed by ``rule`` (asked once per person and look at the request)."""
    if rule is not Rule.SYSTEM and user is None:
        return False
    return facts.verdict(rule.value, getattr(user, "pk", None), lambda: RULES[rule](user, facts))


@dataclass(frozen=True)
class Check:
    code: str
    message: Promise
    passes: Callable[..., bool]
    # The request's own fields at fault, for a page to mark them.
    at_fault: Callable[[SupportRequest], list[str]] | None = None
    # What the message names (``%(city)s``...), read from the request only when the check refuses.
    words: Callable[[RequestFacts], dict[str, str]] | None = None

    def refused(self, facts: RequestFacts) -> str | Promise:
        """The message as the person reads it, with what it names."""
        return self.message % self.words(facts) if self.words is not None else self.message


def missing_for_submission(request: SupportRequest) -> list[str]:
    """The request's own fields a focal point must fill in before the hub sees it."""
    missing = [name for name in ("title", "description", "summary") if not (getattr(request, name) or "").strip()]
    missing += [name for name in ("theme", "kind", "language") if not getattr(request, name)]
    if request.kind == SupportKind.FUND and request.funding_requested is None:
        missing.append("funding_requested")
    return missing


def _deadline_passed(facts: RequestFacts) -> bool:
    now = facts.now or timezone.now()
    return facts.request.due_at is not None and facts.request.due_at <= now


def _follow_up_step(step: Step) -> Callable[[RequestFacts], bool]:
    return lambda facts: any(step_due(f, step, facts.now or timezone.now()) for f in facts.follow_ups)


GUARDS: dict[Guard, Check] = {
    Guard.SUBMISSION_COMPLETE: Check(
        "incomplete",
        _("Complete the request first: title, description, shareable summary, and the amount asked for a grant."),
        lambda facts: not missing_for_submission(facts.request),
        missing_for_submission,
    ),
    Guard.HAS_ACCEPTED_EXPERT: Check(
        "no_accepted_expert",
        _("Delivery can start once an expert has accepted the assignment."),
        # A peer exchange is delivered by the two cities once both accepted the hub's introduction.
        lambda facts: facts.has_assignment(ACCEPTED) or facts.has_made_introduction,
    ),
    Guard.PEER_EXCHANGE: Check(
        "not_peer_exchange",
        _("Only a request for a peer exchange is introduced to another city."),
        lambda facts: facts.request.kind == SupportKind.PEER_EXCHANGE,
    ),
    Guard.NO_PENDING_APPLICATION: Check(
        "funding_pending",
        _("A fund application is awaiting the management unit's decision."),
        lambda facts: facts.pending_application is None,
    ),
    Guard.HAS_PENDING_APPLICATION: Check(
        "no_application",
        _("There is no fund application awaiting a decision."),
        lambda facts: facts.pending_application is not None,
    ),
    Guard.HAS_CONFLICT: Check(
        "no_conflict",
        _("No expert's declared conflict of interest awaits a decision on this request."),
        lambda facts: facts.has_assignment(CONFLICT),
    ),
    Guard.DEADLINE_PASSED: Check("not_due", _("The evaluation period has not ended yet."), _deadline_passed),
    Guard.FOLLOW_UP_DUE: Check(
        "not_due", _("No follow-up is due on this request now."), lambda facts: open_due(facts, Kind.OUTCOME)
    ),
    Guard.CHECK_IN_DUE: Check(
        "not_due",
        _("No check-in after the incident is due on this request now."),
        lambda facts: open_due(facts, Kind.INCIDENT),
    ),
    Guard.OUTCOME_FOLLOW_UPS: Check(
        "incident_check_ins",
        _("A request on the incident fast track has check-ins after the incident, not follow-ups."),
        lambda facts: kind_of(facts.request) == Kind.OUTCOME,
    ),
    Guard.INCIDENT_CHECK_INS: Check(
        "not_fast_tracked",
        _("Only a request on the incident fast track has check-ins after the incident."),
        lambda facts: kind_of(facts.request) == Kind.INCIDENT,
    ),
    Guard.HAS_OPEN_FOLLOW_UP: Check(
        "no_open_follow_up",
        _("No follow-up awaits an answer on this request."),
        lambda facts: facts.open_follow_up is not None,
    ),
    Guard.FOLLOW_UP_REMINDER_DUE: Check(
        "not_due", _("No follow-up is due for a reminder."), _follow_up_step(Step.REMIND)
    ),
    Guard.FOLLOW_UP_ESCALATION_DUE: Check(
        "not_due", _("No follow-up is due to be escalated."), _follow_up_step(Step.ESCALATE)
    ),
    Guard.FOLLOW_UP_MISSED: Check("not_due", _("No follow-up has run out of time."), _follow_up_step(Step.MISS)),
    Guard.NOT_FAST_TRACKED: Check(
        "already_fast_tracked",
        _("This request is already on the incident fast track."),
        lambda facts: facts.request.fast_tracked_at is None,
    ),
}


def _not_triager(user: Actor, facts: RequestFacts) -> bool:
    """Neither made a hub triage decision on the request nor recommended its pending fund application."""
    user_id = getattr(user, "pk", None)
    application = facts.pending_application
    if application is not None and application.recommended_by_id == user_id:
        return False
    return user_id not in facts.actor_ids_of(TRIAGE)


def _not_first_approver(user: Actor, facts: RequestFacts) -> bool:
    application = facts.pending_application
    return application is None or application.first_approver_id != getattr(user, "pk", None)


def _not_tied_to_city(user: Actor, facts: RequestFacts) -> bool:
    """Declared no tie to the request's city (``User.tied_cities``); asked once per person and look."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return True

    def untied() -> bool:
        return not User.tied_cities.through.objects.filter(user_id=user_id, city_id=facts.request.city_id).exists()

    return facts.verdict(ActorCheck.NOT_TIED_TO_CITY.value, user_id, untied)


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
    ActorCheck.NOT_TIED_TO_CITY: Check(
        "tied_to_city",
        _("You declared a tie to %(city)s: another member of the management unit must decide."),
        _not_tied_to_city,
        words=lambda facts: {"city": facts.request.city.name},
    ),
}


def refusal(spec: TransitionSpec, facts: RequestFacts, actor: Actor) -> TransitionRefused | None:
    """Why ``actor`` (``None``: the desk itself) may not make the move ``spec`` now, or ``None`` if they may."""
    name, request = spec.name, facts.request
    if spec.system_only and actor is not None:
        return TransitionRefused(_("Only the desk itself does this."), code="system_only", transition=name)
    if actor is None and not spec.system_only:
        return TransitionRefused(_("Someone must be signed in to do this."), code="not_allowed", transition=name)
    if request.state not in spec.sources:
        return TransitionRefused(
            _("This cannot be done while the request is %(state)s.")
            % {"state": RequestState(request.state).label.lower()},
            code="wrong_state",
            transition=name,
        )
    if not allows(spec.rule, actor, facts):
        return TransitionRefused(_("You may not do this on this request."), code="not_allowed", transition=name)
    for check_name in spec.actor_checks:
        check = ACTOR_CHECKS[check_name]
        if not check.passes(actor, facts):
            return TransitionRefused(check.refused(facts), code=check.code, transition=name)
    for guard_name in spec.guards:
        guard = GUARDS[guard_name]
        if not guard.passes(facts):
            fields = guard.at_fault(request) if guard.at_fault else None
            return TransitionRefused(guard.refused(facts), code=guard.code, transition=name, fields=fields)
    return None
