"""Writes of the help desk's domain data. Lifecycle moves live in ``workflows.services``.

Every function takes keyword-only arguments, checks the actor with ``helpdesk.access.can``, cleans and
screens user-written text on the way in, and leaves an ``AccessLog`` row for what matters to access.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk import access
from helpdesk.access import can
from helpdesk.attachments import AttachmentRefused, inspect_upload
from helpdesk.models import (
    TERMINAL_STATES,
    AccessLog,
    Attachment,
    City,
    ExpertAssignment,
    Language,
    Message,
    ReferenceSequence,
    RequestState,
    Role,
    Sensitivity,
    SupportKind,
    SupportRequest,
    SupportRequestGroupObjectPermission,
    SupportRequestUserObjectPermission,
    Theme,
    Urgency,
    User,
    Visibility,
)
from helpdesk.sanitize import clean_html, clean_text
from helpdesk.screening import PersonalDataFound, flags_for, screen_fields
from helpdesk.signals import message_posted

__all__ = [
    "AttachmentRefused",
    "OwnerRefused",
    "PersonalDataFound",
    "RequestNotEditable",
]

Obj = SupportRequest | Message | Attachment


class OwnerRefused(ValidationError):
    """The chosen owner may not own this request (not hub staff of its region nor management)."""


class RequestNotEditable(ValidationError):
    """Only a draft can be edited; afterwards the city answers through messages and lifecycle moves."""


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def roles_ensure() -> dict[str, Group]:
    """Create the role groups if missing; safe to call any number of times."""
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}


def user_set_roles(*, user: User, roles: list[str]) -> None:
    groups = roles_ensure()
    user.groups.set([groups[role] for role in roles])
    access.forget(user)


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


# --- Text on the way in ----------------------------------------------------------------------------
def _limit(field: str, text: str, limit: int | None = None) -> str:
    limit = limit or settings.TEXT_MAX_CHARS
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s is too long (%(length)d characters; at most %(limit)d).")
            % {"field": field, "length": len(text), "limit": limit},
            code="too_long",
        )
    return text


# Parsing cost grows faster than linearly with nesting: thousands of nested tags are refused before
# they reach the parser (5,000 take about 0.2 s; prose needs a few hundred at most).
MAX_TAGS = 5000


def _rich(field: str, text: str | None) -> str:
    raw = _limit(field, text or "", settings.TEXT_MAX_CHARS * 2)
    if raw.count("<") > MAX_TAGS:
        raise ValidationError(
            _("%(field)s has too much formatting; paste it as plain text.") % {"field": field}, code="too_complex"
        )
    return _limit(field, clean_html(raw))


def _plain(field: str, text: str | None, limit: int | None = None) -> str:
    return _limit(field, clean_text(text), limit)


def _screen(*, texts: dict[str, str], never_personal: tuple[str, ...] = (), confirm: bool) -> list[dict[str, Any]]:
    """Screen ``texts``; raise unless confirmed, and return the flags to store (kinds and spans only).

    Fields in ``never_personal`` (titles: they travel in notifications and e-mails) cannot be confirmed.
    """
    findings = screen_fields(texts)
    if not findings:
        return []
    unconfirmable = {name: found for name, found in findings.items() if name in never_personal}
    if unconfirmable:
        raise PersonalDataFound(unconfirmable, confirmable=False)
    if not confirm:
        raise PersonalDataFound(findings)
    return flags_for(findings)


# --- Requests --------------------------------------------------------------------------------------
def _may_file_for(user: User, city: City) -> bool:
    s = access.scope(user)
    if not user.is_active or s.steering_only:
        return False
    return city.pk in s.city_ids or s.management or s.hub_region_id == city.region_id


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
    confirm_personal_data: bool = False,
) -> SupportRequest:
    """File a new request as a draft of ``city``; the lifecycle moves it on from there.

    ``submitted_by`` must be a focal point of the city (or its hub, or the management unit, filing on the
    city's behalf); ``None`` is for the system (imports, demo data). Text that looks like personal data
    raises ``PersonalDataFound`` unless ``confirm_personal_data``; confirmed, the request is restricted.
    """
    if submitted_by is not None and not _may_file_for(submitted_by, city):
        raise PermissionDenied("This person may not file requests for this city.")
    title = _plain(_("Title"), title, 200)
    if not title:
        raise ValidationError(_("A request needs a title."), code="required")
    description = _rich(_("Description"), description)
    summary = _plain(_("Summary"), summary)
    flags = _screen(
        texts={"title": title, "description": description, "summary": summary},
        never_personal=("title",),
        confirm=confirm_personal_data,
    )
    with transaction.atomic():
        (reference,) = reference_allocate()
        request = SupportRequest(
            reference=reference,
            city=city,
            region_id=city.region_id,
            submitted_by=submitted_by,
            title=title,
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
            sensitivity=Sensitivity.RESTRICTED if flags else sensitivity,
            screening_flags=flags,
        )
        request.full_clean(exclude=["reference", "region", "state"])
        request.save()
    return request


EDITABLE_DRAFT_FIELDS = (
    "title",
    "description",
    "summary",
    "theme",
    "kind",
    "strategic_priority",
    "language",
    "urgency",
    "desired_by",
    "funding_requested",
    "currency",
    "sensitivity",
)


def request_update_draft(
    *,
    request: SupportRequest,
    actor: User,
    title: str = UNSET,
    description: str = UNSET,
    summary: str = UNSET,
    theme: str = UNSET,
    kind: str = UNSET,
    strategic_priority: int | None = UNSET,
    language: str = UNSET,
    urgency: str = UNSET,
    desired_by: date | None = UNSET,
    funding_requested: Decimal | None = UNSET,
    currency: str = UNSET,
    sensitivity: str = UNSET,
    confirm_personal_data: bool = False,
) -> SupportRequest:
    """Change a draft's content (only the fields named here: never its city, state, owner or reference).

    Only a focal point of the request's city may edit, and only while it is a draft. The whole text is
    screened again: a restriction that came from screening is lifted when the text is clean again.
    """
    if not can(actor, "view", request) or not access.is_focal_point_of(actor, request):
        raise PermissionDenied("Only the city's focal points may edit its draft.")
    if request.state != RequestState.DRAFT or request.anonymised_at is not None:
        raise RequestNotEditable(_("Only a draft can be edited."), code="not_draft")
    given = {name: value for name, value in locals().items() if name in EDITABLE_DRAFT_FIELDS and value is not UNSET}
    if "title" in given:
        given["title"] = _plain(_("Title"), given["title"], 200)
        if not given["title"]:
            raise ValidationError(_("A request needs a title."), code="required")
    if "description" in given:
        given["description"] = _rich(_("Description"), given["description"])
    if "summary" in given:
        given["summary"] = _plain(_("Summary"), given["summary"])
    texts = {name: given.get(name, getattr(request, name)) for name in ("title", "description", "summary")}
    flags = _screen(texts=texts, never_personal=("title",), confirm=confirm_personal_data)
    if flags:
        given["sensitivity"] = Sensitivity.RESTRICTED
    elif request.screening_flags and "sensitivity" not in given:
        given["sensitivity"] = Sensitivity.SHAREABLE
    given["screening_flags"] = flags
    with transaction.atomic():
        for name, value in given.items():
            setattr(request, name, value)
        request.full_clean(exclude=["reference", "region", "state"])
        request.save(update_fields=[*given, "updated_at"])
        access_log_record(user=actor, request=request, action=AccessLog.Action.EDIT)
    return request


def request_set_owner(*, request: SupportRequest, owner: User | None, actor: User) -> SupportRequest:
    """Give the request to a colleague of the hub (or the management unit), or leave it without owner."""
    if not can(actor, "manage_owner", request):
        raise PermissionDenied("Only the hub of the region or the management unit may assign requests.")
    if owner is not None and not (access.is_hub_staff_of(owner, request) or access.is_management(owner)):
        raise OwnerRefused(
            _("%(person)s is not hub staff of this region nor in the management unit.") % {"person": owner},
            code="not_staff",
        )
    with transaction.atomic():
        request.owner = owner
        request.save(update_fields=["owner", "updated_at"])
        access_log_record(user=actor, request=request, action=AccessLog.Action.OWNER, subject=owner)
    return request


# --- Messages and attachments ---------------------------------------------------------------------
def message_post(
    *,
    request: SupportRequest,
    author: User,
    body: str,
    visibility: str = Visibility.CITY,
    sensitivity: str = Sensitivity.SHAREABLE,
    confirm_personal_data: bool = False,
    attachment: IO[bytes] | None = None,
    attachment_name: str | None = None,
) -> Message:
    """Post a message on one channel of ``request`` (with an optional file), and tell listeners.

    ``helpdesk.signals.message_posted`` is sent inside the transaction; notifications record their rows
    there and send after commit.
    """
    if not can(author, "comment", request, visibility=visibility):
        raise PermissionDenied("This person may not write on this channel of this request.")
    if visibility not in Visibility.values or sensitivity not in Sensitivity.values:
        raise ValidationError(_("Unknown visibility or sensitivity."), code="invalid")
    body = _rich(_("Message"), body)
    if not body:
        raise ValidationError(_("The message is empty."), code="required")
    flags = _screen(texts={"body": body}, confirm=confirm_personal_data)
    inspected = None
    if attachment is not None:
        inspected = inspect_upload(
            attachment,
            name=attachment_name or getattr(attachment, "name", "") or "attachment",
            size=getattr(attachment, "size", None),
        )
    with transaction.atomic():
        message = Message.objects.create(
            request=request,
            author=author,
            body=body,
            visibility=visibility,
            sensitivity=Sensitivity.RESTRICTED if flags else sensitivity,
            screening_flags=flags,
        )
        if inspected is not None:
            _attachment_store(
                request=request,
                uploaded_by=author,
                inspected=inspected,
                visibility=visibility,
                sensitivity=message.sensitivity,
                message=message,
            )
        message_posted.send(sender=Message, message=message, request=request, author=author)
    return message


def _attachment_store(
    *,
    request: SupportRequest,
    uploaded_by: User,
    inspected: Any,
    visibility: str,
    sensitivity: str,
    message: Message | None,
) -> Attachment:
    attachment = Attachment(
        request=request,
        message=message,
        original_name=inspected.name,
        size=inspected.size,
        content_type=inspected.content_type,
        visibility=visibility,
        sensitivity=sensitivity,
        uploaded_by=uploaded_by,
    )
    # The stored name is random (see ``attachment_path``). The file is written before the row so the row
    # never points at nothing; if the row cannot be saved the file goes again. A file left behind by a
    # rollback further out is swept by ``helpdesk.retention.orphan_files_delete``.
    attachment.file.save(inspected.name, ContentFile(inspected.content), save=False)
    try:
        attachment.save()
    except BaseException:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def attachment_add(
    *,
    request: SupportRequest,
    uploaded_by: User,
    upload: IO[bytes],
    name: str | None = None,
    visibility: str = Visibility.CITY,
    sensitivity: str = Sensitivity.SHAREABLE,
    message: Message | None = None,
) -> Attachment:
    """Attach a file to ``request`` on a channel; its content is checked (``helpdesk.attachments``)."""
    if not can(uploaded_by, "comment", request, visibility=visibility):
        raise PermissionDenied("This person may not add files on this channel of this request.")
    if message is not None and (message.request_id != request.pk or not can(uploaded_by, "see_message", message)):
        raise PermissionDenied("The message does not belong to this request.")
    inspected = inspect_upload(
        upload, name=name or getattr(upload, "name", "") or "attachment", size=getattr(upload, "size", None)
    )
    with transaction.atomic():
        return _attachment_store(
            request=request,
            uploaded_by=uploaded_by,
            inspected=inspected,
            visibility=visibility,
            sensitivity=sensitivity,
            message=message,
        )


# --- Restricted content and the access log ---------------------------------------------------------
def restricted_release(*, obj: Obj, actor: User, ip: str | None = None) -> Obj:
    """Hub staff (or the management unit) release screened content: it becomes shareable.

    The screening flags stay as the record of what was found; the release itself is in the access log.
    """
    if not can(actor, "release_restricted", obj):
        raise PermissionDenied("Only the hub of the region or the management unit may release content.")
    if obj.sensitivity != Sensitivity.RESTRICTED:
        return obj
    request = obj if isinstance(obj, SupportRequest) else obj.request
    with transaction.atomic():
        obj.sensitivity = Sensitivity.SHAREABLE
        obj.save(update_fields=["sensitivity", "updated_at"] if isinstance(obj, SupportRequest) else ["sensitivity"])
        access_log_record(
            user=actor,
            request=request,
            action=AccessLog.Action.RELEASE,
            message=obj if isinstance(obj, Message) else None,
            attachment=obj if isinstance(obj, Attachment) else None,
            ip=ip,
        )
    return obj


def access_log_record(
    *,
    user: User | None,
    request: SupportRequest,
    action: str,
    attachment: Attachment | None = None,
    message: Message | None = None,
    subject: User | None = None,
    ip: str | None = None,
) -> AccessLog:
    """One row of the access log (ids only, never content)."""
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        request=request,
        action=action,
        attachment=attachment,
        message=message,
        subject=subject,
        ip_address=ip or None,
    )


def access_log_flush(*, user: User, ip: str | None = None) -> int:
    """Record what the presenters revealed to ``user`` during this HTTP request (restricted content).

    The presenters note each restricted request or message they show in full; the access middleware calls
    this once the response is built, so every page, export and search result is covered without each
    view remembering to log. Returns the number of rows written.
    """
    revealed = access.revealed_take(user)
    if not revealed:
        return 0
    rows = [
        AccessLog(
            user=user,
            request_id=request_id,
            message_id=message_id,
            action=AccessLog.Action.VIEW_RESTRICTED,
            ip_address=ip or None,
        )
        for request_id, message_id in sorted(revealed, key=lambda pair: (pair[0], pair[1] or 0))
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


# --- Expert grants (django-guardian object permissions) --------------------------------------------
def _view_permission_id() -> int:
    return Permission.objects.values_list("pk", flat=True).get(
        codename="view_supportrequest", content_type__app_label="helpdesk"
    )


def expert_access_grant(*, request: SupportRequest, expert: User, actor: User | None = None) -> bool:
    """Let a proposed expert see this request's brief (a guardian object permission). Idempotent.

    Called by the workflow when it proposes the expert. Returns True when a grant was created.
    """
    with transaction.atomic():
        _, created = SupportRequestUserObjectPermission.objects.get_or_create(
            user=expert, permission_id=_view_permission_id(), content_object=request
        )
        if created:
            access_log_record(user=actor, request=request, action=AccessLog.Action.GRANT, subject=expert)
    access.forget(expert)
    return created


def expert_access_revoke(*, request: SupportRequest, expert: User, actor: User | None = None) -> bool:
    """Take the expert's access away (on decline, or after the grace period). Idempotent."""
    with transaction.atomic():
        deleted, _ = SupportRequestUserObjectPermission.objects.filter(
            user=expert, permission__codename="view_supportrequest", content_object=request
        ).delete()
        if deleted:
            access_log_record(user=actor, request=request, action=AccessLog.Action.REVOKE, subject=expert)
    access.forget(expert)
    return bool(deleted)


@dataclass(frozen=True)
class ReconcileResult:
    orphaned: int  # no proposed, accepted or completed assignment behind the grant
    expired: int  # the request ended longer ago than the grace period
    group_rows: int  # request access is never granted to groups: any such row is stray

    @property
    def total(self) -> int:
        return self.orphaned + self.expired + self.group_rows


def access_grants_reconcile(*, now: Any = None, grace_days: int | None = None) -> ReconcileResult:
    """Remove guardian rows that no live assignment explains; each removal is in the access log.

    The workflow revokes on decline and after the grace period; this is the safety net that keeps the
    grant table equal to the assignments whatever happened (a failed task, an admin edit, a bulk import).
    """
    now = now or timezone.now()
    grace = timedelta(days=settings.EXPERT_ACCESS_GRACE_DAYS if grace_days is None else grace_days)
    live = ExpertAssignment.objects.filter(
        request_id=OuterRef("content_object_id"),
        expert_id=OuterRef("user_id"),
        status__in=[*ExpertAssignment.ACTIVE, ExpertAssignment.Status.COMPLETED],
    )
    ended = Q(content_object__state__in=TERMINAL_STATES) & (
        Q(content_object__closed_at__lt=now - grace)
        | Q(content_object__closed_at__isnull=True, content_object__updated_at__lt=now - grace)
    )
    grants = SupportRequestUserObjectPermission.objects.filter(permission__codename="view_supportrequest")
    with transaction.atomic():
        orphaned = list(grants.filter(~Exists(live)).values_list("pk", "content_object_id", "user_id"))
        expired = list(grants.filter(Exists(live)).filter(ended).values_list("pk", "content_object_id", "user_id"))
        doomed = orphaned + expired
        SupportRequestUserObjectPermission.objects.filter(pk__in=[pk for pk, _, _ in doomed]).delete()
        AccessLog.objects.bulk_create(
            [
                AccessLog(request_id=request_id, subject_id=user_id, action=AccessLog.Action.REVOKE)
                for _, request_id, user_id in doomed
            ],
            batch_size=1000,
        )
        group_rows, _ = SupportRequestGroupObjectPermission.objects.all().delete()
    return ReconcileResult(orphaned=len(orphaned), expired=len(expired), group_rows=group_rows)
