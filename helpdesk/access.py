"""The one place that decides what a person may do with a request, a message or an attachment.

``can(user, action, obj, **context)`` answers every yes/no; ``helpdesk.selectors.visible_requests`` lists
with the same rules. Scope that follows geography (a focal point's cities, a hub's region) is read from
foreign keys; an expert's reach is a django-guardian object permission granted when they are proposed.

Everything ``can`` needs about the person (roles, cities, region, granted requests, vetting) is read once
and kept on the user instance, which lives for one HTTP request: checking every row of a page costs no
query per row, and a change (deactivation, suspension, revocation) counts from the next request on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import LazyObject, empty

from helpdesk.models import (
    Attachment,
    ExpertProfile,
    Message,
    Role,
    Sensitivity,
    SupportRequest,
    SupportRequestUserObjectPermission,
    User,
    Visibility,
)

VIEW_PERMISSION = "helpdesk.view_supportrequest"
ALL_CHANNELS = frozenset(Visibility.values)

Person = User | AnonymousUser | None


def _real(user: Any) -> Any:
    """The User behind ``request.user``'s lazy wrapper, so caches live on one object whoever asks."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def _active(user: Person) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


@dataclass
class _Scope:
    """What one person may reach, read lazily and at most once per user instance."""

    user: User
    _city_ids: frozenset[int] | None = None
    _granted: frozenset[int] | None = None
    _expert_ok: bool | None = None
    _extra: dict[str, Any] = field(default_factory=dict)

    @property
    def steering_only(self) -> bool:
        # The steering committee sees aggregates, never a request: the role overrides any other.
        return self.user.has_role(Role.STEERING)

    @property
    def management(self) -> bool:
        return self.user.has_role(Role.MANAGEMENT)

    @property
    def hub_region_id(self) -> int | None:
        return self.user.region_id if self.user.has_role(Role.HUB_STAFF) else None

    @property
    def city_ids(self) -> frozenset[int]:
        if self._city_ids is None:
            cached = getattr(self.user, "_city_ids_cache", None)
            if cached is None:
                cached = (
                    frozenset(self.user.cities.values_list("pk", flat=True))
                    if self.user.has_role(Role.FOCAL_POINT)
                    else frozenset()
                )
                self.user._city_ids_cache = cached
            self._city_ids = cached
        return self._city_ids

    @property
    def expert_ok(self) -> bool:
        """An expert whose vetting is not suspended (suspension cuts every grant at once)."""
        if self._expert_ok is None:
            self._expert_ok = (
                self.user.has_role(Role.EXPERT)
                and not ExpertProfile.objects.filter(
                    user_id=self.user.pk, vetting_status=ExpertProfile.Vetting.SUSPENDED
                ).exists()
            )
        return self._expert_ok

    @property
    def granted(self) -> frozenset[int]:
        """Requests this expert holds the guardian view permission on (one query, then cached)."""
        if self._granted is None:
            self._granted = (
                frozenset(
                    SupportRequestUserObjectPermission.objects.filter(
                        user_id=self.user.pk, permission__codename="view_supportrequest"
                    ).values_list("content_object_id", flat=True)
                )
                if self.expert_ok
                else frozenset()
            )
        return self._granted

    # --- relations to one request ---------------------------------------------------------------
    def is_hub_of(self, request: SupportRequest) -> bool:
        return self.hub_region_id is not None and self.hub_region_id == request.region_id

    def is_focal_of(self, request: SupportRequest) -> bool:
        return self.user.has_role(Role.FOCAL_POINT) and request.city_id in self.city_ids

    def is_expert_on(self, request: SupportRequest) -> bool:
        return request.pk in self.granted

    def oversees(self, request: SupportRequest) -> bool:
        """Hub staff of the request's region or the management unit: the people restricted content is for."""
        return self.management or self.is_hub_of(request)

    def sees_in_full(self, request: SupportRequest) -> bool:
        """Sees the whole request (not only the expert's brief)."""
        return self.oversees(request) or self.is_focal_of(request)

    def views(self, request: SupportRequest) -> bool:
        return self.sees_in_full(request) or self.is_expert_on(request)

    def channels(self, request: SupportRequest) -> frozenset[str]:
        """The message channels this person reads and writes on ``request``."""
        if self.oversees(request):
            return ALL_CHANNELS
        channels: set[str] = set()
        if self.is_focal_of(request):
            channels.add(Visibility.CITY)
        if self.is_expert_on(request):
            channels.add(Visibility.EXPERT)
        return frozenset(channels)


def scope(user: User) -> _Scope:
    user = _real(user)
    cached = user.__dict__.get("_access_scope")
    if cached is None:
        cached = _Scope(user)
        user.__dict__["_access_scope"] = cached
    return cached


def scopes_prime(users: Iterable[User]) -> None:
    """Read the scope of many people at once, so that ``can`` then costs no query for any of them.

    Four queries whatever the number of people (roles, cities, suspended experts, grants): what a
    notification fan-out or a recipients list needs before asking ``can`` about each person.
    """
    people = {u.pk: _real(u) for u in users if "_role_cache" not in _real(u).__dict__}
    if not people:
        return
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, name in User.groups.through.objects.filter(user_id__in=people).values_list("user_id", "group__name"):
        roles[user_id].add(name)
    cities: dict[int, set[int]] = defaultdict(set)
    for user_id, city_id in User.cities.through.objects.filter(user_id__in=people).values_list("user_id", "city_id"):
        cities[user_id].add(city_id)
    experts = [pk for pk in people if Role.EXPERT in roles[pk]]
    suspended = (
        set(
            ExpertProfile.objects.filter(
                user_id__in=experts, vetting_status=ExpertProfile.Vetting.SUSPENDED
            ).values_list("user_id", flat=True)
        )
        if experts
        else set()
    )
    grants: dict[int, set[int]] = defaultdict(set)
    if experts:
        rows = SupportRequestUserObjectPermission.objects.filter(
            user_id__in=[pk for pk in experts if pk not in suspended], permission__codename="view_supportrequest"
        ).values_list("user_id", "content_object_id")
        for user_id, request_id in rows:
            grants[user_id].add(request_id)
    for pk, user in people.items():
        user._role_cache = roles[pk]
        user._city_ids_cache = frozenset(cities[pk])
        primed = scope(user)
        primed._expert_ok = Role.EXPERT in roles[pk] and pk not in suspended
        primed._granted = frozenset(grants[pk]) if primed._expert_ok else frozenset()


def forget(user: Person) -> None:
    """Drop what was cached about ``user`` (after a grant, a role change, in tests)."""
    user = _real(user)
    if user is not None and hasattr(user, "__dict__"):
        for key in ("_access_scope", "_role_cache", "_city_ids_cache"):
            user.__dict__.pop(key, None)


def revealed_note(user: Person, request: SupportRequest, message: Message | None = None) -> None:
    """Remember that restricted content was shown to ``user`` (written to the access log after the response)."""
    user = _real(user)
    if user is not None and hasattr(user, "__dict__"):
        user.__dict__.setdefault("_revealed_restricted", set()).add((request.pk, message.pk if message else None))


def revealed_take(user: Person) -> set[tuple[int, int | None]]:
    user = _real(user)
    if user is None or not hasattr(user, "__dict__"):
        return set()
    return user.__dict__.pop("_revealed_restricted", set())


def _request_of(obj: SupportRequest | Message | Attachment) -> SupportRequest:
    return obj if isinstance(obj, SupportRequest) else obj.request


def _author_id(obj: SupportRequest | Message | Attachment) -> int | None:
    if isinstance(obj, SupportRequest):
        return obj.submitted_by_id
    if isinstance(obj, Message):
        return obj.author_id
    return obj.uploaded_by_id


def _see_restricted(s: _Scope, obj: SupportRequest | Message | Attachment) -> bool:
    request = _request_of(obj)
    if not s.views(request):
        return False
    # The author of restricted text already knows it; everyone else except the overseers sees "withheld".
    return s.oversees(request) or (_author_id(obj) is not None and _author_id(obj) == s.user.pk)


def _view(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.views(request)


def _comment(s: _Scope, request: SupportRequest, *, visibility: str = Visibility.CITY, **_: Any) -> bool:
    return request.anonymised_at is None and visibility in s.channels(request)


def _see_message(s: _Scope, message: Message, **_: Any) -> bool:
    return message.visibility in s.channels(message.request)


def _download(s: _Scope, attachment: Attachment, **_: Any) -> bool:
    if attachment.visibility not in s.channels(attachment.request):
        return False
    return attachment.sensitivity != Sensitivity.RESTRICTED or _see_restricted(s, attachment)


def _act(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return request.anonymised_at is None and s.views(request)


def _manage_owner(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.oversees(request)


def _view_access_log(s: _Scope, request: SupportRequest, **_: Any) -> bool:
    return s.management


def _propose_expert(s: _Scope, request: SupportRequest, *, expert: User | None = None, **_: Any) -> bool:
    if not s.oversees(request) or request.anonymised_at is not None or not _active(expert):
        return False
    assert expert is not None
    if not expert.has_role(Role.EXPERT) or expert.has_role(Role.STEERING):
        return False
    # Only a vetted expert may be let in; the city's own focal points may not advise on their own request.
    vetted = ExpertProfile.objects.filter(user_id=expert.pk, vetting_status=ExpertProfile.Vetting.VETTED).exists()
    return vetted and not scope(expert).is_focal_of(request)


def _release_restricted(s: _Scope, obj: SupportRequest | Message | Attachment, **_: Any) -> bool:
    return s.oversees(_request_of(obj))


def _export(s: _Scope, obj: object = None, **_: Any) -> bool:
    return s.management or s.hub_region_id is not None or bool(s.city_ids)


_RULES: dict[str, Callable[..., bool]] = {
    "view": _view,
    "see_restricted": lambda s, obj, **_: _see_restricted(s, obj),
    "comment": _comment,
    "see_message": _see_message,
    "download": _download,
    "act": _act,
    "manage_owner": _manage_owner,
    "view_access_log": _view_access_log,
    "propose_expert": _propose_expert,
    "release_restricted": _release_restricted,
    "export": _export,
}
ACTIONS = frozenset(_RULES)


def can(user: Person, action: str, obj: Any = None, **context: Any) -> bool:
    """May ``user`` do ``action`` on ``obj``? Unknown actions raise; nobody inactive may do anything.

    Every rule first requires that the person sees the request the object belongs to, so a page can turn
    ``False`` into 404 without a second question.
    """
    rule = _RULES.get(action)
    if rule is None:
        raise ValueError(f"Unknown action {action!r}; known: {sorted(_RULES)}")
    if not _active(user):
        return False
    s = scope(user)
    if s.steering_only:
        return False
    if obj is None:
        return action == "export" and rule(s, None)
    if not s.views(_request_of(obj)):
        return False
    return rule(s, obj, **context)


def readable_channels(user: Person, request: SupportRequest) -> frozenset[str]:
    """The message channels ``user`` reads on ``request`` (empty when they may not see it)."""
    if not can(user, "view", request):
        return frozenset()
    return scope(user).channels(request)


def sees_brief_only(user: Person, request: SupportRequest) -> bool:
    """True when ``user`` sees ``request`` only as an expert's brief."""
    return can(user, "view", request) and not scope(user).sees_in_full(request)


# --- Scope helpers used by the workflow's permission rules (signatures are a contract) ----------------
def is_management(user: Person) -> bool:
    return _active(user) and not scope(user).steering_only and scope(user).management


def is_focal_point_of(user: Person, request: SupportRequest) -> bool:
    return _active(user) and not scope(user).steering_only and scope(user).is_focal_of(request)


def is_hub_staff_of(user: Person, request: SupportRequest) -> bool:
    return _active(user) and not scope(user).steering_only and scope(user).is_hub_of(request)


def is_expert_in_good_standing(user: Person) -> bool:
    """An active expert of the pool who is not suspended (what any expert's move needs besides the
    assignment itself; the workflow reads the assignment from its per-request facts)."""
    return _active(user) and not scope(user).steering_only and scope(user).expert_ok
