"""What the lifecycle announces. Listeners (notifications) run inside the move's transaction.

``lifecycle_event`` is sent with ``sender=SupportRequest`` and the keyword arguments

- ``event``: the transition's name, or ``expert_proposed``, ``assignment_accepted``,
  ``assignment_declined`` for the moves on assignments (``auto_close`` for the system's close);
- ``request``: the ``SupportRequest`` after the move;
- ``actor``: the ``User`` who acted, ``None`` for the system;
- ``log``: the ``TransitionLog`` row written for the move;
- ``data``: ids, states and amounts only, never free text (see docs/workflow.md for the keys).

Listeners record rows in the same transaction; anything that leaves the database (an e-mail, a task
enqueued on Redis) must go through ``transaction.on_commit``.
"""

from django.dispatch import Signal

lifecycle_event = Signal()

# What a peer introduction announces beyond the lifecycle move that proposed it (``workflows.peers``), sent with
# ``sender=PeerIntroduction`` and the keyword arguments ``event`` (``introduction_proposed``,
# ``introduction_made``, ``introduction_declined``), ``introduction`` and ``actor``. The peer city cannot see
# the request: what it is told names neither the request nor, until both accepted, the asking city.
introduction_event = Signal()
