"""What a refused or lost lifecycle move raises.

Every error carries a translatable message for people and a stable ``code`` for programs: pages choose
the HTTP status from the class (``TransitionConflict`` is a 409) and the form fields to mark from
``fields``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    """Base of every error the lifecycle raises on purpose."""

    code = "workflow_error"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return str(self.message)


class TransitionRefused(WorkflowError):
    """The move is not allowed now, by this person or with this data; nothing was written.

    Codes: ``not_allowed`` (this person may not make the move), ``wrong_state``, ``unknown_transition``,
    ``system_only``, ``missing_data``, ``invalid_data``, ``incomplete`` (the draft lacks required fields),
    ``no_accepted_expert``, ``funding_pending``, ``no_application``, ``not_due``, ``no_envelope``,
    ``currency_mismatch``, ``envelope_exhausted``, ``amount_too_high``, ``amount_mismatch``,
    ``four_eyes``, ``separation_of_duties``, ``capacity``, ``expert_unavailable``, ``already_proposed``,
    ``no_assignment``, ``no_open_follow_up`` (no follow-up awaits the city's answer; ``not_due`` also says
    that no follow-up is due to be opened, reminded, escalated or counted as missed), ``no_conflict`` (no
    expert's declared conflict awaits the hub lead), ``tied_to_city`` (the person declared a tie to the
    request's city and may not decide its grant). ``fields`` maps each
    data field at fault to what is wrong with it ("" when the message says it all).
    """

    code = "not_allowed"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        transition: str = "",
        fields: Mapping[str, str | Promise] | Iterable[str] | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.transition = transition
        if fields is None:
            self.fields: dict[str, str | Promise] = {}
        elif isinstance(fields, Mapping):
            self.fields = dict(fields)
        else:
            self.fields = dict.fromkeys(fields, "")


class TransitionConflict(WorkflowError):
    """Someone else moved the request first: the person must reload and decide again (HTTP 409)."""

    code = "conflict"

    def __init__(self, message: str | Promise | None = None) -> None:
        super().__init__(message or _("Someone else changed this request in the meantime. Reload it and try again."))


class AuditTrailImmutable(WorkflowError):
    """An attempt to change or delete a row of the append-only audit trail."""

    code = "audit_immutable"
