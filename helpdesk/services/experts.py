"""The expert pool's writes: an expert keeps their own profile (the management unit may correct it), and the
management unit vets, suspends and reinstates experts. Each change leaves a ``PeopleLog`` line (before and after
of what changed) in the same transaction.

A suspension takes effect at once: ``User.expert_in_good_standing`` (what every grant, page and the session
middleware ask) is read afresh by the next HTTP request, and ``access.forget`` drops what this process read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from helpdesk import access
from helpdesk.models import City, ExpertProfile, Language, PeopleAction, Region, Theme, User, in_choice_order
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
        locked.save(update_fields=[*columns, "updated_at"])
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
