"""What each lifecycle move does to the data besides changing the state: one handler per transition.

``perform`` decides whether a move may happen; the machine's generated method then calls ``Move.apply``,
which runs the transition's handler inside the move's transaction. A handler may still refuse (an
envelope spent by a racing approval, an expert at capacity): it raises ``TransitionRefused`` and the
transaction rolls back, so a refused move writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from helpdesk.models import SupportRequest, User
from workflows.lifecycle import TransitionSpec

Handler = Callable[[SupportRequest, "Move"], "str | None"]


@dataclass
class Move:
    spec: TransitionSpec
    actor: User | None
    data: dict[str, Any]
    now: datetime
    # What the audit row and the event carry: ids, states, amounts and flags, never free text.
    record: dict[str, Any] = field(default_factory=dict)
    comment: str = ""
    event: str = ""
    delivery_due: date | None = None
    # Request columns a handler changed besides the ones every move stamps.
    changed: set[str] = field(default_factory=set)

    def apply(self, request: SupportRequest) -> str | None:
        """Run the handler; returns the state the request ends in for a move that may stay put."""
        handler = HANDLERS.get(self.spec.name)
        return handler(request, self) if handler else None


def _handlers() -> dict[str, Handler]:
    from workflows.moves import assignments, closing, funding, triage

    return {**triage.HANDLERS, **assignments.HANDLERS, **funding.HANDLERS, **closing.HANDLERS}


HANDLERS: dict[str, Handler] = {}


def load_handlers() -> None:
    """Fill ``HANDLERS`` once the app registry is ready (the handlers import models)."""
    if not HANDLERS:
        HANDLERS.update(_handlers())
