"""City records, kept by their hub's staff and the management unit (name, country, languages, membership and
its dates); a city's anonymity to experts, chosen by the city itself through its focal points.

Focal points are not part of the record: they come by invitation and leave by handover. Each change leaves a
``PeopleLog`` line (before and after of what changed) in its own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk import kept_lists
from helpdesk.access import can
from helpdesk.models import City, Language, PeopleAction, Region, User, in_choice_order
from helpdesk.services.people_log import people_log_record
from helpdesk.signals import city_country_changed

# The record's fields a change is logged by (the order of the log's detail).
RECORD_FIELDS = ("name", "country", "is_member", "member_since", "principles_accepted_on", "languages")


def _languages(languages: Iterable[str]) -> list[str]:
    wanted = set(languages)
    if wanted - set(Language.values):
        raise ValidationError({"languages": _("Choose languages from the list.")})
    return in_choice_order(Language, wanted)


def _clean(
    *,
    name: str,
    country: str,
    member_since: date | None,
    principles_accepted_on: date | None,
    exclude_pk: int | None = None,
) -> str:
    """Check what a record may not hold; returns the name as kept (trimmed). Raises ``ValidationError`` by
    field."""
    errors: dict[str, Any] = {}
    name = " ".join(name.split())
    today = timezone.localdate()
    if not name:
        errors["name"] = _("Give the city's name.")
    if not country:
        errors["country"] = _("Choose the city's country.")
    if member_since is not None and member_since > today:
        errors["member_since"] = _("A city cannot have joined in the future.")
    if principles_accepted_on is not None and principles_accepted_on > today:
        errors["principles_accepted_on"] = _("The principles cannot have been accepted in the future.")
    if name and country:
        same = City.objects.filter(name__iexact=name, country=country)
        if exclude_pk is not None:
            same = same.exclude(pk=exclude_pk)
        if same.exists():
            errors["name"] = _("This country already has a city of this name on the desk.")
    if errors:
        raise ValidationError(errors)
    return name


def _logged(value: object) -> object:
    """A field's value as the log's JSON keeps it (a date as its ISO day, a country as its code)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value if value is None or isinstance(value, bool) else str(value)


def city_create(
    *,
    actor: User,
    region: Region,
    name: str,
    country: str,
    is_member: bool = True,
    member_since: date | None = None,
    principles_accepted_on: date | None = None,
    languages: Iterable[str] = (),
) -> City:
    """Add a city to ``region``'s records (its hub's staff, the management unit). Raises ``PermissionDenied``
    and ``ValidationError`` (by field: a (name, country) already kept, a date in the future, a language outside
    the list)."""
    if not can(actor, "add_city", region=region):
        raise PermissionDenied
    kept_languages = _languages(languages)
    with transaction.atomic():
        kept_name = _clean(
            name=name, country=country, member_since=member_since, principles_accepted_on=principles_accepted_on
        )
        city = City.objects.create(
            name=kept_name,
            country=country,
            region=region,
            is_member=is_member,
            member_since=member_since,
            principles_accepted_on=principles_accepted_on,
            languages=kept_languages,
        )
        after = {field: _logged(getattr(city, field)) for field in RECORD_FIELDS}
        people_log_record(
            actor=actor, action=PeopleAction.CITY_ADDED, city=city, region=region, detail={"after": after}
        )
        kept_lists.hub_lists_forget(region_ids=[region.pk])  # the hub's filter bar: its cities and countries
    return city


def city_update(
    *,
    city: City,
    actor: User,
    name: str,
    country: str,
    is_member: bool,
    member_since: date | None,
    principles_accepted_on: date | None,
    languages: Iterable[str],
) -> City:
    """Keep ``city``'s record as given (the whole record; not its hub, anonymity nor focal points). Leaving the
    network clears nothing: the directory lists members only. Logs the fields that changed, nothing when none
    did. Raises ``PermissionDenied`` and ``ValidationError`` as ``city_create``."""
    if not can(actor, "edit_city", city):
        raise PermissionDenied
    wanted: dict[str, Any] = {
        "is_member": is_member,
        "member_since": member_since,
        "principles_accepted_on": principles_accepted_on,
        "languages": _languages(languages),
    }
    with transaction.atomic():
        locked = City.objects.select_for_update().select_related("region").get(pk=city.pk)
        wanted["name"] = _clean(
            name=name,
            country=country,
            member_since=member_since,
            principles_accepted_on=principles_accepted_on,
            exclude_pk=locked.pk,
        )
        wanted["country"] = country
        country_before = str(locked.country)
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        for field in RECORD_FIELDS:
            old, new = _logged(getattr(locked, field)), _logged(wanted[field])
            if old != new:
                before[field], after[field] = old, new
                setattr(locked, field, wanted[field])
        if after:
            locked.save(update_fields=list(after))
            people_log_record(
                actor=actor,
                action=PeopleAction.CITY_CHANGED,
                city=locked,
                region=locked.region,
                detail={"before": before, "after": after},
            )
            if {"name", "country"} & after.keys():
                kept_lists.hub_lists_forget(region_ids=[locked.region_id])
            city_country_followed(city=locked, before=country_before)
    for field in after:
        setattr(city, field, getattr(locked, field))
    return city


def city_country_followed(*, city: City, before: str) -> None:
    """Inside the transaction that saved ``city`` (its row locked before ``before`` was read): if its country is
    no longer ``before``, say so (``helpdesk.signals.city_country_changed``), so the figures kept per country move
    its requests. Called by ``city_update`` and by the admin's edit of a city."""
    if str(city.country) != before:
        city_country_changed.send(sender=City, city_id=city.pk, before=before)


def city_anonymity_set(*, city: City, actor: User, anonymous: bool) -> City:
    """The city's own choice, made by one of its focal points: whether experts see its name and country or only
    its hub. Logged when it changes. Raises ``PermissionDenied`` for anyone else."""
    if not can(actor, "set_city_anonymity", city):
        raise PermissionDenied
    with transaction.atomic():
        locked = City.objects.select_for_update().select_related("region").get(pk=city.pk)
        before = locked.anonymous_to_experts
        if before != anonymous:
            locked.anonymous_to_experts = anonymous
            locked.save(update_fields=["anonymous_to_experts"])
            people_log_record(
                actor=actor,
                action=PeopleAction.CITY_ANONYMITY,
                city=locked,
                region=locked.region,
                detail={"before": {"anonymous_to_experts": before}, "after": {"anonymous_to_experts": anonymous}},
            )
    city.anonymous_to_experts = anonymous
    return city
