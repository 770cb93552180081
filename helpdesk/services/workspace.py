"""Hub staff's working aids: saved views of the queue, the hub's reply templates, and giving many requests
an owner at once.

Saved views and templates are the desk's settings, not a request's record: their audit rows go to the
admin's history (``LogEntry``), where the rest of the desk's settings changes are. A change of owner is
about a request, so it goes to that request's access log, as ``request_set_owner`` writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk import access
from helpdesk.access import can
from helpdesk.models import AccessLog, ReplyTemplate, Role, SavedView, SupportRequest, User
from helpdesk.sanitize import clean_text, strip_controls
from helpdesk.selectors import reply_templates_forget, visible_requests

MAX_SAVED_VIEWS = 50  # per person, shared ones included: a row of pills, not a library
MAX_BULK = 100  # a queue page shows 25; more than this in one post is not a person's choice
TEMPLATE_MAX_CHARS = 5000


def _audit(*, actor: User, obj: models.Model, flag: int, message: str = "") -> None:
    LogEntry.objects.create(
        user_id=actor.pk,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action_flag=flag,
        change_message=message,
    )


def _works_in_hub(user: User) -> bool:
    return access.scope(user).hub_region_id is not None and not access.scope(user).steering_only


# --- Saved views ----------------------------------------------------------------------------------------
def saved_view_create(*, owner: User, name: str, query: str, shared: bool = False) -> SavedView:
    """Save the queue's filters ``query`` as ``name``; ``shared``: for every colleague of the owner's hub."""
    if not (_works_in_hub(owner) or access.is_management(owner)):
        raise PermissionDenied("Only hub staff and the management unit have a queue.")
    name = clean_text(name)
    if not name:
        raise ValidationError(_("Give the view a name."), code="required")
    if len(name) > SavedView._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError(_("The name is too long."), code="too_long")
    if len(query) > SavedView._meta.get_field("query").max_length:  # type: ignore[operator]
        raise ValidationError(_("Too many filters to save."), code="too_long")
    if shared and not _works_in_hub(owner):
        raise ValidationError(_("Only hub staff can share a view with their hub."), code="no_hub")
    with transaction.atomic():
        if SavedView.objects.filter(owner=owner).count() >= MAX_SAVED_VIEWS:
            raise ValidationError(_("You have saved as many views as the queue can show."), code="too_many")
        view = SavedView.objects.create(
            owner=owner, region_id=owner.region_id if shared else None, name=name, query=strip_controls(query)
        )
        _audit(actor=owner, obj=view, flag=ADDITION, message="shared" if shared else "personal")
    return view


def saved_view_delete(*, view: SavedView, actor: User) -> None:
    """Delete a view; only the person who saved it may."""
    if view.owner_id != actor.pk:
        raise PermissionDenied("Only the person who saved a view may delete it.")
    with transaction.atomic():
        _audit(actor=actor, obj=view, flag=DELETION)
        view.delete()


# --- Reply templates ------------------------------------------------------------------------------------
def may_manage_templates(user: User, region_id: int) -> bool:
    """Hub staff manage their own hub's templates."""
    return _works_in_hub(user) and access.scope(user).hub_region_id == region_id


def _template_text(text: str) -> str:
    text = strip_controls(text or "").strip()
    if len(text) > TEMPLATE_MAX_CHARS:
        raise ValidationError(
            _("A template is at most %(limit)d characters.") % {"limit": TEMPLATE_MAX_CHARS}, code="too_long"
        )
    return text


def reply_template_save(
    *,
    actor: User,
    title: str,
    body_en: str,
    body_fr: str,
    body_ar: str,
    template: ReplyTemplate | None = None,
) -> ReplyTemplate:
    """Create a template for the actor's hub, or change ``template`` (of the actor's hub)."""
    region_id = template.region_id if template is not None else access.scope(actor).hub_region_id
    if region_id is None or not may_manage_templates(actor, region_id):
        raise PermissionDenied("Only hub staff of the hub manage its reply templates.")
    title = clean_text(title)
    texts = {"body_en": body_en, "body_fr": body_fr, "body_ar": body_ar}
    bodies = {name: _template_text(text) for name, text in texts.items()}
    if not title:
        raise ValidationError(_("Give the template a title."), code="required")
    if not any(bodies.values()):
        raise ValidationError(_("Write the template in at least one language."), code="required")
    with transaction.atomic():
        if template is None:
            template = ReplyTemplate.objects.create(region_id=region_id, title=title, created_by=actor, **bodies)
            _audit(actor=actor, obj=template, flag=ADDITION)
        else:
            template.title = title
            for name, value in bodies.items():
                setattr(template, name, value)
            template.save(update_fields=["title", *bodies, "updated_at"])
            _audit(actor=actor, obj=template, flag=CHANGE)
        transaction.on_commit(partial(reply_templates_forget, region_id))
    return template


def reply_template_delete(*, template: ReplyTemplate, actor: User) -> None:
    if not may_manage_templates(actor, template.region_id):
        raise PermissionDenied("Only hub staff of the hub manage its reply templates.")
    with transaction.atomic():
        _audit(actor=actor, obj=template, flag=DELETION)
        template.delete()
        transaction.on_commit(partial(reply_templates_forget, template.region_id))


# --- Owners of many requests ------------------------------------------------------------------------------
@dataclass
class BulkOwnerResult:
    """What a bulk change of owner did, by reference."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # already had that owner
    refused: list[str] = field(default_factory=list)  # not visible, not the actor's to assign, or not the owner's


# What deciding "manage_owner" and the owner's eligibility read of a request (and the state, which the model
# reads as it is built).
_OWNER_COLUMNS = ("id", "reference", "state", "region_id", "city_id", "owner_id", "anonymised_at")


def _may_give(actor: User, request: SupportRequest, owner: User | None, *, owner_is_management: bool) -> bool:
    """What ``request_set_owner`` asks: the actor manages the owner, and the owner may own the request."""
    if not can(actor, "manage_owner", request):
        return False
    return owner is None or owner_is_management or access.is_hub_staff_of(owner, request)


def requests_owner_bulk_set(
    *, actor: User, references: Sequence[str], owner: User | None, ip: str | None = None
) -> BulkOwnerResult:
    """Give the requests ``references`` to ``owner`` (``None``: nobody), each one the actor may assign.

    Whatever the number of requests: one read of them (through ``visible_requests``), one update and one
    insert of their access-log rows, in one transaction. References the actor cannot see are refused like
    the others, so the answer reveals nothing about them.
    """
    wanted = list(dict.fromkeys(r.strip() for r in references if r and r.strip()))[:MAX_BULK]
    result = BulkOwnerResult()
    if not wanted:
        return result
    owner_is_management = owner is not None and access.is_management(owner)
    if owner is not None and (not owner.is_active or not (owner_is_management or Role.HUB_STAFF in owner.roles)):
        result.refused = wanted
        return result
    with transaction.atomic():
        rows = {
            r.reference: r
            for r in visible_requests(actor).filter(reference__in=wanted).select_for_update().only(*_OWNER_COLUMNS)
        }
        to_change: list[SupportRequest] = []
        for reference in wanted:
            request = rows.get(reference)
            if request is None or not _may_give(actor, request, owner, owner_is_management=owner_is_management):
                result.refused.append(reference)
            elif request.owner_id == (owner.pk if owner else None):
                result.unchanged.append(reference)
            else:
                to_change.append(request)
                result.changed.append(reference)
        if to_change:
            ids = [r.pk for r in to_change]
            SupportRequest.objects.filter(pk__in=ids).update(owner=owner, updated_at=timezone.now())
            AccessLog.objects.bulk_create(
                [
                    AccessLog(
                        request_id=pk, user=actor, action=AccessLog.Action.OWNER, subject=owner, ip_address=ip or None
                    )
                    for pk in ids
                ]
            )
    return result
