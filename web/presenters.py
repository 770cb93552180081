"""What one person may see of a request, its messages and its files: the one presenter the request's pages and
the exports use, so restricted content is withheld the same way everywhere.

The views hold plain values (never the model), so a template cannot reach a field the viewer may not see.
Rich text is made safe on the way out as well as on the way in (``helpdesk.sanitize.render_html``): what the
services stored carries a seal and is shown as is; anything else is cleaned again.

Each view says whether it shows this viewer restricted content (``revealed_restricted``); the page that
shows it records that in the access log (``helpdesk.services.access_log_reveals``) with ``reveals``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from helpdesk.access import can, sees_brief_only
from helpdesk.models import Attachment, Message, Sensitivity, SupportRequest, User
from helpdesk.placeholders import ANONYMISED, ANONYMISED_TITLE, WITHHELD
from helpdesk.sanitize import render_html
from helpdesk.selectors import visible_attachments, visible_messages
from helpdesk.services import Reveal


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
    # Fields the expert's brief leaves out are None for experts.
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
        # render_html cleaned the text, or found the seal of the service that cleaned it.
        description = (
            None if brief else mark_safe(render_html(request.description, sealed_with=request.description_seal))
        )

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
        "language_label": request.get_language_display(),
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
    if brief:
        return RequestView(**common)
    submitter = request.submitted_by
    return RequestView(
        **common,
        state=request.state,
        state_label=request.get_state_display(),
        urgency=request.urgency,
        urgency_label=request.get_urgency_display(),
        desired_by=request.desired_by,
        funding_requested=request.funding_requested,
        currency=request.currency,
        owner=_name(request.owner),
        owner_id=request.owner_id,
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


def message_view(message: Message, request: SupportRequest, user: User) -> MessageView:
    """One message of ``request`` as ``user`` may see it (the request already checked with ``can``)."""
    message.request = request  # the rules read the request the message belongs to
    restricted = message.sensitivity == Sensitivity.RESTRICTED
    anonymised = request.anonymised_at is not None
    # Only restricted text needs the question asked of a message (its author may read it back).
    may = not restricted or can(user, "see_restricted", message)
    body: SafeString | Promise
    if anonymised:
        body = ANONYMISED
    elif may:
        # render_html cleaned the text, or found the seal of the service that cleaned it.
        body = mark_safe(render_html(message.body, sealed_with=message.body_seal))
    else:
        body = WITHHELD
    return MessageView(
        pk=message.pk,
        author=_name(message.author),
        created_at=message.created_at,
        visibility=message.visibility,
        visibility_label=message.get_visibility_display(),
        body_html=body,
        withheld=not may and not anonymised,
        revealed_restricted=restricted and may and not anonymised,
        is_restricted=restricted,
    )


def message_views(request: SupportRequest, user: User) -> list[MessageView]:
    """The messages of ``request`` that ``user`` reads, oldest first."""
    return [message_view(message, request, user) for message in visible_messages(request, user)]


def attachment_view(attachment: Attachment, request: SupportRequest, user: User) -> AttachmentView:
    """One file of ``request`` as ``user`` may see it: a withheld one keeps its line, without name or link."""
    attachment.request = request  # the rules read the request the file belongs to
    may = can(user, "download", attachment)
    return AttachmentView(
        pk=attachment.pk,
        name=attachment.original_name if may else WITHHELD,
        size=attachment.size,
        content_type=attachment.content_type,
        visibility=attachment.visibility,
        download_url=reverse("attachment-download", args=[attachment.pk]) if may else None,
        withheld=not may,
        is_restricted=attachment.sensitivity == Sensitivity.RESTRICTED,
        uploaded_by=_name(attachment.uploaded_by),
        created_at=attachment.created_at,
    )


def attachment_views(request: SupportRequest, user: User) -> list[AttachmentView]:
    """The files of ``request`` on the channels ``user`` reads, oldest first."""
    return [attachment_view(attachment, request, user) for attachment in visible_attachments(request, user)]


def reveals(view: RequestView, messages: Iterable[MessageView] = ()) -> list[Reveal]:
    """The restricted content a page built from these views shows its reader: the request's own text and
    each restricted message, for the access log."""
    shown: list[Reveal] = [(view.pk, None)] if view.revealed_restricted else []
    shown += [(view.pk, message.pk) for message in messages if message.revealed_restricted]
    return shown
