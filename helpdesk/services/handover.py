"""The domain half of a city's focal point handover: who may hand over to whom, and what moves on the desk's own
rows (the requests, the kept read access, the former focal point's city and role). The whole move, with the
watches, the audit lines and telling both people, is ``notifications.services.people.focal_point_handover``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from helpdesk import access
from helpdesk.models import TERMINAL_STATES, City, RequestState, RetainedRead, Role, SupportRequest, User

# The line a handover leaves on each moved request's audit trail (not a move: the request stays where it is).
HANDOVER_LINE = "focal_point_handover"
TRAIL_LINES: dict[str, Promise] = {
    HANDOVER_LINE: _("The city's focal point changed: the request passed to the new one")
}


@dataclass(frozen=True)
class RequestsMoved:
    request_ids: list[int]  # open, submitted: they passed to the successor
    draft_ids: list[int]  # drafts: they passed too
    kept_read_ids: list[int]  # the former focal point still reads these (the city asked)
    role_dropped: bool  # the former focal point has no city and nothing to read left


def handover_check(*, actor: User, city: City, former: User, successor: User) -> None:
    """Refuse a handover the actor may not make, or one that would leave the city's work with nobody."""
    if not access.can(actor, "handover_city", city):
        raise PermissionDenied("Only the city's hub staff and the management unit hand a city over.")
    # ``User.focal_city_ids``: the one reading of whom a person is a focal point of (their role and cities).
    if city.pk not in former.focal_city_ids:
        raise ValidationError({"former": _("This person is not a focal point of the city.")}, code="not_focal_point")
    if successor.pk == former.pk:
        raise ValidationError({"successor": _("Choose someone other than the former focal point.")}, code="same_person")
    if not (successor.is_active and city.pk in successor.focal_city_ids):
        raise ValidationError(
            {"successor": _("The new focal point must be an active focal point of the city: invite them first.")},
            code="not_focal_point",
        )


def handover_requests_move(*, city: City, former: User, successor: User, keep_read: bool, actor: User) -> RequestsMoved:
    """Move the city's open requests and drafts filed by ``former`` to ``successor`` (inside the caller's
    transaction, checks done). With ``keep_read``, ``former`` keeps reading the (non-draft) requests they filed."""
    filed = SupportRequest.objects.filter(city=city, submitted_by=former)
    open_rows = list(
        filed.exclude(state__in=TERMINAL_STATES).select_for_update().order_by("pk").values_list("pk", "state")
    )
    request_ids = [pk for pk, state in open_rows if state != RequestState.DRAFT]
    draft_ids = [pk for pk, state in open_rows if state == RequestState.DRAFT]
    kept: list[int] = []
    if keep_read:
        # Read before the transfer: what they filed, closed ones too, never a draft (it is nobody's to read yet).
        kept = list(filed.exclude(state=RequestState.DRAFT).order_by("pk").values_list("pk", flat=True))
        RetainedRead.objects.bulk_create(
            [RetainedRead(user=former, request_id=pk, granted_by=actor) for pk in kept], ignore_conflicts=True
        )
    if open_rows:
        SupportRequest.objects.filter(pk__in=[pk for pk, _state in open_rows]).update(submitted_by=successor)
    former.cities.remove(city)
    # Their role stays while they still act for another city or read what they filed (kept read access is read
    # only for focal points: ``User.retained_request_ids``).
    role_dropped = not kept and not former.cities.exists() and not former.retained_reads.exists()
    if role_dropped:
        former.groups.remove(*Group.objects.filter(name=Role.FOCAL_POINT))
    access.forget(former)
    return RequestsMoved(request_ids=request_ids, draft_ids=draft_ids, kept_read_ids=kept, role_dropped=role_dropped)
