"""Writes of the resource hub: a resource written, translated, given files, sent to review, published and
archived. Each checks the actor with ``helpdesk.access.can``, cleans what was typed with the one sanitiser,
refuses personal data outright (a resource is read by the whole network: no confirming it in), and appends a
``ResourceLog`` row in the same transaction.

The city's consent and the draft drawn from a closed request sit in ``resource_sources``; the peer
introductions are the lifecycle's (``workflows``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from helpdesk.access import can
from helpdesk.attachments import inspect_upload
from helpdesk.models import (
    City,
    Language,
    Region,
    Resource,
    ResourceFile,
    ResourceKind,
    ResourceLog,
    ResourceState,
    ResourceVersion,
    StrategicPriority,
    Theme,
    User,
)
from helpdesk.resource_index import resource_index_refresh
from helpdesk.sanitize import clean_text, seal
from helpdesk.screening import PersonalDataFound, screen_fields
from helpdesk.services.files import content_hash, stored_row_save
from helpdesk.services.requests import _limit, _rich
from helpdesk.services.resource_sources import resource_anonymity_check
from helpdesk.signals import resource_moved

SLUG_MAX = 60


def resource_log(
    *, resource: Resource, actor: User | None, action: str, from_state: str = "", data: dict[str, Any] | None = None
) -> ResourceLog:
    """Append what happened to ``resource`` (call it inside the change's transaction)."""
    return ResourceLog.objects.create(
        resource=resource,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=resource.state,
        data=data or {},
        created_at=timezone.now(),
    )


# Addresses the resource pages use for themselves (``/resources/new/``): never a resource's.
RESERVED_SLUGS = frozenset({"new"})


def _slug_for(title: str) -> str:
    base = slugify(title)[:SLUG_MAX].strip("-") or "resource"
    slug = base
    while slug in RESERVED_SLUGS or Resource.objects.filter(slug=slug).exists():
        slug = f"{base[: SLUG_MAX - 9]}-{uuid.uuid4().hex[:8]}"
    return slug


def _choices(values: Iterable[Any], allowed: Iterable[Any], label: Any) -> list[Any]:
    allowed = list(allowed)
    chosen = list(dict.fromkeys(values))
    if any(value not in allowed for value in chosen):
        raise ValidationError(_("Unknown %(field)s.") % {"field": label}, code="invalid")
    return chosen


def _version_texts(*, title: str, summary: str, body: str) -> tuple[str, str, str]:
    """Clean and screen one language version: plain title and summary, sanitised HTML body, no personal data."""
    title = _limit(_("Title"), clean_text(title), 200)
    summary = _limit(_("Summary"), clean_text(summary), 1000)
    body = _rich(_("Text"), body)
    if not title:
        raise ValidationError(_("Give the resource a title."), code="required")
    if not body:
        raise ValidationError(_("The text is empty."), code="required")
    findings = screen_fields({"title": title, "summary": summary, "body": body})
    if findings:
        # The whole network reads a resource: personal data is taken out, never confirmed in.
        raise PersonalDataFound(findings, confirmable=False)
    return title, summary, body


def resource_create(
    *,
    actor: User,
    kind: str,
    language: str,
    title: str,
    summary: str = "",
    body: str,
    themes: Iterable[str] = (),
    priorities: Iterable[int] = (),
    region: Region | None = None,
    city: City | None = None,
    translated_from: str = "",
) -> Resource:
    """A new draft resource with its first language version, written by ``actor``."""
    if not can(actor, "propose_resource"):
        raise PermissionDenied("This person may not write resources.")
    if kind not in ResourceKind.values or language not in Language.values:
        raise ValidationError(_("Unknown kind of resource or language."), code="invalid")
    title, summary, body = _version_texts(title=title, summary=summary, body=body)
    with transaction.atomic():
        resource = Resource.objects.create(
            slug=_slug_for(title),
            kind=kind,
            themes=_choices(themes, Theme.values, _("theme")),
            priorities=_choices(priorities, StrategicPriority.values, _("strategic priority")),
            region=region,
            city=city,
            created_by=actor,
        )
        ResourceVersion.objects.create(
            resource=resource,
            language=language,
            title=title,
            summary=summary,
            body=body,
            body_seal=seal(body),
            translated_from=translated_from if translated_from in Language.values else "",
            written_by=actor,
            written_at=timezone.now(),
        )
        resource_index_refresh(resource_ids=[resource.pk])
        resource_log(resource=resource, actor=actor, action="created", data={"language": language})
    return resource


def resource_update(
    *,
    resource: Resource,
    actor: User,
    kind: str,
    themes: Iterable[str],
    priorities: Iterable[int],
    region: Region | None,
) -> Resource:
    """Change what a resource is about (its kind, themes, priorities, hub)."""
    if not can(actor, "edit_resource", resource):
        raise PermissionDenied("This person may not edit this resource.")
    if kind not in ResourceKind.values:
        raise ValidationError(_("Unknown kind of resource."), code="invalid")
    with transaction.atomic():
        resource.kind = kind
        resource.themes = _choices(themes, Theme.values, _("theme"))
        resource.priorities = _choices(priorities, StrategicPriority.values, _("strategic priority"))
        resource.region = region
        resource.save(update_fields=["kind", "themes", "priorities", "region", "updated_at"])
        resource_log(resource=resource, actor=actor, action="described")
    return resource


def resource_version_save(
    *,
    resource: Resource,
    actor: User,
    language: str,
    title: str,
    summary: str = "",
    body: str,
    translated_from: str = "",
) -> ResourceVersion:
    """Write (or rewrite) the resource in ``language``: ``actor`` becomes who wrote or translated it, now."""
    if not can(actor, "edit_resource", resource):
        raise PermissionDenied("This person may not edit this resource.")
    if language not in Language.values:
        raise ValidationError(_("Unknown language."), code="invalid")
    title, summary, body = _version_texts(title=title, summary=summary, body=body)
    # A city that stays anonymous is not named in any version (``resource_sources``).
    resource_anonymity_check(resource=resource, texts=(title, summary, body))
    source = translated_from if translated_from in Language.values and translated_from != language else ""
    with transaction.atomic():
        version, created = ResourceVersion.objects.update_or_create(
            resource=resource,
            language=language,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "body_seal": seal(body),
                "translated_from": source,
                "written_by": actor,
                "written_at": timezone.now(),
            },
        )
        resource.save(update_fields=["updated_at"])
        resource_index_refresh(resource_ids=[resource.pk])
        action = "translated" if source else "written"
        resource_log(resource=resource, actor=actor, action=action, data={"language": language, "new": created})
    return version


def resource_file_add(*, resource: Resource, actor: User, upload: IO[bytes], language: str = "") -> ResourceFile:
    """Attach a file to the resource, checked as every attachment is (type, size, content)."""
    if not can(actor, "edit_resource", resource):
        raise PermissionDenied("This person may not edit this resource.")
    inspected = inspect_upload(
        upload, name=getattr(upload, "name", "") or "resource", size=getattr(upload, "size", None)
    )
    with transaction.atomic():
        item = ResourceFile(
            resource=resource,
            original_name=inspected.name,
            size=inspected.size,
            content_type=inspected.content_type,
            sha256=content_hash(inspected.content),
            language=language if language in Language.values else "",
            uploaded_by=actor,
        )
        stored_row_save(item, inspected)
        resource_log(resource=resource, actor=actor, action="file_added", data={"file": item.pk})
    return item


def resource_file_remove(*, resource: Resource, actor: User, item: ResourceFile) -> None:
    if not can(actor, "edit_resource", resource) or item.resource_id != resource.pk:
        raise PermissionDenied("This person may not edit this resource.")
    name, storage = item.file.name, item.file.storage
    with transaction.atomic():
        item.delete()
        resource_log(resource=resource, actor=actor, action="file_removed", data={"file": item.original_name})
        transaction.on_commit(lambda: storage.delete(name))


def _move(resource: Resource, actor: User, *, to: str, action: str, data: dict[str, Any] | None = None) -> None:
    before = resource.state
    resource.state = to
    fields = ["state", "updated_at"]
    if to == ResourceState.PUBLISHED:
        resource.published_at = timezone.now()
        resource.reviewed_by = actor
        resource.reviewed_at = resource.published_at
        fields += ["published_at", "reviewed_by", "reviewed_at"]
    resource.save(update_fields=fields)
    resource_log(resource=resource, actor=actor, action=action, from_state=before, data=data)
    # Who hears of it is the notifications app's (content-free, recorded in this transaction).
    resource_moved.send(sender=Resource, resource=resource, actor=actor, action=action)


def resource_submit(*, resource: Resource, actor: User) -> Resource:
    """Send a draft to review (someone other than its writers will decide)."""
    if not can(actor, "submit_resource", resource):
        raise PermissionDenied("This resource cannot be sent to review by this person.")
    with transaction.atomic():
        _move(resource, actor, to=ResourceState.REVIEW, action="submitted")
    return resource


def resource_return(*, resource: Resource, actor: User, reason: str) -> Resource:
    """Send a resource in review back to its writers, saying why."""
    if not can(actor, "review_resource", resource):
        raise PermissionDenied("This person may not review this resource.")
    reason = _limit(_("Reason"), clean_text(reason), 2000)
    if not reason:
        raise ValidationError(_("Say what should change."), code="required")
    with transaction.atomic():
        _move(resource, actor, to=ResourceState.DRAFT, action="returned", data={"reason": reason})
    return resource


def resource_publish(*, resource: Resource, actor: User) -> Resource:
    """Publish a resource in review: by a reviewer who did not write it, with the city's consent where needed.
    The city is named only if it chose to be."""
    if not can(actor, "publish_resource", resource):
        raise PermissionDenied("This resource cannot be published by this person now.")
    resource_anonymity_check(resource=resource)
    with transaction.atomic():
        _move(resource, actor, to=ResourceState.PUBLISHED, action="published")
    return resource


def resource_archive(*, resource: Resource, actor: User) -> Resource:
    """Take a published resource off the hub (it stays readable by its writers and the staff)."""
    if not can(actor, "archive_resource", resource):
        raise PermissionDenied("This person may not archive this resource.")
    with transaction.atomic():
        _move(resource, actor, to=ResourceState.ARCHIVED, action="archived")
    return resource
