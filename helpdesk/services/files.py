"""Files chosen on a form: kept across a failed submit (``HeldFile``), attached once, removed from a draft.

A form that fails (a field missing, a message held back by the personal-data check) must not lose the file
the person chose, nor make them choose it again: the page holds each checked file first, shows it as kept,
and attaches the kept files when the form succeeds. The same content is attached once per request (files of
the request itself) or once per message, whatever the number of times it was chosen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import IO

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from helpdesk.access import can
from helpdesk.attachments import Inspected, inspect_upload
from helpdesk.models import AccessLog, Attachment, HeldFile, Message, ResourceFile, SupportRequest, User, Visibility
from helpdesk.services.grants import access_log_record


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _delete_file_on_commit(storage_name: str, storage: object) -> None:
    # The row goes in the transaction; the file only once that is certain (a rollback keeps both).
    transaction.on_commit(lambda: storage.delete(storage_name))  # type: ignore[attr-defined]


def held_file_add(
    *, owner: User, upload: IO[bytes], request: SupportRequest | None = None, keep_until: datetime | None = None
) -> HeldFile:
    """Check a chosen file and keep it for ``owner``'s form; the same content chosen again is kept once.

    ``request``: the request the form is about (a draft being edited, a request's message), none for a new
    request. ``keep_until``: kept until then rather than the usual few days (a reply by e-mail held for its
    sender). Raises ``AttachmentRefused`` (with the reason) for a file the desk does not accept.
    """
    if not owner.is_active or (request is not None and not can(owner, "view", request)):
        raise PermissionDenied("This person may not add files to this request.")
    inspected = inspect_upload(
        upload, name=getattr(upload, "name", "") or "attachment", size=getattr(upload, "size", None)
    )
    sha = content_hash(inspected.content)
    with transaction.atomic():
        existing = HeldFile.objects.filter(owner=owner, request=request, sha256=sha).first()
        if existing is not None:
            if keep_until is not None and (existing.keep_until is None or existing.keep_until < keep_until):
                existing.keep_until = keep_until
                existing.save(update_fields=["keep_until"])
            return existing
        held = HeldFile(
            owner=owner,
            request=request,
            original_name=inspected.name,
            size=inspected.size,
            content_type=inspected.content_type,
            sha256=sha,
            keep_until=keep_until,
        )
        stored_row_save(held, inspected)
    return held


def stored_row_save(row: HeldFile | ResourceFile, inspected: Inspected) -> None:
    """Write a checked file under its row's random name, then the row: no row ever points at nothing, and if
    the row cannot be saved the file goes again (one left by a rollback further out is swept by
    ``helpdesk.retention.orphan_files_delete``)."""
    row.file.save(inspected.name, ContentFile(inspected.content), save=False)
    try:
        row.save()
    except BaseException:
        row.file.storage.delete(row.file.name)
        raise


def _held_delete(held: HeldFile) -> None:
    name, storage = held.file.name, held.file.storage
    held.delete()
    _delete_file_on_commit(name, storage)


def held_file_discard(*, owner: User, held: HeldFile) -> None:
    """Forget a kept file its owner no longer wants."""
    if held.owner_id != owner.pk:
        raise PermissionDenied("Only the person who chose a file may discard it.")
    with transaction.atomic():
        _held_delete(held)


def _read(held: HeldFile) -> Inspected:
    with held.file.open("rb") as stored:
        content = stored.read()
    return Inspected(held.original_name, "", held.content_type, len(content), content)


def attachments_store(
    *,
    request: SupportRequest,
    uploaded_by: User,
    files: Sequence[Inspected | HeldFile],
    visibility: str,
    sensitivity: str,
    message: Message | None,
) -> list[Attachment]:
    """Store checked files (fresh or kept) on ``request`` or ``message``; called inside the caller's transaction.

    A content already attached there (the request's own files when ``message`` is none, else that message)
    is not stored again: its existing attachment is returned. Kept files are used up.
    """
    chosen = [
        (_read(item), item.sha256) if isinstance(item, HeldFile) else (item, content_hash(item.content))
        for item in files
    ]
    seen: dict[str, Attachment] = {}
    if message is None:
        shas = {sha for _, sha in chosen}
        for existing in Attachment.objects.filter(request=request, message=None, sha256__in=shas):
            seen.setdefault(existing.sha256, existing)
    stored: list[Attachment] = []
    new: list[Attachment] = []
    for inspected, sha in chosen:
        if sha in seen:
            if seen[sha] not in stored:
                stored.append(seen[sha])
            continue
        attachment = Attachment(
            request=request,
            message=message,
            original_name=inspected.name,
            size=inspected.size,
            content_type=inspected.content_type,
            visibility=visibility,
            sensitivity=sensitivity,
            uploaded_by=uploaded_by,
            sha256=sha,
        )
        # The stored name is random (see ``attachment_path``). The files are written before the rows so no
        # row ever points at nothing; if the rows cannot be saved the files go again. A file left behind by a
        # rollback further out is swept by ``helpdesk.retention.orphan_files_delete``.
        attachment.file.save(inspected.name, ContentFile(inspected.content), save=False)
        seen[sha] = attachment
        stored.append(attachment)
        new.append(attachment)
    try:
        Attachment.objects.bulk_create(new)  # one INSERT however many files
    except BaseException:
        for attachment in new:
            attachment.file.storage.delete(attachment.file.name)
        raise
    used = [item for item in files if isinstance(item, HeldFile)]
    if used:
        HeldFile.objects.filter(pk__in=[held.pk for held in used]).delete()
        for held in used:
            _delete_file_on_commit(held.file.name, held.file.storage)
    return stored


def draft_files_attach(*, request: SupportRequest, actor: User, held: Sequence[HeldFile]) -> list[Attachment]:
    """Attach the files kept on a draft's form to the draft (each content once), with one access-log row."""
    if not can(actor, "edit_draft", request):
        raise PermissionDenied("Only the city's focal points may add files to its draft.")
    if any(h.owner_id != actor.pk or h.request_id not in (None, request.pk) for h in held):
        raise PermissionDenied("These files were kept for someone else or another request.")
    if not held:
        return []
    with transaction.atomic():
        attached = attachments_store(
            request=request,
            uploaded_by=actor,
            files=held,
            visibility=Visibility.CITY,
            sensitivity=request.sensitivity,
            message=None,
        )
        access_log_record(user=actor, request=request, action=AccessLog.Action.EDIT)
    return attached


def draft_file_remove(*, request: SupportRequest, actor: User, attachment: Attachment) -> None:
    """Take a file off a draft (not off a message): the city changes its mind before the hub sees it."""
    if not can(actor, "edit_draft", request) or attachment.request_id != request.pk or attachment.message_id:
        raise PermissionDenied("Only a file of the draft itself may be removed, by the city's focal points.")
    with transaction.atomic():
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        access_log_record(user=actor, request=request, action=AccessLog.Action.EDIT)
        _delete_file_on_commit(name, storage)


def uploads_inspect(uploads: Iterable[IO[bytes]]) -> list[Inspected]:
    """Check several uploads; raises ``AttachmentRefused`` for the first the desk does not accept."""
    return [
        inspect_upload(upload, name=getattr(upload, "name", "") or "attachment", size=getattr(upload, "size", None))
        for upload in uploads
    ]
