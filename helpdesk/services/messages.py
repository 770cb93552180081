"""Messages and attachments on a request's channels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.attachments import Inspected, inspect_upload
from helpdesk.models import Attachment, HeldFile, Message, Sensitivity, SupportRequest, User, Visibility
from helpdesk.sanitize import seal
from helpdesk.services.files import attachments_store, uploads_inspect
from helpdesk.services.requests import _rich, _screen
from helpdesk.signals import message_posted


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
    attachments: Sequence[IO[bytes]] = (),
    held: Sequence[HeldFile] = (),
    part_of_move: bool = False,
) -> Message:
    """Post a message on one channel of ``request`` (with its files), and tell listeners.

    Files: ``attachment`` (one, named ``attachment_name``), ``attachments`` (several uploads) and ``held``
    (files the author chose before, kept while the message was held back); each is checked, all are stored
    on the message in the same transaction, the same content once.

    ``helpdesk.signals.message_posted`` is sent inside the transaction; notifications record their rows
    there and send after commit. ``part_of_move``: a lifecycle move posts its text (a question, an answer)
    and names the message in its own event; listeners are told so.
    """
    if not can(author, "comment", request, visibility=visibility):
        raise PermissionDenied("This person may not write on this channel of this request.")
    if visibility not in Visibility.values or sensitivity not in Sensitivity.values:
        raise ValidationError(_("Unknown visibility or sensitivity."), code="invalid")
    body = _rich(_("Message"), body)
    if not body:
        raise ValidationError(_("The message is empty."), code="required")
    flags = _screen(texts={"body": body}, confirm=confirm_personal_data)
    if any(h.owner_id != author.pk or h.request_id != request.pk for h in held):
        raise PermissionDenied("These files were kept for someone else or another request.")
    # The files chosen on an earlier attempt come first: they were chosen first.
    files: list[Inspected | HeldFile] = [*held]
    if attachment is not None:
        files.append(
            inspect_upload(
                attachment,
                name=attachment_name or getattr(attachment, "name", "") or "attachment",
                size=getattr(attachment, "size", None),
            )
        )
    files += uploads_inspect(attachments)
    # A move posts its text through here inside its own transaction: no savepoint of ours there (a failure
    # fails the move anyway), which spares two round trips per move.
    with transaction.atomic(savepoint=False):
        message = Message.objects.create(
            request=request,
            author=author,
            body=body,
            body_seal=seal(body),
            visibility=visibility,
            sensitivity=Sensitivity.RESTRICTED if flags else sensitivity,
            screening_flags=flags,
        )
        if files:
            attachments_store(
                request=request,
                uploaded_by=author,
                files=files,
                visibility=visibility,
                sensitivity=message.sensitivity,
                message=message,
            )
        message_posted.send(sender=Message, message=message, request=request, author=author, part_of_move=part_of_move)
    return message


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
    """Attach a file to ``request`` on a channel; its content is checked (``helpdesk.attachments``).

    The same content attached to the request itself (or to the same message) before is not stored again:
    that attachment is returned."""
    if not can(uploaded_by, "comment", request, visibility=visibility):
        raise PermissionDenied("This person may not add files on this channel of this request.")
    if message is not None and (message.request_id != request.pk or not can(uploaded_by, "see_message", message)):
        raise PermissionDenied("The message does not belong to this request.")
    inspected = inspect_upload(
        upload, name=name or getattr(upload, "name", "") or "attachment", size=getattr(upload, "size", None)
    )
    with transaction.atomic():
        (stored,) = attachments_store(
            request=request,
            uploaded_by=uploaded_by,
            files=[inspected],
            visibility=visibility,
            sensitivity=sensitivity,
            message=message,
        )
    return stored
