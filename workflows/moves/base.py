"""The move being made: who, with what data, when, and what it records."""

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
    handler: Handler | None = None
    # What the audit row and the event carry: ids, states, amounts and flags, never free text.
    record: dict[str, Any] = field(default_factory=dict)
    comment: str = ""
    event: str = ""
    delivery_due: date | None = None
    # Request columns a handler changed besides the ones every move stamps.
    changed: set[str] = field(default_factory=set)

    def apply(self, request: SupportRequest) -> str | None:
        """Run the handler; returns the state the request ends in for a move that may stay put."""
        return self.handler(request, self) if self.handler else None
