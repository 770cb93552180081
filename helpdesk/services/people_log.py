"""The people log's one writer: every change to a person, an invitation or a city record leaves its line here,
inside the change's own transaction (``helpdesk.models.PeopleLog``)."""

from __future__ import annotations

from typing import Any

from helpdesk.models import City, Invitation, PeopleLog, Region, User


def people_log_record(
    *,
    actor: User | None,
    action: str,
    person: User | None = None,
    city: City | None = None,
    region: Region | None = None,
    invitation: Invitation | None = None,
    detail: dict[str, Any] | None = None,
) -> PeopleLog:
    """One line of the people log (call inside the change's transaction). The hub defaults to the city's."""
    if region is None and city is not None:
        region = city.region
    return PeopleLog.objects.create(
        actor=actor, action=action, person=person, city=city, region=region, invitation=invitation, detail=detail or {}
    )
