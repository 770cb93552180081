"""Reads of the expert pool: the pool page, one expert's profile and vetting history, their leave and standby
periods, and why an expert a hub searched for is not among a request's candidates.

Each read is a fixed handful of queries whatever the pool's size (a few hundred people): the rows come with
their person, regions and load in one query each, and filtering by a list held in a JSON column (themes,
languages) happens in Python over those rows, as the matching does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from helpdesk.access import Person, can
from helpdesk.access_people import expert_unfit, pool_day, run_end, unfit_label
from helpdesk.models import (
    City,
    ExpertPeriod,
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
# the lifecycle, so it names them; a test holds the two equal). A conflict declared on acceptance holds the place
# while the hub lead decides on a waiver.
ACTIVE_ASSIGNMENTS = ("proposed", "accepted", "conflict")
# An expert's standing conflicts changed after the management unit last reviewed them (or were never reviewed).
CONFLICTS_TO_REVIEW = Q(conflicts_updated_at__isnull=False) & (
    Q(conflicts_reviewed_at__isnull=True) | Q(conflicts_updated_at__gt=F("conflicts_reviewed_at"))
)
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
    conflicts_to_review: bool = False


def conflicts_to_review(profile: ExpertProfile) -> bool:
    """Whether the expert's standing conflicts changed since the management unit's last review (``CONFLICTS_TO_REVIEW``
    for one profile already read)."""
    updated, reviewed = profile.conflicts_updated_at, profile.conflicts_reviewed_at
    return updated is not None and (reviewed is None or updated > reviewed)


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

    @property
    def conflicts_to_review(self) -> bool:
        return conflicts_to_review(self.profile)


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
    to_review: int = 0  # experts whose standing conflicts wait for the management unit's review


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
    if filters.conflicts_to_review:
        qs = qs.filter(CONFLICTS_TO_REVIEW)
    profiles = [
        profile
        for profile in qs
        if (not filters.theme or filters.theme in (profile.themes or []))
        and (not filters.language or filters.language in (profile.languages or []))
    ]
    vetting_first = can(user, "vet_expert")
    profiles.sort(key=lambda p: (VETTING_ORDER.get(p.vetting_status, 3) if vetting_first else 0, name_key(str(p.user))))
    rows = [_row(profile) for profile in profiles]
    # What waits for the management unit, both counted in one read.
    waiting = ExpertProfile.objects.filter(user__groups__name=Role.EXPERT).aggregate(
        to_vet=Count("pk", filter=Q(vetting_status=ExpertProfile.Vetting.PENDING)),
        to_review=Count("pk", filter=CONFLICTS_TO_REVIEW),
    )
    return ExpertPool(
        rows=rows, total=len(rows), to_vet=waiting["to_vet"], to_review=waiting["to_review"], filters=filters
    )


def expert_profile_of(pk: int) -> ExpertRow | None:
    """The expert whose user id is ``pk`` (their profile, with regions and standing conflicts), or None if there
    is no such expert."""
    profile = (
        _profiles()
        .filter(user_id=pk)
        .prefetch_related(Prefetch("conflict_cities", queryset=City.objects.only("name", "country")))
        .select_related("vetted_by", "nominated_by", "conflicts_reviewed_by")
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
    leave_until: date | None = None

    @property
    def reason_label(self) -> str:
        return unfit_label(self.reason, until=self.leave_until)


def experts_absent_from_matching(request: SupportRequest, name: str) -> list[AbsentExpert]:
    """The experts whose name contains ``name`` who may not be proposed for ``request``, each with the reason
    (``expert_unfit``, the rule the matching applies): five queries whatever the pool (the profiles, their
    standing conflicts, then their leave and the conflicts they declared on the city)."""
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
    found = list(profiles)
    day = pool_day(request, [profile.user_id for profile in found]) if found else None
    absent = [
        AbsentExpert(profile=profile, reason=reason, leave_until=day.leave_until.get(profile.user_id))
        for profile in found
        if day is not None and (reason := expert_unfit(profile, request, day=day)) is not None
    ]
    absent.sort(key=lambda a: name_key(str(a.profile.user)))
    return absent


@dataclass(frozen=True)
class PeriodSpan:
    """One leave or standby period as matching reads it (``period_spans``): no model row, no query per region."""

    kind: str
    starts_on: date
    ends_on: date
    languages: tuple[str, ...]
    region_ids: frozenset[int]

    def reaches(self, *, region_id: int | None, language: str, own_regions: set[int], own_languages: list[str]) -> bool:
        """Whether a standby covers a request of ``region_id`` in ``language``; a standby naming no region or no
        language stands for all of the expert's own (``ExpertPeriod``)."""
        regions = self.region_ids or own_regions
        languages = self.languages or tuple(own_languages)
        return region_id in regions and language in languages


def period_spans(day: date) -> dict[int, list[PeriodSpan]]:
    """Every expert's periods that have not ended before ``day`` (current ones, and the next ones that may extend
    a leave or standby without a gap), by expert id: one query, a row per region of each period."""
    rows = (
        ExpertPeriod.objects.filter(ends_on__gte=day)
        .order_by("expert_id", "starts_on", "pk")
        .values_list("pk", "expert_id", "kind", "starts_on", "ends_on", "languages", "regions")
    )
    gathered: dict[int, tuple[int, str, date, date, tuple[str, ...], set[int]]] = {}
    for pk, expert_id, kind, starts_on, ends_on, languages, region_id in rows:
        entry = gathered.setdefault(pk, (expert_id, kind, starts_on, ends_on, tuple(languages or ()), set()))
        if region_id is not None:
            entry[5].add(region_id)
    spans: dict[int, list[PeriodSpan]] = {}
    for expert_id, kind, starts_on, ends_on, languages, regions in gathered.values():
        spans.setdefault(expert_id, []).append(
            PeriodSpan(
                kind=kind, starts_on=starts_on, ends_on=ends_on, languages=languages, region_ids=frozenset(regions)
            )
        )
    return spans


def expert_standby_until(user: User) -> date | None:
    """The last day of the standby that covers today for ``user`` (periods that follow one another counted as one),
    or None: one query."""
    today = timezone.localdate()
    spans = ExpertPeriod.objects.filter(
        expert_id=user.pk, kind=ExpertPeriod.Kind.STANDBY, ends_on__gte=today
    ).values_list("starts_on", "ends_on")
    return run_end(spans, today)


@dataclass(frozen=True)
class PeriodRow:
    """One leave or standby period as the availability and profile pages show it: labels, never codes."""

    period: ExpertPeriod
    current: bool
    region_names: list[str]
    language_labels: list[str]

    @property
    def is_standby(self) -> bool:
        return self.period.kind == ExpertPeriod.Kind.STANDBY


def expert_periods(expert_id: int) -> list[PeriodRow]:
    """The expert's current and coming periods, the soonest first (those already over are history): two queries."""
    today = timezone.localdate()
    periods = (
        ExpertPeriod.objects.filter(expert_id=expert_id, ends_on__gte=today)
        .prefetch_related(Prefetch("regions", queryset=Region.objects.only("name", "name_fr", "name_ar")))
        .order_by("starts_on", "kind", "pk")
    )
    return [
        PeriodRow(
            period=period,
            current=period.starts_on <= today,
            region_names=sorted((r.localized_name for r in period.regions.all()), key=name_key),
            language_labels=choice_labels(Language, period.languages or []),
        )
        for period in periods
    ]


def expert_own_profile(user: User) -> ExpertProfile | None:
    """The profile of ``user`` as an expert, with their regions (their standby's default reach): two queries."""
    return (
        ExpertProfile.objects.filter(user_id=user.pk)
        .select_related("user")
        .prefetch_related(Prefetch("regions", queryset=Region.objects.only("name", "name_fr", "name_ar")))
        .first()
    )


def expert_period_of(user: User, pk: int) -> ExpertPeriod | None:
    """The period ``pk`` if it is ``user``'s own, else None (the page answers 404: nobody probes another's)."""
    return ExpertPeriod.objects.filter(pk=pk, expert_id=user.pk).first()
