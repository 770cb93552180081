"""The move being made: who, with what data, when, on which facts, and what it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from helpdesk.models import SupportRequest, User
from workflows.calendar import HubCalendar, calendar_of
from workflows.facts import RequestFacts
from workflows.spec import TransitionSpec
from workflows.tally_outcomes import Cells


@dataclass
class Move:
    spec: TransitionSpec
    actor: User | None
    data: dict[str, Any]
    now: datetime
    # What the checks read about the request, shared with the handler (one read each).
    facts: RequestFacts
    # What the audit row and the event carry: ids, states, amounts and flags, never free text.
    record: dict[str, Any] = field(default_factory=dict)
    comment: str = ""
    delivery_due: date | None = None
    # Request columns a handler changed besides the ones every move stamps.
    changed: set[str] = field(default_factory=set)
    # Whether the new state's deadline counts on the fast track; None: as the request is (``fast_tracked_at``).
    # A handler says False where the fast track does not reach (a fund application above the emergency ceiling).
    fast_track: bool | None = None
    # A move that keeps the state but starts its deadline again from now (putting a request on the fast track):
    # the stamp computes it as on entering the state, and never moves it later than it was.
    restart_deadline: bool = False
    # The owning hub's calendar, by (hub, city): read once per move (``hub_calendar``).
    calendars: dict[tuple[int | None, int | None], HubCalendar] = field(default_factory=dict)
    # What the request added to the outcome tally before the move first wrote an outcome (``outcome_tally_mark``);
    # None: the move wrote none.
    outcomes_before: Cells | None = None
    # What the request added to the grant tally before the move approved a grant (``grant_tally_mark``); None:
    # the move approved none.
    grants_before: dict[tuple[int, int], tuple[int, int, int]] | None = None

    def hub_calendar(self, request: SupportRequest) -> HubCalendar:
        """The calendar of the hub that owns ``request`` (``workflows.calendar.calendar_of``), read once for the
        move: a handler's default delivery date and the deadline the move stamps count on the same one."""
        key = (request.region_id, request.city_id)
        if key not in self.calendars:
            self.calendars[key] = calendar_of(request, now=self.now)
        return self.calendars[key]
