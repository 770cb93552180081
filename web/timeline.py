"""A request's timeline for its page: the moves made (from the audit trail), where it stands, what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

from helpdesk.models import RequestState, SupportKind, SupportRequest
from workflows.lifecycle import STATE_SPECS, TRANSITION_SPECS
from workflows.selectors import TrailLine

S = RequestState

# The usual road from filing to closing, by what was asked; the hub may take another (ask for
# information, answer directly, decline), and the timeline then shows the road actually taken.
USUAL_ROAD = {
    SupportKind.ADVICE: [S.SUBMITTED, S.DELIVERED, S.CLOSED],
    SupportKind.FUND: [S.SUBMITTED, S.FUNDING_REVIEW, S.IN_DELIVERY, S.DELIVERED, S.CLOSED],
}
DEFAULT_ROAD = [S.SUBMITTED, S.EXPERT_MATCHING, S.IN_DELIVERY, S.DELIVERED, S.CLOSED]


@dataclass(frozen=True)
class Step:
    status: str  # "done", "current" or "next"
    label: str | Promise
    state_label: str | Promise
    actor: str | None = None
    at: datetime | None = None
    comment: str = ""
    waits_for: str | Promise = ""
    due_at: datetime | None = None


# The order states come in on any road; a request waiting for the city's answer goes back to triage.
ROAD_ORDER = [S.SUBMITTED, S.EXPERT_MATCHING, S.FUNDING_REVIEW, S.IN_DELIVERY, S.DELIVERED, S.CLOSED]


def _next_states(request: SupportRequest) -> list[S]:
    road = set(USUAL_ROAD.get(request.kind, DEFAULT_ROAD))
    if request.asks_funding or request.state == S.FUNDING_REVIEW:
        road |= {S.FUNDING_REVIEW, S.IN_DELIVERY}
    if request.state in ROAD_ORDER:
        road.add(S(request.state))
    ordered = [state for state in ROAD_ORDER if state in road]
    if request.state not in ROAD_ORDER:  # a draft, or a question waiting for the city
        return ordered
    position = ROAD_ORDER.index(S(request.state))
    return [state for state in ordered if ROAD_ORDER.index(state) > position]


def request_timeline(
    request: SupportRequest, trail: list[TrailLine], channels: frozenset[str], *, show_actors: bool = True
) -> list[Step]:
    """Done steps with who and when (``trail``: ``workflows.selectors.trail_lines``), the current state with
    its deadline, then the usual next states.

    A move's comment is shown only to people who read the channel it was addressed to; an expert reading
    the brief is not told who acted (a focal point's name can point to an anonymous city).
    """
    states = dict(S.choices)
    steps: list[Step] = []
    for line in trail:
        spec = TRANSITION_SPECS.get(line.transition)
        shown = spec is not None and spec.comment_field and spec.comment_visibility in channels
        steps.append(
            Step(
                status="done",
                label=spec.label if spec else line.transition,
                state_label=states.get(line.to_state, line.to_state),
                actor=line.actor if show_actors else None,
                at=line.created_at,
                comment=line.comment if shown else "",
            )
        )
    state_spec = STATE_SPECS.get(request.state)
    steps.append(
        Step(
            status="current",
            label=states.get(request.state, request.state),
            state_label=states.get(request.state, request.state),
            waits_for=state_spec.waits_for if state_spec and not request.is_terminal else "",
            due_at=request.due_at if not request.is_terminal else None,
        )
    )
    if not request.is_terminal:
        steps += [Step(status="next", label=states[s], state_label=states[s]) for s in _next_states(request)]
    return steps
