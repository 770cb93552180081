"""The desk's basic writes: role groups and human-sized references."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from helpdesk import access, kept_lists
from helpdesk.models import ReferenceSequence, Role, User


def roles_ensure() -> dict[str, Group]:
    """Create the role groups if missing; safe to call any number of times."""
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def user_set_roles(*, user: User, roles: list[str]) -> None:
    groups = roles_ensure()
    before = user.role_names
    user.groups.set([groups[role] for role in roles])
    access.forget(user)
    kept_lists.person_lists_forget(user, roles=before)


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
