"""Who may manage the network's people and city records: the rules ``helpdesk.access.can`` answers with.

Kept beside ``helpdesk.access`` (which registers them) because they are about people and cities, not a
request's content. The ladder a hub lead may not climb past: they invite focal points of their region's
cities and officers of their own hub, and nominate experts; any hub staff nominate experts; the management
unit invites every role. A focal point invites nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.models import City, ExpertPeriod, ExpertProfile, Invitation, Region, Role, SupportRequest, User

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


def _manage_expert_availability(s: _Scope, profile: ExpertProfile | None, **_: Any) -> bool:
    """Declare or remove leave and standby periods: the expert alone (the periods are their own word on when they
    can work; the management unit corrects a profile, not a diary)."""
    return profile is not None and profile.user_id == s.user.pk


def _view_expert_availability(s: _Scope, profile: ExpertProfile | None, **_: Any) -> bool:
    """Read an expert's leave and standby periods: the expert, the management unit, and the staff of a hub the
    expert works with (their profile's regions, prefetched by the page). Other hubs learn of a leave only as the
    reason the expert is not listed on their matching page."""
    if profile is None:
        return False
    if profile.user_id == s.user.pk or s.management:
        return True
    return s.hub_region_id is not None and any(region.pk == s.hub_region_id for region in profile.regions.all())


def _review_expert_conflicts(s: _Scope, profile: ExpertProfile | None = None, **_: Any) -> bool:
    """Mark an expert's standing conflicts as reviewed: the management unit, never on their own profile (without
    a profile: whether this person reviews at all, for the pool's "to review" filter)."""
    return s.management and (profile is None or profile.user_id != s.user.pk)


class Unfit(models.TextChoices):
    """Why an expert of the pool may not be proposed for a request (in the order they are asked)."""

    INACTIVE = "inactive", _("account deactivated")
    SUSPENDED = "suspended", _("suspended")
    PENDING = "pending", _("not vetted yet")
    UNAVAILABLE = "unavailable", _("unavailable")
    ON_LEAVE = "on_leave", _("on leave")
    CONFLICT_CITY = "conflict_city", _("declared a conflict with this city")
    CONFLICT_COUNTRY = "conflict_country", _("declared a conflict with this country")
    CONFLICT_DECLARED = "conflict_declared", _("declared a conflict of interest on a request of this city, not waived")


def run_end(spans: Iterable[tuple[date, date]], day: date) -> date | None:
    """The last day of the run of ``spans`` (start, end; inclusive) that covers ``day``, periods that follow one
    another without a gap counted as one ("on leave until" the end of the second); None if none covers it."""
    end: date | None = None
    for starts_on, ends_on in sorted(spans):
        if end is None:
            if starts_on <= day <= ends_on:
                end = ends_on
        elif starts_on <= end + timedelta(days=1):
            end = max(end, ends_on)
    return end


@dataclass(frozen=True)
class PoolDay:
    """What ``expert_unfit`` reads besides a profile, fetched once for a whole list of experts: who is on leave
    today (and until when), and who declared a conflict of interest on a request of the request's city that no
    hub lead waived (``ExpertAssignment.has_conflict`` without ``waived_at``)."""

    today: date
    leave_until: Mapping[int, date] = field(default_factory=dict)
    declared_conflict: frozenset[int] = frozenset()


def leave_until_of(rows: Iterable[tuple[int, date, date]], day: date) -> dict[int, date]:
    """Expert id → the end of the leave covering ``day``, from (expert id, starts_on, ends_on) leave rows."""
    spans: dict[int, list[tuple[date, date]]] = {}
    for expert_id, starts_on, ends_on in rows:
        spans.setdefault(expert_id, []).append((starts_on, ends_on))
    return {expert_id: end for expert_id, runs in spans.items() if (end := run_end(runs, day)) is not None}


def pool_day(request: SupportRequest, expert_ids: Collection[int] | None = None) -> PoolDay:
    """The leave and declared conflicts of ``expert_ids`` (everyone when None) as ``request`` meets them today, in
    the reader's time zone: two queries."""
    today = timezone.localdate()
    leaves = ExpertPeriod.objects.filter(kind=ExpertPeriod.Kind.LEAVE, ends_on__gte=today)
    # The assignments are the lifecycle's (``workflows.models.ExpertAssignment``); this layer sits below it and
    # reads them through the expert's side of the relation.
    declared = User.objects.filter(
        assignments__has_conflict=True,
        assignments__waived_at__isnull=True,
        assignments__request__city_id=request.city_id,
    )
    if expert_ids is not None:
        leaves = leaves.filter(expert_id__in=expert_ids)
        declared = declared.filter(pk__in=expert_ids)
    return PoolDay(
        today=today,
        leave_until=leave_until_of(leaves.values_list("expert_id", "starts_on", "ends_on"), today),
        declared_conflict=(
            frozenset(declared.values_list("pk", flat=True).distinct()) if request.city_id is not None else frozenset()
        ),
    )


def expert_unfit(profile: ExpertProfile, request: SupportRequest, *, day: PoolDay | None = None) -> str | None:
    """Why ``profile``'s expert may not be proposed for ``request`` (an ``Unfit`` value), or None if they may.

    The one rule for matching (``workflows.matching``), proposing (``helpdesk.access``'s ``propose_expert``) and
    the matching page's "why is this expert not listed". It reads ``profile.user`` and
    ``profile.conflict_cities.all()``: a list prefetches both, and passes ``day`` (``pool_day``, or the matching's
    own reads), so the rule costs no query per expert; without it, two queries for this expert.
    """
    if not profile.user.is_active:
        return Unfit.INACTIVE
    if profile.vetting_status == ExpertProfile.Vetting.SUSPENDED:
        return Unfit.SUSPENDED
    if profile.vetting_status != ExpertProfile.Vetting.VETTED:
        return Unfit.PENDING
    if profile.availability == ExpertProfile.Availability.UNAVAILABLE:
        return Unfit.UNAVAILABLE
    if day is None:
        day = pool_day(request, [profile.user_id])
    if profile.user_id in day.leave_until:
        return Unfit.ON_LEAVE
    # Standing conflicts the expert declared exclude them outright, and so does a conflict they declared on a
    # request of the city until a hub lead records a waiver for it.
    if any(city.pk == request.city_id for city in profile.conflict_cities.all()):
        return Unfit.CONFLICT_CITY
    if request.city_id is not None and request.city.country in (profile.conflict_countries or []):
        return Unfit.CONFLICT_COUNTRY
    if profile.user_id in day.declared_conflict:
        return Unfit.CONFLICT_DECLARED
    return None


def expert_unfit_label(profile: ExpertProfile, request: SupportRequest, *, day: PoolDay | None = None) -> str | None:
    """``expert_unfit`` as a person reads it ("on leave until 12 March"), or None if the expert may be proposed:
    for a message naming the refused experts (two queries without ``day``)."""
    if day is None:
        day = pool_day(request, [profile.user_id])
    reason = expert_unfit(profile, request, day=day)
    return None if reason is None else unfit_label(reason, until=day.leave_until.get(profile.user_id))


def unfit_label(reason: str, *, until: date | None = None) -> str:
    """``reason`` (an ``Unfit`` value) as a person reads it; a leave with its last day ("on leave until 12 March")."""
    if reason == Unfit.ON_LEAVE and until is not None:
        return gettext("on leave until %(date)s") % {"date": date_format(until, "DATE_FORMAT")}
    return str(Unfit(reason).label)


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
    "manage_expert_availability": _manage_expert_availability,
    "view_expert_availability": _view_expert_availability,
    "review_expert_conflicts": _review_expert_conflicts,
}
# What the steering committee may do here: read the city directory (no request content is in it).
STEERING_ALLOWED = frozenset({"view_city_directory"})
