"""Helpers for the page tests: requests in a given state without running the lifecycle, the profile form as sent."""

from __future__ import annotations

from typing import Any

from helpdesk.models import SupportRequest, User
from tests.factories import SupportRequestFactory


def in_state(state: str, **fields: Any) -> SupportRequest:
    """A request already in ``state`` (the state column is protected, so it is set in the database)."""
    extra = {k: fields.pop(k) for k in list(fields) if k in {"due_at", "submitted_at", "owner", "closed_at"}}
    request = SupportRequestFactory(**fields)
    SupportRequest.objects.filter(pk=request.pk).update(state=state, **extra)
    return SupportRequest.objects.get(pk=request.pk)


def profile_post(person: User, **changes: Any) -> dict[str, Any]:
    """The profile form as ``person`` would send it unchanged, with ``changes``."""
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "phone": "",
        "organisation": "",
        "preferred_language": person.preferred_language,
        "notification_mode": person.notification_mode,
        "time_zone": person.time_zone,
    }
    return {**data, **changes}
