"""Which experts suit a request: a ranked read for the hub's matching page.

The pool is a few hundred people, so the ranking is computed over a handful of queries whatever the
pool's size (profiles with their load, their regions and standing conflicts, the conflicts declared on requests
of the city, this request's assignments, the leave and standby periods) and the scoring happens in Python, where
each part of the score can be shown to staff. Who may be proposed at all is ``helpdesk.access_people.expert_unfit``
(vetted, active, available, not on leave, no standing conflict with the city or its country, no conflict declared
on a request of the city without a waiver), the rule proposing itself asks: nobody else is listed. On a
fast-track request, the experts on standby today for its region and language come first.
Proposing stays with ``workflows.services.transition_perform``: this module only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from helpdesk.access_people import PoolDay, expert_unfit, leave_until_of, run_end
from helpdesk.models import City, ExpertPeriod, ExpertProfile, Region, SupportRequest, User, name_key
from helpdesk.selectors.experts import PeriodSpan, period_spans
from workflows.models import ExpertAssignment

# The weights say what matters most to a hub choosing someone: the subject first, then being
# understood, then knowing the region; availability and spare capacity break the ties.
WEIGHT_THEME = 40
WEIGHT_LANGUAGE = 20
WEIGHT_REGION = 15
WEIGHT_AVAILABILITY: dict[str, int] = {
    ExpertProfile.Availability.AVAILABLE: 15,
    ExpertProfile.Availability.LIMITED: 7,
    ExpertProfile.Availability.UNAVAILABLE: 0,
}
WEIGHT_SPARE_CAPACITY = 10


@dataclass(frozen=True)
class ConflictFlag:
    """A conflict of interest this expert declared on a request of the same city and a hub lead waived (one not
    waived leaves the expert out altogether)."""

    reference: str
    declared_at: datetime | None
    same_request: bool


@dataclass
class Candidate:
    expert: User
    profile: ExpertProfile
    score: int
    theme_match: bool
    language_match: bool
    region_match: bool
    load: int
    capacity: int
    region_names: list[str]
    conflicts: list[ConflictFlag] = field(default_factory=list)
    current_status: str = ""  # this expert's live assignment on the request, if any
    # On a fast-track request: the last day of the standby covering its region and language today, if any.
    standby_until: date | None = None

    @property
    def at_capacity(self) -> bool:
        return self.load >= self.capacity

    @property
    def unavailable(self) -> bool:
        return self.profile.availability == ExpertProfile.Availability.UNAVAILABLE

    @property
    def on_standby(self) -> bool:
        return self.standby_until is not None

    @property
    def proposable(self) -> bool:
        """Worth offering a checkbox for; the workflow service decides for good when staff propose."""
        return not (self.at_capacity or self.unavailable or self.current_status)


def _standby_until(
    spans: list[PeriodSpan], request: SupportRequest, profile: ExpertProfile, region_ids: set[int], today: date
) -> date | None:
    """The end of the standby run covering today that reaches ``request``'s region and language, if any."""
    reaching = [
        (span.starts_on, span.ends_on)
        for span in spans
        if span.kind == ExpertPeriod.Kind.STANDBY
        and span.reaches(
            region_id=request.region_id,
            language=request.language,
            own_regions=region_ids,
            own_languages=list(profile.languages or []),
        )
    ]
    return run_end(reaching, today)


def candidate_experts(request: SupportRequest) -> list[Candidate]:
    """The experts who may be proposed for ``request`` (``expert_unfit``), ranked: the best match first (on a
    fast-track request, those on standby for it before the rest), those who cannot take it now (full, already
    on it) last. Six queries whatever the pool."""
    active = list(ExpertAssignment.ACTIVE)
    profiles = (
        # The SQL narrows to what the rule would keep anyway; the rule below decides (standing conflicts, leave).
        ExpertProfile.objects.filter(vetting_status=ExpertProfile.Vetting.VETTED, user__is_active=True)
        .exclude(availability=ExpertProfile.Availability.UNAVAILABLE)
        .select_related("user")
        # Only what the ranking and the page read: a profile's bio and a user's other columns stay behind.
        .only(
            "themes",
            "languages",
            "availability",
            "max_concurrent_assignments",
            "conflict_countries",
            "vetting_status",
            "user__is_active",
            "user__username",
            "user__first_name",
            "user__last_name",
        )
        .prefetch_related(
            Prefetch("regions", queryset=Region.objects.only("name", "name_fr", "name_ar")),
            Prefetch("conflict_cities", queryset=City.objects.only("pk")),
        )
        .annotate(load=Count("user__assignments", filter=Q(user__assignments__status__in=active)))
    )
    # Conflicts declared on the city's requests: those not waived leave the expert out, the waived are flagged.
    declared: set[int] = set()
    waived: dict[int, list[ConflictFlag]] = {}
    for expert_id, reference, request_id, declared_at, waived_at in (
        ExpertAssignment.objects.filter(has_conflict=True, request__city_id=request.city_id)
        .order_by("-responded_at", "-id")
        .values_list("expert_id", "request__reference", "request_id", "responded_at", "waived_at")
    ):
        if waived_at is None:
            declared.add(expert_id)
        else:
            waived.setdefault(expert_id, []).append(
                ConflictFlag(reference=reference, declared_at=declared_at, same_request=request_id == request.pk)
            )
    today = timezone.localdate()
    spans = period_spans(today)
    leaves = (
        (expert_id, span.starts_on, span.ends_on)
        for expert_id, periods in spans.items()
        for span in periods
        if span.kind == ExpertPeriod.Kind.LEAVE
    )
    day = PoolDay(
        today=today,
        leave_until=leave_until_of(leaves, today),
        declared_conflict=frozenset(declared) if request.city_id is not None else frozenset(),
    )
    live = dict(
        ExpertAssignment.objects.filter(
            request=request, status__in=[*active, ExpertAssignment.Status.COMPLETED]
        ).values_list("expert_id", "status")
    )
    fast_track = request.fast_tracked_at is not None
    candidates = []
    for profile in profiles:
        if expert_unfit(profile, request, day=day) is not None:
            continue
        region_ids = {region.pk for region in profile.regions.all()}
        candidate = Candidate(
            expert=profile.user,
            profile=profile,
            score=0,
            theme_match=request.theme in (profile.themes or []),
            language_match=request.language in (profile.languages or []),
            region_match=request.region_id in region_ids,
            load=profile.load,
            capacity=profile.max_concurrent_assignments,
            region_names=sorted((region.localized_name for region in profile.regions.all()), key=name_key),
            conflicts=waived.get(profile.user_id, []),
            current_status=live.get(profile.user_id, ""),
            standby_until=(
                _standby_until(spans.get(profile.user_id, []), request, profile, region_ids, today)
                if fast_track
                else None
            ),
        )
        candidate.score = score(candidate)
        candidates.append(candidate)
    # Standby comes first only among those who can take the request now: a full expert on standby stays below.
    candidates.sort(key=lambda c: (not c.proposable, not c.on_standby, -c.score, c.load, str(c.expert).casefold()))
    return candidates


def score(candidate: Candidate) -> int:
    """0 to 100: how well this expert fits (a conflict of interest is not a weight: it leaves the expert out)."""
    total = 0
    total += WEIGHT_THEME if candidate.theme_match else 0
    total += WEIGHT_LANGUAGE if candidate.language_match else 0
    total += WEIGHT_REGION if candidate.region_match else 0
    total += WEIGHT_AVAILABILITY.get(candidate.profile.availability, 0)
    spare = max(candidate.capacity - candidate.load, 0)
    total += round(WEIGHT_SPARE_CAPACITY * spare / candidate.capacity) if candidate.capacity else 0
    return max(total, 0)


@dataclass(frozen=True)
class CandidateFilters:
    """What hub staff narrow the ranked pool to: part of a name, an expertise (theme), a working language."""

    name: str = ""
    theme: str = ""
    language: str = ""


def candidates_filter(candidates: list[Candidate], filters: CandidateFilters) -> list[Candidate]:
    """The ``candidates`` that meet every filter, in their ranked order (the pool is a few hundred people, ranked
    in Python already: filtering the list costs no query)."""
    name = filters.name.strip().casefold()

    def keeps(candidate: Candidate) -> bool:
        expert = candidate.expert
        if name and name not in str(expert).casefold() and name not in expert.username.casefold():
            return False
        if filters.theme and filters.theme not in (candidate.profile.themes or []):
            return False
        return not filters.language or filters.language in (candidate.profile.languages or [])

    return [c for c in candidates if keeps(c)]
