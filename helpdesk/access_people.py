"""Who may manage the network's people and city records: the rules ``helpdesk.access.can`` answers with.

Kept beside ``helpdesk.access`` (which registers them) because they are about people and cities, not a
request's content. The ladder a hub lead may not climb past: they invite focal points of their region's
cities and officers of their own hub, and nominate experts; any hub staff nominate experts; the management
unit invites every role. A focal point invites nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from helpdesk.models import City, ExpertProfile, Invitation, Region, Role, User

if TYPE_CHECKING:
    from helpdesk.access import _Scope


def _region_id(region: Region | int | None) -> int | None:
    return region.pk if isinstance(region, Region) else region


def invitable_roles(s: _Scope) -> frozenset[str]:
    """The roles this person may invite someone into (the invitation form offers just these)."""
    if s.management:
        return frozenset(Role.values)
    if s.hub_lead:
        return frozenset({Role.FOCAL_POINT, Role.HUB_STAFF, Role.EXPERT})
    if s.hub_region_id is not None:
        return frozenset({Role.EXPERT})
    return frozenset()


def _invite(
    s: _Scope,
    _obj: Any = None,
    *,
    role: str | None = None,
    city: City | None = None,
    region: Region | int | None = None,
    is_hub_lead: bool = False,
    **_: Any,
) -> bool:
    """Invite someone into ``role`` with its scope (``city`` for a focal point, ``region`` for hub staff).

    Without a role: whether this person may invite anyone at all (the page and its link)."""
    allowed = invitable_roles(s)
    if role is None:
        return bool(allowed)
    if role not in allowed:
        return False
    if role == Role.FOCAL_POINT:
        if city is None:
            return False
        return s.management or city.region_id == s.hub_region_id
    if role == Role.HUB_STAFF:
        if _region_id(region) is None:
            return False
        # A hub lead brings in officers of their own hub; a lead is the management unit's to name.
        return s.management or (_region_id(region) == s.hub_region_id and not is_hub_lead)
    return True


def _manage_invitation(s: _Scope, invitation: Invitation, **_: Any) -> bool:
    """Resend or revoke an invitation: whoever sent it (while they could still send it), a lead of its hub, the
    management unit."""
    if s.management:
        return True
    region_id = invitation.region_id or (invitation.city.region_id if invitation.city is not None else None)
    if s.hub_lead and region_id is not None and region_id == s.hub_region_id:
        return True
    return invitation.invited_by_id == s.user.pk and _invite(
        s, role=invitation.role, city=invitation.city, region=invitation.region_id, is_hub_lead=invitation.is_hub_lead
    )


def _view_people(s: _Scope, _obj: Any = None, **_: Any) -> bool:
    """The people page: the management unit (everyone) and hub staff (their region's people and cities)."""
    return s.management or s.hub_region_id is not None


def _manage_person(s: _Scope, person: User, **_: Any) -> bool:
    """Deactivate or reactivate ``person``: the management unit, anyone but themselves; a hub lead, the focal
    points of their region's cities and their hub's officers. Hub staff rank below the hub's lead."""
    if person is None or person.pk == s.user.pk or person.is_superuser:
        return False
    if s.management:
        return True
    if not s.hub_lead:
        return False
    roles = person.roles
    if roles & {Role.MANAGEMENT, Role.STEERING, Role.EXPERT}:
        return False
    if Role.HUB_STAFF in roles:
        return person.region_id == s.hub_region_id and not person.is_hub_lead
    cities = {city.region_id for city in person.cities.all()}
    return Role.FOCAL_POINT in roles and bool(cities) and cities <= {s.hub_region_id}


def _edit_city(s: _Scope, city: City, **_: Any) -> bool:
    """Keep a city's record (name, country, languages, membership, principles): its hub's staff and the
    management unit. The city's anonymity to experts is the city's own choice (``set_city_anonymity``)."""
    return s.management or (city is not None and city.region_id == s.hub_region_id)


def _add_city(s: _Scope, _obj: Any = None, *, region: Region | int | None = None, **_: Any) -> bool:
    if s.management:
        return True
    if s.hub_region_id is None:
        return False
    return region is None or _region_id(region) == s.hub_region_id


def _set_city_anonymity(s: _Scope, city: City, **_: Any) -> bool:
    return city is not None and city.pk in s.city_ids


def _handover_city(s: _Scope, city: City, **_: Any) -> bool:
    """Move a city's open requests, drafts and watches from one focal point to another: its hub's staff and the
    management unit."""
    return _edit_city(s, city)


def _view_city_directory(s: _Scope, _obj: Any = None, **_: Any) -> bool:
    return True


def _view_membership_gaps(s: _Scope, _obj: Any = None, **_: Any) -> bool:
    return s.management or s.hub_region_id is not None


def _view_expert_pool(s: _Scope, _obj: Any = None, **_: Any) -> bool:
    return s.management or s.hub_region_id is not None


def _vet_expert(s: _Scope, profile: ExpertProfile | None = None, **_: Any) -> bool:
    """Vet, suspend or reinstate an expert: the management unit, never on their own profile."""
    return s.management and (profile is None or profile.user_id != s.user.pk)


def _edit_expert_profile(s: _Scope, profile: ExpertProfile, **_: Any) -> bool:
    """The expert keeps their own profile (availability, themes, conflicts); the management unit may correct it."""
    return profile is not None and (profile.user_id == s.user.pk or s.management)


RULES: dict[str, Callable[..., bool]] = {
    "invite": _invite,
    "manage_invitation": _manage_invitation,
    "view_people": _view_people,
    "manage_person": _manage_person,
    "edit_city": _edit_city,
    "add_city": _add_city,
    "set_city_anonymity": _set_city_anonymity,
    "handover_city": _handover_city,
    "view_city_directory": _view_city_directory,
    "view_membership_gaps": _view_membership_gaps,
    "view_expert_pool": _view_expert_pool,
    "vet_expert": _vet_expert,
    "edit_expert_profile": _edit_expert_profile,
}
# What the steering committee may do here: read the city directory (no request content is in it).
STEERING_ALLOWED = frozenset({"view_city_directory"})
