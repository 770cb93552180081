"""Reads of the expert pool: the pool page, one expert's profile and vetting history, and why an expert a hub
searched for is not among a request's candidates.

Each read is a fixed handful of queries whatever the pool's size (a few hundred people): the rows come with
their person, regions and load in one query each, and filtering by a list held in a JSON column (themes,
languages) happens in Python over those rows, as the matching does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from helpdesk.access import Person, can
from helpdesk.access_people import Unfit, expert_unfit
from helpdesk.models import (
    City,
    ExpertProfile,
    Language,
    PeopleAction,
    PeopleLog,
    Region,
    Role,
    SupportRequest,
    Theme,
    User,
    choice_labels,
    country_name,
    name_key,
)

# The assignment states that count as load (``workflows.models.ExpertAssignment.ACTIVE``: this layer sits below
# the lifecycle, so it names them; a test holds the two equal).
ACTIVE_ASSIGNMENTS = ("proposed", "accepted", "conflict")
VETTING_ORDER: dict[str, int] = {
    ExpertProfile.Vetting.PENDING: 0,
    ExpertProfile.Vetting.VETTED: 1,
    ExpertProfile.Vetting.SUSPENDED: 2,
}


@dataclass(frozen=True)
class PoolFilters:
    """What the pool page narrows to; empty means any."""

    vetting: str = ""
    theme: str = ""
    language: str = ""
    region: int | None = None
    availability: str = ""
    name: str = ""


@dataclass
class ExpertRow:
    """One expert as the pool and profile pages show them: labels, never the stored codes."""

    profile: ExpertProfile
    load: int
    region_names: list[str]
    theme_labels: list[str]
    language_labels: list[str]

    @property
    def person(self) -> User:
        return self.profile.user

    @property
    def at_capacity(self) -> bool:
        return self.load >= self.profile.max_concurrent_assignments

    @property
    def conflict_city_names(self) -> list[str]:
        return sorted((city.name for city in self.profile.conflict_cities.all()), key=name_key)

    @property
    def conflict_country_names(self) -> list[str]:
        return sorted((country_name(code) for code in self.profile.conflict_countries or []), key=name_key)


def _row(profile: ExpertProfile) -> ExpertRow:
    return ExpertRow(
        profile=profile,
        load=getattr(profile, "load", 0),
        region_names=sorted((r.localized_name for r in profile.regions.all()), key=name_key),
        theme_labels=choice_labels(Theme, profile.themes or []),
        language_labels=choice_labels(Language, profile.languages or []),
    )


@dataclass
class ExpertPool:
    rows: list[ExpertRow]
    total: int
    to_vet: int
    filters: PoolFilters = field(default_factory=PoolFilters)


def _name_matches(name: str) -> Q:
    return Q(full_name__icontains=name) | Q(user__username__icontains=name)


def _profiles() -> QuerySet[ExpertProfile]:
    """Every expert's profile with their person, regions and active load (three queries)."""
    return (
        ExpertProfile.objects.select_related("user")
        .prefetch_related(Prefetch("regions", queryset=Region.objects.only("name", "name_fr", "name_ar")))
        .annotate(
            load=Count("user__assignments", filter=Q(user__assignments__status__in=ACTIVE_ASSIGNMENTS)),
            full_name=Concat("user__first_name", Value(" "), "user__last_name"),
        )
        .filter(user__groups__name=Role.EXPERT)
        .defer("bio", "conflict_organisations", "vetting_reason")
    )


def expert_pool(user: Person, filters: PoolFilters) -> ExpertPool:
    """The pool for hub staff and the management unit (the page checks ``view_expert_pool``): every expert,
    filtered; for the management unit, those waiting to be vetted first."""
    qs = _profiles()
    if filters.vetting:
        qs = qs.filter(vetting_status=filters.vetting)
    if filters.availability:
        qs = qs.filter(availability=filters.availability)
    if filters.region is not None:
        qs = qs.filter(regions=filters.region)
    if filters.name.strip():
        qs = qs.filter(_name_matches(filters.name.strip()))
    profiles = [
        profile
        for profile in qs
        if (not filters.theme or filters.theme in (profile.themes or []))
        and (not filters.language or filters.language in (profile.languages or []))
    ]
    vetting_first = can(user, "vet_expert")
    profiles.sort(key=lambda p: (VETTING_ORDER.get(p.vetting_status, 3) if vetting_first else 0, name_key(str(p.user))))
    rows = [_row(profile) for profile in profiles]
    to_vet = ExpertProfile.objects.filter(
        vetting_status=ExpertProfile.Vetting.PENDING, user__groups__name=Role.EXPERT
    ).count()
    return ExpertPool(rows=rows, total=len(rows), to_vet=to_vet, filters=filters)


def expert_profile_of(pk: int) -> ExpertRow | None:
    """The expert whose user id is ``pk`` (their profile, with regions and standing conflicts), or None if there
    is no such expert."""
    profile = (
        _profiles()
        .filter(user_id=pk)
        .prefetch_related(Prefetch("conflict_cities", queryset=City.objects.only("name", "country")))
        .select_related("vetted_by", "nominated_by")
        .defer(None)
        .first()
    )
    return _row(profile) if profile is not None else None


@dataclass(frozen=True)
class VettingEntry:
    """One vetting decision, as the profile page tells it."""

    at: datetime
    actor: User | None
    before: str
    after: str
    reason: str


def _vetting_label(value: Any) -> str:
    return str(ExpertProfile.Vetting(value).label) if value in ExpertProfile.Vetting.values else ""


def expert_vetting_history(profile: ExpertProfile) -> list[VettingEntry]:
    """The management unit's vetting decisions on this expert, the newest first (two queries at most)."""
    rows = (
        PeopleLog.objects.filter(person_id=profile.user_id, action=PeopleAction.EXPERT_VETTING)
        .select_related("actor")
        .order_by("-created_at", "-id")[:50]
    )
    entries = []
    for row in rows:
        change = (row.detail or {}).get("vetting_status") or {}
        entries.append(
            VettingEntry(
                at=row.created_at,
                actor=row.actor,
                before=_vetting_label(change.get("before")),
                after=_vetting_label(change.get("after")),
                reason=str((row.detail or {}).get("reason") or ""),
            )
        )
    return entries


@dataclass(frozen=True)
class AbsentExpert:
    """An expert matching a hub's name search who is not among a request's candidates, and why."""

    profile: ExpertProfile
    reason: str

    @property
    def reason_label(self) -> str:
        return str(Unfit(self.reason).label)


def experts_absent_from_matching(request: SupportRequest, name: str) -> list[AbsentExpert]:
    """The experts whose name contains ``name`` who may not be proposed for ``request``, each with the reason
    (``expert_unfit``, the rule the matching applies): three queries whatever the pool."""
    name = name.strip()
    if not name:
        return []
    profiles = (
        ExpertProfile.objects.select_related("user")
        .annotate(full_name=Concat("user__first_name", Value(" "), "user__last_name"))
        .filter(_name_matches(name), user__groups__name=Role.EXPERT)
        .only(
            "vetting_status",
            "availability",
            "conflict_countries",
            "user__is_active",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        .prefetch_related(Prefetch("conflict_cities", queryset=City.objects.only("pk")))
    )
    absent = [
        AbsentExpert(profile=profile, reason=reason)
        for profile in profiles
        if (reason := expert_unfit(profile, request)) is not None
    ]
    absent.sort(key=lambda a: name_key(str(a.profile.user)))
    return absent
