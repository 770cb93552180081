"""Reads of the notifications app: a person's notification centre, and the watchers of a request."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from helpdesk import kept_lists
from helpdesk.models import HeldFile, Role, SupportRequest, User
from helpdesk.prepared import PreparedRead
from helpdesk.sanitize import clean_html, markdown_html
from helpdesk.screening import PersonalDataFound, screen_fields
from helpdesk.selectors import visible_requests
from notifications.models import HeldReply, Notification, Watch


def notifications_for(user: User) -> QuerySet[Notification]:
    """``user``'s in-app notifications, newest first, with their request (no query per row)."""
    return (
        Notification.objects.in_app()
        .filter(recipient=user)
        .select_related("request")
        .only(
            "pk",
            "event",
            "reason",
            "created_at",
            "read_at",
            "data",
            "request__id",
            "request__reference",
            "request__title",
            "request__sensitivity",
            "request__state",
            "request__anonymised_at",
        )
        .order_by("-created_at", "-id")
    )


def openable_request_ids(user: User, request_ids: Iterable[int | None]) -> frozenset[int]:
    """Which of ``request_ids`` ``user`` may still open, in one query for a whole page of notifications.

    A notification outlives its reader's access (a proposal withdrawn, a focal point moved to another city):
    what it shows of a request it may no longer open is only that access ended.
    """
    wanted = {pk for pk in request_ids if pk is not None}
    if not wanted:
        return frozenset()
    return frozenset(visible_requests(user).filter(pk__in=wanted).order_by().values_list("pk", flat=True))


# Counted on every page's header: a prepared read (``helpdesk.prepared``) over the partial index
# ntf_unread_count, which holds exactly these rows by recipient.
_UNREAD = PreparedRead(
    "unread-count",
    lambda recipient_id: (
        Notification.objects.unread()
        .filter(recipient_id=recipient_id)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("*"))
        .values_list("n")
    ),
)


def unread_count(user: User | AnonymousUser) -> int:
    """How many of ``user``'s in-app notifications are unread (every page's header shows it; none for a
    visitor)."""
    if not user.is_authenticated:
        return 0
    rows = _UNREAD.rows(recipient_id=user.pk)
    return rows[0][0] if rows else 0


# The request page's header counts the same, and among them those about the request it marks read.
_UNREAD_WITH_REQUEST = PreparedRead(
    "unread-count-with-request",
    lambda recipient_id, request_id: (
        Notification.objects.unread()
        .filter(recipient_id=recipient_id)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("*"), here=Count("pk", filter=Q(request_id=request_id)))
        .values_list("n", "here")
    ),
)


def unread_counts(user: User, request: SupportRequest) -> tuple[int, int]:
    """How many of ``user``'s in-app notifications are unread, and how many of those are about ``request``
    (one read, over the partial index ``ntf_unread_request``)."""
    rows = _UNREAD_WITH_REQUEST.rows(recipient_id=user.pk, request_id=request.pk)
    return (rows[0][0], rows[0][1]) if rows else (0, 0)


def watchers_of(request: SupportRequest) -> QuerySet[Watch]:
    return Watch.objects.filter(request=request).select_related("user").order_by("user__username")


def is_watching(user: User, request: SupportRequest) -> bool:
    return Watch.objects.filter(request=request, user_id=user.pk).exists()


@dataclass(frozen=True)
class Colleague:
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


# Colleagues change a few times a year; a request page is opened all day. The writes that change them drop the
# kept list (``helpdesk.kept_lists``); anything else shows within this many seconds.
CANDIDATES_SECONDS = kept_lists.KEPT_SECONDS


def watch_candidates(request: SupportRequest, *, watching: Collection[int] = ()) -> list[Colleague]:
    """Colleagues who could be added as watchers (hub staff of the request's region and the management
    unit, never the steering committee) and are not among ``watching`` (user ids), by name.

    The hub's colleagues are one flat read of the few people who hold those roles, decided here (the same
    question as three joins and two exclusions in SQL), kept for a minute per hub (dropped by the writes that
    change it: ``helpdesk.kept_lists``): names only, the same for everyone who may manage the request's
    watchers. Adding a watcher checks the person again.
    """
    key = kept_lists.watch_candidates_key(request.region_id)
    colleagues: list[Colleague] | None = cache.get(key)
    if colleagues is None:
        colleagues = _colleagues(request.region_id)
        cache.set(key, colleagues, CANDIDATES_SECONDS)
    return [c for c in colleagues if c.pk not in watching]


def _colleagues(region_id: int) -> list[Colleague]:
    rows = User.objects.filter(
        is_active=True, groups__name__in=[Role.HUB_STAFF, Role.MANAGEMENT, Role.STEERING]
    ).values_list("pk", "first_name", "last_name", "username", "region_id", "groups__name")
    people: dict[int, tuple[tuple[str, str, str], int | None, set[str]]] = {}
    for pk, first, last, username, person_region, role in rows:
        people.setdefault(pk, ((first, last, username), person_region, set()))[2].add(role)
    chosen = [
        (names, pk)
        for pk, (names, person_region, roles) in people.items()
        if Role.STEERING not in roles
        and (Role.MANAGEMENT in roles or (Role.HUB_STAFF in roles and person_region == region_id))
    ]
    return [Colleague(pk, User.display_name(*names)) for names, pk in sorted(chosen)]


def held_reply_for(user: User, held_id: int | None, *, request: SupportRequest) -> HeldReply | None:
    """``user``'s own held reply ``held_id`` on ``request``, still kept; None for anything else (someone
    else's, another request's, expired, none)."""
    if held_id is None:
        return None
    return (
        HeldReply.objects.filter(pk=int(held_id), owner=user, request=request, expires_at__gt=timezone.now())
        .prefetch_related("files")
        .first()
    )


def held_reply_findings(held: HeldReply) -> PersonalDataFound | None:
    """What the personal-data check finds in a held reply's text, read as the message service reads a message
    (the Markdown rendered and cleaned), for the warning its sender sees beside it."""
    found = screen_fields({"body": clean_html(markdown_html(held.text))})
    return PersonalDataFound(found) if found else None


def held_reply_files(held: HeldReply) -> list[HeldFile]:
    return sorted(held.files.all(), key=lambda f: (f.created_at, f.pk))
