"""The trusted pool in the demo network (issue 19): ``expert.amina`` on standby this week for the MENA hub in
Arabic and French (so an incident there lists her first), ``expert.omar`` on leave (the MENA matching page says
until when), and ``expert.claire``, whose standing conflicts (Lyon, reviewed six weeks ago) changed since: Cameroon and an
organisation, not reviewed yet (the pool shows her under "conflicts to review").

Written through the product's services, as the people would; each part only when missing, so a second run changes
nothing. The periods start on the day of the seeding."""

from __future__ import annotations

import datetime

from django.utils import timezone

from helpdesk.models import City, ExpertPeriod, ExpertProfile, Region, User
from helpdesk.services.experts import expert_conflicts_review, expert_period_add, expert_profile_update

STANDBY_EXPERT = "expert.amina"
ON_LEAVE_EXPERT = "expert.omar"
CONFLICTS_EXPERT = "expert.claire"
REVIEWER = "mu.director"


def _profile_fields(profile: ExpertProfile, **changes: object) -> dict[str, object]:
    """The profile as its edit form would send it back, with ``changes``."""
    fields: dict[str, object] = {
        "themes": profile.themes,
        "languages": profile.languages,
        "regions": list(profile.regions.all()),
        "bio": profile.bio,
        "availability": profile.availability,
        "max_concurrent_assignments": profile.max_concurrent_assignments,
        "conflict_cities": list(profile.conflict_cities.all()),
        "conflict_countries": profile.conflict_countries,
        "conflict_organisations": profile.conflict_organisations,
    }
    return {**fields, **changes}


def _standby(today: datetime.date) -> int:
    amina = User.objects.get(username=STANDBY_EXPERT)
    if ExpertPeriod.objects.filter(expert=amina, kind=ExpertPeriod.Kind.STANDBY, ends_on__gte=today).exists():
        return 0
    expert_period_add(
        expert=amina,
        actor=amina,
        kind=ExpertPeriod.Kind.STANDBY,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=6),
        regions=[Region.objects.get(code="mena")],
        languages=["ar", "fr"],
    )
    return 1


def _leave(today: datetime.date) -> int:
    omar = User.objects.get(username=ON_LEAVE_EXPERT)
    if ExpertPeriod.objects.filter(expert=omar, kind=ExpertPeriod.Kind.LEAVE, ends_on__gte=today).exists():
        return 0
    expert_period_add(
        expert=omar,
        actor=omar,
        kind=ExpertPeriod.Kind.LEAVE,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=13),
    )
    return 1


def _conflicts_changed_after_review() -> int:
    claire = User.objects.get(username=CONFLICTS_EXPERT)
    profile = ExpertProfile.objects.get(user=claire)
    if profile.conflicts_reviewed_at is not None:
        return 0
    # Six weeks ago: a standing conflict declared and reviewed.
    lyon = City.objects.get(name="Lyon")
    expert_profile_update(profile=profile, actor=claire, **_profile_fields(profile, conflict_cities=[lyon]))
    profile.refresh_from_db()
    expert_conflicts_review(
        profile=profile, actor=User.objects.get(username=REVIEWER), declared_at=profile.conflicts_updated_at
    )
    weeks_ago = timezone.now() - datetime.timedelta(weeks=6)
    ExpertProfile.objects.filter(pk=profile.pk).update(
        conflicts_updated_at=weeks_ago - datetime.timedelta(days=2), conflicts_reviewed_at=weeks_ago
    )
    # Since then: a country and an organisation she is tied to, not yet reviewed.
    profile.refresh_from_db()
    expert_profile_update(
        profile=profile,
        actor=claire,
        **_profile_fields(
            profile,
            conflict_countries=["CM"],
            conflict_organisations="Réseau des maires de l’Extrême-Nord (adviser until 2025)",
        ),
    )
    return 1


def seed_pool() -> int:
    """The standby, the leave and the conflicts to review; how many of the three were added."""
    today = timezone.localdate()
    return _standby(today) + _leave(today) + _conflicts_changed_after_review()
