"""What each lifecycle move does to the data besides changing the state: one handler per transition.

``perform`` decides whether a move may happen; the machine's generated method then calls ``Move.apply``,
which runs the transition's handler inside the move's transaction. A handler may still refuse (an
envelope spent by a racing approval, an expert at capacity): it raises ``TransitionRefused`` and the
transaction rolls back, so a refused move writes nothing.
"""

from workflows.moves import assignments, closing, funding, triage
from workflows.moves.base import Handler, Move

HANDLERS: dict[str, Handler] = {**triage.HANDLERS, **assignments.HANDLERS, **funding.HANDLERS, **closing.HANDLERS}

__all__ = ["HANDLERS", "Handler", "Move"]
