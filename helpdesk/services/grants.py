"""Who is let in: restricted-content release, the access log, experts' guardian grants, and the city files the
hub shares with an expert."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import access
from helpdesk.access import can
from helpdesk.models import (
    AccessLog,
    Attachment,
    AttachmentShare,
    Message,
    Sensitivity,
    SupportRequest,
    SupportRequestGroupObjectPermission,
    SupportRequestUserObjectPermission,
    User,
    Visibility,
)

Obj = SupportRequest | Message | Attachment


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


# A request (and one of its messages, or None for the request's own text) whose restricted content a person
# was shown: what a page, an export or an API answer reveals.
Reveal = tuple[int, int | None]


def access_log_owners_cleared(*, user: User, request_ids: Iterable[int]) -> int:
    """The owner change ``request_set_owner`` records, for many requests left without an owner at once (their
    owner's account was deactivated): one access-log row each, no subject."""
    rows = [AccessLog(user=user, request_id=pk, action=AccessLog.Action.OWNER) for pk in sorted(set(request_ids))]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def access_log_reveals(
    *, user: User, reveals: Iterable[Reveal], ip: str | None = None, action: str = AccessLog.Action.VIEW_RESTRICTED
) -> int:
    """Record that ``user`` was shown restricted content: one access-log row per request and message revealed.

    Whatever shows restricted content calls this once with what its presenter says it revealed (a request
    page after rendering, an export chunk by chunk, an API answer). Returns the number of rows written.
    """
    rows = [
        AccessLog(user=user, request_id=request_id, message_id=message_id, action=action, ip_address=ip or None)
        for request_id, message_id in sorted(set(reveals), key=lambda pair: (pair[0], pair[1] or 0))
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


def expert_grants_remove(*, grant_ids: Iterable[int], actor: User | None = None) -> int:
    """Take many experts' access away at once (the scheduled jobs: grace periods, the safety net): delete these
    grants and write one access-log row for each, in one transaction. Returns how many were removed; a grant
    already gone counts for nothing, so a job run twice removes nothing more."""
    wanted = sorted(set(grant_ids))
    if not wanted:
        return 0
    with transaction.atomic():
        grants = SupportRequestUserObjectPermission.objects.select_for_update().filter(pk__in=wanted)
        found = list(grants.values_list("pk", "content_object_id", "user_id"))
        SupportRequestUserObjectPermission.objects.filter(pk__in=[pk for pk, _, _ in found]).delete()
        AccessLog.objects.bulk_create(
            [
                AccessLog(user=actor, request_id=request_id, subject_id=user_id, action=AccessLog.Action.REVOKE)
                for _, request_id, user_id in found
            ],
            batch_size=1000,
        )
    return len(found)


def group_grants_remove() -> int:
    """Request access is never granted to groups: remove any such row (an admin edit, an import). Returns how
    many rows went."""
    removed, _ = SupportRequestGroupObjectPermission.objects.all().delete()
    return removed


# --- City files shared with an expert ---------------------------------------------------------------
class ShareRefused(ValidationError):
    """The file cannot be shared with this person (the message says why, in the reader's language)."""


def attachment_share(*, attachment: Attachment, expert: User, actor: User, ip: str | None = None) -> AttachmentShare:
    """Hub staff show one city file of a request to an expert let into it: from then on the expert finds it in
    their brief and may download it (each download is in the access log, as every download is). Idempotent:
    a file already shared with the expert keeps its share.

    Restricted files are never shared: the hub releases them first. Whom to share with (an expert who accepted
    the assignment) is the page's choice; this checks that the expert may read the request at all.
    """
    request = attachment.request
    if not access.can(actor, "share_file", attachment):
        raise PermissionDenied("Only hub staff of the request's region share its files.")
    access.forget(expert)
    if not access.can(expert, "view", request) or not access.sees_brief_only(expert, request):
        raise ShareRefused(_("This person is not an expert on this request."))
    if attachment.visibility != Visibility.CITY:
        raise ShareRefused(_("Only files on the city's conversation are shared this way."))
    if attachment.sensitivity == Sensitivity.RESTRICTED:
        raise ShareRefused(_("This file is restricted: release it before sharing it."))
    with transaction.atomic():
        share, created = AttachmentShare.objects.get_or_create(
            attachment=attachment, expert=expert, revoked_at=None, defaults={"shared_by": actor}
        )
        if created:
            access_log_record(
                user=actor, request=request, action=AccessLog.Action.SHARE, attachment=attachment, subject=expert, ip=ip
            )
    access.forget(expert)
    return share


def attachment_share_revoke(*, share: AttachmentShare, actor: User, ip: str | None = None) -> AttachmentShare:
    """Stop sharing a file with an expert: from the next page they open, it is gone from their brief and its
    download answers 404. The share stays as the record. Idempotent."""
    attachment = share.attachment
    if not access.can(actor, "share_file", attachment):
        raise PermissionDenied("Only hub staff of the request's region share its files.")
    with transaction.atomic():
        revoked = AttachmentShare.objects.filter(pk=share.pk, revoked_at=None).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if revoked:
            access_log_record(
                user=actor,
                request=attachment.request,
                action=AccessLog.Action.UNSHARE,
                attachment=attachment,
                subject=share.expert,
                ip=ip,
            )
    share.refresh_from_db(fields=["revoked_at", "revoked_by"])
    access.forget(share.expert)
    return share
