"""A request's timeline for its page: the moves made (from the audit trail), where it stands, what comes next.

Everything it says comes from the lifecycle table: each move's line in the past tense, what the current state
waits for, and the states on the request's usual road.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

from helpdesk.models import SupportRequest
from workflows.lifecycle import STATE_SPECS, TRANSITION_SPECS
from workflows.selectors import TrailLine, road_ahead
from workflows.spec import Reader


@dataclass(frozen=True)
class Step:
    status: str  # "done", "current" or "next"
    label: str | Promise
    state_label: str | Promise
    actor: str | None = None
    at: datetime | None = None
    comment: str = ""
    waits_for: str | Promise = ""  # what the request waits for, in staff's words ("Waiting for ...")
    phrase: str | Promise = ""  # where it stands, in the city's or an expert's own words
    due_at: datetime | None = None


def _done_line(line: TrailLine) -> str | Promise:
    spec = TRANSITION_SPECS.get(line.transition)
    if spec is None:
        return line.transition
    return spec.announced(from_state=line.from_state, to_state=line.to_state).line


def request_timeline(
    request: SupportRequest,
    trail: list[TrailLine],
    channels: frozenset[str],
    *,
    reader: Reader = "staff",
    show_actors: bool = True,
) -> list[Step]:
    """Done steps with who and when (``trail``: ``workflows.selectors.trail_lines``), the current state with
    what it waits for and its deadline, then the states ahead on the usual road.

    The current state is told in ``reader``'s words (the lifecycle table's phrase for them). A move's comment
    is shown only to people who read the channel it was addressed to; an expert reading the brief is not told
    who acted (a focal point's name can point to an anonymous city).
    """
    steps: list[Step] = []
    for line in trail:
        spec = TRANSITION_SPECS.get(line.transition)
        shown = spec is not None and spec.comment_field and spec.comment_visibility in channels
        steps.append(
            Step(
                status="done",
                label=_done_line(line),
                state_label=STATE_SPECS[line.to_state].label if line.to_state in STATE_SPECS else line.to_state,
                actor=line.actor if show_actors else None,
                at=line.created_at,
                comment=line.comment if shown else "",
            )
        )
    current = STATE_SPECS[request.state]
    steps.append(
        Step(
            status="current",
            label=current.label,
            state_label=current.label,
            waits_for=current.phrases.staff if reader == "staff" and not current.is_terminal else "",
            phrase=current.phrases.of(reader) if reader != "staff" and not current.is_terminal else "",
            due_at=request.due_at if not current.is_terminal else None,
        )
    )
    if not current.is_terminal:
        steps += [
            Step(status="next", label=STATE_SPECS[name].label, state_label=STATE_SPECS[name].label)
            for name in road_ahead(request)
        ]
    return steps
