"""Who may read and keep a hub's calendar: the rules ``helpdesk.access.can`` answers with.

A hub's calendar (its time zone, working week and closure days, ``workflows.calendar``) sets every deadline of
its requests: its own staff read it, its lead and the management unit keep it. Kept beside
``helpdesk.access`` (which registers them) as ``helpdesk.access_people`` is: a hub is not a request's content.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from helpdesk.models import Region

if TYPE_CHECKING:
    from helpdesk.access import _Scope


def _own_hub(s: _Scope, hub: Region | None) -> bool:
    return hub is not None and s.hub_region_id is not None and s.hub_region_id == hub.pk


def _view_hub_calendar(s: _Scope, hub: Region | None = None, **_: Any) -> bool:
    """Read ``hub``'s calendar: its staff and the management unit. Without a hub: whether this person reads
    one at all (a link to it)."""
    if hub is None:
        return s.management or s.hub_region_id is not None
    return s.management or _own_hub(s, hub)


def _edit_hub_calendar(s: _Scope, hub: Region | None = None, **_: Any) -> bool:
    """Keep ``hub``'s calendar (time zone, working week, closure days): its lead and the management unit."""
    return hub is not None and (s.management or (s.hub_lead and _own_hub(s, hub)))


RULES: dict[str, Callable[..., bool]] = {
    "view_hub_calendar": _view_hub_calendar,
    "edit_hub_calendar": _edit_hub_calendar,
}
