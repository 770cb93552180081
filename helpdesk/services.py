"""Writes of the help desk's domain data. Lifecycle moves live in ``workflows.services``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from helpdesk.models import (
    City,
    Language,
    ReferenceSequence,
    Role,
    Sensitivity,
    SupportKind,
    SupportRequest,
    Theme,
    Urgency,
    User,
)


def roles_ensure() -> dict[str, Group]:
    """Create the role groups if missing; safe to call any number of times."""
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def user_set_roles(*, user: User, roles: list[str]) -> None:
    groups = roles_ensure()
    user.groups.set([groups[role] for role in roles])
    user.__dict__.pop("_role_cache", None)


def reference_format(*, year: int, number: int) -> str:
    return f"{settings.REFERENCE_PREFIX}-{year}-{number:06d}"


def reference_allocate(*, year: int | None = None, count: int = 1) -> list[str]:
    """Hand out ``count`` consecutive references for ``year``.

    The counter row is bumped with one UPDATE, which takes the row lock (PostgreSQL) or the database
    write lock (SQLite), so two concurrent filings never get the same number.
    """
    year = year or timezone.now().year
    with transaction.atomic():
        ReferenceSequence.objects.get_or_create(year=year)
        ReferenceSequence.objects.filter(year=year).update(last_number=F("last_number") + count)
        last = ReferenceSequence.objects.values_list("last_number", flat=True).get(year=year)
    return [reference_format(year=year, number=n) for n in range(last - count + 1, last + 1)]


def request_create(
    *,
    city: City,
    submitted_by: User | None,
    title: str,
    description: str = "",
    summary: str = "",
    theme: str = Theme.OTHER,
    kind: str = SupportKind.ADVICE,
    strategic_priority: int | None = None,
    language: str = Language.EN,
    urgency: str = Urgency.NORMAL,
    desired_by: date | None = None,
    funding_requested: Decimal | None = None,
    currency: str = "EUR",
    sensitivity: str = Sensitivity.SHAREABLE,
) -> SupportRequest:
    """File a new request as a draft of ``city``; the lifecycle moves it on from there."""
    with transaction.atomic():
        (reference,) = reference_allocate()
        request = SupportRequest(
            reference=reference,
            city=city,
            region_id=city.region_id,
            submitted_by=submitted_by,
            title=title.strip(),
            description=description,
            summary=summary,
            theme=theme,
            kind=kind,
            strategic_priority=strategic_priority,
            language=language,
            urgency=urgency,
            desired_by=desired_by,
            funding_requested=funding_requested,
            currency=currency,
            sensitivity=sensitivity,
        )
        request.full_clean(exclude=["reference", "region", "state"])
        request.save()
    return request


def expert_access_grant(*, request: SupportRequest, expert: User) -> None:
    """Let a proposed expert see this request's brief (a guardian object permission, idempotent)."""
    assign_perm("helpdesk.view_supportrequest", expert, request)


def expert_access_revoke(*, request: SupportRequest, expert: User) -> None:
    remove_perm("helpdesk.view_supportrequest", expert, request)
