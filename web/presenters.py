"""What one person may see of a request, a message or an attachment: the one presenter pages, exports and
search results all use, so restricted content is withheld the same way everywhere.

The views hold plain values (never the model), so a template cannot reach a field the viewer may not
see. Rich text is made safe on the way out as well as on the way in (``helpdesk.sanitize.render_html``):
what the services stored carries a seal and is shown as is; anything else is cleaned again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from helpdesk.access import can, revealed_note, sees_brief_only
from helpdesk.models import (
    TERMINAL_STATES,
    Attachment,
    Language,
    Message,
    RequestState,
    Sensitivity,
    StrategicPriority,
    SupportKind,
    SupportRequest,
    Theme,
    Urgency,
    User,
    Visibility,
)
from helpdesk.placeholders import ANONYMISED, ANONYMISED_TITLE, WITHHELD
from helpdesk.sanitize import render_html
from helpdesk.selectors import (
    ATTACHMENT_COLUMNS,
    MESSAGE_COLUMNS,
    PERSON_NAME,
    visible_attachment_lines,
    visible_message_lines,
)
from workflows.models import ExpertAssignment
from workflows.selectors import assignment_lines


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
    revealed_restricted: bool  # this viewer was shown restricted content (the access log records it)
    anonymised: bool
    # Fields the expert's brief leaves out are None for experts.
    state: str | None = None
    state_label: str | Promise | None = None
    urgency: str | None = None
    desired_by: date | None = None
    funding_requested: Decimal | None = None
    currency: str | None = None
    owner: str | None = None
    submitted_by: str | None = None
    submitted_by_email: str | None = None
    submitted_by_phone: str | None = None
    created_at: datetime | None = None
    submitted_at: datetime | None = None
    closed_at: datetime | None = None
    due_at: datetime | None = None
    screening_kinds: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class MessageView:
    pk: int
    author: str | None
    created_at: datetime
    visibility: str
    visibility_label: str | Promise
    body_html: SafeString | Promise
    withheld: bool
    revealed_restricted: bool
    is_restricted: bool


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


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


def request_view(request: SupportRequest, user: User) -> RequestView:
    """``request`` as ``user`` may see it; the caller has checked ``can(user, "view", request)``.

    Call it on rows fetched with ``select_related("city", "region", "owner", "submitted_by")``: it then
    costs no query.
    """
    brief = sees_brief_only(user, request)
    restricted = request.sensitivity == Sensitivity.RESTRICTED
    anonymised = request.anonymised_at is not None
    may_see_restricted = can(user, "see_restricted", request)
    hide_restricted = restricted and not may_see_restricted
    hide_city = brief and request.city.anonymous_to_experts

    if anonymised:
        summary: str | Promise = ANONYMISED
        description: SafeString | Promise | None = None if brief else ANONYMISED
    elif hide_restricted:
        summary = WITHHELD
        description = None if brief else WITHHELD
    else:
        summary = request.summary
        description = (
            None if brief else mark_safe(render_html(request.description, sealed_with=request.description_seal))
        )  # render_html cleaned or escaped it

    common = {
        "pk": request.pk,
        "reference": request.reference,
        "url": request.get_absolute_url(),
        "title": ANONYMISED_TITLE if anonymised else request.title,
        "theme": request.theme,
        "theme_label": request.get_theme_display(),
        "kind": request.kind,
        "kind_label": request.get_kind_display(),
        "language": request.language,
        "strategic_priority": request.strategic_priority,
        "strategic_priority_label": request.get_strategic_priority_display() if request.strategic_priority else None,
        "region": str(request.region),
        "city": None if hide_city else request.city.name,
        "country": None if hide_city else request.city.country,
        "summary": summary,
        "description_html": description,
        "is_brief": brief,
        "is_restricted": restricted,
        "withheld": hide_restricted and not anonymised,
        "revealed_restricted": restricted and may_see_restricted and not anonymised,
        "anonymised": anonymised,
    }
    if common["revealed_restricted"]:
        revealed_note(user, request)
    if brief:
        return RequestView(**common)
    submitter = request.submitted_by
    return RequestView(
        **common,
        state=request.state,
        state_label=request.get_state_display(),
        urgency=request.urgency,
        desired_by=request.desired_by,
        funding_requested=request.funding_requested,
        currency=request.currency,
        owner=_name(request.owner),
        submitted_by=_name(submitter),
        submitted_by_email=submitter.email if submitter else None,
        submitted_by_phone=submitter.phone if submitter else None,
        created_at=request.created_at,
        submitted_at=request.submitted_at,
        closed_at=request.closed_at,
        due_at=request.due_at,
        screening_kinds=sorted({flag.get("kind", "") for flag in request.screening_flags})
        if can(user, "release_restricted", request)
        else [],
    )


def request_rows(requests: list[SupportRequest], user: User) -> list[RequestView]:
    """Views of a page of requests (already filtered by ``visible_requests``)."""
    return [request_view(request, user) for request in requests]


def message_view(message: Message, user: User) -> MessageView:
    """One message as ``user`` may see it (its request already checked with ``can(user, "view", …)``)."""
    row = {name: getattr(message, name) for name in ("id", "author_id", *MESSAGE_FIELDS)}
    return _message_view(row, message.request, user, author=_name(message.author), labels=_labels(Visibility.choices))


# A message's own columns a page shows (with its id and author).
MESSAGE_FIELDS = MESSAGE_COLUMNS


def _message_view(
    row: dict[str, Any], request: SupportRequest, user: User, *, author: str | None, labels: dict[str, str]
) -> MessageView:
    restricted = row["sensitivity"] == Sensitivity.RESTRICTED
    anonymised = request.anonymised_at is not None
    may = True
    if restricted:
        # Only restricted text needs the question asked of a message (its author may read it back).
        message = Message(pk=row["id"], request=request, author_id=row["author_id"], sensitivity=row["sensitivity"])
        may = can(user, "see_restricted", message)
        if may and not anonymised:
            revealed_note(user, request, message)
    if anonymised:
        body: SafeString | Promise = ANONYMISED
    elif may:
        body = mark_safe(render_html(row["body"], sealed_with=row["body_seal"]))  # render_html cleaned or escaped it
    else:
        body = WITHHELD
    return MessageView(
        pk=row["id"],
        author=author,
        created_at=row["created_at"],
        visibility=row["visibility"],
        visibility_label=labels.get(row["visibility"], row["visibility"]),
        body_html=body,
        withheld=not may and not anonymised,
        revealed_restricted=restricted and may and not anonymised,
        is_restricted=restricted,
    )


def message_views(request: SupportRequest, user: User) -> list[MessageView]:
    """The messages of ``request`` that ``user`` reads, oldest first.

    Read as plain values: a request page shows fifty, and building a message and an author instance for
    each cost a millisecond.
    """
    labels = _labels(Visibility.choices)
    keys = ("id", "author_id", *MESSAGE_FIELDS)
    views = []
    for *values, first, last, username in visible_message_lines(request, user):
        row = dict(zip(keys, values, strict=True))
        author = User.display_name(first, last, username) if row["author_id"] is not None else None
        views.append(_message_view(row, request, user, author=author, labels=labels))
    return views


def attachment_view(attachment: Attachment, user: User) -> AttachmentView:
    row = {name: getattr(attachment, name) for name in ("id", *ATTACHMENT_FIELDS)}
    return _attachment_view(row, attachment.request, user, uploaded_by=_name(attachment.uploaded_by))


# An attachment's own columns a page shows (with its id).
ATTACHMENT_FIELDS = ATTACHMENT_COLUMNS


def _attachment_view(
    row: dict[str, Any],
    request: SupportRequest,
    user: User,
    *,
    uploaded_by: str | None,
    download_url: Callable[[int], str] | None = None,
) -> AttachmentView:
    # ``can`` decides on an (unsaved) attachment of this request carrying the columns its rule reads.
    attachment = Attachment(
        pk=row["id"],
        request=request,
        visibility=row["visibility"],
        sensitivity=row["sensitivity"],
        uploaded_by_id=row["uploaded_by_id"],
    )
    may = can(user, "download", attachment)
    return AttachmentView(
        pk=row["id"],
        name=row["original_name"] if may else WITHHELD,
        size=row["size"],
        content_type=row["content_type"],
        visibility=row["visibility"],
        download_url=(download_url or _url_maker("attachment-download", kwarg="pk"))(row["id"]) if may else None,
        withheld=not may,
        is_restricted=row["sensitivity"] == Sensitivity.RESTRICTED,
        uploaded_by=uploaded_by,
        created_at=row["created_at"],
    )


def attachment_views(request: SupportRequest, user: User) -> list[AttachmentView]:
    """The files of ``request`` that ``user`` sees (a withheld one keeps its line, without name or link)."""
    keys = ("id", *ATTACHMENT_FIELDS)
    views = []
    download_url = _url_maker("attachment-download", kwarg="pk")
    for *values, first, last, username in visible_attachment_lines(request, user):
        row = dict(zip(keys, values, strict=True))
        uploaded_by = User.display_name(first, last, username) if row["uploaded_by_id"] is not None else None
        views.append(_attachment_view(row, request, user, uploaded_by=uploaded_by, download_url=download_url))
    return views


@dataclass(frozen=True)
class AssignmentView:
    """An expert's assignment on a request, as the hub's side panel shows it."""

    expert: str
    status: str
    status_label: str
    has_conflict: bool
    conflict_of_interest: str
    decline_reason: str


def assignment_views(request: SupportRequest) -> list[AssignmentView]:
    """The experts proposed on ``request`` and their answers, oldest first (for those who oversee it)."""
    labels = _labels(ExpertAssignment.Status.choices)
    return [
        AssignmentView(User.display_name(*names), status, labels.get(status, status), conflict, declaration, reason)
        for status, conflict, declaration, reason, *names in assignment_lines(request)
    ]


def snippet(view: RequestView, length: int = 240) -> str:
    """Plain-text excerpt for search results and exports: the summary (or its placeholder)."""
    text = str(view.summary)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


@dataclass(frozen=True)
class QueueRow:
    """One line of a request list: only what the line shows, as text ready to print."""

    reference: str
    url: str
    title: str
    asks_funding: bool
    urgent_label: str  # empty unless the urgency is high or critical
    city: str
    country: str
    region: str
    state: str
    state_label: str
    kind_label: str
    owner: str  # empty: nobody yet
    due_at: datetime | None
    overdue: bool
    take_url: str  # where the viewer makes themselves the owner; empty when they may not or already are


URGENT = frozenset({Urgency.HIGH, Urgency.CRITICAL})
TITLE_LENGTH = 80


def _labels(choices: list[tuple[str, Promise | str]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _url_maker(name: str, *, kwarg: str = "reference") -> Callable[[Any], str]:
    """``reverse(name, reference)`` (or ``pk``) for a page of rows: one reverse, then a substitution per row.

    References are ``SCN-YYYY-NNNNNN`` and primary keys digits (both URL-safe), so substituting one is exact.
    """
    marker = "REFERENCE-MARKER" if kwarg == "reference" else 987654321987654321
    pattern = reverse(name, kwargs={kwarg: marker})
    return lambda value: pattern.replace(str(marker), str(value))


def _title(title: str, anonymised_at: datetime | None) -> str:
    """A request's title as lists show it: a placeholder once the request was anonymised."""
    return str(ANONYMISED_TITLE) if anonymised_at else title


@dataclass(frozen=True)
class CityRow:
    """One of a city's own requests, as its focal point's home lists it."""

    reference: str
    url: str
    title: str
    city_id: int
    city: str
    state: str
    state_label: str
    due_at: datetime | None
    updated_at: datetime


def city_rows(requests: list[SupportRequest]) -> list[CityRow]:
    """Lines of a focal point's requests (fetched with ``select_related("city")``): no query, each label
    translated once per page."""
    states = _labels(RequestState.choices)
    detail_url = _url_maker("request-detail")
    return [
        CityRow(
            reference=r.reference,
            url=detail_url(r.reference),
            title=_title(r.title, r.anonymised_at),
            city_id=r.city_id,
            city=r.city.name,
            state=r.state,
            state_label=states.get(r.state, r.state),
            due_at=r.due_at,
            updated_at=r.updated_at,
        )
        for r in requests
    ]


@dataclass(frozen=True)
class InboxRow:
    """One of an expert's assignments, as their inbox lists it: the request's brief facts, never its content.

    ``place`` is the city and country, or only the hub for a city that stays anonymous to experts.
    """

    reference: str
    url: str
    title: str
    state: str
    state_label: str
    facts: str  # theme · kind · language · place
    proposed_at: datetime


def inbox_rows(assignments: list[ExpertAssignment]) -> list[InboxRow]:
    """Lines of an expert's inbox (fetched with the request, its city and hub): no query, each label
    translated once per page."""
    states, themes = _labels(RequestState.choices), _labels(Theme.choices)
    kinds, languages = _labels(SupportKind.choices), _labels(Language.choices)
    detail_url = _url_maker("request-detail")
    rows = []
    for assignment in assignments:
        r = assignment.request
        place = r.region.name if r.city.anonymous_to_experts else f"{r.city.name}, {r.city.country}"
        facts = [themes.get(r.theme, r.theme), kinds.get(r.kind, r.kind), languages.get(r.language, r.language)]
        rows.append(
            InboxRow(
                reference=r.reference,
                url=detail_url(r.reference),
                title=_title(r.title, r.anonymised_at),
                state=r.state,
                state_label=states.get(r.state, r.state),
                facts=" · ".join([*facts, place]),
                proposed_at=assignment.created_at,
            )
        )
    return rows


@dataclass(frozen=True)
class FundRow:
    """A fund application awaiting the management unit's decision, as its queue lists it."""

    reference: str
    url: str
    title: str
    city: str
    region: str
    priority_label: str
    amount: Decimal
    currency: str
    recommended_by: str  # empty: nobody recorded
    first_approver: str  # empty: no first approval yet (four eyes)
    created_at: datetime
    overdue: bool


def fund_rows(lines: Sequence[Any], *, now: datetime) -> list[FundRow]:
    """Lines of the fund queue from ``web.listing.FUND_QUEUE_LINE`` rows: each label translated once."""
    priorities = _labels(StrategicPriority.choices)
    detail_url = _url_maker("request-detail")
    rows = []
    for line in lines:
        due_at = line.request__due_at
        rows.append(
            FundRow(
                reference=line.request__reference,
                url=detail_url(line.request__reference),
                title=_title(line.request__title, line.request__anonymised_at),
                city=line.request__city__name,
                region=line.request__region__name,
                priority_label=priorities.get(line.strategic_priority, str(line.strategic_priority)),
                amount=line.amount_requested,
                currency=line.currency,
                recommended_by=_person(line, "recommended_by"),
                first_approver=_person(line, "first_approver"),
                created_at=line.created_at,
                overdue=bool(due_at and due_at < now),
            )
        )
    return rows


def _person(line: Any, relation: str) -> str:
    names = [getattr(line, f"{relation}__{name}") for name in PERSON_NAME]
    return User.display_name(*names) if names[2] else ""


def queue_rows(requests: list[SupportRequest], user: User, *, now: datetime) -> list[QueueRow]:
    """Lines of a page of requests (already filtered by ``visible_requests``, fetched with
    ``select_related("city", "region", "owner")``): no query, and each label translated once per page."""
    states, kinds, urgencies = _labels(RequestState.choices), _labels(SupportKind.choices), _labels(Urgency.choices)
    detail_url, owner_url = _url_maker("request-detail"), _url_maker("request-owner")
    rows = []
    for request in requests:
        title = request.title if len(request.title) <= TITLE_LENGTH else request.title[: TITLE_LENGTH - 1] + "…"
        rows.append(
            QueueRow(
                reference=request.reference,
                url=detail_url(request.reference),
                title=_title(title, request.anonymised_at),
                asks_funding=request.funding_requested is not None,
                urgent_label=urgencies.get(request.urgency, "") if request.urgency in URGENT else "",
                city=request.city.name,
                country=request.city.country,
                region=request.region.name,
                state=request.state,
                state_label=states.get(request.state, request.state),
                kind_label=kinds.get(request.kind, request.kind),
                owner=_name(request.owner) or "",
                due_at=request.due_at,
                overdue=bool(request.due_at and request.due_at < now and request.state not in TERMINAL_STATES),
                take_url=owner_url(request.reference)
                if request.owner_id != user.pk and can(user, "manage_owner", request)
                else "",
            )
        )
    return rows
