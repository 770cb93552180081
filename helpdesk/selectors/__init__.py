"""Reads of the help desk's data. ``visible_requests`` is the one way to list requests for a person.

Every selector applies the same rules as ``helpdesk.access.can`` in SQL, so a page never filters rows in
Python and a list never shows a row its detail page would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet
from django.utils import translation
from guardian.shortcuts import get_objects_for_user

from helpdesk import kept_lists, request_index
from helpdesk.access import VIEW_PERMISSION, can, readable_channels, scope
from helpdesk.models import (
    AccessLog,
    Attachment,
    AttachmentShare,
    City,
    HeldFile,
    Message,
    Region,
    ReplyTemplate,
    RequestState,
    Role,
    SavedView,
    Sensitivity,
    SupportRequest,
    User,
    country_name,
    localized_name,
    name_key,
)
from helpdesk.prepared import PreparedRead


def _active(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_requests(user: User | AnonymousUser | None) -> QuerySet[SupportRequest]:
    """The requests ``user`` may see.

    Geography (city, region) is a join on foreign keys, not a permission row per request and user: with
    100,000 requests a hub's queue stays one indexed query, a new request is visible to its hub without
    writing a row for each of its staff, and moving a focal point to another city changes one row instead
    of thousands. Only the expert's reach is per object (granted on proposal, revoked on decline or after
    the grace period), so it is a django-guardian object permission on the direct foreign-key table.
    """
    qs = SupportRequest.objects.all()
    if not _active(user):
        return qs.none()
    assert isinstance(user, User)
    s = scope(user)
    if s.steering_only:
        return qs.none()
    # A draft is the city's own until it is submitted: only its focal points see it (``access.views``).
    submitted = ~Q(state=RequestState.DRAFT)
    if s.management:
        return qs.filter(submitted)
    condition = Q()
    if s.hub_region_id is not None:
        condition |= Q(region_id=s.hub_region_id) & submitted
    if s.city_ids:
        condition |= Q(city_id__in=sorted(s.city_ids))
    if s.retained:
        condition |= Q(pk__in=sorted(s.retained)) & submitted
    if s.expert_ok:
        # Explicit flags: a global "view" permission or superuser status must never widen an expert's
        # reach, and request access is never granted to groups.
        granted = get_objects_for_user(
            user,
            VIEW_PERMISSION,
            klass=SupportRequest,
            accept_global_perms=False,
            with_superuser=False,
            use_groups=False,
        )
        condition |= Q(pk__in=granted.values("pk"))
    if not condition:
        return qs.none()
    return qs.filter(condition)


def only_visible(queryset: QuerySet[Any], user: User | AnonymousUser | None, *, through: str) -> QuerySet[Any]:
    """The rows of ``queryset`` whose request (reached by the relation ``through``) ``user`` may see: the
    same rule as ``visible_requests``. The management unit sees every request, so theirs are left as they are
    (a filter on every request made the database check each row: 1.2 ms for the fund's 3,000 pending
    applications)."""
    if _active(user) and not scope(user).steering_only and scope(user).management:
        return queryset
    return queryset.filter(**{f"{through}__in": visible_requests(user).values("pk")})


def request_search(queryset: QuerySet[SupportRequest], user: User, term: str) -> QuerySet[SupportRequest]:
    """Narrow ``queryset`` (already from ``visible_requests``) to requests matching ``term``.

    A match may only come from text the person can read, or the result list becomes an oracle for withheld
    content ("does a request mention this name?"): the reference and the title for everyone; the
    description and the summary where the person sees them in full (hub of the region, management, the
    city's focal points unless restricted and written by someone else); for an expert, the shareable
    summary of the requests they were let into.

    PostgreSQL matches words (each a prefix from three letters) through the indexes of
    ``helpdesk.request_index``; SQLite matches the text typed anywhere in a column.
    """
    term = term.strip()
    if not term or not _active(user):
        return queryset
    s = scope(user)
    if connection.vendor == "postgresql":
        match, content, summary = _indexed_matches(term)
    else:
        match = Q(reference__iexact=term) | Q(title__icontains=term)
        content = Q(description__icontains=term) | Q(summary__icontains=term)
        summary = Q(summary__icontains=term)
    if s.management:
        return queryset.filter(match | content)
    if s.hub_region_id is not None:
        # Staff who only work in a hub see its region alone, which ``queryset`` already says. Saying it twice
        # made PostgreSQL count the region's share twice, misjudge the matches as rare, and read every match
        # in the network (22 ms) instead of the hub's newest requests (4 ms).
        hub_only = not s.city_ids and not (s.expert_ok and s.granted)
        match |= content if hub_only else content & Q(region_id=s.hub_region_id)
    if s.city_ids:
        readable = Q(sensitivity=Sensitivity.SHAREABLE) | Q(submitted_by_id=user.pk)
        match |= content & Q(city_id__in=sorted(s.city_ids)) & readable
    if s.expert_ok and s.granted:
        match |= Q(pk__in=sorted(s.granted), sensitivity=Sensitivity.SHAREABLE) & summary
    return queryset.filter(match)


def _indexed_matches(term: str) -> tuple[Q, Q, Q]:
    """PostgreSQL: the reference or the title's words; the words of the title, description and summary together;
    the title's and summary's (an expert's reach). See ``helpdesk.request_index``.

    The indexed matches are subqueries: the planner reads them from their GIN indexes once, and checks a row
    against their result. Given the match itself, it walked the hub's requests newest first and parsed each
    one's text into words until a page was full (a word a few requests in a hundred hold: every request read).
    The expert's match is read on the few requests they were let into, after those are chosen."""
    reference = Q(reference__iexact=term)
    query = request_index.query_for(term)
    if query is None:
        return reference, Q(pk__in=[]), Q(pk__in=[])

    def indexed(fields: tuple[str, ...]) -> Q:
        found = SupportRequest.objects.filter(request_index.matches(request_index.vector(*fields), query))
        return Q(pk__in=found.values("pk"))

    return (
        reference | indexed(request_index.TITLE),
        indexed(request_index.CONTENT),
        request_index.matches(request_index.vector(*request_index.SUMMARY), query),
    )


def request_for(user: User | AnonymousUser | None, reference: str, *, for_page: bool = True) -> SupportRequest | None:
    """The request ``reference`` if ``user`` may see it, else ``None`` (pages answer 404 either way, so that
    references cannot be probed).

    ``for_page``: with the city, hub and people a page names; a post that only acts on the request needs none
    of them.
    """
    qs = visible_requests(user)
    if for_page:
        qs = qs.select_related("city", "region", "owner", "submitted_by")
    try:
        return qs.get(reference=reference)
    except SupportRequest.DoesNotExist:
        return None


# What ``User.__str__`` reads: lists read these three columns of a person instead of the whole row.
PERSON_NAME = ("first_name", "last_name", "username")
# The lines of a request's page: a message and a file with its author's name (see ``visible_message_lines``).
MESSAGE_LINE = ("id", "author_id", "body", "body_seal", "visibility", "sensitivity", "created_at",
                *(f"author__{name}" for name in PERSON_NAME))  # fmt: skip
ATTACHMENT_LINE = ("id", "original_name", "size", "content_type", "visibility", "sensitivity", "uploaded_by_id",
                   "created_at", "message_id", *(f"uploaded_by__{name}" for name in PERSON_NAME))  # fmt: skip
# What a request page shows of a message and of a file (and what deciding access reads of them).
MESSAGE_COLUMNS = ("request_id", "author_id", "body", "body_seal", "visibility", "sensitivity", "created_at")
ATTACHMENT_COLUMNS = ("request_id", "message_id", "original_name", "size", "content_type", "visibility",
                      "sensitivity", "uploaded_by_id", "created_at")  # fmt: skip


def visible_messages(request: SupportRequest, user: User | AnonymousUser | None) -> QuerySet[Message]:
    """The messages of ``request`` whose channel ``user`` reads, oldest first, with their authors' names
    (restricted bodies are withheld by the presenter)."""
    channels = readable_channels(user, request)
    if not channels:
        return Message.objects.none()
    return (
        Message.objects.filter(request_id=request.pk, visibility__in=sorted(channels))
        .select_related("author")
        .only(*MESSAGE_COLUMNS, *(f"author__{name}" for name in PERSON_NAME))
        .order_by("created_at", "pk")
    )


def _shared_with(user: User | AnonymousUser | None, request: SupportRequest) -> frozenset[int]:
    """The city files of ``request`` the hub shared with ``user``, an expert let into it (else none)."""
    if not _active(user) or not scope(user).is_expert_on(request):
        return frozenset()
    return user.shared_attachment_ids(request.pk)


def visible_attachments(request: SupportRequest, user: User | AnonymousUser | None) -> QuerySet[Attachment]:
    """The files of ``request`` on the channels ``user`` reads, and those the hub shared with them, oldest first,
    with their uploaders' names (whether each may be downloaded is ``can(user, "download", ...)``)."""
    channels = readable_channels(user, request)
    if not channels:
        return Attachment.objects.none()
    shared = _shared_with(user, request)
    return (
        Attachment.objects.filter(request_id=request.pk)
        .filter(Q(visibility__in=sorted(channels)) | Q(pk__in=sorted(shared)))
        .select_related("uploaded_by")
        .only(*ATTACHMENT_COLUMNS, *(f"uploaded_by__{name}" for name in PERSON_NAME))
        .order_by("created_at", "pk")
    )


def _on_channels(name: str, model: type[Message | Attachment], line: tuple[str, ...]) -> PreparedRead:
    return PreparedRead(
        name,
        lambda request_id, channels: (
            model.objects.filter(request_id=request_id, visibility__in=channels)
            .order_by("created_at", "pk")
            .values_list(*line)
        ),
    )


_MESSAGE_LINES = _on_channels("message-lines", Message, MESSAGE_LINE)
_ATTACHMENT_LINES = _on_channels("attachment-lines", Attachment, ATTACHMENT_LINE)
# An expert of the request also reads the city files the hub shared with them: the same read, with those files
# and, on each line after ``ATTACHMENT_LINE``, whether it is shared with them.
_EXPERT_ATTACHMENT_LINES = PreparedRead(
    "expert-attachment-lines",
    lambda request_id, channels, expert_id: (
        Attachment.objects.filter(request_id=request_id)
        .annotate(
            shared=Exists(
                AttachmentShare.objects.filter(attachment_id=OuterRef("pk"), expert_id=expert_id, revoked_at=None)
            )
        )
        .filter(Q(visibility__in=channels) | Q(shared=True))
        .order_by("created_at", "pk")
        .values_list(*ATTACHMENT_LINE, "shared")
    ),
)


# A request page's newest messages: the same read, newest first and cut (the page shows them oldest first).
# SQL writes the cut into the query itself, so there is one prepared read per length of page.
_NEWEST_MESSAGE_LINES: dict[int, PreparedRead] = {}


def _newest_message_lines(limit: int) -> PreparedRead:
    if limit not in _NEWEST_MESSAGE_LINES:
        _NEWEST_MESSAGE_LINES[limit] = PreparedRead(
            f"newest-message-lines-{limit}",
            lambda request_id, channels: (
                Message.objects.filter(request_id=request_id, visibility__in=channels)
                .order_by("-created_at", "-pk")
                .values_list(*MESSAGE_LINE)[:limit]
            ),
        )
    return _NEWEST_MESSAGE_LINES[limit]


# Where a page of messages ends: the time and id of the newest message it leaves out. Messages posted at the
# same moment are told apart by their id.
MessageCursor = tuple[datetime, int]


def visible_message_lines(
    request: SupportRequest,
    user: User | AnonymousUser | None,
    *,
    limit: int | None = None,
    before: MessageCursor | None = None,
) -> list[tuple[Any, ...]]:
    """What ``visible_messages`` gives ``user``, as ``MESSAGE_LINE`` tuples, oldest first (a prepared read: every
    request page makes it). ``limit``: only the newest so many, older than ``before`` when given, so that a
    page costs the same whatever the request's history."""
    channels = readable_channels(user, request)
    if not channels:
        return []
    if limit is None:
        return _MESSAGE_LINES.rows(request_id=request.pk, channels=sorted(channels))
    if before is None:
        rows = _newest_message_lines(limit).rows(request_id=request.pk, channels=sorted(channels))
    else:
        # Datetimes are not bound by prepared reads: a page further back is a plain query (rarely asked).
        at, pk = before
        rows = list(
            Message.objects.filter(request_id=request.pk, visibility__in=sorted(channels))
            .filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
            .order_by("-created_at", "-pk")
            .values_list(*MESSAGE_LINE)[:limit]
        )
    rows.reverse()
    return rows


def visible_attachment_lines(request: SupportRequest, user: User | AnonymousUser | None) -> list[tuple[Any, ...]]:
    """What ``visible_attachments`` gives ``user``, as ``ATTACHMENT_LINE`` tuples (a prepared read). For an
    expert of the request, the same read finds the files the hub shared with them and tells ``user`` which they
    are, so that deciding each file's download reads nothing more."""
    channels = readable_channels(user, request)
    if not channels:
        return []
    if not (_active(user) and scope(user).is_expert_on(request)):
        return _ATTACHMENT_LINES.rows(request_id=request.pk, channels=sorted(channels))
    rows = _EXPERT_ATTACHMENT_LINES.rows(request_id=request.pk, channels=sorted(channels), expert_id=user.pk)
    user.shared_attachments_known(request.pk, (row[0] for row in rows if row[-1]))
    return [row[:-1] for row in rows]


@dataclass(frozen=True)
class ShareLine:
    """A city file shared with an expert, as hub staff read it beside the file."""

    pk: int
    attachment_id: int
    expert: str
    shared_at: datetime


def file_shares(request: SupportRequest, user: User | AnonymousUser | None) -> list[ShareLine]:
    """The live shares of ``request``'s files with its experts, oldest first, for hub staff of its region (the
    people who share and revoke); empty for anyone else. One query."""
    if not can(user, "share_file", request):
        return []
    rows = (
        AttachmentShare.objects.filter(attachment__request_id=request.pk, revoked_at=None)
        .order_by("shared_at", "pk")
        .values_list("pk", "attachment_id", "shared_at", *(f"expert__{name}" for name in PERSON_NAME))
    )
    return [ShareLine(pk, attachment_id, User.display_name(*person), at) for pk, attachment_id, at, *person in rows]


def shareable_file(user: User | AnonymousUser | None, request: SupportRequest, pk: int) -> Attachment | None:
    """The file ``pk`` of ``request`` if ``user`` may share it with the request's experts, else None (whether
    it does not exist or is not theirs to share: the page answers the same)."""
    attachment = Attachment.objects.filter(pk=pk, request_id=request.pk).first()
    if attachment is None:
        return None
    attachment.request = request
    return attachment if can(user, "share_file", attachment) else None


def live_file_share(user: User | AnonymousUser | None, request: SupportRequest, pk: int) -> AttachmentShare | None:
    """The live share ``pk`` of one of ``request``'s files, with its file and expert, if ``user`` may end it."""
    share = (
        AttachmentShare.objects.select_related("attachment", "expert")
        .filter(pk=pk, attachment__request_id=request.pk, revoked_at=None)
        .first()
    )
    if share is None:
        return None
    share.attachment.request = request
    return share if can(user, "share_file", share.attachment) else None


# Hub staff read a request's files with whom each is shared: the files' read, each file on one line per live
# share (with its id, time and expert's name after ``ATTACHMENT_LINE``), or on one line with none.
_ATTACHMENT_SHARE_LINES = PreparedRead(
    "attachment-share-lines",
    lambda request_id, channels: (
        Attachment.objects.filter(request_id=request_id, visibility__in=channels)
        .annotate(live=FilteredRelation("shares", condition=Q(shares__revoked_at=None)))
        .order_by("created_at", "pk", "live__shared_at", "live__pk")
        .values_list(*ATTACHMENT_LINE, "live__pk", "live__shared_at", *(f"live__expert__{n}" for n in PERSON_NAME))
    ),
)


def attachment_lines_and_shares(
    request: SupportRequest, user: User | AnonymousUser | None, *, shares: bool
) -> tuple[list[tuple[Any, ...]], list[ShareLine]]:
    """``visible_attachment_lines`` and, with ``shares``, ``file_shares``: in one read when ``user`` reads both
    (hub staff of the region, on a request page that has experts to share with)."""
    if not shares or not can(user, "share_file", request):
        return visible_attachment_lines(request, user), []
    channels = readable_channels(user, request)
    rows = _ATTACHMENT_SHARE_LINES.rows(request_id=request.pk, channels=sorted(channels))
    width = len(ATTACHMENT_LINE)
    files = list({row[0]: row[:width] for row in rows}.values())
    found = [
        ShareLine(pk, row[0], User.display_name(*person), at)
        for row in rows
        if row[width] is not None
        for pk, at, *person in [row[width:]]
    ]
    return files, sorted(found, key=lambda line: (line.shared_at, line.pk))


def access_log_for(request: SupportRequest, user: User | AnonymousUser | None) -> QuerySet[AccessLog]:
    """The access log of ``request``, newest first, for the management unit; empty for anyone else."""
    if not can(user, "view_access_log", request):
        return AccessLog.objects.none()
    return request.access_log.select_related("user", "subject", "attachment", "message")


def hub_staff(*, region_id: int | None = None) -> QuerySet[User]:
    """Active hub staff, of one region when given, by name: the people a request can be given to."""
    staff = User.objects.filter(groups__name=Role.HUB_STAFF, is_active=True).order_by("first_name", "last_name")
    return staff.filter(region_id=region_id) if region_id is not None else staff


@dataclass(frozen=True)
class FilterChoices:
    """What a request list's filter bar offers: (value, label) pairs, ready for a select."""

    cities: list[tuple[str, str]]
    countries: list[tuple[str, str]]  # (ISO code, name in the active language)
    owners: list[tuple[str, str]]
    regions: list[tuple[str, str]] | None  # None: the person works in one hub and is not offered others
    hub: str = ""  # that one hub's name in the active language (the queue's heading), else empty


# Cities and colleagues change a few times a year; the queue is opened all day. The writes that change them drop
# the kept choices (``helpdesk.kept_lists``); anything else shows within this many seconds.
FILTER_CHOICES_SECONDS = kept_lists.KEPT_SECONDS


def queue_filter_choices(user: User, *, region_id: int | None = None) -> FilterChoices:
    """The filter bar's choices, bounded: a hub's own cities and staff, or one chosen hub's for management.

    Plain tuples rather than rows: a hub has a few hundred cities, and building (and later translating)
    a model instance for each was most of the queue page's time. Kept for a minute per hub (they hold
    names only, the same for everyone who may open that hub's queue, in each language: hubs' and countries'
    names are in the reader's language, and ranked in it). A new city, hub or colleague drops them
    (``helpdesk.kept_lists``).
    """
    management = scope(user).management
    if not management:
        region_id = user.region_id
    key = kept_lists.filter_choices_key(management=management, region_id=region_id, language=translation.get_language())
    choices = cache.get(key)
    if choices is None:
        choices = _queue_filter_choices(management=management, region_id=region_id)
        cache.set(key, choices, FILTER_CHOICES_SECONDS)
    return choices


def _queue_filter_choices(*, management: bool, region_id: int | None) -> FilterChoices:
    regions = None
    hub = ""
    if management:
        hubs = Region.objects.values_list("pk", "name", "name_fr", "name_ar")
        regions = sorted(((str(pk), localized_name(*names)) for pk, *names in hubs), key=lambda hub: name_key(hub[1]))
    elif region_id is not None:
        names = Region.objects.filter(pk=region_id).values_list("name", "name_fr", "name_ar").first()
        hub = localized_name(*names) if names else ""
    if region_id is None:
        city_rows: list[tuple[int, str, str]] = []
    else:
        city_rows = list(City.objects.filter(region_id=region_id).order_by("name").values_list("pk", "name", "country"))
    staff = hub_staff(region_id=region_id).values_list("pk", "first_name", "last_name", "username")
    return FilterChoices(
        cities=[(str(pk), name) for pk, name, _ in city_rows],
        countries=sorted({(code, country_name(code)) for _, _, code in city_rows}, key=lambda c: name_key(c[1])),
        owners=[(str(pk), User.display_name(first, last, username)) for pk, first, last, username in staff],
        regions=regions,
        hub=hub,
    )


def held_files(owner: User, ids: list[str], *, request: SupportRequest | None) -> list[HeldFile]:
    """The files ``owner`` chose on a form about ``request`` (none: a new request) that are still kept,
    among the ``ids`` the form carried back (anything else, someone else's included, is ignored)."""
    # ASCII digits of a bigint's length: ``isdecimal`` alone lets Unicode digits and numbers no column holds by.
    pks = [int(pk) for pk in ids if pk.isascii() and pk.isdigit() and len(pk) <= 18][:50]
    if not pks:
        return []
    return list(HeldFile.objects.filter(owner=owner, request=request, pk__in=pks).order_by("created_at", "pk"))


def draft_files(request: SupportRequest) -> list[Attachment]:
    """The files of a draft itself (not of its messages), for its edit form."""
    return list(
        Attachment.objects.filter(request=request, message=None)
        .only("pk", "request_id", "original_name", "size", "file")
        .order_by("created_at", "pk")
    )


def saved_views_for(user: User) -> QuerySet[SavedView]:
    """The saved views of the queue ``user`` may use: their own, and those shared with the hub they work in
    (one query; shared views of another hub, or of a hub the person left, are not listed)."""
    if not _active(user) or scope(user).steering_only:
        return SavedView.objects.none()
    mine = Q(owner_id=user.pk)
    hub = scope(user).hub_region_id
    condition = mine | Q(region_id=hub) if hub is not None else mine
    return SavedView.objects.filter(condition).only("id", "owner_id", "region_id", "name", "query")


def reply_templates_for(request: SupportRequest, user: User) -> QuerySet[ReplyTemplate]:
    """The reply templates of the request's hub, for its hub staff (whose templates they are); empty for
    anyone else."""
    if not (can(user, "oversee", request) and scope(user).is_hub_of(request)):
        return ReplyTemplate.objects.none()
    return ReplyTemplate.objects.filter(region_id=request.region_id)


# The request page asks for its hub's templates on every view of hub staff, and most hubs have none: the
# hub's list is kept (a minute at most, dropped by every write of ``helpdesk.services.workspace``). Measured
# with ``make bench``: the hub's request page went from 10.35 x the floor without it (the read alone cost
# 0.4 ms) to under the 10 x target with it. ``tests/helpdesk/test_workspace.py`` holds it equal to
# ``reply_templates_for``.
REPLY_TEMPLATES_SECONDS = 60


def _reply_templates_key(region_id: int) -> str:
    return f"helpdesk:reply-templates:v1:{region_id}"


def reply_templates_kept(request: SupportRequest, user: User) -> list[ReplyTemplate]:
    """``reply_templates_for``, from the hub's kept list."""
    if not (can(user, "oversee", request) and scope(user).is_hub_of(request)):
        return []
    key = _reply_templates_key(request.region_id)
    kept: list[ReplyTemplate] | None = cache.get(key)
    if kept is None:
        kept = list(ReplyTemplate.objects.filter(region_id=request.region_id))
        cache.set(key, kept, REPLY_TEMPLATES_SECONDS)
    return kept


def reply_templates_forget(region_id: int) -> None:
    """Drop the hub's kept list (its templates changed)."""
    cache.delete(_reply_templates_key(region_id))


def hub_reply_templates(user: User) -> QuerySet[ReplyTemplate]:
    """The templates of the hub ``user`` works in (empty for anyone without a hub)."""
    hub = scope(user).hub_region_id if _active(user) and not scope(user).steering_only else None
    return ReplyTemplate.objects.filter(region_id=hub) if hub is not None else ReplyTemplate.objects.none()


# The resource hub's one read (in its own module: this one holds the requests').
# The new-request form's suggestions and the deflection figures.
from helpdesk.selectors.api_tokens import api_tokens_of as api_tokens_of  # noqa: E402
from helpdesk.selectors.intake import intake_deflection as intake_deflection  # noqa: E402
from helpdesk.selectors.intake import intake_suggestion_request as intake_suggestion_request  # noqa: E402
from helpdesk.selectors.intake import intake_suggestion_resource as intake_suggestion_resource  # noqa: E402
from helpdesk.selectors.intake import intake_suggestions as intake_suggestions  # noqa: E402
from helpdesk.selectors.resources import resources_search as resources_search  # noqa: E402
from helpdesk.selectors.resources import visible_resources as visible_resources  # noqa: E402
