"""What one person may see of a request, its messages and its files: the one presenter the request's pages and
the exports use, so restricted content is withheld the same way everywhere.

The views hold plain values (never the model), so a template cannot reach a field the viewer may not see.
Rich text is made safe on the way out as well as on the way in (``helpdesk.sanitize.render_html``): what the
services stored carries a seal and is shown as is; anything else is cleaned again.

Each view says whether it shows this viewer restricted content (``revealed_restricted``); the page that
shows it records that in the access log (``helpdesk.services.access_log_reveals``) with ``reveals``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from helpdesk.access import can, sees_brief_only
from helpdesk.models import (
    TERMINAL_STATES,
    Attachment,
    Consent,
    Language,
    Message,
    RequestState,
    ResourceState,
    Sensitivity,
    StrategicPriority,
    SupportKind,
    SupportRequest,
    Theme,
    Urgency,
    User,
    Visibility,
    country_name,
)
from helpdesk.placeholders import ANONYMISED, ANONYMISED_TITLE, WITHHELD
from helpdesk.sanitize import render_html, render_typed
from helpdesk.screening import kind_label
from helpdesk.selectors import (
    ATTACHMENT_LINE,
    MESSAGE_LINE,
    PERSON_NAME,
    MessageCursor,
    ShareLine,
    attachment_lines_and_shares,
    visible_message_lines,
    visible_messages,
    visible_resources,
)
from helpdesk.services import Reveal
from web.countdown import request_countdown
from web.lists.labels import ChoiceWords, labels

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class RequestView:
    pk: int
    reference: str
    url: str
    title: str | Promise
    theme: str
    theme_label: str | Promise
    kind: str
    kind_label: str | Promise
    language: str
    language_label: str | Promise
    strategic_priority: int | None
    strategic_priority_label: str | Promise | None
    region: str
    city: str | None  # None: anonymous to this expert
    country: str | None
    summary: str | Promise
    # None when the viewer is never shown the description (an expert's brief).
    description_html: SafeString | Promise | None
    is_brief: bool
    is_restricted: bool
    withheld: bool  # something on this request was replaced by the placeholder for this viewer
    revealed_restricted: bool  # this viewer is shown restricted content (the page records it)
    anonymised: bool
    # Fields the expert's brief leaves out are None for experts (urgency and desired date are in it).
    state: str | None = None
    state_label: str | Promise | None = None
    urgency: str | None = None
    urgency_label: str | Promise | None = None
    desired_by: date | None = None
    funding_requested: Decimal | None = None
    currency: str | None = None
    owner: str | None = None
    owner_id: int | None = None
    submitted_by: str | None = None
    submitted_by_email: str | None = None
    submitted_by_phone: str | None = None
    created_at: datetime | None = None
    submitted_at: datetime | None = None
    closed_at: datetime | None = None
    due_at: datetime | None = None
    screening_kinds: list[str] = field(default_factory=list)
    # The incident fast track: its badge (every reader, the expert's brief too), when the incident happened, and
    # the countdown to the step's deadline (``web.countdown``; empty where the deadline is shown as a date).
    fast_tracked: bool = False
    incident_at: datetime | None = None
    countdown: str = ""
    overdue: bool = False  # the step's deadline has passed


@dataclass(frozen=True)
class MessageView:
    pk: int
    author: str | None  # None: the desk itself wrote it
    author_name: str  # the author, or "The desk"
    aria_label: str  # "Message from ...", for screen readers
    created_at: datetime
    visibility: str
    visibility_label: str | Promise
    body_html: SafeString | StrPromise  # a placeholder, or the message's cleaned HTML
    withheld: bool
    revealed_restricted: bool
    is_restricted: bool
    files: tuple[AttachmentView, ...] = ()  # the files the message carried (``with_files``)


@dataclass(frozen=True)
class AttachmentView:
    pk: int
    name: str | Promise
    size: int
    content_type: str
    visibility: str
    download_url: str | None  # None: withheld from this viewer
    withheld: bool
    is_restricted: bool
    uploaded_by: str | None
    created_at: datetime
    message_id: int | None = None  # the message that carried it, if one did
    # For hub staff: the experts this city file is shared with (``helpdesk.selectors.file_shares``).
    shared_with: tuple[ShareLine, ...] = ()


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


def request_view(
    request: SupportRequest, user: User, *, line: bool = False, words: ChoiceWords | None = None
) -> RequestView:
    """``request`` as ``user`` may see it; the caller has checked ``can(user, "view", request)``.

    Call it on rows fetched with ``select_related("city", "region", "owner", "submitted_by")``: it then
    costs no query. ``line``: for a list's line, which never shows the description: it is not rendered
    (``description_html`` is None; half a millisecond a row), and rows may be fetched without it. ``words``: the
    choice labels of a list, translated once for all its lines (a model's ``get_FOO_display`` translates every
    label of its choices at each call: 0.6 ms a line).
    """
    words = words or ChoiceWords()
    brief = sees_brief_only(user, request)
    restricted = request.sensitivity == Sensitivity.RESTRICTED
    anonymised = request.anonymised_at is not None
    may_see_restricted = can(user, "see_restricted", request)
    hide_restricted = restricted and not may_see_restricted
    hide_city = brief and request.city.anonymous_to_experts

    summary: str | Promise
    description: SafeString | Promise | None
    if anonymised:
        summary = ANONYMISED
        description = None if brief else ANONYMISED
    elif hide_restricted:
        summary = WITHHELD
        description = None if brief else WITHHELD
    else:
        summary = request.summary
        # render_typed cleaned the text (as Markdown when typed), or found the seal of the service that cleaned it.
        description = (
            None
            if brief or line
            else mark_safe(render_typed(request.description, sealed_with=request.description_seal))
        )

    # What every reader is given, the expert's brief included.
    common: dict[str, Any] = {
        "pk": request.pk,
        "reference": request.reference,
        "url": request.get_absolute_url(),
        "title": ANONYMISED_TITLE if anonymised else request.title,
        "theme": request.theme,
        "theme_label": words(Theme, request.theme),
        "kind": request.kind,
        "kind_label": words(SupportKind, request.kind),
        "language": request.language,
        "language_label": words(Language, request.language),
        "strategic_priority": request.strategic_priority,
        "strategic_priority_label": words(StrategicPriority, request.strategic_priority)
        if request.strategic_priority
        else None,
        "region": str(request.region),
        "city": None if hide_city else request.city.name,
        "country": None if hide_city else country_name(request.city.country),  # in the reader's language
        "summary": summary,
        "description_html": description,
        "is_brief": brief,
        "is_restricted": restricted,
        "withheld": hide_restricted and not anonymised,
        "revealed_restricted": restricted and may_see_restricted and not anonymised,
        "anonymised": anonymised,
        # The expert plans their help by how urgent it is and by when the city hopes for it.
        "urgency": request.urgency,
        "urgency_label": words(Urgency, request.urgency),
        "desired_by": request.desired_by,
        "fast_tracked": request.fast_tracked_at is not None,
    }
    if brief:
        return RequestView(**common)
    submitter = request.submitted_by
    now = timezone.now()
    oversees = can(user, "oversee", request)
    return RequestView(
        **common,
        state=request.state,
        state_label=words(RequestState, request.state),
        funding_requested=request.funding_requested,
        currency=request.currency,
        owner=_name(request.owner),
        owner_id=request.owner_id,
        submitted_by=_name(submitter),
        # How to reach the person who filed it: for the hub and the management unit, who follow it up.
        submitted_by_email=submitter.email if submitter and oversees else None,
        submitted_by_phone=(submitter.phone or None) if submitter and oversees else None,
        created_at=request.created_at,
        submitted_at=request.submitted_at,
        closed_at=request.closed_at,
        due_at=request.due_at,
        incident_at=request.incident_at,
        countdown=request_countdown(request, now=now),
        overdue=bool(request.due_at and request.due_at < now and request.state not in TERMINAL_STATES),
        # What was found, in the reader's words (never the screening's internal kind codes).
        screening_kinds=sorted({kind_label(flag.get("kind", "")) for flag in request.screening_flags})
        if can(user, "release_restricted", request)
        else [],
    )


@dataclass(frozen=True)
class _MessageWords:
    """What every message of a page says the same way, translated once per page."""

    desk: str
    message_from: str
    channels: dict[str, str]

    @classmethod
    def now(cls) -> _MessageWords:
        channels = labels(Visibility)
        return cls(desk=gettext("The desk"), message_from=gettext("Message from %(who)s"), channels=channels)


# A message as its line reads it (``helpdesk.selectors.MESSAGE_LINE``, with "pk" for "id"). mypy takes only
# literal field names, not ones computed from the selector's columns.
MessageLine = namedtuple("MessageLine", ["pk", *MESSAGE_LINE[1:]])  # type: ignore[misc]


def message_view(line: Any, request: SupportRequest, user: User, words: _MessageWords | None = None) -> MessageView:
    """One message of ``request`` (a ``MESSAGE_LINE`` row) as ``user`` may see it; the request is already
    checked with ``can``."""
    words = words or _MessageWords.now()
    restricted = line.sensitivity == Sensitivity.RESTRICTED
    anonymised = request.anonymised_at is not None
    may = True
    if restricted:
        # Only restricted text needs the question asked of a message (its author may read it back).
        message = Message(pk=line.pk, request=request, author_id=line.author_id, sensitivity=line.sensitivity)
        may = can(user, "see_restricted", message)
    body: SafeString | StrPromise
    if anonymised:
        body = ANONYMISED
    elif may:
        # render_html cleaned the text, or found the seal of the service that cleaned it.
        body = mark_safe(render_html(line.body, sealed_with=line.body_seal))
    else:
        body = WITHHELD
    author = User.display_name(*(getattr(line, f"author__{name}") for name in PERSON_NAME)) if line.author_id else None
    return MessageView(
        pk=line.pk,
        author=author,
        author_name=author or words.desk,
        aria_label=words.message_from % {"who": author or words.desk},
        created_at=line.created_at,
        visibility=line.visibility,
        visibility_label=words.channels.get(line.visibility, line.visibility),
        body_html=body,
        withheld=not may and not anonymised,
        revealed_restricted=restricted and may and not anonymised,
        is_restricted=restricted,
    )


def message_views(
    request: SupportRequest, user: User, *, limit: int | None = None, before: MessageCursor | None = None
) -> list[MessageView]:
    """The messages of ``request`` that ``user`` reads, oldest first (read as the columns a line shows: a
    request page shows fifty, and a model instance for each and its author cost a millisecond); ``limit`` and
    ``before``: only the newest so many, older than the cursor (``visible_message_lines``)."""
    words = _MessageWords.now()
    lines = visible_message_lines(request, user, limit=limit, before=before)
    return [message_view(MessageLine(*row), request, user, words) for row in lines]


def message_view_of(
    request: SupportRequest, user: User, pk: int, shown: Iterable[MessageView] = ()
) -> MessageView | None:
    """The message ``pk`` of ``request`` as ``user`` may see it (the hub's open question): taken from
    ``shown`` when the page already has it, else read (one query); ``None`` when not on their channels."""
    for message in shown:
        if message.pk == pk:
            return message
    row = visible_messages(request, user).filter(pk=pk).values_list(*MESSAGE_LINE).first()
    return message_view(MessageLine(*row), request, user) if row else None


# A file as its line reads it (``helpdesk.selectors.ATTACHMENT_LINE``, with "pk" for "id"); computed field
# names, as for MessageLine.
AttachmentLine = namedtuple("AttachmentLine", ["pk", *ATTACHMENT_LINE[1:]])  # type: ignore[misc]


def attachment_view(line: Any, request: SupportRequest, user: User, shares: Iterable[ShareLine] = ()) -> AttachmentView:
    """One file of ``request`` (an ``ATTACHMENT_LINE`` row) as ``user`` may see it: a withheld one keeps its
    line, without name or link."""
    # ``can`` decides on an (unsaved) attachment of this request carrying the columns its rule reads.
    attachment = Attachment(
        pk=line.pk,
        request=request,
        visibility=line.visibility,
        sensitivity=line.sensitivity,
        uploaded_by_id=line.uploaded_by_id,
    )
    may = can(user, "download", attachment)
    names = (getattr(line, f"uploaded_by__{name}") for name in PERSON_NAME)
    return AttachmentView(
        pk=line.pk,
        name=line.original_name if may else WITHHELD,
        size=line.size,
        content_type=line.content_type,
        visibility=line.visibility,
        download_url=reverse("attachment-download", args=[line.pk]) if may else None,
        withheld=not may,
        is_restricted=line.sensitivity == Sensitivity.RESTRICTED,
        uploaded_by=User.display_name(*names) if line.uploaded_by_id else None,
        created_at=line.created_at,
        message_id=line.message_id,
        shared_with=tuple(share for share in shares if share.attachment_id == line.pk),
    )


def attachment_views(request: SupportRequest, user: User, *, shares: bool = False) -> list[AttachmentView]:
    """The files of ``request`` on the channels ``user`` reads (and, for an expert, those the hub shared with
    them), oldest first; with ``shares``, whom each is shared with, for hub staff (in the same read)."""
    rows, share_lines = attachment_lines_and_shares(request, user, shares=shares)
    return [attachment_view(AttachmentLine(*row), request, user, share_lines) for row in rows]


def with_files(messages: list[MessageView], files: Iterable[AttachmentView]) -> list[MessageView]:
    """``messages`` each with the files it carried, from the files the page already read (no query)."""
    carried: dict[int, list[AttachmentView]] = {}
    for file in files:
        if file.message_id is not None:
            carried.setdefault(file.message_id, []).append(file)
    if not carried:
        return messages
    return [replace(m, files=tuple(carried[m.pk])) if m.pk in carried else m for m in messages]


def reveals(view: RequestView, messages: Iterable[MessageView] = ()) -> list[Reveal]:
    """The restricted content a page built from these views shows its reader: the request's own text and
    each restricted message, for the access log."""
    shown: list[Reveal] = [(view.pk, None)] if view.revealed_restricted else []
    return shown + message_reveals(view.pk, messages)


def message_reveals(request_pk: int, messages: Iterable[MessageView]) -> list[Reveal]:
    """The restricted messages of one request a page or an answer shows (messages without the request's text)."""
    return [(request_pk, message.pk) for message in messages if message.revealed_restricted]


@dataclass(frozen=True)
class ResourceLink:
    """A resource drawn from the request, as its page names it: "Published as a resource: …" or "Draft …"."""

    title: str
    url: str
    published: bool
    state_label: str | Promise
    consent_label: str | Promise


def resource_links(request: SupportRequest, user: User) -> list[ResourceLink]:
    """The resources drawn from ``request`` that ``user`` may read (``visible_resources``, which agrees with
    ``can(user, "view_resource", ...)``; the caller has checked ``can(user, "view", request)``): nothing is read
    before the request is closed, one query after (each resource with its versions' titles). Each is named in
    the reader's language where it was written in it, else in the first of its languages."""
    if request.state != RequestState.CLOSED:
        return []
    language = (translation.get_language() or "en").split("-")[0]
    rows = (
        visible_resources(user)
        .filter(source_request_id=request.pk)
        .order_by("created_at", "pk", "versions__language")
        .values_list("pk", "slug", "state", "consent", "versions__language", "versions__title")
    )
    found: dict[int, tuple[str, str, str, dict[str, str]]] = {}
    for pk, slug, state, consent, version_language, title in rows:
        titles = found.setdefault(pk, (slug, state, consent, {}))[3]
        if version_language and title:
            titles[version_language] = title
    links = []
    for slug, state, consent, titles in found.values():
        published = state == ResourceState.PUBLISHED
        links.append(
            ResourceLink(
                title=titles.get(language) or next(iter(titles.values()), slug),
                # Until it is published, its page for the people concerned is the city's consent and its text.
                url=reverse("resource-detail", kwargs={"slug": slug})
                if published
                else reverse("resource-consent", kwargs={"slug": slug}),
                published=published,
                state_label=ResourceState(state).label,
                consent_label=Consent(consent).label,
            )
        )
    return links
