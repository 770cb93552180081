"""A hub's calendar, kept by its lead and the management unit: its time zone, its working week and the days it is
closed beyond its countries' public holidays (``HubClosure``). ``workflows.calendar`` counts every deadline of the
hub's requests on it, from the next move on (a deadline already set keeps its date).

Each change leaves a ``PeopleLog`` line for the hub (before and after of what changed) in its own transaction, as
the city records do (``helpdesk.services.cities``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.models import HubClosure, Region, User
from helpdesk.selectors.hubs import HUB_CALENDAR, ISO_WEEKDAYS, zone_named
from helpdesk.services.accounts import time_zone_names
from helpdesk.services.people_log import people_log_record

# A hub may keep the zone it was created with ("UTC") beside the zone database's places.
HUB_ZONES_BESIDE = ("UTC",)
CLOSURE_REASON_LENGTH = 120


def hub_time_zone_allowed(name: str) -> bool:
    return name in HUB_ZONES_BESIDE or name in time_zone_names()


def _working_days(days: Iterable[int | str]) -> list[int]:
    try:
        kept = sorted({int(day) for day in days})
    except (TypeError, ValueError):
        kept = []
    if not kept or not set(kept) <= set(ISO_WEEKDAYS):
        raise ValidationError({"working_days": _("Choose the days the hub works, at least one.")})
    return kept


def hub_calendar_set(*, hub: Region, actor: User, time_zone: str, working_days: Iterable[int | str]) -> bool:
    """Set ``hub``'s time zone (an IANA name) and working week (ISO weekday numbers, Monday = 1). Returns whether
    anything changed; a change goes to the people log. Raises ``PermissionDenied`` (not its lead nor the
    management unit) and ``ValidationError`` by field (a zone outside the list, a week without a working day)."""
    if not can(actor, "edit_hub_calendar", hub):
        raise PermissionDenied
    time_zone = time_zone.strip()
    errors: dict[str, list[str]] = {}
    if not hub_time_zone_allowed(time_zone):
        errors["time_zone"] = [str(_("Choose a time zone from the list."))]
    try:
        week = _working_days(working_days)
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Region.objects.select_for_update().only("pk", "time_zone", "working_days").get(pk=hub.pk)
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        if locked.time_zone != time_zone:
            before["time_zone"], after["time_zone"] = locked.time_zone, time_zone
        kept = sorted(int(day) for day in locked.working_days or ())
        if kept != week:
            before["working_days"], after["working_days"] = kept, week
        if not after:
            return False
        Region.objects.filter(pk=hub.pk).update(time_zone=time_zone, working_days=week)
        hub.time_zone, hub.working_days = time_zone, week
        people_log_record(actor=actor, action=HUB_CALENDAR, region=hub, detail={"before": before, "after": after})
    return True


def hub_closure_add(*, hub: Region, actor: User, day: date, name: str) -> HubClosure:
    """Close ``hub`` on ``day`` (today in the hub's time zone or later), for the reason ``name``: no deadline of
    its requests set from now on falls on that day. Raises ``PermissionDenied`` and ``ValidationError`` by field
    (a day past, a day already closed, no reason)."""
    if not can(actor, "edit_hub_calendar", hub):
        raise PermissionDenied
    name = " ".join(name.split())
    errors: dict[str, list[str]] = {}
    today = timezone.localtime(timezone.now(), zone_named(hub.time_zone)).date()
    if day < today:
        errors["day"] = [str(_("Choose today or a later day: a day past changes no deadline."))]
    if not name:
        errors["name"] = [str(_("Say why the hub is closed that day."))]
    elif len(name) > CLOSURE_REASON_LENGTH:
        errors["name"] = [str(_("Keep the reason under 120 characters."))]
    if errors:
        raise ValidationError(errors)
    taken = ValidationError({"day": _("The hub is already closed that day.")})
    if HubClosure.objects.filter(region=hub, day=day).exists():
        raise taken
    try:
        with transaction.atomic():
            closure = HubClosure.objects.create(region=hub, day=day, name=name, created_by=actor)
            people_log_record(
                actor=actor,
                action=HUB_CALENDAR,
                region=hub,
                detail={"before": {}, "after": {"closure": {"day": day.isoformat(), "name": name}}},
            )
    except IntegrityError:
        # Someone closed the same day in between (one closure per hub and day).
        raise taken from None
    return closure


def hub_closure_remove(*, closure: HubClosure, actor: User) -> None:
    """Open the hub again on a closure day: deadlines set from now on count it as a working day (if it is one).
    Raises ``PermissionDenied``."""
    hub = closure.region
    if not can(actor, "edit_hub_calendar", hub):
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = HubClosure.objects.filter(pk=closure.pk).delete()
        if deleted:
            people_log_record(
                actor=actor,
                action=HUB_CALENDAR,
                region=hub,
                detail={"before": {"closure": {"day": closure.day.isoformat(), "name": closure.name}}, "after": {}},
            )
