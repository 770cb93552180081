"""Requests: intake, draft edits and ownership. Text is cleaned and screened on the way in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from helpdesk import access
from helpdesk.access import can
from helpdesk.models import (
    AccessLog,
    City,
    Language,
    RequestState,
    Sensitivity,
    SupportKind,
    SupportRequest,
    Theme,
    Urgency,
    User,
)
from helpdesk.sanitize import MAX_TAGS, clean_html, clean_text, seal
from helpdesk.screening import PersonalDataFound, flags_for, screen_fields
from helpdesk.services.core import reference_allocate
from helpdesk.services.grants import access_log_record

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class OwnerRefused(ValidationError):
    """The chosen owner may not own this request (not hub staff of its region nor management)."""


class RequestNotEditable(ValidationError):
    """Only a draft can be edited; afterwards the city answers through messages and lifecycle moves."""


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


# --- Text on the way in ----------------------------------------------------------------------------
def _limit(field: StrOrPromise, text: str, limit: int | None = None) -> str:
    limit = limit or settings.TEXT_MAX_CHARS
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s is too long (%(length)d characters; at most %(limit)d).")
            % {"field": field, "length": len(text), "limit": limit},
            code="too_long",
        )
    return text


def _rich(field: StrOrPromise, text: str | None) -> str:
    raw = _limit(field, text or "", settings.TEXT_MAX_CHARS * 2)
    if raw.count("<") > MAX_TAGS:
        raise ValidationError(
            _("%(field)s has too much formatting; paste it as plain text.") % {"field": field}, code="too_complex"
        )
    return _limit(field, clean_html(raw))


def _plain(field: StrOrPromise, text: str | None, limit: int | None = None) -> str:
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
            description_seal=seal(description),
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
    offered = {
        "title": title,
        "description": description,
        "summary": summary,
        "theme": theme,
        "kind": kind,
        "strategic_priority": strategic_priority,
        "language": language,
        "urgency": urgency,
        "desired_by": desired_by,
        "funding_requested": funding_requested,
        "currency": currency,
        "sensitivity": sensitivity,
    }
    given: dict[str, object] = {name: value for name, value in offered.items() if value is not UNSET}
    if title is not UNSET:
        title = _plain(_("Title"), title, 200)
        if not title:
            raise ValidationError(_("A request needs a title."), code="required")
        given["title"] = title
    if description is not UNSET:
        description = _rich(_("Description"), description)
        given["description"] = description
        given["description_seal"] = seal(description)
    if summary is not UNSET:
        summary = _plain(_("Summary"), summary)
        given["summary"] = summary
    texts = {
        "title": request.title if title is UNSET else title,
        "description": request.description if description is UNSET else description,
        "summary": request.summary if summary is UNSET else summary,
    }
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
