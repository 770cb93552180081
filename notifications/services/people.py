"""The moves that change who acts for the network, told to those they concern: a city's focal point handover,
and deactivating (or reactivating) a person.

Both sit in the notifications layer because they touch the requests (``helpdesk``), their audit trail
(``workflows``), the watches and the people told (here). One transaction each; the people log's row is written
inside it, and the e-mails leave after the commit (``notifications_save`` queues them on commit). What is told is
content-free: counts and ids, never a request's title or a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import access, kept_lists
from helpdesk.models import (
    TERMINAL_STATES,
    City,
    ExpertProfile,
    Invitation,
    PeopleAction,
    PeopleLog,
    Region,
    SupportRequest,
    User,
)
from helpdesk.services.experts import expert_vetting_set
from helpdesk.services.grants import access_log_owners_cleared
from helpdesk.services.handover import HANDOVER_LINE, handover_check, handover_requests_move
from helpdesk.services.people_log import people_log_record
from notifications import events, recipients
from notifications.models import Reason, Watch
from notifications.services.recording import Delivery, notifications_save
from workflows.audit import log_append_many
from workflows.models import ExpertAssignment
from workflows.spec import Audience

MAX_REASON = 1000


@dataclass(frozen=True)
class HandoverResult:
    city: City
    former: User
    successor: User
    request_ids: list[int]
    draft_ids: list[int]
    watches: int
    kept_read_ids: list[int]
    role_dropped: bool
    log: PeopleLog


@dataclass(frozen=True)
class DeactivationResult:
    person: User
    owned_request_ids: list[int]  # open requests they followed for the hub: now without an owner
    assignment_ids: list[int]  # their proposed or accepted expert assignments: the requests' hubs were told
    invitation_ids: list[int]  # invitations they sent that still wait for an answer
    log: PeopleLog


def _watches_move(*, city: City, former: User, successor: User) -> int:
    """The former focal point's watches on the city's requests become the successor's (one each: a request the
    successor already watches keeps its watch, the former's goes). Three queries."""
    theirs = Watch.objects.filter(user=former, request__city=city)
    already = set(Watch.objects.filter(user=successor, request__city=city).values_list("request_id", flat=True))
    moved = theirs.count()
    if already:
        theirs.filter(request_id__in=already).delete()
    theirs.update(user=successor)
    return moved


def focal_point_handover(*, actor: User, city: City, former: User, successor: User, keep_read: bool) -> HandoverResult:
    """Hand ``city`` over from ``former`` to ``successor`` in one audited move: its open requests and drafts filed
    by ``former``, and their watches on its requests, pass to ``successor``; ``former`` loses the city at once
    (with ``keep_read``, they keep reading the requests they filed). Both are told, in the desk and by e-mail."""
    handover_check(actor=actor, city=city, former=former, successor=successor)
    now = timezone.now()
    with transaction.atomic():
        moved = handover_requests_move(city=city, former=former, successor=successor, keep_read=keep_read, actor=actor)
        watches = _watches_move(city=city, former=former, successor=successor)
        # One line on each submitted request's trail, written in bulk (a draft has no trail before it is sent).
        log_append_many(
            request_ids=moved.request_ids,
            transition=HANDOVER_LINE,
            actor_id=actor.pk,
            created_at=now,
            data={"former": former.pk, "successor": successor.pk},
        )
        log = people_log_record(
            actor=actor,
            action=PeopleAction.HANDOVER,
            person=former,
            city=city,
            detail={
                "former": former.pk,
                "successor": successor.pk,
                "requests": moved.request_ids,
                "drafts": moved.draft_ids,
                "watches": watches,
                "keep_read": keep_read,
                "kept_read": moved.kept_read_ids,
                "role_dropped": moved.role_dropped,
            },
        )
        data = {"city": city.pk, "requests": len(moved.request_ids), "drafts": len(moved.draft_ids)}
        deliveries = [
            Delivery(None, person, Reason.CITY, event, data)
            for person, event in ((successor, events.HANDOVER_RECEIVED), (former, events.HANDOVER_GIVEN))
            if person.pk != actor.pk
        ]
        notifications_save(deliveries=deliveries, actor=actor, now=now)
    return HandoverResult(
        city=city,
        former=former,
        successor=successor,
        request_ids=moved.request_ids,
        draft_ids=moved.draft_ids,
        watches=watches,
        kept_read_ids=moved.kept_read_ids,
        role_dropped=moved.role_dropped,
        log=log,
    )


def _reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the people log keeps it.")}, code="required")
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": MAX_REASON}}, code="max_length"
        )
    return reason


def _experts_lost_tell(*, assignments: list[ExpertAssignment], actor: User, now: datetime) -> None:
    """Tell the hub staff of each request that one of its experts was deactivated (two queries in all)."""
    requests = list({a.request_id: a.request for a in assignments}.values())
    if not requests:
        return
    told = recipients.resolve((Audience.HUB,), requests, exclude_user_id=actor.pk)
    deliveries = [
        Delivery(a.request, r.user, r.reason, events.EXPERT_DEACTIVATED, {"assignment": a.pk, "state": a.request.state})
        for a in assignments
        for r in told[a.request_id].values()
    ]
    notifications_save(deliveries=deliveries, actor=actor, now=now)


def _hub_of(person: User) -> Region | None:
    """The hub a change to ``person`` belongs to (the people log's region): theirs, or their first city's."""
    if person.region_id is not None:
        return person.region
    city = person.cities.select_related("region").order_by("pk").first()
    return city.region if city is not None else None


def person_deactivate(*, actor: User, person: User, reason: str) -> DeactivationResult:
    """Deactivate ``person``: refused from their next request on (pages and API), nothing deleted. The open
    requests they owned for the hub lose their owner; the hubs of requests where they were a proposed or engaged
    expert are told; their pending invitations are listed for whoever manages them."""
    if not access.can(actor, "manage_person", person):
        raise PermissionDenied("This person is not yours to deactivate.")
    reason = _reason_clean(reason)
    now = timezone.now()
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            raise ValidationError(_("This account is already deactivated."), code="inactive")
        person.is_active = False
        person.save(update_fields=["is_active"])
        kept_lists.person_lists_forget(person)  # no longer a colleague to give a request to or to add as watcher
        owned = SupportRequest.objects.filter(owner=person).exclude(state__in=TERMINAL_STATES)
        owned_ids = list(owned.order_by("pk").values_list("pk", flat=True))
        if owned_ids:
            SupportRequest.objects.filter(pk__in=owned_ids).update(owner=None, updated_at=now)
            access_log_owners_cleared(user=actor, request_ids=owned_ids)
        assignments = list(
            ExpertAssignment.objects.filter(expert=person, status__in=ExpertAssignment.ACTIVE)
            .select_related("request")
            .order_by("pk")
        )
        invitation_ids = list(
            Invitation.objects.filter(invited_by=person, accepted_at=None, revoked_at=None, expires_at__gt=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        log = people_log_record(
            actor=actor,
            action=PeopleAction.DEACTIVATED,
            person=person,
            region=_hub_of(person),
            detail={
                "reason": reason,
                "before": {"is_active": True},
                "after": {"is_active": False},
                "owned_requests": owned_ids,
                "assignments": [a.pk for a in assignments],
                "invitations": invitation_ids,
            },
        )
        _experts_lost_tell(assignments=assignments, actor=actor, now=now)
    return DeactivationResult(
        person=person,
        owned_request_ids=owned_ids,
        assignment_ids=[a.pk for a in assignments],
        invitation_ids=invitation_ids,
        log=log,
    )


def person_reactivate(*, actor: User, person: User, reason: str) -> PeopleLog:
    """Let ``person`` in again, with the roles and scope they had (what was reassigned stays reassigned)."""
    if not access.can(actor, "manage_person", person):
        raise PermissionDenied("This person is not yours to reactivate.")
    reason = _reason_clean(reason)
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            raise ValidationError(_("This account is already active."), code="active")
        person.is_active = True
        person.save(update_fields=["is_active"])
        kept_lists.person_lists_forget(person)
        return people_log_record(
            actor=actor,
            action=PeopleAction.REACTIVATED,
            person=person,
            region=_hub_of(person),
            detail={"reason": reason, "before": {"is_active": False}, "after": {"is_active": True}},
        )


def expert_vetting_decide(*, actor: User, profile: ExpertProfile, status: str, reason: str = "") -> ExpertProfile:
    """The management unit's vetting decision (``helpdesk.services.experts.expert_vetting_set``), told to the
    expert in the desk and by e-mail after it commits: vetted (or reinstated), hubs may propose them; suspended
    (or a nominee turned down), they are not. The reason stays on their profile page, not in the e-mail."""
    with transaction.atomic():
        decided = expert_vetting_set(profile=profile, actor=actor, status=status, reason=reason)
        event = events.EXPERT_VETTED if status == ExpertProfile.Vetting.VETTED else events.EXPERT_SUSPENDED
        if decided.user_id != actor.pk:
            delivery = Delivery(None, decided.user, Reason.EXPERT, event, {"vetting_status": status})
            notifications_save(deliveries=[delivery], actor=actor, now=timezone.now())
    return decided
