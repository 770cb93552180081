"""Retention: personal data of ended requests is removed once ``RETENTION_DAYS`` have passed.

What goes here: every free text a person wrote about the request (title, description, summary, messages),
screening flags, budget-line labels, the links to the focal points who filed or wrote, attachment files,
guardian grants, addresses in the access log and the request's traces in the admin's history. What stays:
the anonymous facts reports need (reference, theme, kind, region, city, strategic priority, language,
urgency, dates, states, amounts, who on the hub and in the expert pool worked on it).

Apps that keep their own text about a request listen to ``helpdesk.signals.requests_anonymised`` and blank
it in the same transaction: the lifecycle its conflict declarations, decline reasons, fund justifications
and conditions, delivery reports and evaluations (``workflows.receivers``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from helpdesk.models import (
    TERMINAL_STATES,
    AccessLog,
    Attachment,
    HeldFile,
    Message,
    ResourceFile,
    SupportRequest,
    SupportRequestUserObjectPermission,
)
from helpdesk.signals import requests_anonymised

BATCH = 500
ATTACHMENT_DIR = "attachments"
RESOURCE_DIR = "resources"  # helpdesk.models.resources.resource_file_path
# How long a file chosen on a form that failed is kept for the person to come back to it.
HELD_FILE_DAYS = 3


def due_for_anonymisation(*, older_than_days: int, now: datetime | None = None) -> QuerySet[SupportRequest]:
    """Requests that ended at least ``older_than_days`` ago and still hold personal data."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    return SupportRequest.objects.filter(
        Q(closed_at__lte=cutoff) | Q(closed_at__isnull=True, updated_at__lte=cutoff),
        state__in=TERMINAL_STATES,
        anonymised_at__isnull=True,
    )


def anonymise_closed(*, older_than_days: int | None = None, now: datetime | None = None) -> int:
    """Anonymise every request due; returns how many. Safe to run any number of times."""
    now = now or timezone.now()
    days = settings.RETENTION_DAYS if older_than_days is None else older_than_days
    done = 0
    while True:
        ids = list(
            due_for_anonymisation(older_than_days=days, now=now).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return done
        _anonymise_batch(ids, now=now)
        done += len(ids)


def _anonymise_batch(ids: list[int], *, now: datetime) -> None:
    with transaction.atomic():
        # Re-check inside the transaction: another run may have taken some of them meanwhile.
        ids = list(
            SupportRequest.objects.select_for_update()
            .filter(pk__in=ids, anonymised_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            return
        files = list(Attachment.objects.filter(request_id__in=ids).values_list("file", flat=True))
        Attachment.objects.filter(request_id__in=ids).delete()
        Message.objects.filter(request_id__in=ids).update(body="", body_seal="", screening_flags=[], author=None)
        AccessLog.objects.filter(request_id__in=ids).update(ip_address=None)
        SupportRequestUserObjectPermission.objects.filter(content_object_id__in=ids).delete()
        admin_history_scrub(
            {
                SupportRequest: ids,
                Message: list(Message.objects.filter(request_id__in=ids).values_list("pk", flat=True)),
            }
        )
        SupportRequest.objects.filter(pk__in=ids).update(
            title="",
            description="",
            description_seal="",
            summary="",
            screening_flags=[],
            budget_lines=[],
            submitted_by=None,
            anonymised_at=now,
        )
        AccessLog.objects.bulk_create(
            [AccessLog(request_id=pk, action=AccessLog.Action.ANONYMISE) for pk in ids], batch_size=BATCH
        )
        requests_anonymised.send(sender=SupportRequest, request_ids=ids)
        transaction.on_commit(lambda: _delete_files(files))


def admin_history_scrub(objects: dict[type[Model], list[int]]) -> None:
    """The admin's history keeps each object's ``str()`` (a request's title) and the change message: blank
    them for ``objects`` (model → primary keys). Apps that anonymise their own rows call it too."""
    for model, object_ids in objects.items():
        if object_ids:
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in object_ids]
            ).update(object_repr=f"{model._meta.model_name} (anonymised)", change_message="")


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def orphan_files_delete(*, older_than_hours: int = 24, now: datetime | None = None) -> int:
    """Delete stored files no row points to (left by a rolled-back upload, or kept for a form nobody came back
    to within ``HELD_FILE_DAYS``): attachments and the resource hub's files; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=older_than_hours)
    now = now or timezone.now()
    # A file kept for a reply held for its sender (``keep_until``) stays until then; any other a few days.
    HeldFile.objects.filter(
        Q(keep_until__isnull=True, created_at__lt=now - timedelta(days=HELD_FILE_DAYS)) | Q(keep_until__lt=now)
    ).delete()
    known = set(Attachment.objects.values_list("file", flat=True))
    known |= set(HeldFile.objects.values_list("file", flat=True))
    known |= set(ResourceFile.objects.values_list("file", flat=True))
    deleted = 0
    for top in (ATTACHMENT_DIR, RESOURCE_DIR):
        # A bucket has no folders to test for (``exists`` would be false): a missing one lists as empty there,
        # and is an error on a disk.
        try:
            folders, _ = default_storage.listdir(top)
        except FileNotFoundError:
            continue
        for folder in folders:
            _, names = default_storage.listdir(f"{top}/{folder}")
            for name in names:
                path = f"{top}/{folder}/{name}"
                if path not in known and default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
                    deleted += 1
    return deleted
