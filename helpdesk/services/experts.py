"""The expert pool's writes: an expert keeps their own profile (the management unit may correct it) and declares
their leave and standby periods; the management unit vets, suspends and reinstates experts and reviews their
standing conflicts. Each change leaves a ``PeopleLog`` line (before and after of what changed) in the same
transaction.

A suspension takes effect at once: ``User.expert_in_good_standing`` (what every grant, page and the session
middleware ask) is read afresh by the next HTTP request, and ``access.forget`` drops what this process read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from helpdesk import access
from helpdesk.models import (
    City,
    ExpertPeriod,
    ExpertProfile,
    Language,
    PeopleAction,
    Region,
    Theme,
    User,
    in_choice_order,
)
from helpdesk.selectors.experts import conflicts_to_review
from helpdesk.services.people_log import people_log_record

Vetting = ExpertProfile.Vetting

# The vetting moves the management unit may make, and whether each must say why. A suspension (or turning
# down a nominee who was never vetted) always says why; vetting a nominee may.
VETTING_MOVES: dict[tuple[str, str], bool] = {
    (Vetting.PENDING, Vetting.VETTED): False,
    (Vetting.PENDING, Vetting.SUSPENDED): True,
    (Vetting.VETTED, Vetting.SUSPENDED): True,
    (Vetting.SUSPENDED, Vetting.VETTED): True,
}
MAX_CAPACITY = 20
# A leave or a standby is declared for at most this many days; longer, an expert marks themselves unavailable.
MAX_PERIOD_DAYS = 366
STANDING_CONFLICTS = frozenset({"conflict_cities", "conflict_countries", "conflict_organisations"})


def _ids(objects: Iterable[Any]) -> list[int]:
    return sorted(obj.pk for obj in objects)


def expert_profile_update(
    *,
    profile: ExpertProfile,
    actor: User,
    themes: Iterable[str],
    languages: Iterable[str],
    regions: Iterable[Region],
    bio: str,
    availability: str,
    max_concurrent_assignments: int,
    conflict_cities: Iterable[City],
    conflict_countries: Iterable[str],
    conflict_organisations: str,
) -> ExpertProfile:
    """Save an expert's profile, availability and standing conflicts, by the expert or the management unit.

    Raises ``PermissionDenied`` for anyone else and ``ValidationError`` (by field) for a value outside its list.
    Records what changed, before and after (nothing when nothing changed)."""
    if not access.can(actor, "edit_expert_profile", profile):
        raise PermissionDenied
    errors: dict[str, Any] = {}
    theme_set, language_set, country_set = set(themes), set(languages), {c.upper() for c in conflict_countries}
    if theme_set - set(Theme.values):
        errors["themes"] = _("Choose themes from the list.")
    if language_set - set(Language.values):
        errors["languages"] = _("Choose languages from the list.")
    if availability not in ExpertProfile.Availability.values:
        errors["availability"] = _("Choose an availability from the list.")
    if not 1 <= max_concurrent_assignments <= MAX_CAPACITY:
        errors["max_concurrent_assignments"] = _("Between 1 and %(max)d assignments at a time.") % {"max": MAX_CAPACITY}
    if any(code not in countries for code in country_set):
        errors["conflict_countries"] = _("Choose countries from the list.")
    if errors:
        raise ValidationError(errors)
    after: dict[str, Any] = {
        # In the catalogue's order, so that a form sending them in another order changes nothing.
        "themes": in_choice_order(Theme, theme_set),
        "languages": in_choice_order(Language, language_set),
        "bio": bio.strip(),
        "availability": availability,
        "max_concurrent_assignments": max_concurrent_assignments,
        "conflict_countries": sorted(country_set),
        "conflict_organisations": conflict_organisations.strip(),
    }
    region_list, city_list = list(regions), list(conflict_cities)
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().get(pk=profile.pk)
        before = {name: getattr(locked, name) for name in after}
        before["regions"] = _ids(locked.regions.all())
        before["conflict_cities"] = _ids(locked.conflict_cities.all())
        after["regions"] = _ids(region_list)
        after["conflict_cities"] = _ids(city_list)
        changed = {
            name: {"before": before[name], "after": after[name]} for name in after if before[name] != after[name]
        }
        if not changed:
            return locked
        columns = [name for name in changed if name not in ("regions", "conflict_cities")]
        for name in columns:
            setattr(locked, name, after[name])
        if "regions" in changed:
            locked.regions.set(region_list)
        if "conflict_cities" in changed:
            locked.conflict_cities.set(city_list)
        locked.updated_at = timezone.now()
        stamped = ["updated_at"]
        # A change to the standing conflicts waits for the management unit's review (the pool's "to review").
        if changed.keys() & STANDING_CONFLICTS:
            locked.conflicts_updated_at = locked.updated_at
            stamped.append("conflicts_updated_at")
        locked.save(update_fields=[*columns, *stamped])
        # A bio is the expert's own words: the log says it changed, not what it says.
        if "bio" in changed:
            changed["bio"] = {"changed": True}
        people_log_record(
            actor=actor, action=PeopleAction.EXPERT_PROFILE_CHANGED, person=locked.user, detail={"changed": changed}
        )
    return locked


def expert_vetting_set(*, profile: ExpertProfile, actor: User, status: str, reason: str = "") -> ExpertProfile:
    """Vet, suspend or reinstate an expert (the management unit, never on their own profile).

    Pending → vetted (a reason may be given), pending → suspended (a nominee turned down: reason required),
    vetted → suspended and suspended → vetted (reason required). A suspension cuts the expert's access at once
    (their grants, pages and API are refused from their next request on). Raises ``PermissionDenied`` for
    anyone else and ``ValidationError`` for a move outside these or a missing reason."""
    if not access.can(actor, "vet_expert", profile):
        raise PermissionDenied
    reason = reason.strip()
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        before = locked.vetting_status
        needs_reason = VETTING_MOVES.get((before, status))
        if needs_reason is None:
            raise ValidationError(
                {"status": _("This expert's vetting cannot change that way now: reload the page.")}, code="invalid"
            )
        if needs_reason and not reason:
            raise ValidationError({"reason": _("Say why: it stays in the expert’s vetting history.")}, code="required")
        locked.vetting_status = status
        locked.vetting_reason = reason
        locked.vetted_at = timezone.now()
        locked.vetted_by = actor
        locked.save(update_fields=["vetting_status", "vetting_reason", "vetted_at", "vetted_by"])
        people_log_record(
            actor=actor,
            action=PeopleAction.EXPERT_VETTING,
            person=locked.user,
            detail={"vetting_status": {"before": before, "after": status}, "reason": reason},
        )
    # What this process read about the expert's access no longer holds.
    access.forget(locked.user)
    access.forget(profile.user)
    profile.vetting_status, profile.vetting_reason = locked.vetting_status, locked.vetting_reason
    profile.vetted_at, profile.vetted_by = locked.vetted_at, actor
    return locked


def _period_detail(period: ExpertPeriod, regions: Iterable[Region] | None = None) -> dict[str, Any]:
    """A period as the people log keeps it (its codes and dates, never a label)."""
    return {
        "id": period.pk,
        "kind": period.kind,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "regions": _ids(regions if regions is not None else period.regions.all()),
        "languages": list(period.languages or []),
    }


def _own_profile(expert_id: int, actor: User) -> ExpertProfile:
    profile = ExpertProfile.objects.filter(user_id=expert_id).select_related("user").first()
    if profile is None or not access.can(actor, "manage_expert_availability", profile):
        raise PermissionDenied
    return profile


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


def expert_period_add(
    *,
    expert: User,
    actor: User,
    kind: str,
    starts_on: date,
    ends_on: date,
    regions: Iterable[Region] = (),
    languages: Iterable[str] = (),
) -> ExpertPeriod:
    """Declare a leave (matching leaves the expert out on those days) or a standby for incident response (matching
    lists them first on a fast-track request of those regions and languages), by the expert themselves.

    Both ends are included. Raises ``PermissionDenied`` for anyone else and ``ValidationError`` by field: a start in
    the past, an end before the start or more than a year on, a standby without a region or a language, a period
    overlapping another of the same kind."""
    profile = _own_profile(expert.pk, actor)
    today = timezone.localdate()
    region_list, language_set = list(regions), set(languages)
    errors: dict[str, Any] = {}
    if kind not in ExpertPeriod.Kind.values:
        errors["kind"] = _("Choose leave or standby.")
    if starts_on < today:
        errors["starts_on"] = _("Choose today or a later day.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot come before the first.")
    elif (ends_on - starts_on).days >= MAX_PERIOD_DAYS:
        errors["ends_on"] = _("At most a year at a time: for longer, mark yourself unavailable on your profile.")
    if kind == ExpertPeriod.Kind.STANDBY:
        if not region_list:
            errors["regions"] = _("Choose at least one region you can respond in.")
        elif not all(region.is_active for region in region_list):
            errors["regions"] = _("Choose regions from the list.")
        if not language_set:
            errors["languages"] = _("Choose at least one language you can work in.")
        elif language_set - set(Language.values):
            errors["languages"] = _("Choose languages from the list.")
    else:
        # A leave covers every region and language.
        region_list, language_set = [], set()
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The profile row is the expert's lock: two declarations at once cannot both pass the overlap check.
        ExpertProfile.objects.select_for_update().filter(pk=profile.pk).values_list("pk", flat=True).first()
        clash = (
            ExpertPeriod.objects.filter(expert_id=expert.pk, kind=kind, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            dates = {"start": _day(clash.starts_on), "end": _day(clash.ends_on)}
            if kind == ExpertPeriod.Kind.LEAVE:
                message = gettext("You are already on leave from %(start)s to %(end)s: choose other days.") % dates
            else:
                message = gettext("You are already on standby from %(start)s to %(end)s: choose other days.") % dates
            raise ValidationError({"starts_on": message})
        period = ExpertPeriod.objects.create(
            expert=expert,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            languages=in_choice_order(Language, language_set),
        )
        if region_list:
            period.regions.set(region_list)
        people_log_record(
            actor=actor,
            action=PeopleAction.EXPERT_AVAILABILITY,
            person=expert,
            detail={"changed": {"availability_period": {"before": None, "after": _period_detail(period, region_list)}}},
        )
    return period


def expert_period_remove(*, period: ExpertPeriod, actor: User) -> ExpertPeriod | None:
    """Remove a current or coming period, by its expert: one that has not begun (or begins today) is deleted; one
    already under way ends yesterday, so that its past days stay as they were. Returns the shortened period, or
    None when deleted.

    Raises ``PermissionDenied`` for anyone else and ``ValidationError`` for a period already over (or removed)."""
    profile = _own_profile(period.expert_id, actor)
    today = timezone.localdate()
    with transaction.atomic():
        locked = ExpertPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if locked is None or locked.ends_on < today:
            raise ValidationError(_("This period is already over or removed: reload the page."), code="invalid")
        before = _period_detail(locked)
        kept: ExpertPeriod | None
        if locked.starts_on >= today:
            locked.delete()
            kept, after = None, None
        else:
            locked.ends_on = today - timedelta(days=1)
            locked.save(update_fields=["ends_on"])
            kept, after = locked, {**before, "ends_on": locked.ends_on.isoformat()}
        people_log_record(
            actor=actor,
            action=PeopleAction.EXPERT_AVAILABILITY,
            person=profile.user,
            detail={"changed": {"availability_period": {"before": before, "after": after}}},
        )
    return kept


def expert_conflicts_review(*, profile: ExpertProfile, actor: User, declared_at: datetime | None) -> ExpertProfile:
    """Mark the expert's standing conflicts as reviewed by the management unit, as declared at ``declared_at`` (the
    ``conflicts_updated_at`` the reviewer read: a change since then is not covered and is refused).

    Raises ``PermissionDenied`` for anyone else and ``ValidationError`` when nothing waits for review or the
    conflicts changed meanwhile."""
    if not access.can(actor, "review_expert_conflicts", profile):
        raise PermissionDenied
    with transaction.atomic():
        locked = ExpertProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
        if not conflicts_to_review(locked):
            raise ValidationError(_("These conflicts are already reviewed: reload the page."), code="invalid")
        if declared_at is None or locked.conflicts_updated_at != declared_at:
            raise ValidationError(
                _("The expert changed their conflicts since you opened the page: read them again."), code="stale"
            )
        before = locked.conflicts_reviewed_at
        locked.conflicts_reviewed_at = timezone.now()
        locked.conflicts_reviewed_by = actor
        locked.save(update_fields=["conflicts_reviewed_at", "conflicts_reviewed_by"])
        people_log_record(
            actor=actor,
            action=PeopleAction.EXPERT_CONFLICTS_REVIEWED,
            person=locked.user,
            detail={
                "changed": {
                    "conflicts_reviewed_at": {
                        "before": before.isoformat() if before else None,
                        "after": locked.conflicts_reviewed_at.isoformat(),
                    }
                },
                "conflicts_updated_at": locked.conflicts_updated_at.isoformat()
                if locked.conflicts_updated_at
                else None,
            },
        )
    profile.conflicts_reviewed_at, profile.conflicts_reviewed_by = locked.conflicts_reviewed_at, actor
    return locked
