"""Reads of the network's cities: the directory of member cities (every signed-in person), the membership gaps
per hub (the management unit, hub staff for their own), and one city's record.

The directory says what a city has worked on as the distinct themes of its submitted requests: an aggregate,
never a request's title or text. A city that chose to stay anonymous to experts is left out of an expert's
directory and counted instead, per hub (the count does not follow a name search, so it cannot confirm a name).
Every read is a fixed number of queries whatever the number of cities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from helpdesk.access import can, scope
from helpdesk.models import (
    City,
    Language,
    PeopleAction,
    PeopleLog,
    Region,
    RequestState,
    Role,
    SupportRequest,
    Theme,
    User,
    choice_labels,
    country_name,
    name_key,
)


@dataclass(frozen=True)
class DirectoryCity:
    pk: int
    name: str
    country: str  # its name in the reader's language
    languages: list[str]  # labels
    themes: list[str]  # labels, in the catalogue's order
    anonymous_to_experts: bool
    may_open: bool  # its record (``city_record_for``)
    may_edit: bool


@dataclass
class DirectoryHub:
    pk: int
    name: str
    cities: list[DirectoryCity] = field(default_factory=list)
    # Member cities of the hub left out because they chose not to be listed to experts (experts only).
    unlisted: int = 0


@dataclass
class Directory:
    hubs: list[DirectoryHub]
    # Cities on record that are not (or no longer) members, for those who keep the records.
    non_members: list[DirectoryCity]

    @property
    def total(self) -> int:
        return sum(len(hub.cities) for hub in self.hubs)


def _hides_anonymous(user: User) -> bool:
    """An expert reads the directory without the cities that chose to stay anonymous to experts (unless they
    also oversee the hub or speak for the city)."""
    s = scope(user)
    return Role.EXPERT in user.roles and not s.management and s.hub_region_id is None


def _worked_on(city_ids: list[int]) -> dict[int, set[str]]:
    """The distinct themes of each city's submitted requests (one query; drafts are the city's own)."""
    rows = (
        SupportRequest.objects.filter(city_id__in=city_ids)
        .exclude(state=RequestState.DRAFT)
        .values_list("city_id", "theme")
        .distinct()
    )
    themes: dict[int, set[str]] = {}
    for city_id, theme in rows:
        themes.setdefault(city_id, set()).add(theme)
    return themes


def _row(user: User, city: City, themes: set[str]) -> DirectoryCity:
    return DirectoryCity(
        pk=city.pk,
        name=city.name,
        country=country_name(str(city.country)),
        languages=choice_labels(Language, city.languages or []),
        themes=choice_labels(Theme, themes),
        anonymous_to_experts=city.anonymous_to_experts,
        may_open=may_see_record(user, city),
        may_edit=can(user, "edit_city", city),
    )


_CITY_COLUMNS = ("pk", "name", "country", "region_id", "languages", "anonymous_to_experts", "is_member")


def hub_choices() -> list[tuple[int, str]]:
    """Every hub as (id, name), in the reader's alphabetical order (the directory's filter)."""
    regions = Region.objects.only("pk", "name", "name_fr", "name_ar")
    return sorted(((r.pk, r.localized_name) for r in regions), key=lambda pair: name_key(pair[1]))


def city_directory(
    user: User, *, hub: int | None = None, theme: str = "", language: str = "", query: str = ""
) -> Directory:
    """The member cities by hub, with their working languages and the themes they have worked on, filtered by
    hub, theme, language and a part of the name (without case or accents). Five queries whatever the number of
    cities."""
    regions = {region.pk: region for region in Region.objects.only("pk", "name", "name_fr", "name_ar", "is_active")}
    members: QuerySet[City] = City.objects.filter(is_member=True).only(*_CITY_COLUMNS)
    if hub is not None:
        members = members.filter(region_id=hub)
    hides = _hides_anonymous(user)
    hidden = Q(anonymous_to_experts=True) & ~Q(pk__in=sorted(scope(user).city_ids))
    unlisted: dict[int, int] = {}
    if hides:
        counted = members.filter(hidden).values("region_id").annotate(n=Count("pk")).values_list("region_id", "n")
        unlisted = dict(counted)
        members = members.exclude(hidden)
    cities = list(members)
    worked_on = _worked_on([city.pk for city in cities])
    wanted = name_key(query.strip())
    hubs: dict[int, DirectoryHub] = {}
    for city in cities:
        themes = worked_on.get(city.pk, set())
        if (theme and theme not in themes) or (language and language not in (city.languages or [])):
            continue
        if wanted and wanted not in name_key(city.name):
            continue
        region = regions[city.region_id]
        entry = hubs.setdefault(region.pk, DirectoryHub(pk=region.pk, name=region.localized_name))
        entry.cities.append(_row(user, city, themes))
    for region_id, count in unlisted.items():
        region = regions[region_id]
        hubs.setdefault(region_id, DirectoryHub(pk=region_id, name=region.localized_name)).unlisted = count
    for entry in hubs.values():
        entry.cities.sort(key=lambda row: name_key(row.name))
    non_members = _non_members(user, hub)
    return Directory(hubs=sorted(hubs.values(), key=lambda entry: name_key(entry.name)), non_members=non_members)


def _non_members(user: User, hub: int | None) -> list[DirectoryCity]:
    """The records of cities that are not members, for the people who keep them (their hub's, or every hub's
    for the management unit): the directory lists members only, and these still need keeping."""
    s = scope(user)
    if not s.management and s.hub_region_id is None:
        return []
    records = City.objects.filter(is_member=False).only(*_CITY_COLUMNS)
    if not s.management and s.hub_region_id is not None:
        records = records.filter(region_id=s.hub_region_id)
    if hub is not None:
        records = records.filter(region_id=hub)
    rows = [_row(user, city, set()) for city in records]
    return sorted(rows, key=lambda row: name_key(row.name))


# --- membership gaps ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapCity:
    pk: int
    name: str
    country: str
    principles_accepted_on: date | None
    has_focal_point: bool


@dataclass
class HubGaps:
    pk: int
    name: str
    members: int = 0
    no_focal_point: list[GapCity] = field(default_factory=list)
    principles_missing: list[GapCity] = field(default_factory=list)

    @property
    def has_gaps(self) -> bool:
        return bool(self.no_focal_point or self.principles_missing)


def active_focal_point() -> Exists:
    """Whether a city has a focal point designated: an active account holding the role and the city."""
    return Exists(User.objects.filter(cities=OuterRef("pk"), is_active=True, groups__name=Role.FOCAL_POINT).only("pk"))


def membership_gaps(user: User) -> list[HubGaps]:
    """Per hub, the member cities with no focal point designated and those whose guiding principles are not
    accepted: every hub for the management unit, their own for hub staff, nothing for anyone else. Two
    queries whatever the number of cities."""
    s = scope(user)
    if not can(user, "view_membership_gaps"):
        return []
    regions = Region.objects.only("pk", "name", "name_fr", "name_ar", "is_active")
    cities = City.objects.filter(is_member=True).annotate(has_focal=active_focal_point())
    if not s.management and s.hub_region_id is not None:
        regions = regions.filter(pk=s.hub_region_id)
        cities = cities.filter(region_id=s.hub_region_id)
    else:
        # Planned hubs (inactive) only when cities are already on record there.
        regions = regions.filter(Q(is_active=True) | Q(cities__isnull=False)).distinct()
    hubs = {region.pk: HubGaps(pk=region.pk, name=region.localized_name) for region in regions}
    for city in cities.only("pk", "name", "country", "region_id", "principles_accepted_on"):
        entry = hubs.get(city.region_id)
        if entry is None:
            continue
        entry.members += 1
        row = GapCity(
            pk=city.pk,
            name=city.name,
            country=country_name(str(city.country)),
            principles_accepted_on=city.principles_accepted_on,
            has_focal_point=bool(getattr(city, "has_focal", False)),  # the annotation above
        )
        if not row.has_focal_point:
            entry.no_focal_point.append(row)
        if row.principles_accepted_on is None:
            entry.principles_missing.append(row)
    for entry in hubs.values():
        entry.no_focal_point.sort(key=lambda row: name_key(row.name))
        entry.principles_missing.sort(key=lambda row: name_key(row.name))
    return sorted(hubs.values(), key=lambda entry: name_key(entry.name))


# --- one city's record ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FocalPointContact:
    pk: int
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class RecordChange:
    """One line of the record's history: when, who, what kind of change, and which fields (their labels)."""

    at: datetime
    actor: str
    action: str  # label
    fields: list[str]


@dataclass
class CityRecord:
    city: City
    hub: str
    country: str
    languages: list[str]
    themes: list[str]
    focal_points: list[FocalPointContact]
    may_edit: bool
    may_set_anonymity: bool
    may_handover: bool
    history: list[RecordChange] = field(default_factory=list)


def may_see_record(user: User, city: City) -> bool:
    """A city's record is for those who keep it (its hub's staff, the management unit) and for the city's own
    focal points; everyone else reads the directory."""
    return can(user, "edit_city", city) or can(user, "set_city_anonymity", city)


def city_for_editing(user: User, pk: int) -> City | None:
    """The city ``pk`` if ``user`` keeps its record; ``None`` otherwise (the page answers 404)."""
    city = City.objects.select_related("region").filter(pk=pk).first()
    return city if city is not None and can(user, "edit_city", city) else None


def city_record_for(user: User, pk: int) -> CityRecord | None:
    """City ``pk``'s record as ``user`` may read it, or ``None`` when it is not theirs to read. Four queries."""
    city = City.objects.select_related("region").filter(pk=pk).first()
    if city is None or not may_see_record(user, city):
        return None
    people = (
        User.objects.filter(cities=city, is_active=True, groups__name=Role.FOCAL_POINT)
        .only("pk", "first_name", "last_name", "username", "email", "phone")
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )
    contacts = [
        FocalPointContact(
            pk=p.pk, name=User.display_name(p.first_name, p.last_name, p.username), email=p.email, phone=p.phone
        )
        for p in people
    ]
    row = _row(user, city, _worked_on([city.pk]).get(city.pk, set()))
    may_edit = row.may_edit
    return CityRecord(
        city=city,
        hub=city.region.localized_name,
        country=row.country,
        languages=row.languages,
        themes=row.themes,
        focal_points=contacts,
        may_edit=row.may_edit,
        may_set_anonymity=can(user, "set_city_anonymity", city),
        may_handover=can(user, "handover_city", city),
        history=_history(city) if may_edit else [],
    )


HISTORY_LINES = 10
CITY_ACTIONS = (PeopleAction.CITY_ADDED, PeopleAction.CITY_CHANGED, PeopleAction.CITY_ANONYMITY)


def _history(city: City) -> list[RecordChange]:
    """The record's last changes (the people log), for those who keep it: one query."""
    labels = {f.name: str(f.verbose_name) for f in City._meta.get_fields() if hasattr(f, "verbose_name")}
    actions = dict(PeopleAction.choices)
    rows = (
        PeopleLog.objects.filter(city=city, action__in=CITY_ACTIONS)
        .select_related("actor")
        .only("created_at", "action", "detail", "actor__first_name", "actor__last_name", "actor__username")
        .order_by("-created_at", "-id")[:HISTORY_LINES]
    )
    changes = []
    for row in rows:
        actor = row.actor
        name = User.display_name(actor.first_name, actor.last_name, actor.username) if actor else ""
        changed = (row.detail or {}).get("after", {}) if row.action != PeopleAction.CITY_ADDED else {}
        changes.append(
            RecordChange(
                at=row.created_at,
                actor=name,
                action=str(actions.get(row.action, row.action)),
                fields=[labels.get(key, key) for key in changed],
            )
        )
    return changes
